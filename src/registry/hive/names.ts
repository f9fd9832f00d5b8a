// Key and value names. A name is stored "compressed" (one byte per character, Latin-1; flag 0x0020 on a key,
// 0x0001 on a value) or as UTF-16LE. Windows compares names case-insensitively by
// upcasing each UTF-16 code unit; subkey lists are kept sorted in that order and "lh" lists carry a hash of the
// upcased name (h = h * 37 + unit, 32 bits), "lf" lists the first four characters.
import { hiveError } from './errors.ts';

export const MAX_KEY_NAME = 255;
export const MAX_VALUE_NAME = 16383;

export function decodeName(bytes: Buffer, compressed: boolean): string {
  return compressed ? bytes.toString('latin1') : bytes.toString('utf16le');
}

export function encodeName(name: string): { bytes: Buffer; compressed: boolean } {
  // Windows compresses any name whose characters all fit in a byte (Latin-1); hivex 1.3 reads such bytes as UTF-8
  // and garbles those above 0x7F. A UTF-16LE name reads the same everywhere, so only ASCII names are compressed.
  const compressed = /^[\x00-\x7f]*$/.test(name);
  return { bytes: Buffer.from(name, compressed ? 'latin1' : 'utf16le'), compressed };
}

/** One UTF-16 code unit upcased; a character whose capital is longer (ß → SS) stays as it is, as in Windows. */
function upcaseUnit(unit: number): number {
  if (unit < 0x80) return unit >= 0x61 && unit <= 0x7a ? unit - 0x20 : unit;
  const up = String.fromCharCode(unit).toUpperCase();
  return up.length === 1 ? up.charCodeAt(0) : unit;
}

export function compareNames(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = upcaseUnit(a.charCodeAt(i)) - upcaseUnit(b.charCodeAt(i));
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

export const sameName = (a: string, b: string): boolean => a.length === b.length && compareNames(a, b) === 0;

export function lhHash(name: string): number {
  let h = 0;
  for (let i = 0; i < name.length; i++) h = (Math.imul(h, 37) + upcaseUnit(name.charCodeAt(i))) >>> 0;
  return h;
}

/** The "lf" hint: the first four characters as bytes (0 for a character beyond one byte), zero-padded. */
export function lfHint(name: string): number {
  const b = Buffer.alloc(4);
  for (let i = 0; i < Math.min(4, name.length); i++) {
    const c = name.charCodeAt(i);
    b[i] = c <= 0xff ? c : 0;
  }
  return b.readUInt32LE(0);
}

/** A key path ("ControlSet001\\Services\\NTDS") as its names; empty parts, or names too long, are refused. */
export function splitKeyPath(path: string, target?: string): string[] {
  const trimmed = path.replace(/^\\+|\\+$/g, '');
  if (trimmed === '') return [];
  const parts = trimmed.split('\\');
  for (const p of parts) {
    if (p.length === 0 || p.length > MAX_KEY_NAME) {
      throw hiveError(
        'InvalidRequest',
        'HIVE_BAD_KEY_NAME',
        target,
        `key path '${path}': each name must be 1 to ${MAX_KEY_NAME} characters`,
      );
    }
  }
  return parts;
}
