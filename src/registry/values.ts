// Registry values as the restore plans them, and their on-disk data bytes (what RegSetValueExW receives).
export type RegType = 'REG_SZ' | 'REG_DWORD' | 'REG_BINARY' | 'REG_MULTI_SZ';

export type RegValue =
  | { key: string; name: string; type: 'REG_SZ'; value: string }
  | { key: string; name: string; type: 'REG_DWORD'; value: number }
  | { key: string; name: string; type: 'REG_BINARY'; value: string /* lowercase hex, no separators */ }
  | { key: string; name: string; type: 'REG_MULTI_SZ'; value: string[] };

/** A value the registration removes (regedit: "Name"=-); removing an absent value is not an error. */
export interface RegDeletion {
  key: string;
  name: string;
  type: 'DELETE';
  value: null;
}

/** What a registration does to one value: set it, or remove it. */
export type RegChange = RegValue | RegDeletion;

export const isDeletion = (c: RegChange): c is RegDeletion => c.type === 'DELETE';

export const REG_TYPE_CODES: Record<RegType, number> = { REG_SZ: 1, REG_BINARY: 3, REG_DWORD: 4, REG_MULTI_SZ: 7 };

/** UTF-16LE, NUL-terminated: REG_SZ data as the registry stores it. */
export function encodeSz(s: string): Buffer {
  return Buffer.from(s + '\0', 'utf16le');
}

/** Each string NUL-terminated, then one more NUL: REG_MULTI_SZ data. */
export function encodeMultiSz(strings: readonly string[]): Buffer {
  return Buffer.from(strings.map((s) => s + '\0').join('') + '\0', 'utf16le');
}

export function decodeMultiSz(data: Uint8Array): string[] {
  const text = Buffer.from(data).toString('utf16le');
  const parts = text.split('\0');
  // "a\0b\0\0" splits into [a, b, '', '']: drop the terminator's empties
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}

/** REG_SZ (or REG_EXPAND_SZ) data as text: UTF-16LE, the terminating NUL(s) dropped. */
export function decodeSz(data: Uint8Array): string {
  return Buffer.from(data).toString('utf16le').replace(/\0+$/, '');
}

const REG_EXPAND_SZ_CODE = 2;

/**
 * A value as the registry hands it back (its type code and data bytes) in this tool's model. REG_EXPAND_SZ becomes
 * REG_SZ holding the unexpanded text (the model has no expandable string: nothing this tool writes is one); a type the
 * model lacks, or a DWORD shorter than 4 bytes, becomes REG_BINARY with the bytes in hex.
 */
export function decodeValue(key: string, name: string, typeCode: number, data: Uint8Array): RegValue {
  switch (typeCode) {
    case REG_TYPE_CODES.REG_SZ:
    case REG_EXPAND_SZ_CODE:
      return { key, name, type: 'REG_SZ', value: decodeSz(data) };
    case REG_TYPE_CODES.REG_DWORD:
      if (data.length >= 4) return { key, name, type: 'REG_DWORD', value: Buffer.from(data).readUInt32LE(0) };
      break;
    case REG_TYPE_CODES.REG_MULTI_SZ:
      return { key, name, type: 'REG_MULTI_SZ', value: decodeMultiSz(data) };
  }
  return { key, name, type: 'REG_BINARY', value: Buffer.from(data).toString('hex') };
}

export function encodeValue(v: RegValue): Buffer {
  switch (v.type) {
    case 'REG_SZ':
      return encodeSz(v.value);
    case 'REG_DWORD': {
      const b = Buffer.alloc(4);
      b.writeUInt32LE(v.value >>> 0);
      return b;
    }
    case 'REG_BINARY':
      return Buffer.from(v.value, 'hex');
    case 'REG_MULTI_SZ':
      return encodeMultiSz(v.value);
  }
}

/** regedit's hex notation: `5c,00,5c,00` (lowercase, comma-separated). */
export function regeditHex(bytes: Uint8Array): string {
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join(',');
}

/** Key path with the full hive name regedit uses. */
export function fullKeyName(key: string): string {
  return key.replace(/^HKLM(?=\\|$)/i, 'HKEY_LOCAL_MACHINE').replace(/^HKCU(?=\\|$)/i, 'HKEY_CURRENT_USER');
}

/** The short form this tool uses for keys (HKLM\\…), from either spelling. */
export function shortKeyName(key: string): string {
  return key.replace(/^HKEY_LOCAL_MACHINE(?=\\|$)/i, 'HKLM').replace(/^HKEY_CURRENT_USER(?=\\|$)/i, 'HKCU');
}
