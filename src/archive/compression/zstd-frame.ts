// The parts of the zstd frame format (RFC 8878) the decompressor reads itself to find frame boundaries: Node 24's
// `zlib.createZstdDecompress()` stops after the first frame and silently ignores the rest (measured), so frames are
// cut apart here and each one decoded on its own. Pure functions over a byte source addressed by absolute offset.

import { KiB } from './options.ts';

export const ZSTD_MAGIC = 0xfd2fb528;
export const SKIPPABLE_MASK = 0xfffffff0;
export const SKIPPABLE_MAGIC = 0x184d2a50;
/** RFC 8878 3.1.1.2.4: Block_Maximum_Size is min(Window_Size, 128 KiB). */
export const ZSTD_BLOCK_MAX = 128 * KiB;
/** Block_Type 1 (RLE_Block): one byte of content, whatever Block_Size says. */
const RLE_BLOCK = 1;
/** Block_Type 3 is reserved: no encoder writes it. */
export const RESERVED_BLOCK = 3;

export interface ByteSource {
  byteAt(pos: number): number;
  u32At(pos: number): number;
}

export function isSkippableMagic(magic: number): boolean {
  return (magic & SKIPPABLE_MASK) >>> 0 === SKIPPABLE_MAGIC;
}

export interface FrameHeader {
  /** Bytes from the magic number to the first block header. */
  size: number;
  /** Frame_Content_Size, or -1 when the header does not give it. */
  contentSize: number;
  /** 4 when the frame ends with a content checksum, else 0. */
  checksumBytes: number;
}

/**
 * The frame header that starts at `at` (its magic already checked), given that bytes up to `end` have arrived:
 * null while more bytes are needed, `{ damage }` for a header no encoder writes.
 */
export function readFrameHeader(input: ByteSource, at: number, end: number): FrameHeader | { damage: string } | null {
  if (end - at < 5) return null;
  const fhd = input.byteAt(at + 4);
  const fcsFlag = fhd >> 6;
  const singleSegment = (fhd >> 5) & 1;
  const didSize = [0, 1, 2, 4][fhd & 3]!;
  const fcsSize = fcsFlag === 0 ? singleSegment : 1 << fcsFlag;
  if (fhd & 0x08) return { damage: 'reserved bit set in its header' };
  // Decoders ignore the unused bit, but no encoder sets it: a set bit is damage, and must not go unnoticed.
  if (fhd & 0x10) return { damage: 'unused bit set in its header' };
  const size = 5 + (singleSegment ? 0 : 1) + didSize + fcsSize;
  if (end - at < size) return null;
  const fcsAt = at + size - fcsSize;
  let contentSize = -1;
  if (fcsSize === 1) contentSize = input.byteAt(fcsAt);
  else if (fcsSize === 2) contentSize = (input.byteAt(fcsAt) | (input.byteAt(fcsAt + 1) << 8)) + 256;
  else if (fcsSize === 4) contentSize = input.u32At(fcsAt);
  else if (fcsSize === 8) contentSize = input.u32At(fcsAt) + input.u32At(fcsAt + 4) * 2 ** 32;
  return { size, contentSize, checksumBytes: fhd & 0x04 ? 4 : 0 };
}

export interface BlockHeader {
  last: boolean;
  type: number;
  /** Block_Size as written (for an RLE block, the size of its content). */
  size: number;
  /** Compressed bytes the block occupies, its 3-byte header included. */
  span: number;
}

/** The 3-byte block header at `at` (the caller has checked that it has arrived). */
export function readBlockHeader(input: ByteSource, at: number): BlockHeader {
  const header = input.byteAt(at) | (input.byteAt(at + 1) << 8) | (input.byteAt(at + 2) << 16);
  const type = (header >> 1) & 3;
  const size = header >>> 3;
  return { last: (header & 1) === 1, type, size, span: 3 + (type === RLE_BLOCK ? 1 : size) };
}

/** Upper bound of a frame's compressed size for `n` content bytes: ZSTD_COMPRESSBOUND plus header and checksum. */
export function compressBound(n: number): number {
  return n + Math.floor(n / 256) + (n < 128 * KiB ? (128 * KiB - n) >> 11 : 0) + 64;
}
