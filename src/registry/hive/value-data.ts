// Value data cells. A value key's data lives in one of three places (offsets into the "vk" cell data):
//   0x04 data size: with the high bit set, the data (at most 4 bytes) is kept in the 0x08 field itself;
//   else 0x08 is the offset of a cell holding the data, or, for more than 16344 bytes in a hive of format 1.4 or
//   later, of a "db" cell: 0x02 segment count (u16), 0x04 offset of a list of segment cells, each segment holding up
//   to 16344 bytes of the data in order. Older hives keep big data in one cell.
import type { CellStore } from './bins.ts';
import { corrupt, hex } from './errors.ts';

export const SEGMENT_MAX = 16344;
const INLINE = 0x80000000;

export interface DataRef {
  /** The 0x04 field: size, high bit set for inline data. */
  sizeField: number;
  /** The 0x08 field: inline bytes or a cell offset. */
  offsetField: number;
}

export function readData(store: CellStore, ref: DataRef, bigDataFormat: boolean): Buffer {
  if ((ref.sizeField & INLINE) !== 0) {
    const length = ref.sizeField & ~INLINE;
    if (length > 4) throw corrupt(store.target, `inline value data of ${length} bytes (at most 4 fit)`);
    const b = Buffer.alloc(4);
    b.writeUInt32LE(ref.offsetField);
    return b.subarray(0, length);
  }
  const length = ref.sizeField;
  if (length === 0) return Buffer.alloc(0);
  const cell = store.data(ref.offsetField, 'value data');
  if (bigDataFormat && length > SEGMENT_MAX && cell.toString('latin1', 0, 2) === 'db')
    return readBigData(store, ref.offsetField, length);
  if (length > cell.length)
    throw corrupt(store.target, `value data of ${length} bytes in a cell of ${cell.length} at ${hex(ref.offsetField)}`);
  return Buffer.from(cell.subarray(0, length));
}

function bigDataSegments(store: CellStore, offset: number): number[] {
  const db = store.data(offset, 'big data');
  if (db.length < 8) throw corrupt(store.target, `the big data cell at ${hex(offset)} is too short`);
  const count = db.readUInt16LE(2);
  const list = store.data(db.readUInt32LE(4), 'big data segment list');
  if (count * 4 > list.length)
    throw corrupt(store.target, `the big data cell at ${hex(offset)} lists ${count} segments beyond its list`);
  return Array.from({ length: count }, (_, i) => list.readUInt32LE(i * 4));
}

function readBigData(store: CellStore, offset: number, length: number): Buffer {
  const parts: Buffer[] = [];
  let left = length;
  for (const segment of bigDataSegments(store, offset)) {
    if (left === 0) break;
    const cell = store.data(segment, 'big data segment');
    const take = Math.min(left, SEGMENT_MAX);
    if (take > cell.length) throw corrupt(store.target, `the big data segment at ${hex(segment)} is too short`);
    parts.push(cell.subarray(0, take));
    left -= take;
  }
  if (left > 0) throw corrupt(store.target, `the big data at ${hex(offset)} holds less than its ${length} bytes`);
  return Buffer.concat(parts);
}

/** Stores data; returns the two vk fields that point at it. */
export function writeData(store: CellStore, data: Uint8Array, bigDataFormat: boolean): DataRef {
  if (data.length <= 4) {
    const b = Buffer.alloc(4);
    Buffer.from(data).copy(b);
    return { sizeField: (INLINE | data.length) >>> 0, offsetField: b.readUInt32LE(0) };
  }
  if (bigDataFormat && data.length > SEGMENT_MAX)
    return { sizeField: data.length, offsetField: writeBigData(store, data) };
  const offset = store.alloc(data.length);
  Buffer.from(data).copy(store.data(offset, 'value data'));
  return { sizeField: data.length, offsetField: offset };
}

function writeBigData(store: CellStore, data: Uint8Array): number {
  const segments: number[] = [];
  for (let at = 0; at < data.length; at += SEGMENT_MAX) {
    const chunk = data.subarray(at, Math.min(at + SEGMENT_MAX, data.length));
    // Four spare bytes: hivex 1.3 takes a segment's length as its cell size less 8 (a full segment, 16344 bytes,
    // fits a 16352-byte cell exactly); a last segment cut to its length would lose up to 4 bytes there.
    const offset = store.alloc(chunk.length + 4);
    Buffer.from(chunk).copy(store.data(offset, 'big data segment'));
    segments.push(offset);
  }
  const list = store.alloc(segments.length * 4);
  const listCell = store.data(list, 'big data segment list');
  segments.forEach((s, i) => listCell.writeUInt32LE(s, i * 4));
  const db = store.alloc(8);
  const dbCell = store.data(db, 'big data');
  dbCell.write('db', 0, 'latin1');
  dbCell.writeUInt16LE(segments.length, 2);
  dbCell.writeUInt32LE(list, 4);
  return db;
}

/** Frees the cells holding a value's data. */
export function releaseData(store: CellStore, ref: DataRef, bigDataFormat: boolean): void {
  if ((ref.sizeField & INLINE) !== 0 || ref.sizeField === 0) return;
  const cell = store.data(ref.offsetField, 'value data');
  if (bigDataFormat && ref.sizeField > SEGMENT_MAX && cell.toString('latin1', 0, 2) === 'db') {
    const segments = bigDataSegments(store, ref.offsetField);
    const list = cell.readUInt32LE(4);
    for (const s of segments) store.release(s);
    store.release(list);
  }
  store.release(ref.offsetField);
}
