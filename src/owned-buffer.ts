// Explicit frees for the large buffers of a streaming pass. V8 frees an ArrayBuffer only at a full GC, which it runs
// once external memory has grown by 64 MiB: a verify or restore decoding 4 MiB zstd frames keeps up to that much
// dead output around, and malloc's heap grows to hold it. A buffer its producer `adopt`s is freed instead the
// moment its last holder lets go (`ArrayBuffer.prototype.transfer(0)` detaches it and releases the memory now).
//
// The rules: the producer adopts a buffer it allocated itself and hands on (one hold, passed to the consumer);
// whoever keeps a view beyond the call that gave it (an asynchronous write) `retain`s it and `release`s it when done;
// the consumer releases the producer's hold when it moves on. Buffers nobody adopted are left to the GC: retain and
// release do nothing to them, so code that does not take part stays correct.

const holds = new WeakMap<ArrayBufferLike, number>();
/** What the last release does instead of freeing: give the buffer back to the pool it came from. */
const recyclers = new WeakMap<ArrayBufferLike, () => void>();

/** Below this a buffer is not worth tracking, and may come from Node's shared pool (allocations under 4 KiB). */
export const ADOPT_MIN = 64 << 10;

/**
 * Takes a buffer under the rules above, with one hold, when it is large and the start of an ArrayBuffer it (all but
 * `slack` bytes of it) fills; anything else is left to the GC. Its producer vouches that nothing else holds that
 * ArrayBuffer (zlib's one-shot output, say: a view of a buffer zlib allocated for this call alone).
 */
export function adopt(buf: Uint8Array, slack = 0): boolean {
  const whole = buf.byteOffset === 0 && buf.buffer.byteLength - buf.byteLength <= slack;
  if (!whole || buf.byteLength < ADOPT_MIN) return false;
  holds.set(buf.buffer, 1);
  return true;
}

/**
 * Adopts a buffer of a pool: the last release calls `recycle` (which puts it back for the next read) instead of
 * freeing it, so the same memory serves the whole pass and no fresh pages are faulted in for every chunk.
 */
export function adoptPooled(buf: Uint8Array, recycle: () => void): void {
  holds.set(buf.buffer, 1);
  recyclers.set(buf.buffer, recycle);
}

/** One more hold on the buffer `view` lies in (nothing when it was not adopted). */
export function retain(view: Uint8Array): void {
  const n = holds.get(view.buffer);
  if (n !== undefined) holds.set(view.buffer, n + 1);
}

/** Lets go of one hold; the last one frees the memory, after which every view of it has length 0. */
export function release(view: Uint8Array): void {
  const ab = view.buffer;
  const n = holds.get(ab);
  if (n === undefined) return;
  if (n > 1) {
    holds.set(ab, n - 1);
    return;
  }
  holds.delete(ab);
  const recycle = recyclers.get(ab);
  if (recycle) {
    recyclers.delete(ab);
    recycle();
    return;
  }
  free(view);
}

/**
 * Frees the memory of the ArrayBuffer `view` lies in now; every view of it then has length 0. For buffers only the
 * caller holds (a pool's spare it does not keep, say): a pool that overflows must not leave its surplus to the GC.
 */
export function free(view: Uint8Array): void {
  // ES2024's ArrayBuffer.prototype.transfer (Node 20+); the project's lib is es2023.
  (view.buffer as ArrayBuffer & { transfer(length: number): ArrayBuffer }).transfer(0);
}

/** Whether `view` lies in an adopted buffer (a view kept past its call must then be retained or copied). */
export function isAdopted(view: Uint8Array): boolean {
  return holds.has(view.buffer);
}
