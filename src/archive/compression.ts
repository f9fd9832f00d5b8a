// Why this file exists rather than `zlib.createZstdCompress()` piped into a file: a single zlib stream compresses
// on one core (this machine has two, and a domain controller's ntds.dit runs to gigabytes), so the compressor cuts
// the plaintext into fixed-size blocks (4 MiB by default), compresses each one on its own on the libuv threadpool
// with the async `zlib.zstdCompress` / `zlib.gzip`, and writes the results strictly in order: the output is a
// valid multi-frame zstd file or multi-member gzip file that `zstd -d`, `gzip -d` and `tar -x` read as one stream,
// like `zstd -T0`. Reading it back is the catch: Node 24's `zlib.createZstdDecompress()` stops after the FIRST
// zstd frame and silently ignores the rest (measured), so the zstd decompressor parses the frame format itself
// (RFC 8878) to find frame boundaries and decodes frame by frame (in parallel for frames of known, bounded size,
// streamed for a large or unsized frame such as `tar --zstd` writes). `zlib.createGunzip()` does read every
// member of a gzip file, so gzip is only wrapped for error reporting. zstd frames carry a content checksum only
// when `ZSTD_c_checksumFlag` is set (it is off by default), so every frame we write sets it, and its content size.
// Any damage found while reading is an Integrity AppError ARCHIVE_CORRUPT naming the compressed byte offset.

import { Transform, type TransformCallback } from 'node:stream';
import zlib from 'node:zlib';
import { AppError } from '../errors.ts';

export type CompressionType = 'zstd' | 'gzip' | 'none';

export interface CompressorOptions {
  type: CompressionType;
  /** zstd 1-19 (default 3); gzip 1-9 (default 6); ignored for 'none'. */
  level?: number;
  /** Plaintext bytes per frame / member (default 4 MiB). */
  blockSize?: number;
  /** Most blocks being compressed at once (default 3). */
  parallel?: number;
}

export const ARCHIVE_EXTENSIONS: Record<CompressionType, string> = {
  zstd: '.tar.zst',
  gzip: '.tar.gz',
  none: '.tar',
};

const KiB = 1024;
const MiB = 1024 * KiB;
const DEFAULT_BLOCK_SIZE = 4 * MiB;
const DEFAULT_PARALLEL = 3;
const DEFAULT_MAX_FRAME_BYTES = 64 * MiB;
/** zlib's output buffer size for one async call: each buffer filled costs a threadpool round trip and main-thread work (16 KiB default; 1 MiB measured ~7% faster backups than 256 KiB). */
const ZLIB_CHUNK = 1 * MiB;

const ZSTD_MAGIC = 0xfd2fb528;
const SKIPPABLE_MASK = 0xfffffff0;
const SKIPPABLE_MAGIC = 0x184d2a50;
/** RFC 8878 3.1.1.2.4: Block_Maximum_Size is min(Window_Size, 128 KiB). */
const ZSTD_BLOCK_MAX = 128 * KiB;
const EMPTY = Buffer.alloc(0);

// ---------------------------------------------------------------------------------------------------------------
// Options and errors

function invalid(message: string): AppError {
  return new AppError('InvalidRequest', 'INVALID_COMPRESSION', message);
}

function corrupt(message: string, compressedOffset: number, cause?: unknown): AppError {
  return new AppError('Integrity', 'ARCHIVE_CORRUPT', message, { details: { compressedOffset }, cause });
}

function checkType(type: unknown): CompressionType {
  if (type === 'zstd' || type === 'gzip' || type === 'none') return type;
  throw invalid(`unknown compression '${String(type)}' (expected zstd, gzip or none)`);
}

function intOption(name: string, value: number | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw invalid(`compression ${name} must be an integer from ${min} to ${max}, not ${String(value)}`);
  }
  return value;
}

function zlibMessage(err: unknown): string {
  const e = err as { message?: unknown; code?: unknown };
  const text = typeof e?.message === 'string' ? e.message : String(err);
  return typeof e?.code === 'string' && !text.includes(e.code) ? `${text} (${e.code})` : text;
}

// ---------------------------------------------------------------------------------------------------------------
// Ordered parallel jobs

interface Job {
  done: boolean;
  out: Buffer | null;
  err: Error | null;
}

