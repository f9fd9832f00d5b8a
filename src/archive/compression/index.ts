// The archive's compression: `createCompressor` writes multi-frame zstd or multi-member gzip in parallel blocks
// (block-compressor.ts), `createDecompressor` reads them back, ours and the stock tools' (zstd-decompressor.ts,
// gunzip.ts); both sit on an ordered job scheduler (ordered-transform.ts). Any damage found while reading is an
// Integrity AppError ARCHIVE_CORRUPT naming the compressed byte offset.

import { Transform } from 'node:stream';
import { BlockCompressor } from './block-compressor.ts';
import { GzipDecompressor } from './gunzip.ts';
import {
  type CompressionType,
  type CompressorOptions,
  DEFAULT_BLOCK_SIZE,
  DEFAULT_MAX_FRAME_BYTES,
  DEFAULT_PARALLEL,
  KiB,
  MiB,
  checkType,
  intOption,
} from './options.ts';
import { ZstdDecompressor } from './zstd-decompressor.ts';

export { ARCHIVE_EXTENSIONS, type CompressionType, type CompressorOptions } from './options.ts';

/** Transform: plaintext in, compressed out (zstd frames / gzip members of `blockSize` plaintext bytes each). */
export function createCompressor(o: CompressorOptions): Transform {
  const type = checkType(o?.type);
  const blockSize = intOption('blockSize', o.blockSize, DEFAULT_BLOCK_SIZE, 4 * KiB, 512 * MiB);
  const parallel = intOption('parallel', o.parallel, DEFAULT_PARALLEL, 1, 64);
  if (type === 'none') return passThrough();
  const level = type === 'zstd' ? intOption('level', o.level, 3, 1, 19) : intOption('level', o.level, 6, 1, 9);
  return new BlockCompressor(type, level, blockSize, parallel);
}

function passThrough(): Transform {
  return new Transform({ transform: (chunk: Buffer, _e, callback) => callback(null, chunk) });
}

/** Transform: compressed in, plaintext out; reads multi-frame zstd (ours and the CLI's) and multi-member gzip. */
export function createDecompressor(
  type: CompressionType,
  o: { parallel?: number; maxFrameBytes?: number } = {},
): Transform {
  const t = checkType(type);
  const parallel = intOption('parallel', o.parallel, DEFAULT_PARALLEL, 1, 64);
  const maxFrameBytes = intOption('maxFrameBytes', o.maxFrameBytes, DEFAULT_MAX_FRAME_BYTES, 1, 1024 * MiB);
  if (t === 'none') return passThrough();
  if (t === 'gzip') return new GzipDecompressor();
  return new ZstdDecompressor(parallel, maxFrameBytes);
}
