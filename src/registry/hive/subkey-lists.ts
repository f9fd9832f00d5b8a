// Subkey lists. A key's subkeys are found through one list cell:
//   "li"  count (u16), then count × key node offset (u32)
//   "lf"  count (u16), then count × (key node offset, first four name characters)
//   "lh"  count (u16), then count × (key node offset, hash of the upcased name) — the form since Windows XP
//   "ri"  count (u16), then count × offset of an li/lf/lh list: an index of lists, for keys with many subkeys
// The entries are sorted by upcased name. We read all four; we write "lh" (hives 1.5 and later) or "lf" (1.3, 1.4),
// one leaf per 512 subkeys, under an "ri" when more than one leaf is needed.
import type { CellStore } from './bins.ts';
import { corrupt, hex } from './errors.ts';
import { lfHint, lhHash } from './names.ts';

const LEAF_MAX = 512;

/** The key node offsets a subkey list reaches, in stored order. */
export function readSubkeyList(store: CellStore, offset: number): number[] {
  return readList(store, offset, true);
}

function readList(store: CellStore, offset: number, allowIndex: boolean): number[] {
  const cell = store.data(offset, 'subkey list');
  if (cell.length < 4) throw corrupt(store.target, `the subkey list at ${hex(offset)} is too short`);
  const kind = cell.toString('latin1', 0, 2);
  const count = cell.readUInt16LE(2);
  const width = kind === 'lf' || kind === 'lh' ? 8 : kind === 'li' || kind === 'ri' ? 4 : 0;
  if (width === 0) throw corrupt(store.target, `the subkey list at ${hex(offset)} has an unknown signature`);
  if (4 + count * width > cell.length)
    throw corrupt(store.target, `the subkey list at ${hex(offset)} announces ${count} entries, beyond its cell`);
  const entries = Array.from({ length: count }, (_, i) => cell.readUInt32LE(4 + i * width));
  if (kind !== 'ri') return entries;
  // An index holds leaves only: an "ri" inside an "ri" is not a list Windows writes, and could loop.
  if (!allowIndex) throw corrupt(store.target, `the index list at ${hex(offset)} is nested in another index`);
  return entries.flatMap((leaf) => readList(store, leaf, false));
}

/** The cells of a subkey list (an index and its leaves), for freeing it when it is replaced. */
export function subkeyListCells(store: CellStore, offset: number): number[] {
  const cell = store.data(offset, 'subkey list');
  if (cell.toString('latin1', 0, 2) !== 'ri') return [offset];
  const count = cell.readUInt16LE(2);
  return [offset, ...Array.from({ length: count }, (_, i) => cell.readUInt32LE(4 + i * 4))];
}

export interface ListEntry {
  offset: number;
  name: string;
}

/** Writes entries (already sorted) as a new list; returns its offset. */
export function writeSubkeyList(store: CellStore, entries: readonly ListEntry[], hashed: boolean): number {
  const leaves: number[] = [];
  for (let i = 0; i < entries.length; i += LEAF_MAX)
    leaves.push(writeLeaf(store, entries.slice(i, i + LEAF_MAX), hashed));
  if (leaves.length === 1) return leaves[0]!;
  const index = store.alloc(4 + leaves.length * 4);
  const cell = store.data(index, 'subkey index');
  cell.write('ri', 0, 'latin1');
  cell.writeUInt16LE(leaves.length, 2);
  leaves.forEach((leaf, i) => cell.writeUInt32LE(leaf, 4 + i * 4));
  return index;
}

function writeLeaf(store: CellStore, entries: readonly ListEntry[], hashed: boolean): number {
  const offset = store.alloc(4 + entries.length * 8);
  const cell = store.data(offset, 'subkey list');
  cell.write(hashed ? 'lh' : 'lf', 0, 'latin1');
  cell.writeUInt16LE(entries.length, 2);
  entries.forEach((e, i) => {
    cell.writeUInt32LE(e.offset, 4 + i * 8);
    cell.writeUInt32LE(hashed ? lhHash(e.name) : lfHint(e.name), 8 + i * 8);
  });
  return offset;
}