/**
 * A Transform that runs up to `parallel` asynchronous jobs and pushes their results in submission order. Input is
 * accepted (the transform callback called) only while the subclass has consumed everything it was given, so the
 * number of jobs in flight, the input held and the output waiting in the readable buffer all stay bounded: a new
 * job starts only while fewer than `parallel` are in flight and the last push() did not report a full buffer.
 */
abstract class OrderedTransform extends Transform {
  protected readonly parallel: number;
  private readonly jobs: Job[] = [];
  /** The last push() returned false; cleared when the consumer asks for more (_read). */
  protected readBlocked = false;
  private heldCallback: TransformCallback | null = null;
  private flushCallback: TransformCallback | null = null;
  private pumping = false;
  private pumpAgain = false;

  constructor(parallel: number, readableHighWaterMark: number) {
    super({ readableHighWaterMark });
    this.parallel = parallel;
  }

  /** Takes a chunk of input; the subclass processes it in step(). */
  protected abstract accept(chunk: Buffer): void;
  /** Makes what progress it can; true when every accepted byte has been dealt with (more input is welcome). */
  protected abstract step(): boolean;
  /** At the end of input, after step() returned true: true once everything left has been submitted. */
  protected abstract finish(): boolean;
  /** True while some piece of work other than the jobs (a streamed frame, say) is still producing output. */
  protected busy(): boolean {
    return false;
  }

  protected canSubmit(): boolean {
    return this.jobs.length < this.parallel && !this.readBlocked;
  }

  protected hasJobs(): boolean {
    return this.jobs.length > 0;
  }

  /** Starts `run` now; its result is pushed after every earlier job's. */
  protected submit(run: (done: (err: Error | null, out?: Buffer) => void) => void): void {
    const job: Job = { done: false, out: null, err: null };
    this.jobs.push(job);
    run((err, out) => {
      job.done = true;
      job.err = err;
      job.out = out ?? null;
      this.pump();
    });
  }

  /** Queues an error so that it is raised in order, after the output of every job submitted before it. */
  protected submitError(err: Error): void {
    this.jobs.push({ done: true, out: null, err });
    this.pump();
  }

  protected pushOut(out: Buffer): void {
    if (out.length > 0 && !this.push(out)) this.readBlocked = true;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.accept(chunk);
    this.heldCallback = callback;
    this.pump();
  }

  override _flush(callback: TransformCallback): void {
    this.flushCallback = callback;
    this.pump();
  }

  override _read(size: number): void {
    this.readBlocked = false;
    super._read(size);
    this.pump();
  }

  /** The one place that moves things along; re-entrant calls (a callback that writes again) just loop. */
  protected pump(): void {
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    this.pumping = true;
    try {
      do {
        this.pumpAgain = false;
        if (this.destroyed) return;
        // Results in order.
        while (this.jobs.length > 0 && this.jobs[0]!.done) {
          const job = this.jobs.shift()!;
          if (job.err) {
            this.jobs.length = 0;
            this.destroy(job.err);
            return;
          }
          if (job.out) this.pushOut(job.out);
        }
        const consumed = this.step();
        if (this.destroyed) return;
        if (consumed && this.heldCallback) {
          const callback = this.heldCallback;
          this.heldCallback = null;
          this.pumpAgain = true;
          callback();
        } else if (consumed && this.flushCallback && this.finish() && this.jobs.length === 0 && !this.busy()) {
          const callback = this.flushCallback;
          this.flushCallback = null;
          callback();
        }
      } while (this.pumpAgain);
    } catch (err) {
      this.destroy(err as Error);
    } finally {
      this.pumping = false;
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Compressor

class BlockCompressor extends OrderedTransform {
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
          (err, out) => done(err, out),
        );
    } else {
      // Each member is framed here rather than by zlib.gzip: its header carries FHCRC, so every header byte is
      // covered by a checksum zlib verifies (MTIME, XFL and OS otherwise are not), and MTIME 0 / OS 255 make the
      // output the same on every platform.
      this.compress = (block, done) =>
        zlib.deflateRaw(block, { chunkSize: ZLIB_CHUNK, level }, (err, raw) => done(err, err ? raw : gzipMember(block, raw, level)));
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
      if (this.pendingOffset >= pending.length) this.pending = null;
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
        done(err ? new AppError('Internal', 'COMPRESSION_FAILED', `compression failed: ${zlibMessage(err)}`) : null, out);
      }),
    );
  }
}

