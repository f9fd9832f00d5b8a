// The X25519 recipient type (age spec, "The X25519 recipient type"): an ephemeral share per stanza, the wrap key
// from HKDF over the shared secret, the file key sealed with ChaCha20-Poly1305 under a zero nonce.
import type { KeyObject } from 'node:crypto';
import { decodeBase64, encodeBase64 } from './base64.ts';
import { ageError } from './errors.ts';
import type { Stanza } from './header.ts';
import { type AgeIdentity, type AgeRecipient, WRAPPED_KEY_BYTES } from './key-types.ts';
import { hkdf32, open, randomBytes, seal, x25519, x25519Base, x25519PrivateKey } from './primitives.ts';

const TYPE = 'X25519';
const INFO = 'age-encryption.org/v1/X25519';

export class X25519Recipient implements AgeRecipient {
  readonly kind = 'x25519';
  readonly text: string;
  readonly publicKey: Buffer;

  constructor(publicKey: Buffer, text: string) {
    this.publicKey = publicKey;
    this.text = text;
  }

  async wrap(fileKey: Buffer): Promise<Stanza[]> {
    const ephemeral = randomBytes(32);
    const share = x25519Base(ephemeral);
    const shared = x25519(ephemeral, this.publicKey);
    if (!shared) throw new Error('X25519 recipient is a low-order point'); // refused when parsed; never reached
    const key = hkdf32(shared, Buffer.concat([share, this.publicKey]), INFO);
    return [{ args: [TYPE, encodeBase64(share)], body: seal(key, fileKey) }];
  }
}

/** True when the point can receive: X25519 with it is not all zero (a low-order point would leak the file key). */
export function usableX25519Point(point: Buffer): boolean {
  return point.length === 32 && x25519(randomBytes(32), point) !== null;
}

export class X25519Identity implements AgeIdentity {
  readonly kind = 'x25519';
  private readonly secret: KeyObject;
  readonly publicKey: Buffer;

  constructor(secret: Buffer) {
    this.secret = x25519PrivateKey(secret);
    this.publicKey = x25519Base(this.secret);
  }

  async unwrap(stanzas: readonly Stanza[]): Promise<Buffer | null> {
    for (const s of stanzas) {
      if (s.args[0] !== TYPE) continue;
      const share = s.args.length === 2 ? decodeBase64(s.args[1]!) : null;
      if (!share || share.length !== 32)
        throw ageError('header', 'an X25519 stanza must have one argument, the canonical base64 of a 32-byte share');
      // Checked before any decryption, so that wrong lengths cannot be told apart by timing (partitioning oracles).
      if (s.body.length !== WRAPPED_KEY_BYTES)
        throw ageError('header', `an X25519 stanza body must be ${WRAPPED_KEY_BYTES} bytes, not ${s.body.length}`);
      const shared = x25519(this.secret, share);
      if (!shared) throw ageError('header', 'an X25519 stanza has a low-order share (the shared secret is zero)');
      const fileKey = open(hkdf32(shared, Buffer.concat([share, this.publicKey]), INFO), s.body);
      if (fileKey) return fileKey;
    }
    return null;
  }
}
