// The zstd decompressor's input buffer: chunks as they arrived, addressed by absolute stream offset, so a frame
// parser can peek at header bytes that straddle chunks and hand frames on without re-concatenating the input.

import { EMPTY } from './options.ts';
import { release } from '../../owned-buffer.ts';

/**
 * The input not yet handed on, as a list of chunks addressed by absolute stream offset (never re-concatenated). The
 * queue is the last reader of its chunks: it lets go of each (owned-buffer.ts) as it forgets it, so whoever keeps a
 * view past `release` retains it.
 */
export class ChunkQueue {
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
    return (
      (this.byteAt(pos) | (this.byteAt(pos + 1) << 8) | (this.byteAt(pos + 2) << 16) | (this.byteAt(pos + 3) << 24)) >>>
      0
    );
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

  /** Forgets every chunk that lies wholly before `pos`. */
  release(pos: number): void {
    while (this.head < this.chunks.length && this.starts[this.head]! + this.chunks[this.head]!.length <= pos) {
      release(this.chunks[this.head]!);
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
