// Shadowed headers (database header pages, checkpoint): a primary copy at offset 0 and a shadow at offset
// `blockSize`. The election follows ESE (fileu.cxx, FORMAT.md §3.1): for each candidate block size, a copy
// is good when its checksum matches (and the caller's own test passes); primary wins when good, else the shadow.
import { headerChecksum, storedChecksum } from './checksum.ts';

export interface CopyCheck {
  offset: number;
  present: boolean;
  storedChecksum: number | null;
  computedChecksum: number | null;
  good: boolean;
}

export interface Election {
  blockSize: number;
  elected: 'primary' | 'shadow';
  primary: CopyCheck;
  shadow: CopyCheck;
  /** Both copies good and byte-identical, as writers always leave them. */
  identical: boolean;
}

export function checkCopy(
  buf: Uint8Array,
  offset: number,
  size: number,
  accept: (block: Uint8Array) => boolean,
): CopyCheck {
  if (offset + size > buf.byteLength) {
    return { offset, present: false, storedChecksum: null, computedChecksum: null, good: false };
  }
  const block = buf.subarray(offset, offset + size);
  const stored = storedChecksum(block);
  const computed = headerChecksum(block);
  return {
    offset,
    present: true,
    storedChecksum: stored,
    computedChecksum: computed,
    good: stored === computed && accept(block),
  };
}

export function elect(
  buf: Uint8Array,
  candidates: readonly number[],
  accept: (block: Uint8Array, size: number) => boolean,
): Election | null {
  for (const size of candidates) {
    const primary = checkCopy(buf, 0, size, (b) => accept(b, size));
    const shadow = checkCopy(buf, size, size, (b) => accept(b, size));
    if (!primary.good && !shadow.good) continue;
    const identical =
      primary.good && shadow.good && Buffer.compare(buf.subarray(0, size), buf.subarray(size, 2 * size)) === 0;
    return { blockSize: size, elected: primary.good ? 'primary' : 'shadow', primary, shadow, identical };
  }
  return null;
}
