// Key nodes ("nk" cells). Offsets below are into the cell data (after the 4-byte cell size):
//   0x00 "nk"   0x02 flags (0x0020 compressed name, 0x0004 hive root, 0x0008 no delete)   0x04 last written
//   0x10 parent   0x14 subkeys   0x18 volatile subkeys   0x1C subkey list   0x20 volatile subkey list
//   0x24 values   0x28 value list   0x2C security (sk)   0x30 class name   0x34 largest subkey name (bytes, low
//   16 bits; the high bits are flags)   0x38 largest class name   0x3C largest value name (bytes)
//   0x40 largest value data   0x44 work var   0x48 name length (bytes)   0x4A class name length   0x4C name
// An absent list or cell is 0xFFFFFFFF.
import type { CellStore } from './bins.ts';
import { corrupt, hex } from './errors.ts';
import { compareNames, decodeName, encodeName, sameName } from './names.ts';
import { addSecurityReference } from './security.ts';
import { type ListEntry, readSubkeyList, subkeyListCells, writeSubkeyList } from './subkey-lists.ts';

export const NONE = 0xffffffff;
const NAME_AT = 0x4c;
const COMPRESSED_NAME = 0x0020;

export const NK = {
  flags: 0x02,
  lastWritten: 0x04,
  parent: 0x10,
  subkeys: 0x14,
  subkeyList: 0x1c,
  values: 0x24,
  valueList: 0x28,
  security: 0x2c,
  largestSubkeyName: 0x34,
  largestValueName: 0x3c,
  largestValueData: 0x40,
} as const;

/** The key node cell at `offset`, its signature and name length checked. */
export function keyCell(store: CellStore, offset: number): Buffer {
  const nk = store.data(offset, 'key node');
  if (nk.length < NAME_AT || nk.toString('latin1', 0, 2) !== 'nk')
    throw corrupt(store.target, `the key node at ${hex(offset)} has no "nk" signature`);
  if (NAME_AT + nk.readUInt16LE(0x48) > nk.length)
    throw corrupt(store.target, `the key node at ${hex(offset)} has a name longer than its cell`);
  return nk;
}

// Names by key node offset: key nodes are never freed or renamed here, so a name read once stays right, and a
// key with many subkeys is not decoded again for every subkey added to it.
const names = new WeakMap<CellStore, Map<number, string>>();

export function keyName(store: CellStore, offset: number): string {
  let known = names.get(store);
  if (known === undefined) names.set(store, (known = new Map()));
  let name = known.get(offset);
  if (name === undefined) known.set(offset, (name = readKeyName(store, offset)));
  return name;
}

function readKeyName(store: CellStore, offset: number): string {
  const nk = keyCell(store, offset);
  return decodeName(
    nk.subarray(NAME_AT, NAME_AT + nk.readUInt16LE(0x48)),
    (nk.readUInt16LE(0x02) & COMPRESSED_NAME) !== 0,
  );
}

/** The subkeys of a key as (offset, name), in stored order. */
export function subkeyEntries(store: CellStore, offset: number): ListEntry[] {
  return subkeyOffsets(store, offset).map((o) => ({ offset: o, name: keyName(store, o) }));
}

/** The key node offsets of a key's subkeys, in stored order (names not read). */
function subkeyOffsets(store: CellStore, offset: number): number[] {
  const nk = keyCell(store, offset);
  const count = nk.readUInt32LE(NK.subkeys);
  if (count === 0) return [];
  const list = nk.readUInt32LE(NK.subkeyList);
  if (list === NONE) throw corrupt(store.target, `the key node at ${hex(offset)} has ${count} subkeys and no list`);
  const offsets = readSubkeyList(store, list);
  if (offsets.length !== count)
    throw corrupt(
      store.target,
      `the key node at ${hex(offset)} counts ${count} subkeys, its list holds ${offsets.length}`,
    );
  return offsets;
}

/** Binary search in the sorted list, as Windows looks up; a linear pass when that misses (an unsorted list). */
export function findSubkey(store: CellStore, offset: number, name: string): number | null {
  const offsets = subkeyOffsets(store, offset);
  for (let lo = 0, hi = offsets.length - 1; lo <= hi;) {
    const mid = (lo + hi) >> 1;
    const d = compareNames(name, keyName(store, offsets[mid]!));
    if (d === 0) return offsets[mid]!;
    if (d < 0) hi = mid - 1;
    else lo = mid + 1;
  }
  return offsets.find((o) => sameName(keyName(store, o), name)) ?? null;
}

/** Creates the subkey `name` of the key at `parent` (which has none of that name); returns its offset. */
export function createSubkey(store: CellStore, parent: number, name: string, time: bigint, hashed: boolean): number {
  const entries = subkeyEntries(store, parent);
  const oldList = keyCell(store, parent).readUInt32LE(NK.subkeyList);
  const security = keyCell(store, parent).readUInt32LE(NK.security);
  addSecurityReference(store, security);
  const child = writeKeyNode(store, parent, name, security, time);
  const hadList = entries.length > 0;
  const at = entries.findIndex((e) => compareNames(name, e.name) < 0);
  entries.splice(at < 0 ? entries.length : at, 0, { offset: child, name });
  const list = writeSubkeyList(store, entries, hashed);
  if (hadList) for (const c of subkeyListCells(store, oldList)) store.release(c);
  const nk = keyCell(store, parent);
  nk.writeUInt32LE(entries.length, NK.subkeys);
  nk.writeUInt32LE(list, NK.subkeyList);
  const largest = nk.readUInt32LE(NK.largestSubkeyName);
  if ((largest & 0xffff) < name.length * 2)
    nk.writeUInt32LE(((largest & 0xffff0000) | (name.length * 2)) >>> 0, NK.largestSubkeyName);
  nk.writeBigUInt64LE(time, NK.lastWritten);
  return child;
}

function writeKeyNode(store: CellStore, parent: number, name: string, security: number, time: bigint): number {
  const { bytes, compressed } = encodeName(name);
  const offset = store.alloc(NAME_AT + bytes.length);
  const nk = store.data(offset, 'key node');
  nk.write('nk', 0, 'latin1');
  nk.writeUInt16LE(compressed ? COMPRESSED_NAME : 0, NK.flags);
  nk.writeBigUInt64LE(time, NK.lastWritten);
  nk.writeUInt32LE(parent, NK.parent);
  for (const field of [NK.subkeyList, 0x20, NK.valueList, 0x30]) nk.writeUInt32LE(NONE, field);
  nk.writeUInt32LE(security, NK.security);
  nk.writeUInt16LE(bytes.length, 0x48);
  bytes.copy(nk, NAME_AT);
  return offset;
}
