// Why blocks rather than `zlib.createZstdCompress()` piped into a file: a single zlib stream compresses on one core
// (a domain controller's ntds.dit runs to gigabytes), so the plaintext is cut into fixed-size blocks (2 MiB by
// default), each compressed on its own on the libuv threadpool with the async `zlib.zstdCompress` /
// `zlib.deflateRaw`, and the results are written strictly in order: the output is a valid multi-frame zstd file or
// multi-member gzip file that `zstd -d`, `gzip -d` and `tar -x` read as one stream, like `zstd -T0`. zstd frames
// carry a content checksum only when `ZSTD_c_checksumFlag` is set (it is off by default), so every frame we write
// sets it, and its content size.

import zlib from 'node:zlib';
import { AppError } from '../../errors.ts';
import { readBuffers } from '../../buffer-pool.ts';
import { adopt } from '../../owned-buffer.ts';
import { zlibMessage } from './errors.ts';
import { gzipMember } from './gzip-member.ts';
import { EMPTY, ZLIB_CHUNK } from './options.ts';
import { OrderedTransform } from './ordered-transform.ts';

export class BlockCompressor extends OrderedTransform {
  private readonly blockSize: number;
  private readonly compress: (block: Buffer, done: (err: Error | null, out?: Buffer) => void) => void;
  private block: Buffer | null = null;
  /** Blocks whose compression has finished, for reuse: input memory stays at (parallel + 1) blocks, no GC churn. */
  private readonly spare: Buffer[] = [];
  private fill = 0;
  private pending: Buffer | null = null;
  private pendingOffset = 0;
  private submitted = 0;

  constructor(type: 'zstd' | 'gzip', level: number, blockSize: number, parallel: number) {
    super(parallel, blockSize);
    this.blockSize = blockSize;
    if (type === 'zstd') {
      this.compress = (block, done) =>
        zlib.zstdCompress(
          block,
          {
            chunkSize: ZLIB_CHUNK,
            pledgedSrcSize: block.length, // the frame header then records the content size
            params: {
              [zlib.constants.ZSTD_c_compressionLevel]: level,
              [zlib.constants.ZSTD_c_checksumFlag]: 1,
              [zlib.constants.ZSTD_c_contentSizeFlag]: 1,
            },
          },
          (err, out) => {
            // zlib's own output buffer for this call (ZLIB_CHUNK, partly filled) or its join of several: the
            // archive writer frees it once written.
            if (!err) adopt(out, ZLIB_CHUNK);
            done(err, out);
          },
        );
    } else {
      // Each member is framed here rather than by zlib.gzip: its header carries FHCRC, so every header byte is
      // covered by a checksum zlib verifies (MTIME, XFL and OS otherwise are not), and MTIME 0 / OS 255 make the
      // output the same on every platform.
      this.compress = (block, done) =>
        zlib.deflateRaw(block, { chunkSize: ZLIB_CHUNK, level }, (err, raw) =>
          done(err, err ? raw : gzipMember(block, raw, level)),
        );
    }
  }

  protected accept(chunk: Buffer): void {
    this.pending = chunk;
    this.pendingOffset = 0;
  }

  protected step(): boolean {
    for (;;) {
      if (this.fill === this.blockSize) {
        if (!this.canSubmit()) return false;
        this.submitBlock();
      }
      const pending = this.pending;
      if (!pending) return true;
      this.block ??= this.spare.pop() ?? Buffer.allocUnsafeSlow(this.blockSize);
      const n = pending.copy(this.block, this.fill, this.pendingOffset);
      this.fill += n;
      this.pendingOffset += n;
      if (this.pendingOffset >= pending.length) {
        this.pending = null;
        // Copied into the block: the last reader of a pooled read buffer (nothing reads a chunk after compression).
        readBuffers.giveBack(pending);
      }
    }
  }

  protected finish(): boolean {
    // An empty input still becomes one (empty) frame, so that the output is a valid compressed file.
    if (this.fill > 0 || this.submitted === 0) {
      if (!this.canSubmit()) return false;
      this.submitBlock();
    }
    return true;
  }

  private submitBlock(): void {
    const whole = this.block;
    const block = (whole ?? EMPTY).subarray(0, this.fill);
    this.block = null;
    this.fill = 0;
    this.submitted++;
    this.submit((done) =>
      this.compress(block, (err, out) => {
        // zlib has read all of the block by the time it calls back.
        if (!err && whole && this.spare.length <= this.parallel) this.spare.push(whole);
        done(
          err ? new AppError('Internal', 'COMPRESSION_FAILED', `compression failed: ${zlibMessage(err)}`) : null,
          out,
        );
      }),
    );
  }
}
