// zstd reading: the frame boundaries are found here (zstd-frame.ts) because Node's streaming decoder stops after
// the first frame. A frame of known, bounded size is decoded in one piece on the threadpool, several in parallel,
// results in order; a large or unsized frame (as `tar --zstd` writes) goes through a streaming decoder as it
// arrives, after every earlier frame's output. Skippable frames are passed over.

import zlib from 'node:zlib';
import { ChunkQueue } from './chunk-queue.ts';
import { corrupt, zlibMessage } from './errors.ts';
import { MiB, ZLIB_CHUNK } from './options.ts';
import { OrderedTransform } from './ordered-transform.ts';
import { adopt, adoptPooled, release, retain } from '../../owned-buffer.ts';
import { BufferPool } from '../../buffer-pool.ts';
import {
  RESERVED_BLOCK,
  ZSTD_BLOCK_MAX,
  ZSTD_MAGIC,
  compressBound,
  isSkippableMagic,
  readBlockHeader,
  readFrameHeader,
} from './zstd-frame.ts';

type Phase = 'start' | 'header' | 'skippable' | 'blocks' | 'end' | 'failed';
/** What one phase step achieved: 'input' = every byte received is dealt with (more is welcome); 'wait' = blocked
 * until a job, the streaming decoder or the reader moves; 'next' = progress made, run the next phase step. */
type Outcome = 'input' | 'wait' | 'next';
/** Copy buffers kept for reuse: one per frame decoding at once is enough. */
const SPARE_COPIES = 4;
/** Output buffers kept for reuse: the frames decoding at once, the one waiting, the one being read, and a spare. */
const SPARE_OUTPUTS = 6;
/** contentSize of a skippable frame: nothing to decode. */
const SKIPPED = -2;

export class ZstdDecompressor extends OrderedTransform {
  private readonly maxFrameBytes: number;
  private readonly input = new ChunkQueue();
  private phase: Phase = 'start';
  /** Absolute offset of the frame being parsed. */
  private frameStart = 0;
  /** Parse position: the next thing to read (a block header), or the frame's end once phase is 'end'. */
  private pos = 0;
  private checksumBytes = 0;
  /** Content size from the frame header, -1 when the header does not give it, SKIPPED for a skippable frame. */
  private contentSize = -1;
  private frames = 0;
  /** Buffers for copies of frames spanning chunks, and for decoded frames (owned-buffer.ts gives them back). */
  private readonly copies = new BufferPool(MiB, SPARE_COPIES);
  private readonly outputs = new BufferPool(MiB, SPARE_OUTPUTS);
  /** A frame too large (or of unknown size) to decode in one piece goes through a streaming decoder instead. */
  private stream: zlib.ZstdDecompress | null = null;
  private streamFed = 0;
  private streamFull = false;
  private streamEnded = false;

