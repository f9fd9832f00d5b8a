// A scratch file for a database read out of a compressed or encrypted archive, sealed with a key that exists only
// in this process's memory. Why: an ntds.dit holds every password hash of the domain, so reading one out of an
// (encrypted) archive must not leave it on disk in plaintext, not even for the length of a command; and a page
// reader needs random access, which a compressed or age-encrypted stream does not give.
//
// Layout: the plaintext is cut into units of `unitSize` bytes (the database page size); unit i is sealed with
// AES-256-GCM under the run's random key, nonce = 4 random bytes of this run || i as 64-bit big-endian, and
// stored in slot i at i × (unitSize + 16) as ciphertext then the 16-byte tag. A unit whose tag fails (the file
// was altered, or a slot moved) is an Integrity error, never returned as data. The file is created owner-only
// and unlinked right after it is opened, so nothing is left behind even if the process dies; where the system
// refuses to unlink an open file it is removed on close and at process exit.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { closeSync, openSync, readSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../errors.ts';

const TAG_BYTES = 16;
const BATCH_BYTES = 1 << 20;

export interface SpillOptions {
  directory: string;
  unitSize: number;
  /** Tests only: the file's path, called once it exists and before it is unlinked. */
  onCreated?: (path: string) => void;
}

export class SealedSpill {
  readonly unitSize: number;
  /** Plaintext bytes held. */
  size = 0;
  private readonly key: Buffer = randomBytes(32);
  private readonly prefix: Buffer = randomBytes(4);
  private fd: number | null;
  /** The file's name while it still has one (only where the system refused to unlink it while open). */
  private named: string | null;
  private readonly removeAtExit = () => this.removeName();
  private unit: Buffer;
  private unitFill = 0;
  private batch: Buffer[] = [];
  private batchBytes = 0;
  private written = 0;

  constructor(options: SpillOptions) {
    this.unitSize = options.unitSize;
    this.unit = Buffer.alloc(options.unitSize);
    const path = join(options.directory, `adbackup-spill-${randomBytes(8).toString('hex')}.tmp`);
    this.fd = openSync(path, 'wx+', 0o600);
    this.named = path;
    options.onCreated?.(path);
    try {
      unlinkSync(path);
      this.named = null;
    } catch {
      process.once('exit', this.removeAtExit); // removed by close(), or at the latest when the process exits
    }
  }

  /** Appends plaintext; whole units are sealed and written as they fill. */
  write(chunk: Uint8Array): void {
    let at = 0;
    while (at < chunk.byteLength) {
      const n = Math.min(this.unitSize - this.unitFill, chunk.byteLength - at);
      this.unit.set(chunk.subarray(at, at + n), this.unitFill);
      this.unitFill += n;
      at += n;
      if (this.unitFill === this.unitSize) this.sealUnit();
    }
  }

  /** Seals the last, possibly short, unit and writes what is pending. No writes after this. */
  finish(): void {
    if (this.unitFill > 0) this.sealUnit();
    this.flush();
  }

  private sealUnit(): void {
    const index = Math.floor(this.size / this.unitSize);
    const plain = this.unit.subarray(0, this.unitFill);
    const c = createCipheriv('aes-256-gcm', this.key, this.nonce(index));
    const sealed = Buffer.concat([c.update(plain), c.final(), c.getAuthTag()]);
    plain.fill(0);
    this.size += this.unitFill;
    this.unitFill = 0;
    this.batch.push(sealed);
    this.batchBytes += sealed.length;
    if (this.batchBytes >= BATCH_BYTES) this.flush();
  }

  private flush(): void {
    const data = Buffer.concat(this.batch, this.batchBytes);
    for (let done = 0; done < data.length;)
      done += writeSync(this.openFd(), data, done, data.length - done, this.written + done);
    this.written += data.length;
    this.batch = [];
    this.batchBytes = 0;
  }

  private nonce(index: number): Buffer {
    const n = Buffer.alloc(12);
    this.prefix.copy(n, 0);
    n.writeBigUInt64BE(BigInt(index), 4);
    return n;
  }

  private openFd(): number {
    if (this.fd === null) throw new AppError('Internal', 'SPILL_CLOSED', 'the spill file is closed');
    return this.fd;
  }

  /** Positional read of plaintext, as readSync does: every unit it touches is authenticated first. */
  readAt(buf: Uint8Array, position: number): number {
    const end = Math.min(position + buf.byteLength, this.size);
    let p = position;
    while (p < end) {
      const index = Math.floor(p / this.unitSize);
      const plain = this.openUnit(index);
      const from = p - index * this.unitSize;
      const n = Math.min(plain.length - from, end - p);
      buf.set(plain.subarray(from, from + n), p - position);
      p += n;
    }
    return Math.max(0, end - position);
  }

  private openUnit(index: number): Buffer {
    const length = Math.min(this.unitSize, this.size - index * this.unitSize);
    const slot = Buffer.alloc(length + TAG_BYTES);
    const at = index * (this.unitSize + TAG_BYTES);
    for (let got = 0; got < slot.length;) {
      const n = readSync(this.openFd(), slot, got, slot.length - got, at + got);
      if (n === 0) break;
      got += n;
    }
    const d = createDecipheriv('aes-256-gcm', this.key, this.nonce(index));
    d.setAuthTag(slot.subarray(length));
    try {
      return Buffer.concat([d.update(slot.subarray(0, length)), d.final()]);
    } catch {
      const message = `the sealed scratch copy of the database was altered on disk (unit ${index} fails its authentication tag)`;
      throw new AppError('Integrity', 'SPILL_TAMPERED', message, { details: { unit: index } });
    }
  }

  private removeName(): void {
    if (this.named === null) return;
    try {
      unlinkSync(this.named);
      this.named = null;
    } catch {
      // still open elsewhere; the exit hook tries again
    }
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
    this.key.fill(0);
    this.removeName();
    if (this.named === null) process.removeListener('exit', this.removeAtExit);
  }
}
