// The scheduler under both the block compressor and the zstd decompressor: asynchronous jobs (zlib calls on the
// libuv threadpool) run side by side, their results leave strictly in the order the jobs were submitted, and
// back-pressure holds the input, the jobs in flight and the output waiting to be read to fixed bounds.

import { Transform, type TransformCallback } from 'node:stream';

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
export abstract class OrderedTransform extends Transform {
  protected readonly parallel: number;
  private readonly jobs: Job[] = [];
  /** The last push() returned false; cleared when the consumer asks for more (_read). */
  protected readBlocked = false;
  private heldCallback: TransformCallback | null = null;
  private flushCallback: TransformCallback | null = null;
  private pumping = false;
  private pumpAgain = false;

  /**
   * `readable`: in bytes, or `{ chunks }` to hand each pushed Buffer on as it is: a consumer that iterates the stream
   * (for await) then gets one chunk per step instead of everything buffered joined by one more copy.
   */
  constructor(parallel: number, readable: number | { chunks: number }) {
    super(
      typeof readable === 'number'
        ? { readableHighWaterMark: readable }
        : { readableObjectMode: true, readableHighWaterMark: readable.chunks },
    );
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
