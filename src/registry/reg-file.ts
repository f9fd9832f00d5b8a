// regedit 5 (.reg) files, as regedit exports them: UTF-16LE with a BOM, CRLF line ends, "Name"="string" with \ and
// " escaped, dword:0000000a, hex:.. (REG_BINARY), hex(7):.. (REG_MULTI_SZ, UTF-16LE), long hex wrapped with ",\" and
// two-space continuation lines. The reader accepts that, UTF-8 and REGEDIT4 files.
import { AppError } from '../errors.ts';
import {
  type RegChange,
  type RegValue,
  decodeMultiSz,
  encodeValue,
  fullKeyName,
  regeditHex,
  shortKeyName,
} from './values.ts';

const HEADER = 'Windows Registry Editor Version 5.00';
const LINE_LIMIT = 80;

function quote(s: string): string {
  return '"' + s.replace(/\\/g, '\\\\').replace(/"/g, '\\"') + '"';
}

/** `prefix` followed by the bytes in regedit hex, wrapped after a comma so no line passes 80 columns. */
function hexLines(prefix: string, bytes: Uint8Array): string {
  if (bytes.length === 0) return prefix;
  const tokens = regeditHex(bytes)
    .split(',')
    .map((h, i, a) => (i < a.length - 1 ? h + ',' : h));
  const lines: string[] = [];
  let line = prefix;
  for (const tok of tokens) {
    if (line.length + tok.length + 1 > LINE_LIMIT && line.endsWith(',')) {
      lines.push(line + '\\');
      line = '  ';
    }
    line += tok;
  }
  lines.push(line);
  return lines.join('\r\n');
}

function valueLine(v: RegChange): string {
  const name = v.name === '' ? '@' : quote(v.name);
  switch (v.type) {
    case 'DELETE':
      return `${name}=-`;
    case 'REG_SZ':
      // regedit writes strings with line breaks or NULs as hex(1)
      return /[\r\n\0]/.test(v.value) ? hexLines(`${name}=hex(1):`, encodeValue(v)) : `${name}=${quote(v.value)}`;
    case 'REG_DWORD':
      return `${name}=dword:${(v.value >>> 0).toString(16).padStart(8, '0')}`;
    case 'REG_BINARY':
      return hexLines(`${name}=hex:`, encodeValue(v));
    case 'REG_MULTI_SZ':
      return hexLines(`${name}=hex(7):`, encodeValue(v));
  }
}

/** The .reg text (keys in first-seen order). */
export function regFileText(values: readonly RegChange[]): string {
  const byKey = new Map<string, RegChange[]>();
  for (const v of values) byKey.set(v.key, [...(byKey.get(v.key) ?? []), v]);
  let out = HEADER + '\r\n\r\n';
  for (const [key, vs] of byKey) {
    out += `[${fullKeyName(key)}]\r\n` + vs.map((v) => valueLine(v) + '\r\n').join('') + '\r\n';
  }
  return out;
}

/** The file bytes as regedit writes them: UTF-16LE with a byte-order mark. */
export function regFileBytes(values: readonly RegChange[]): Buffer {
  return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(regFileText(values), 'utf16le')]);
}

export interface ParsedRegFile {
  values: RegValue[];
  /** Keys written as [-KEY]: to be deleted. */
  deletedKeys: string[];
  /** Values written as "Name"=-: to be deleted. */
  deletedValues: { key: string; name: string }[];
}

function invalid(message: string, line?: number): AppError {
  return new AppError('InvalidRequest', 'REG_FILE_INVALID', line === undefined ? message : `line ${line}: ${message}`);
}

function decodeText(bytes: Uint8Array): string {
  const b = Buffer.from(bytes);
  if (b[0] === 0xff && b[1] === 0xfe) return b.subarray(2).toString('utf16le');
  if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return b.subarray(3).toString('utf8');
  return b.toString('utf8');
}

