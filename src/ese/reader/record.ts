// Splits a leaf record into its columns (FORMAT.md §9.5). A record starts with the last fixed column id (u8), the
// last variable column id (u8) and the offset of the variable-column offset array (u16). Fixed columns (ids 1-127)
// follow in id order at their catalog sizes, then a bitmap with a set bit per NULL fixed column. Variable columns
// (ids 128-255) have one u16 end offset each (0x8000: NULL). Tagged columns (ids ≥ 256) come last as a directory
// of (id u16, offset u16) pairs, each value optionally led by a flag byte.
import type { Findings } from './findings.ts';

export interface RawValue {
  bytes: Uint8Array;
  /** The bytes are a long-value id: the value lives in the table's long-value tree. */
  separated?: boolean;
  /** The value is ESE-compressed (7-bit or Xpress). */
  compressed?: boolean;
}

export interface RawColumn {
  id: number;
  values: RawValue[];
}

/** Tagged value flag byte (ESE's TAGFLD header). */
export const TAGGED_FLAG = {
  longValue: 0x01,
  compressed: 0x02,
  separated: 0x04,
  multiValues: 0x08,
  twoValues: 0x10,
  null: 0x20,
} as const;

export interface RecordLayout {
  /** Byte size of fixed column `id`, or undefined when the catalog lacks it. */
  fixedSize(id: number): number | undefined;
  /** Large pages (16/32 KiB) use 15-bit tagged offsets and always carry the flag byte. */
  largePage: boolean;
}

export function splitRecord(rec: Uint8Array, layout: RecordLayout, findings: Findings, pgno: number): RawColumn[] {
  const bad = (message: string): RawColumn[] => {
    findings.add({ code: 'bad-record', message, pgno });
    return out;
  };
  const out: RawColumn[] = [];
  if (rec.byteLength < 4) return bad(`record of ${rec.byteLength} bytes`);
  const v = new DataView(rec.buffer, rec.byteOffset, rec.byteLength);
  const lastFixed = rec[0]!;
  const lastVar = rec[1]!;
  const varOffset = v.getUint16(2, true);
  if (varOffset > rec.byteLength) return bad(`variable offset ${varOffset} past the record end`);
  if (!fixedColumns(rec, lastFixed, varOffset, layout, out)) return bad('fixed columns do not fit the record');
  const varCount = lastVar >= 128 ? lastVar - 127 : 0;
  const varData = varOffset + 2 * varCount;
  if (varData > rec.byteLength) return bad('variable offset array past the record end');
  let start = 0;
  for (let i = 0; i < varCount; i++) {
    const word = v.getUint16(varOffset + 2 * i, true);
    const end = word & 0x7fff;
    if (end < start || varData + end > rec.byteLength) return bad(`variable column ${128 + i} runs past the record`);
    if (!(word & 0x8000)) out.push({ id: 128 + i, values: [{ bytes: rec.subarray(varData + start, varData + end) }] });
    start = end;
  }
  if (!taggedColumns(rec.subarray(varData + start), layout.largePage, out)) return bad('tagged directory damaged');
  return out;
}

function fixedColumns(rec: Uint8Array, lastFixed: number, end: number, layout: RecordLayout, out: RawColumn[]) {
  const sizes: number[] = [];
  let total = 4;
  for (let id = 1; id <= lastFixed; id++) {
    const size = layout.fixedSize(id);
    if (size === undefined) return false;
    sizes.push(size);
    total += size;
  }
  const bitmap = total;
  if (bitmap + Math.ceil(lastFixed / 8) > end) return false;
  let at = 4;
  for (let id = 1; id <= lastFixed; id++) {
    const size = sizes[id - 1]!;
    const isNull = (rec[bitmap + ((id - 1) >>> 3)]! >>> ((id - 1) & 7)) & 1;
    if (!isNull) out.push({ id, values: [{ bytes: rec.subarray(at, at + size) }] });
    at += size;
  }
  return true;
}

function taggedColumns(area: Uint8Array, largePage: boolean, out: RawColumn[]): boolean {
  if (area.byteLength === 0) return true;
  if (area.byteLength < 4) return false;
  const v = new DataView(area.buffer, area.byteOffset, area.byteLength);
  const mask = largePage ? 0x7fff : 0x3fff;
  const firstOffset = v.getUint16(2, true) & mask;
  const count = firstOffset / 4;
  if (!Number.isInteger(count) || firstOffset > area.byteLength) return false;
  for (let i = 0; i < count; i++) {
    const id = v.getUint16(4 * i, true);
    const word = v.getUint16(4 * i + 2, true);
    const from = word & mask;
    const to = i + 1 < count ? v.getUint16(4 * i + 6, true) & mask : area.byteLength;
    if (from > to || to > area.byteLength) return false;
    const hasFlags = largePage || (word & 0x4000) !== 0;
    const values = taggedValues(area.subarray(from, to), hasFlags);
    if (values === null) return false;
    if (values.length > 0) out.push({ id, values });
  }
  return true;
}

function taggedValues(data: Uint8Array, hasFlags: boolean): RawValue[] | null {
  if (!hasFlags || data.byteLength === 0) return [{ bytes: data }];
  const flags = data[0]!;
  const body = data.subarray(1);
  const compressed = (flags & TAGGED_FLAG.compressed) !== 0;
  const one = (bytes: Uint8Array, separated: boolean): RawValue => ({
    bytes,
    ...(separated ? { separated } : {}),
    ...(compressed ? { compressed } : {}),
  });
  if (flags & TAGGED_FLAG.null) return [];
  if (flags & TAGGED_FLAG.twoValues) {
    if (body.byteLength < 1 || 1 + body[0]! > body.byteLength) return null;
    return [one(body.subarray(1, 1 + body[0]!), false), one(body.subarray(1 + body[0]!), false)];
  }
  if (flags & TAGGED_FLAG.multiValues) return multiValues(body, one);
  return [one(body, (flags & TAGGED_FLAG.separated) !== 0)];
}

/** A u16 offset per value (0x8000: that value is separated); the first offset also gives the count. */
function multiValues(body: Uint8Array, one: (b: Uint8Array, sep: boolean) => RawValue): RawValue[] | null {
  if (body.byteLength < 2) return null;
  const v = new DataView(body.buffer, body.byteOffset, body.byteLength);
  const count = (v.getUint16(0, true) & 0x7fff) / 2;
  if (!Number.isInteger(count) || 2 * count > body.byteLength) return null;
  const values: RawValue[] = [];
  for (let i = 0; i < count; i++) {
    const word = v.getUint16(2 * i, true);
    const from = word & 0x7fff;
    const to = i + 1 < count ? v.getUint16(2 * i + 2, true) & 0x7fff : body.byteLength;
    if (from > to || to > body.byteLength) return null;
    values.push(one(body.subarray(from, to), (word & 0x8000) !== 0));
  }
  return values;
}
