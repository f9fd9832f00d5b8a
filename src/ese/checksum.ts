// The header checksum of every ESE header kind (db header page, log header, checkpoint, flush map): seed
// 0x89abcdef XORed with every little-endian u32 of the block except the first, which holds the checksum itself
// (checksum.cxx ChecksumOldFormat, FORMAT.md §2). It covers the whole block, not only the struct: ESE
// zero-fills the rest of a header page and would reject a page whose tail was damaged.

export const HEADER_CHECKSUM_SEED = 0x89abcdef;

export function headerChecksum(block: Uint8Array): number {
  if (block.byteLength % 4 !== 0) throw new RangeError('checksum block length must be a multiple of 4');
  let c = HEADER_CHECKSUM_SEED;
  if (block.byteOffset % 4 === 0) {
    const words = new Uint32Array(block.buffer, block.byteOffset, block.byteLength >>> 2);
    // Uint32Array is host-endian; every platform Node runs on here is little-endian, checked once below.
    for (let i = 1; i < words.length; i++) c ^= words[i]!;
  } else {
    const v = new DataView(block.buffer, block.byteOffset, block.byteLength);
    for (let o = 4; o < block.byteLength; o += 4) c ^= v.getUint32(o, true);
  }
  return c >>> 0;
}

export function storedChecksum(block: Uint8Array): number {
  return new DataView(block.buffer, block.byteOffset, 4).getUint32(0, true);
}

export function sealHeader(block: Uint8Array): void {
  new DataView(block.buffer, block.byteOffset, 4).setUint32(0, headerChecksum(block), true);
}

if (new Uint8Array(new Uint32Array([1]).buffer)[0] !== 1) throw new Error('big-endian hosts are not supported');