/** Reads a quoted string starting at s[i] === '"'; returns the text and the index after the closing quote. */
function readQuoted(s: string, i: number, line: number): [string, number] {
  let out = '';
  for (let j = i + 1; j < s.length; j++) {
    const c = s[j]!;
    if (c === '\\') {
      const n = s[++j];
      if (n === undefined) break;
      // regedit (Wine's export, too) writes CR, LF and NUL inside strings as \r, \n, \0; every other \X is X.
      out += n === 'r' ? '\r' : n === 'n' ? '\n' : n === '0' ? '\0' : n;
    } else if (c === '"') return [out, j + 1];
    else out += c;
  }
  throw invalid('unterminated string', line);
}

function parseHex(text: string, line: number): Buffer {
  const t = text.replace(/\s+/g, '');
  if (t === '') return Buffer.alloc(0);
  if (!/^[0-9a-fA-F]{2}(,[0-9a-fA-F]{2})*,?$/.test(t)) throw invalid(`bad hex data '${text.slice(0, 40)}'`, line);
  return Buffer.from(t.replace(/,/g, ''), 'hex');
}

export function parseRegFile(bytes: Uint8Array): ParsedRegFile {
  const raw = decodeText(bytes).split(/\r?\n/);
  const first = raw[0]?.trim();
  if (first !== HEADER && first !== 'REGEDIT4') throw invalid(`not a .reg file: the first line is not "${HEADER}"`, 1);
  // Join continuation lines (a trailing backslash outside a string continues a hex value).
  const lines: { text: string; no: number }[] = [];
  for (let i = 1; i < raw.length; i++) {
    let text = raw[i]!;
    const no = i + 1;
    while (/,\\\s*$/.test(text) && i + 1 < raw.length) text = text.replace(/\\\s*$/, '') + raw[++i]!.trim();
    lines.push({ text, no });
  }
  const values: RegValue[] = [];
  const deletedKeys: string[] = [];
  const deletedValues: { key: string; name: string }[] = [];
  let key: string | null = null;
  for (const { text, no } of lines) {
    const t = text.trim();
    if (t === '' || t.startsWith(';')) continue;
    if (t.startsWith('[')) {
      if (!t.endsWith(']')) throw invalid('unterminated key', no);
      const k = t.slice(1, -1);
      if (k.startsWith('-')) {
        deletedKeys.push(shortKeyName(k.slice(1)));
        key = null;
      } else key = shortKeyName(k);
      continue;
    }
    if (key === null) throw invalid('a value outside any key', no);
    let name: string;
    let rest: string;
    if (t.startsWith('@=')) {
      name = '';
      rest = t.slice(2);
    } else if (t.startsWith('"')) {
      const [n, after] = readQuoted(t, 0, no);
      if (t[after] !== '=') throw invalid('expected = after the value name', no);
      name = n;
      rest = t.slice(after + 1);
    } else throw invalid(`cannot read '${t.slice(0, 40)}'`, no);
    if (rest.trim() === '-') deletedValues.push({ key, name });
    else values.push(parseData(key, name, rest.trim(), no));
  }
  return { values, deletedKeys, deletedValues };
}

function parseData(key: string, name: string, d: string, no: number): RegValue {
  if (d.startsWith('"')) {
    const [s, after] = readQuoted(d, 0, no);
    if (d.slice(after).trim() !== '') throw invalid('text after the string', no);
    return { key, name, type: 'REG_SZ', value: s };
  }
  const dword = /^dword:([0-9a-fA-F]{8})$/.exec(d);
  if (dword) return { key, name, type: 'REG_DWORD', value: parseInt(dword[1]!, 16) };
  const hex = /^hex(?:\(([0-9a-fA-F]+)\))?:(.*)$/.exec(d);
  if (hex) {
    const type = hex[1] === undefined ? 3 : parseInt(hex[1], 16);
    const data = parseHex(hex[2]!, no);
    if (type === 3) return { key, name, type: 'REG_BINARY', value: data.toString('hex') };
    if (type === 7) return { key, name, type: 'REG_MULTI_SZ', value: decodeMultiSz(data) };
    if (type === 1) return { key, name, type: 'REG_SZ', value: data.toString('utf16le').replace(/\0+$/, '') };
    if (type === 4 && data.length === 4) return { key, name, type: 'REG_DWORD', value: data.readUInt32LE(0) };
    throw invalid(`registry type hex(${hex[1]}) is not one this tool writes`, no);
  }
  throw invalid(`unknown value data '${d.slice(0, 40)}'`, no);
}