/** One gzip member (RFC 1952) around raw deflate data: FLG = FHCRC, MTIME 0, OS 255 (unknown), header CRC16. */
function gzipMember(plain: Buffer, raw: Buffer, level: number): Buffer {
  const head = Buffer.from([0x1f, 0x8b, 8, 0x02, 0, 0, 0, 0, level === 9 ? 2 : level === 1 ? 4 : 0, 255, 0, 0]);
  head.writeUInt16LE(zlib.crc32(head.subarray(0, 10)) & 0xffff, 10);
  const tail = Buffer.alloc(8);
  tail.writeUInt32LE(zlib.crc32(plain), 0);
  tail.writeUInt32LE(plain.length >>> 0, 4);
  return Buffer.concat([head, raw, tail]);
}

/** Transform: plaintext in, compressed out (zstd frames / gzip members of `blockSize` plaintext bytes each). */
export function createCompressor(o: CompressorOptions): Transform {
  const type = checkType(o?.type);
  const blockSize = intOption('blockSize', o.blockSize, DEFAULT_BLOCK_SIZE, 4 * KiB, 512 * MiB);
  const parallel = intOption('parallel', o.parallel, DEFAULT_PARALLEL, 1, 64);
  if (type === 'none') return passThrough();
  const level =
    type === 'zstd' ? intOption('level', o.level, 3, 1, 19) : intOption('level', o.level, 6, 1, 9);
  return new BlockCompressor(type, level, blockSize, parallel);
}

function passThrough(): Transform {
  return new Transform({ transform: (chunk: Buffer, _e, callback) => callback(null, chunk) });
}

// ---------------------------------------------------------------------------------------------------------------
// zstd decompressor

/** The input not yet handed on, as a list of chunks addressed by absolute stream offset (never re-concatenated). */
class ChunkQueue {
  private chunks: Buffer[] = [];
  private starts: number[] = [];
  private head = 0;
  private cursor = 0;
  /** Absolute offset just past the last byte received. */
  end = 0;

  add(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.starts.push(this.end);
    this.end += chunk.length;
  }

  private locate(pos: number): number {
    let i = this.cursor;
    if (i < this.head || i >= this.chunks.length || pos < this.starts[i]!) i = this.head;
    while (pos >= this.starts[i]! + this.chunks[i]!.length) i++;
    this.cursor = i;
    return i;
  }

  byteAt(pos: number): number {
    const i = this.locate(pos);
    return this.chunks[i]![pos - this.starts[i]!]!;
  }

  u32At(pos: number): number {
    return (this.byteAt(pos) | (this.byteAt(pos + 1) << 8) | (this.byteAt(pos + 2) << 16) | (this.byteAt(pos + 3) << 24)) >>> 0;
  }

  /** Bytes [from, to) as views of the chunks they lie in (no copy). */
  views(from: number, to: number): Buffer[] {
    const out: Buffer[] = [];
    if (from >= to) return out;
    for (let i = this.locate(from); i < this.chunks.length && this.starts[i]! < to; i++) {
      const start = this.starts[i]!;
      const chunk = this.chunks[i]!;
      out.push(chunk.subarray(Math.max(0, from - start), Math.min(chunk.length, to - start)));
    }
    return out;
  }

  /** Bytes [from, to) as one Buffer: a view when they lie in one chunk, else one copy. */
  slice(from: number, to: number): Buffer {
    const parts = this.views(from, to);
    return parts.length === 1 ? parts[0]! : Buffer.concat(parts, to - from);
  }

  /** Forgets every chunk that lies wholly before `pos`. */
  release(pos: number): void {
    while (this.head < this.chunks.length && this.starts[this.head]! + this.chunks[this.head]!.length <= pos) {
      this.chunks[this.head] = EMPTY;
      this.head++;
    }
    if (this.head > 64 && this.head * 2 > this.chunks.length) {
      this.chunks = this.chunks.slice(this.head);
      this.starts = this.starts.slice(this.head);
      this.cursor = Math.max(0, this.cursor - this.head);
      this.head = 0;
    }
  }
}

/** Upper bound of a frame's compressed size for `n` content bytes: ZSTD_COMPRESSBOUND plus header and checksum. */
function compressBound(n: number): number {
  return n + Math.floor(n / 256) + (n < 128 * KiB ? (128 * KiB - n) >> 11 : 0) + 64;
}

type Phase = 'start' | 'header' | 'skippable' | 'blocks' | 'end' | 'failed';

