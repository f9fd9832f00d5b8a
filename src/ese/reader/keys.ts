// Normalised keys (FORMAT.md §9.8): how ESE turns a column value into the bytes its B-trees sort by. A non-NULL
// fixed integer is a 0x7F marker byte, then the value big-endian with the sign bit flipped, so that unsigned byte
// order is numeric order (a NULL column is the single byte 0x00 and sorts first). Checked on the 2012 R2 template:
// DNT 1 is keyed 7f 80 00 00 01 in the datatable, uSNChanged 1994 is 7f 80 00 00 00 00 00 07 ca in its index.

const NON_NULL = 0x7f;

/** The key of a signed 32-bit column (JET_coltypLong), e.g. DNT_col, the datatable's primary index. */
export function longKey(n: number): Uint8Array {
  const key = new Uint8Array(5);
  key[0] = NON_NULL;
  new DataView(key.buffer).setUint32(1, (n ^ 0x80000000) >>> 0, false);
  return key;
}

/** The value of a Long key segment starting at `at`, or undefined when it is NULL or cut short. */
export function readLongKey(key: Uint8Array, at = 0): number | undefined {
  if (key.byteLength < at + 5 || key[at] !== NON_NULL) return undefined;
  return new DataView(key.buffer, key.byteOffset + at + 1, 4).getUint32(0, false) ^ 0x80000000;
}

/** The key of a signed 64-bit column (JET_coltypCurrency / LongLong: USNs). */
export function longLongKey(n: bigint): Uint8Array {
  const key = new Uint8Array(9);
  key[0] = NON_NULL;
  new DataView(key.buffer).setBigUint64(1, BigInt.asUintN(64, n) ^ (1n << 63n), false);
  return key;
}

/** The value of a signed 64-bit key segment (JET_coltypCurrency / LongLong: USNs), or undefined. */
export function readLongLongKey(key: Uint8Array, at = 0): bigint | undefined {
  if (key.byteLength < at + 9 || key[at] !== NON_NULL) return undefined;
  return BigInt.asIntN(64, new DataView(key.buffer, key.byteOffset + at + 1, 8).getBigUint64(0, false) ^ (1n << 63n));
}

export function startsWith(a: Uint8Array, prefix: Uint8Array): boolean {
  if (a.byteLength < prefix.byteLength) return false;
  for (let i = 0; i < prefix.byteLength; i++) if (a[i] !== prefix[i]) return false;
  return true;
}