  constructor(parallel: number, maxFrameBytes: number) {
    // One decoded frame (2 MiB as we write them) waits to be read, handed on as it is: no join per read.
    super(parallel, { chunks: 1 });
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

  private fail(message: string, offset: number, cause?: unknown): 'wait' {
    this.phase = 'failed';
    this.submitError(corrupt(message, offset, cause));
    return 'wait';
  }

  private frameDamage(what: string, offset: number): 'wait' {
    return this.fail(`zstd frame at compressed byte offset ${this.frameStart} is corrupt: ${what}`, offset);
  }

  protected step(): boolean {
    for (;;) {
      const outcome = this.stepPhase();
      if (outcome !== 'next') return outcome === 'input';
    }
  }

  private stepPhase(): Outcome {
    switch (this.phase) {
      case 'failed':
        return 'wait'; // the queued error ends the stream; take no more input meanwhile
      case 'start':
        return this.readMagic();
      case 'skippable':
        return this.readSkippableSize();
      case 'header':
        return this.readHeader();
      case 'blocks':
        return this.readBlock();
      case 'end':
        return this.endFrame();
    }
  }

  /** A frame starts with a zstd or skippable magic number; anything else is damage (or trailing garbage). */
  private readMagic(): Outcome {
    this.frameStart = this.pos;
    if (this.input.end - this.pos < 4) return 'input';
    const magic = this.input.u32At(this.pos);
    if (magic === ZSTD_MAGIC) {
      this.phase = 'header';
    } else if (isSkippableMagic(magic)) {
      this.phase = 'skippable';
    } else {
      return this.fail(
        `zstd data is corrupt at compressed byte offset ${this.pos}: ` +
          `expected a frame magic number, found 0x${magic.toString(16).padStart(8, '0')}` +
          (this.frames > 0 ? ` (after ${this.frames} good frame${this.frames > 1 ? 's' : ''}: trailing garbage?)` : ''),
        this.pos,
      );
    }
    return 'next';
  }

  private readSkippableSize(): Outcome {
    if (this.input.end - this.pos < 8) return 'input';
    const size = this.input.u32At(this.pos + 4);
    this.pos += 8 + size;
    this.phase = 'end';
    this.contentSize = SKIPPED;
    return 'next';
  }

  /** The frame header decides how the frame is decoded: in one piece, or streamed when large or unsized. */
  private readHeader(): Outcome {
    const at = this.frameStart;
    const header = readFrameHeader(this.input, at, this.input.end);
    if (header === null) return 'input';
    if ('damage' in header) return this.frameDamage(header.damage, at);
    const streamed = header.contentSize < 0 || header.contentSize > this.maxFrameBytes;
    // A streamed frame is decoded as it arrives, after every earlier frame's output: wait for those first.
    if (streamed && (this.hasJobs() || this.readBlocked)) return 'wait';
    this.contentSize = header.contentSize;
    this.checksumBytes = header.checksumBytes;
    this.pos = at + header.size;
    this.phase = 'blocks';
    if (streamed) this.openStream();
    return 'next';
  }

  /** Walks one block header; a frame bigger than its declared content could compress to is refused early. */
  private readBlock(): Outcome {
    if (this.stream && !this.feedStream()) return 'wait';
    if (this.input.end - this.pos < 3) return 'input';
    const b = this.pos;
    const block = readBlockHeader(this.input, b);
    if (block.type === RESERVED_BLOCK) return this.frameDamage(`reserved block type at offset ${b}`, b);
    if (block.size > ZSTD_BLOCK_MAX) {
      return this.frameDamage(`block at offset ${b} claims ${block.size} bytes (maximum ${ZSTD_BLOCK_MAX})`, b);
    }
    this.pos = b + block.span;
    if (block.last) {
      this.pos += this.checksumBytes;
      this.phase = 'end';
    }
    const bound = compressBound(this.contentSize);
    if (!this.stream && this.pos - this.frameStart > bound) {
      return this.frameDamage(
        `it declares ${this.contentSize} bytes of content but its blocks run past ${bound} compressed bytes`,
        this.frameStart,
      );
    }
    return 'next';
  }

  /** The whole frame is known: finish the streaming decoder, pass a skippable frame over, or submit the frame. */
  private endFrame(): Outcome {
    const input = this.input;
    if (this.stream) return this.endStream();
    if (this.contentSize === SKIPPED) {
      // Nothing to decode; let its bytes go as they arrive.
      input.release(Math.min(this.pos, input.end));
      if (input.end < this.pos) return 'input';
      this.nextFrame();
      return 'next';
    }
    if (input.end < this.pos) return 'input';
    if (!this.canSubmit()) return 'wait';
    // The frame is read on the threadpool after the queue has forgotten its chunks: a view holds its chunk, a copy
    // is the frame's alone; either is let go of once decoded.
    const bytes = this.frameBytes(this.frameStart, this.pos);
    this.submitFrame(bytes, this.frameStart, this.contentSize);
    this.nextFrame();
    return 'next';
  }

  private endStream(): Outcome {
    if (!this.feedStream()) return 'wait';
    if (this.streamFed < this.pos) return 'input';
    if (!this.streamEnded) {
      this.streamEnded = true;
      this.stream!.end();
    }
    return 'wait'; // the stream's 'end' moves us on
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
      this.fail('zstd data is empty: no frame at compressed byte offset 0 (truncated file?)', 0);
      return false;
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

  /**
   * The frame's compressed bytes, held until it is decoded: a view of the chunk it lies in (retained), or, when it
   * spans chunks, a copy into a pooled buffer (given back once decoded, so copying allocates nothing after the start).
   */
  private frameBytes(from: number, to: number): Buffer {
    const views = this.input.views(from, to);
    if (views.length === 1) {
      retain(views[0]!);
      return views[0]!;
    }
    const whole = this.copies.take(to - from);
    let at = 0;
    for (const v of views) at += v.copy(whole, at);
    const copy = whole.subarray(0, at);
    adoptPooled(copy, () => this.copies.giveBack(whole));
    return copy;
  }

  /** zlib's output moved into a pooled buffer (given back by the reader once every user is done), zlib's freed now. */
  private pooledOutput(out: Buffer): Buffer {
    const size = out.length;
    if (size < MiB) return out;
    const whole = this.outputs.take(size);
    out.copy(whole);
    if (adopt(out, 1)) release(out); // zlib allocated it for this call alone (chunkSize: one byte more)
    const pooled = whole.subarray(0, size);
    adoptPooled(pooled, () => this.outputs.giveBack(whole));
    return pooled;
  }

  private submitFrame(frame: Buffer, offset: number, contentSize: number): void {
    this.submit((done) =>
      zlib.zstdDecompress(
        frame,
        { chunkSize: Math.max(64, contentSize + 1), maxOutputLength: Math.max(1, contentSize) },
        (err, out) => {
          release(frame);
          if (err) {
            done(
              corrupt(`zstd frame at compressed byte offset ${offset} is corrupt: ${zlibMessage(err)}`, offset, err),
            );
          } else if (out.length !== contentSize) {
            done(
              corrupt(
                `zstd frame at compressed byte offset ${offset} is corrupt: ${out.length} bytes decoded, its header says ${contentSize}`,
                offset,
              ),
            );
          } else {
            done(null, this.pooledOutput(out));
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
      this.destroy(
        corrupt(`zstd frame at compressed byte offset ${offset} is corrupt: ${zlibMessage(err)}`, offset, err),
      );
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
      for (const view of views) {
        retain(view); // the stream reads it later; the queue forgets it below
        if (!stream.write(view, () => release(view))) this.streamFull = true;
      }
      this.input.release(to);
    }
    return !this.streamFull;
  }
}