class ZstdDecompressor extends OrderedTransform {
  private readonly maxFrameBytes: number;
  private readonly input = new ChunkQueue();
  private phase: Phase = 'start';
  /** Absolute offset of the frame being parsed. */
  private frameStart = 0;
  /** Parse position: the next thing to read (a block header), or the frame's end once phase is 'end'. */
  private pos = 0;
  private checksumBytes = 0;
  /** Content size from the frame header, or -1 when the header does not give it. */
  private contentSize = -1;
  private frames = 0;
  /** A frame too large (or of unknown size) to decode in one piece goes through a streaming decoder instead. */
  private stream: zlib.ZstdDecompress | null = null;
  private streamFed = 0;
  private streamFull = false;
  private streamEnded = false;

  constructor(parallel: number, maxFrameBytes: number) {
    super(parallel, 4 * MiB);
    this.maxFrameBytes = maxFrameBytes;
  }

  protected accept(chunk: Buffer): void {
    this.input.add(chunk);
  }

  protected override busy(): boolean {
    return this.stream !== null;
  }

  override _read(size: number): void {
    super._read(size);
    if (this.stream?.isPaused()) this.stream.resume();
  }

  override _destroy(err: Error | null, callback: (error?: Error | null) => void): void {
    this.stream?.destroy();
    this.stream = null;
    callback(err);
  }

  private fail(message: string, offset: number, cause?: unknown): false {
    this.phase = 'failed';
    this.submitError(corrupt(message, offset, cause));
    return false;
  }

  protected step(): boolean {
    const input = this.input;
    for (;;) {
      switch (this.phase) {
        case 'failed':
          return false; // the queued error ends the stream; take no more input meanwhile
        case 'start': {
          this.frameStart = this.pos;
          if (input.end - this.pos < 4) return true;
          const magic = input.u32At(this.pos);
          if (magic === ZSTD_MAGIC) {
            this.phase = 'header';
          } else if ((magic & SKIPPABLE_MASK) >>> 0 === SKIPPABLE_MAGIC) {
            this.phase = 'skippable';
          } else {
            return this.fail(
              `zstd data is corrupt at compressed byte offset ${this.pos}: ` +
                `expected a frame magic number, found 0x${magic.toString(16).padStart(8, '0')}` +
                (this.frames > 0 ? ` (after ${this.frames} good frame${this.frames > 1 ? 's' : ''}: trailing garbage?)` : ''),
              this.pos,
            );
          }
          break;
        }
        case 'skippable': {
          if (input.end - this.pos < 8) return true;
          const size = input.u32At(this.pos + 4);
          this.pos += 8 + size;
          this.phase = 'end';
          this.contentSize = -2; // nothing to decode
          break;
        }
        case 'header': {
          const at = this.frameStart;
          if (input.end - at < 5) return true;
          const fhd = input.byteAt(at + 4);
          const fcsFlag = fhd >> 6;
          const singleSegment = (fhd >> 5) & 1;
          const didSize = [0, 1, 2, 4][fhd & 3]!;
          const fcsSize = fcsFlag === 0 ? singleSegment : 1 << fcsFlag;
          if (fhd & 0x08) return this.fail(`zstd frame at compressed byte offset ${at} is corrupt: reserved bit set in its header`, at);
          // Decoders ignore the unused bit, but no encoder sets it: a set bit is damage, and must not go unnoticed.
          if (fhd & 0x10) return this.fail(`zstd frame at compressed byte offset ${at} is corrupt: unused bit set in its header`, at);
          const headerSize = 5 + (singleSegment ? 0 : 1) + didSize + fcsSize;
          if (input.end - at < headerSize) return true;
          const fcsAt = at + headerSize - fcsSize;
          let fcs = -1;
          if (fcsSize === 1) fcs = input.byteAt(fcsAt);
          else if (fcsSize === 2) fcs = (input.byteAt(fcsAt) | (input.byteAt(fcsAt + 1) << 8)) + 256;
          else if (fcsSize === 4) fcs = input.u32At(fcsAt);
          else if (fcsSize === 8) fcs = input.u32At(fcsAt) + input.u32At(fcsAt + 4) * 2 ** 32;
          this.contentSize = fcs;
          this.checksumBytes = fhd & 0x04 ? 4 : 0;
          this.pos = at + headerSize;
          this.phase = 'blocks';
          if (fcs < 0 || fcs > this.maxFrameBytes) {
            // Decode it as it arrives, after every earlier frame's output.
            if (this.hasJobs() || this.readBlocked) {
              this.phase = 'header';
              this.pos = at;
              return false;
            }
            this.openStream();
          }
          break;
        }
        case 'blocks': {
          if (this.stream && !this.feedStream()) return false;
          if (input.end - this.pos < 3) return true;
          const b = this.pos;
          const header = input.byteAt(b) | (input.byteAt(b + 1) << 8) | (input.byteAt(b + 2) << 16);
          const last = header & 1;
          const type = (header >> 1) & 3;
          const size = header >>> 3;
          if (type === 3) {
            return this.fail(`zstd frame at compressed byte offset ${this.frameStart} is corrupt: reserved block type at offset ${b}`, b);
          }
          if (size > ZSTD_BLOCK_MAX) {
            return this.fail(
              `zstd frame at compressed byte offset ${this.frameStart} is corrupt: block at offset ${b} claims ${size} bytes (maximum ${ZSTD_BLOCK_MAX})`,
              b,
            );
          }
          this.pos = b + 3 + (type === 1 ? 1 : size);
          if (last) {
            this.pos += this.checksumBytes;
            this.phase = 'end';
          }
          if (!this.stream && this.pos - this.frameStart > compressBound(this.contentSize)) {
            return this.fail(
              `zstd frame at compressed byte offset ${this.frameStart} is corrupt: it declares ${this.contentSize} bytes of content ` +
                `but its blocks run past ${compressBound(this.contentSize)} compressed bytes`,
              this.frameStart,
            );
          }
          break;
        }
        case 'end': {
          if (this.stream) {
            if (!this.feedStream()) return false;
            if (this.streamFed < this.pos) return true;
            if (!this.streamEnded) {
              this.streamEnded = true;
              this.stream.end();
            }
            return false; // the stream's 'end' moves us on
          }
          if (this.contentSize === -2) {
            // Skippable frame: nothing to decode; let its bytes go as they arrive.
            this.input.release(Math.min(this.pos, input.end));
            if (input.end < this.pos) return true;
            this.nextFrame();
            break;
          }
          if (input.end < this.pos) return true;
          if (!this.canSubmit()) return false;
          this.submitFrame(input.slice(this.frameStart, this.pos), this.frameStart, this.contentSize);
          this.nextFrame();
          break;
        }
      }
    }
  }

