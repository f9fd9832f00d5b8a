// The age payload (age spec, "Payload"; C2SP agead): a 16-byte nonce, then the plaintext in 64 KiB chunks, each
// sealed with ChaCha20-Poly1305 under the payload key and the nonce `11-byte big-endian counter || last flag`.
// The final chunk carries flag 0x01 and may be short, but is empty only when the whole payload is.
//
// A chunk is never known to be the last until the input ends, so the sealer holds back one full chunk and seals
// it as "not last" only once more plaintext arrives. The opener releases plaintext only after its chunk
// authenticated; a file cut at a chunk boundary fails at its end, because no chunk sealed as "last" was seen.
import crypto from 'node:crypto';
import { ageError } from './errors.ts';
import { AEAD_TAG, hkdf32 } from './primitives.ts';

export const CHUNK = 64 * 1024;
export const SEALED_CHUNK = CHUNK + AEAD_TAG;
export const PAYLOAD_NONCE_BYTES = 16;

export function payloadKey(fileKey: Uint8Array, nonce: Uint8Array): Buffer {
  return hkdf32(fileKey, nonce, 'payload');
}

/** What both directions keep: the payload key, the chunk counter, one chunk being filled, a reused nonce. */
abstract class ChunkCipher {
  protected readonly key: Buffer;
  protected readonly pending: Buffer;
  protected fill = 0;
  protected counter = 0;
  private readonly nonceBytes = Buffer.alloc(12);

  constructor(key: Buffer, chunkBytes: number) {
    this.key = key;
    this.pending = Buffer.allocUnsafe(chunkBytes);
  }

  /** The 12-byte ChaCha20-Poly1305 nonce of the current chunk: 11-byte big-endian counter, then the last flag. */
  protected nonce(last: boolean): Buffer {
    const n = this.nonceBytes;
    n.writeUInt32BE(Math.floor(this.counter / 2 ** 32), 3);
    n.writeUInt32BE(this.counter >>> 0, 7);
    n[11] = last ? 1 : 0;
    return n;
  }
}

/** Seals a stream of plaintext; write() and end() return the ciphertext that is ready. */
export class PayloadSealer extends ChunkCipher {
  constructor(key: Buffer) {
    super(key, CHUNK);
  }

  write(data: Buffer): Buffer[] {
    const out: Buffer[] = [];
    let at = 0;
    while (at < data.length) {
      if (this.fill === CHUNK) {
        this.seal(this.pending, false, out);
        this.fill = 0;
      }
      if (this.fill === 0 && data.length - at > CHUNK) {
        // A whole chunk with more input behind it: seal it in place, no copy.
        this.seal(data.subarray(at, at + CHUNK), false, out);
        at += CHUNK;
        continue;
      }
      const n = data.copy(this.pending, this.fill, at, at + (CHUNK - this.fill));
      this.fill += n;
      at += n;
    }
    return out;
  }

  end(): Buffer[] {
    const out: Buffer[] = [];
    this.seal(this.pending.subarray(0, this.fill), true, out);
    this.fill = 0;
    return out;
  }

  private seal(plain: Buffer, last: boolean, out: Buffer[]): void {
    const c = crypto.createCipheriv('chacha20-poly1305', this.key, this.nonce(last), { authTagLength: AEAD_TAG });
    this.counter++;
    out.push(c.update(plain));
    c.final();
    out.push(c.getAuthTag());
  }
}

/**
 * Opens a stream of sealed chunks; throws a payload failure at the first chunk that does not authenticate. A full
 * chunk is opened as soon as it is complete: as "not last" (and released), or failing that as "last", after which
 * any further byte is an error.
 */
export class PayloadOpener extends ChunkCipher {
  private ended = false;
  private failure: Error | null = null;
  /** Plaintext bytes released so far (for messages). */
  private released = 0;

  constructor(key: Buffer) {
    super(key, SEALED_CHUNK);
  }

  /**
   * The plaintext that authenticated. An error met after some plaintext of this call authenticated is raised by
   * the next write() or end() instead, so that exactly the authentic plaintext before the damage is released.
   */
  write(data: Buffer): Buffer[] {
    if (this.failure) throw this.failure;
    const out: Buffer[] = [];
    try {
      this.take(data, out);
    } catch (err) {
      if (out.length === 0) throw err;
      this.failure = err as Error;
    }
    return out;
  }

  private take(data: Buffer, out: Buffer[]): void {
    let at = 0;
    while (at < data.length) {
      if (this.ended) throw this.trailing();
      if (this.fill === 0 && data.length - at >= SEALED_CHUNK) {
        this.openFull(data.subarray(at, at + SEALED_CHUNK), out);
        at += SEALED_CHUNK;
        continue;
      }
      const n = data.copy(this.pending, this.fill, at, at + (SEALED_CHUNK - this.fill));
      this.fill += n;
      at += n;
      if (this.fill === SEALED_CHUNK) {
        this.fill = 0;
        this.openFull(this.pending, out);
      }
    }
  }

  end(): Buffer[] {
    if (this.failure) throw this.failure;
    if (this.ended) return [];
    if (this.fill === 0) {
      throw ageError(
        'payload',
        this.counter === 0
          ? 'the age payload has no chunk (truncated file)'
          : `the age payload ends after chunk ${this.counter - 1} without a final chunk (truncated file)`,
        { chunk: this.counter },
      );
    }
    if (this.fill < AEAD_TAG) {
      throw ageError(
        'payload',
        `the last age payload chunk (${this.counter}) is ${this.fill} bytes, shorter than its tag (truncated file)`,
        { chunk: this.counter },
      );
    }
    const plain = this.open(this.pending.subarray(0, this.fill), true);
    if (!plain) throw this.unauthentic(true);
    if (plain.length === 0 && this.counter > 0) {
      throw ageError('payload', 'the final age payload chunk is empty, which only an empty payload may have', {
        chunk: this.counter,
      });
    }
    this.fill = 0;
    this.ended = true;
    return plain.length > 0 ? [plain] : [];
  }

  private openFull(sealed: Buffer, out: Buffer[]): void {
    const plain = this.open(sealed, false);
    if (plain) {
      out.push(plain);
      this.counter++;
      this.released += plain.length;
      return;
    }
    const last = this.open(sealed, true);
    if (!last) throw this.unauthentic(false);
    this.ended = true;
    out.push(last);
  }

  private open(sealed: Buffer, last: boolean): Buffer | null {
    const d = crypto.createDecipheriv('chacha20-poly1305', this.key, this.nonce(last), { authTagLength: AEAD_TAG });
    d.setAuthTag(sealed.subarray(sealed.length - AEAD_TAG));
    const plain = d.update(sealed.subarray(0, sealed.length - AEAD_TAG));
    try {
      d.final();
      return plain;
    } catch {
      return null;
    }
  }

  private unauthentic(atEnd: boolean): Error {
    return ageError(
      'payload',
      atEnd
        ? `the final age payload chunk (${this.counter}) does not authenticate: the file is truncated or altered`
        : `age payload chunk ${this.counter} does not authenticate: the file is altered or damaged`,
      { chunk: this.counter, plaintextOffset: this.released },
    );
  }

  private trailing(): Error {
    return ageError('payload', `the age payload has data after its final chunk (${this.counter})`, {
      chunk: this.counter,
    });
  }
}
