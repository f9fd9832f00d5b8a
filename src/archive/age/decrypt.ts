// Decrypting an age file as a stream: collect the header, unlock the file key with the keyring, read the payload
// nonce, then open chunk by chunk. AgeDecoder is the plain state machine (the testkit drives it directly to see
// exactly what plaintext was released before an error); createAgeDecryptStream wraps it as a Transform.
import { Transform, type TransformCallback } from 'node:stream';
import { ageError } from './errors.ts';
import { type AgeHeader, findHeaderEnd, parseHeader } from './header.ts';
import type { AgeKeyring } from './keyring.ts';
import { PAYLOAD_NONCE_BYTES, PayloadOpener, payloadKey } from './stream.ts';

export class AgeDecoder {
  private readonly keyring: AgeKeyring;
  private head: Buffer = Buffer.alloc(0);
  private opener: PayloadOpener | null = null;
  private fileKey: Buffer | null = null;
  header: AgeHeader | null = null;

  constructor(keyring: AgeKeyring) {
    this.keyring = keyring;
  }

  /** The plaintext that authenticated so far; throws an age error (header, no match, MAC, payload). */
  async write(data: Buffer): Promise<Buffer[]> {
    if (this.opener) return this.opener.write(data);
    this.head = this.head.length === 0 ? Buffer.from(data) : Buffer.concat([this.head, data]);
    if (!this.header) {
      const end = findHeaderEnd(this.head);
      if (end < 0) return [];
      this.header = parseHeader(Buffer.from(this.head.subarray(0, end)));
      this.head = this.head.subarray(end);
      this.fileKey = await this.keyring.unlock(this.header);
    }
    if (this.head.length < PAYLOAD_NONCE_BYTES) return [];
    this.opener = new PayloadOpener(payloadKey(this.fileKey!, this.head.subarray(0, PAYLOAD_NONCE_BYTES)));
    const rest = this.head.subarray(PAYLOAD_NONCE_BYTES);
    this.head = Buffer.alloc(0);
    return this.opener.write(rest);
  }

  end(): Buffer[] {
    if (this.opener) return this.opener.end();
    if (!this.header) {
      if (this.head.length > 0) findHeaderEnd(this.head); // a wrong start is "not an age file"
      throw ageError(
        'header',
        this.head.length === 0
          ? 'the file is empty: no age header'
          : 'the age header is truncated: it ends before its MAC line',
      );
    }
    // The testkit counts a missing or short nonce as a header failure (the file ends before the payload starts).
    throw ageError('header', `the age file is truncated: it ends inside the ${PAYLOAD_NONCE_BYTES}-byte payload nonce`);
  }
}

/** Transform: an age file in, authenticated plaintext out. */
export function createAgeDecryptStream(keyring: AgeKeyring): Transform {
  const decoder = new AgeDecoder(keyring);
  const emit = (stream: Transform, parts: Buffer[]) => {
    for (const p of parts) stream.push(p);
  };
  return new Transform({
    readableHighWaterMark: 1 << 20,
    transform(chunk: Buffer, _e, callback: TransformCallback) {
      decoder.write(chunk).then(
        (parts) => {
          emit(this, parts);
          callback();
        },
        (err) => callback(err),
      );
    },
    flush(callback: TransformCallback) {
      try {
        emit(this, decoder.end());
        callback();
      } catch (err) {
        callback(err as Error);
      }
    },
  });
}