  private nextFrame(): void {
    this.frames++;
    this.input.release(this.pos);
    this.phase = 'start';
  }

  protected finish(): boolean {
    if (this.phase === 'failed') return false;
    if (this.phase === 'start' && this.input.end === this.pos) {
      if (this.frames > 0) return true;
      return this.fail('zstd data is empty: no frame at compressed byte offset 0 (truncated file?)', 0);
    }
    const where = this.phase === 'start' ? this.pos : this.frameStart;
    this.fail(
      this.phase === 'start'
        ? `zstd data is corrupt at compressed byte offset ${where}: ${this.input.end - where} stray byte(s) after the last frame`
        : `zstd data is truncated: unexpected end of input at offset ${this.input.end} inside the frame that starts at compressed byte offset ${where}`,
      where,
    );
    return false;
  }

  private submitFrame(frame: Buffer, offset: number, contentSize: number): void {
    this.submit((done) =>
      zlib.zstdDecompress(
        frame,
        { chunkSize: Math.max(64, contentSize + 1), maxOutputLength: Math.max(1, contentSize) },
        (err, out) => {
          if (err) {
            done(corrupt(`zstd frame at compressed byte offset ${offset} is corrupt: ${zlibMessage(err)}`, offset, err));
          } else if (out.length !== contentSize) {
            done(corrupt(`zstd frame at compressed byte offset ${offset} is corrupt: ${out.length} bytes decoded, its header says ${contentSize}`, offset));
          } else {
            done(null, out);
          }
        },
      ),
    );
  }

  private openStream(): void {
    const offset = this.frameStart;
    const stream = zlib.createZstdDecompress({ chunkSize: ZLIB_CHUNK });
    this.stream = stream;
    this.streamFed = offset;
    this.streamFull = false;
    this.streamEnded = false;
    stream.on('data', (out: Buffer) => {
      if (!this.push(out)) {
        this.readBlocked = true;
        stream.pause();
      }
    });
    stream.on('drain', () => {
      this.streamFull = false;
      this.pump();
    });
    stream.on('error', (err) => {
      if (this.stream !== stream) return;
      this.stream = null;
      this.phase = 'failed';
      this.destroy(corrupt(`zstd frame at compressed byte offset ${offset} is corrupt: ${zlibMessage(err)}`, offset, err));
    });
    stream.on('end', () => {
      if (this.stream !== stream) return;
      this.stream = null;
      this.nextFrame();
      this.pump();
    });
  }

