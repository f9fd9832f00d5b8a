// Read buffers that go round instead of being allocated afresh for every read. A backup reads every byte of the
// database through 1 MiB buffers; allocated one by one, V8 frees them only once about 64 MiB of them have piled up
// as garbage, which set the backup's peak RSS. Ownership is explicit: whoever takes a buffer owns it until the last
// stage that reads it (the block compressor, once it has copied the bytes into its block) gives it back. A buffer
// never given back (an uncompressed archive writes it out as it is) is simply collected, and the pool takes back
// only buffers it handed out, once each, so a stray give-back cannot put a buffer in two hands. What it does not keep
// it frees at once rather than leave to the GC.
import { free } from './owned-buffer.ts';

export class BufferPool {
  private readonly free: Buffer[] = [];
  private readonly lent = new WeakSet<ArrayBufferLike>();

  readonly size: number;
  private readonly keep: number;

  /** `size`: bytes per buffer (the least, when larger ones are asked for); `keep`: most free buffers held. */
  constructor(size: number, keep: number) {
    this.size = size;
    this.keep = keep;
  }

  /** A buffer of at least `bytes` (default `size`; contents undefined), owned by the caller until given back. */
  take(bytes = this.size): Buffer {
    const fits = this.free.findIndex((b) => b.length >= bytes);
    // allocUnsafeSlow: a buffer of its own, never a slice of Node's shared slab.
    const buf = fits === -1 ? Buffer.allocUnsafeSlow(Math.max(bytes, this.size)) : this.free.splice(fits, 1)[0]!;
    this.lent.add(buf.buffer);
    return buf;
  }

  /** Hands back the buffer `view` lies in, when it is one this pool lent; nothing may read `view` afterwards. */
  giveBack(view: Uint8Array): void {
    const memory = view.buffer;
    if (!this.lent.delete(memory)) return;
    if (this.free.length < this.keep) this.free.push(Buffer.from(memory));
    else free(view);
  }
}

/** Source file reads of a backup (1 MiB: one read call each), given back by the block compressor. */
export const readBuffers = new BufferPool(1 << 20, 8);
