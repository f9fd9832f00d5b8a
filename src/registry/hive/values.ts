// Values of a key: the key node's value list (0x24 count, 0x28 offset) is a cell of value key offsets, in no
// particular order. A value key ("vk" cell), offsets into its data:
//   0x00 "vk"   0x02 name length (0: the default value)   0x04 data size   0x08 data offset (or inline data)
//   0x0C type   0x10 flags (0x0001: name stored one byte per character)   0x14 name
import type { CellStore } from './bins.ts';
import { corrupt, hex } from './errors.ts';
import { NK, NONE, keyCell } from './keys.ts';
import { decodeName, encodeName, sameName } from './names.ts';
import { type DataRef, readData, releaseData, writeData } from './value-data.ts';

const NAME_AT = 0x14;
const COMPRESSED_NAME = 0x0001;

export interface RawValue {
  name: string;
  /** REG_* type code (1 REG_SZ, 2 REG_EXPAND_SZ, 3 REG_BINARY, 4 REG_DWORD, 7 REG_MULTI_SZ, …). */
  type: number;
  data: Buffer;
}

interface ValueKey {
  offset: number;
  name: string;
  type: number;
  ref: DataRef;
}

function valueKey(store: CellStore, offset: number): ValueKey {
  const vk = store.data(offset, 'value key');
  if (vk.length < NAME_AT || vk.toString('latin1', 0, 2) !== 'vk')
    throw corrupt(store.target, `the value key at ${hex(offset)} has no "vk" signature`);
  const nameLength = vk.readUInt16LE(0x02);
  if (NAME_AT + nameLength > vk.length)
    throw corrupt(store.target, `the value key at ${hex(offset)} has a name longer than its cell`);
  return {
    offset,
    name: decodeName(vk.subarray(NAME_AT, NAME_AT + nameLength), (vk.readUInt16LE(0x10) & COMPRESSED_NAME) !== 0),
    type: vk.readUInt32LE(0x0c),
    ref: { sizeField: vk.readUInt32LE(0x04), offsetField: vk.readUInt32LE(0x08) },
  };
}

function valueOffsets(store: CellStore, key: number): number[] {
  const nk = keyCell(store, key);
  const count = nk.readUInt32LE(NK.values);
  if (count === 0) return [];
  const list = store.data(nk.readUInt32LE(NK.valueList), 'value list');
  if (count * 4 > list.length)
    throw corrupt(store.target, `the key node at ${hex(key)} counts ${count} values beyond its value list`);
  return Array.from({ length: count }, (_, i) => list.readUInt32LE(i * 4));
}

export function readValues(store: CellStore, key: number, bigData: boolean): RawValue[] {
  return valueOffsets(store, key).map((o) => {
    const vk = valueKey(store, o);
    return { name: vk.name, type: vk.type, data: readData(store, vk.ref, bigData) };
  });
}

/** Sets (adds or replaces) a value; the old value key and data cells are freed. */
export function setValue(store: CellStore, key: number, value: RawValue, time: bigint, bigData: boolean): void {
  const offsets = valueOffsets(store, key);
  const old = offsets.findIndex((o) => sameName(valueKey(store, o).name, value.name));
  // A value set again keeps the name it has (as RegSetValueEx does when only the case differs).
  const name = old >= 0 ? valueKey(store, offsets[old]!).name : value.name;
  const ref = writeData(store, value.data, bigData);
  const vk = writeValueKey(store, { ...value, name }, ref);
  if (old >= 0) {
    releaseValue(store, offsets[old]!, bigData);
    offsets[old] = vk;
  } else offsets.push(vk);
  writeValueList(store, key, offsets);
  const nk = keyCell(store, key);
  nk.writeUInt32LE(Math.max(nk.readUInt32LE(NK.largestValueName), value.name.length * 2), NK.largestValueName);
  nk.writeUInt32LE(Math.max(nk.readUInt32LE(NK.largestValueData), value.data.length), NK.largestValueData);
  nk.writeBigUInt64LE(time, NK.lastWritten);
}

/** Deletes a value; false when the key has no value of that name. */
export function deleteValue(store: CellStore, key: number, name: string, time: bigint, bigData: boolean): boolean {
  const offsets = valueOffsets(store, key);
  const at = offsets.findIndex((o) => sameName(valueKey(store, o).name, name));
  if (at < 0) return false;
  releaseValue(store, offsets[at]!, bigData);
  offsets.splice(at, 1);
  writeValueList(store, key, offsets);
  keyCell(store, key).writeBigUInt64LE(time, NK.lastWritten);
  return true;
}

function releaseValue(store: CellStore, offset: number, bigData: boolean): void {
  releaseData(store, valueKey(store, offset).ref, bigData);
  store.release(offset);
}

function writeValueKey(store: CellStore, value: RawValue, ref: DataRef): number {
  const { bytes, compressed } = encodeName(value.name);
  const offset = store.alloc(NAME_AT + bytes.length);
  const vk = store.data(offset, 'value key');
  vk.write('vk', 0, 'latin1');
  vk.writeUInt16LE(bytes.length, 0x02);
  vk.writeUInt32LE(ref.sizeField, 0x04);
  vk.writeUInt32LE(ref.offsetField, 0x08);
  vk.writeUInt32LE(value.type, 0x0c);
  vk.writeUInt16LE(compressed ? COMPRESSED_NAME : 0, 0x10);
  bytes.copy(vk, NAME_AT);
  return offset;
}

/** Replaces the key's value list by a new cell holding `offsets` (none: no list). */
function writeValueList(store: CellStore, key: number, offsets: readonly number[]): void {
  const before = keyCell(store, key);
  const oldList = before.readUInt32LE(NK.values) > 0 ? before.readUInt32LE(NK.valueList) : NONE;
  let list = NONE;
  if (offsets.length > 0) {
    list = store.alloc(offsets.length * 4);
    const cell = store.data(list, 'value list');
    offsets.forEach((o, i) => cell.writeUInt32LE(o, i * 4));
  }
  if (oldList !== NONE) store.release(oldList);
  const nk = keyCell(store, key);
  nk.writeUInt32LE(offsets.length, NK.values);
  nk.writeUInt32LE(list, NK.valueList);
}