  /** Hands the streaming decoder every received byte known to belong to the frame; false while it is full. */
  private feedStream(): boolean {
    const stream = this.stream!;
    if (this.streamFull) return false;
    const to = Math.min(this.pos, this.input.end);
    if (to > this.streamFed) {
      const views = this.input.views(this.streamFed, to);
      this.streamFed = to;
      for (const view of views) if (!stream.write(view)) this.streamFull = true;
      this.input.release(to);
    }
    return !this.streamFull;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// gzip decompressor: createGunzip reads every member; this only turns its errors into ARCHIVE_CORRUPT.

class GzipDecompressor extends Transform {
  private readonly gunzip = zlib.createGunzip({ chunkSize: ZLIB_CHUNK });
  private received = 0;
  private flushCallback: TransformCallback | null = null;

  constructor() {
    super({ readableHighWaterMark: 4 * MiB });
    const gunzip = this.gunzip;
    gunzip.on('data', (out: Buffer) => {
      if (!this.push(out)) gunzip.pause();
    });
    gunzip.on('error', (err) => {
      const offset = gunzip.bytesWritten;
      this.destroy(corrupt(`gzip data is corrupt near compressed byte offset ${offset}: ${zlibMessage(err)}`, offset, err));
    });
    gunzip.on('end', () => {
      const callback = this.flushCallback;
      this.flushCallback = null;
      callback?.();
    });
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.received += chunk.length;
    if (this.gunzip.write(chunk)) callback();
    else this.gunzip.once('drain', () => callback());
  }

  override _flush(callback: TransformCallback): void {
    if (this.received === 0) {
      callback(corrupt('gzip data is empty: no member at compressed byte offset 0 (truncated file?)', 0));
      return;
    }
    this.flushCallback = callback;
    this.gunzip.end();
  }

  override _read(size: number): void {
    super._read(size);
    if (this.gunzip.isPaused()) this.gunzip.resume();
  }

  override _destroy(err: Error | null, callback: (error?: Error | null) => void): void {
    this.gunzip.destroy();
    callback(err);
  }
}

/** Transform: compressed in, plaintext out; reads multi-frame zstd (ours and the CLI's) and multi-member gzip. */
export function createDecompressor(type: CompressionType, o: { parallel?: number; maxFrameBytes?: number } = {}): Transform {
  const t = checkType(type);
  const parallel = intOption('parallel', o.parallel, DEFAULT_PARALLEL, 1, 64);
  const maxFrameBytes = intOption('maxFrameBytes', o.maxFrameBytes, DEFAULT_MAX_FRAME_BYTES, 1, 1024 * MiB);
  if (t === 'none') return passThrough();
  if (t === 'gzip') return new GzipDecompressor();
  return new ZstdDecompressor(parallel, maxFrameBytes);
}

// ---------------------------------------------------------------------------------------------------------------
// Format detection

const AGE_BINARY = Buffer.from('age-encryption.org/v1\n', 'latin1');
const AGE_ARMOR = Buffer.from('-----BEGIN AGE ENCRYPTED FILE-----', 'latin1');
const USTAR = Buffer.from('ustar', 'latin1');

function startsWith(bytes: Uint8Array, prefix: Uint8Array, at = 0): boolean {
  if (bytes.length < at + prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (bytes[at + i] !== prefix[i]) return false;
  return true;
}

/** What a file is, from its first bytes (at least 262 for a plain tar): 'none' means a plain tar. */
export function detectFormat(first: Uint8Array): CompressionType | 'age' | 'unknown' {
  if (first.length >= 4) {
    const magic = (first[0]! | (first[1]! << 8) | (first[2]! << 16) | (first[3]! << 24)) >>> 0;
    // A leading skippable frame (as pzstd writes) is zstd too.
    if (magic === ZSTD_MAGIC || (magic & SKIPPABLE_MASK) >>> 0 === SKIPPABLE_MAGIC) return 'zstd';
  }
  if (first.length >= 2 && first[0] === 0x1f && first[1] === 0x8b) return 'gzip';
  if (startsWith(first, AGE_BINARY) || startsWith(first, AGE_ARMOR)) return 'age';
  if (startsWith(first, USTAR, 257)) return 'none';
  return 'unknown';
}
