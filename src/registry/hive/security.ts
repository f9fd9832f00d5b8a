// Key security ("sk") cells: a self-relative security descriptor shared by every key that points at it, with a
// reference count (data offset 0x0C) of those keys, and flink/blink (0x04/0x08) linking all sk cells in a ring.
// A key created here shares its parent's descriptor, as Windows does for an inherited one, so the count goes up
// by one; a count that no longer matches makes Windows' hive check repair or reject the hive.
import type { CellStore } from './bins.ts';
import { corrupt, hex } from './errors.ts';

const REFERENCE_COUNT = 0x0c;

function securityCell(store: CellStore, offset: number): Buffer {
  const sk = store.data(offset, 'security cell');
  if (sk.length < 0x14 || sk.toString('latin1', 0, 2) !== 'sk')
    throw corrupt(store.target, `the security cell at ${hex(offset)} has no "sk" signature`);
  return sk;
}

export function securityReferences(store: CellStore, offset: number): number {
  return securityCell(store, offset).readUInt32LE(REFERENCE_COUNT);
}

/** One more key uses the descriptor at `offset`. */
export function addSecurityReference(store: CellStore, offset: number): void {
  const sk = securityCell(store, offset);
  const count = sk.readUInt32LE(REFERENCE_COUNT);
  if (count === 0xffffffff)
    throw corrupt(store.target, `the security cell at ${hex(offset)} has a full reference count`);
  sk.writeUInt32LE(count + 1, REFERENCE_COUNT);
}
