// What the header code needs from a key type: a recipient wraps the file key into stanzas, an identity finds and
// unwraps the stanza addressed to it.
import type { Stanza } from './header.ts';

export type KeyKind = 'x25519' | 'scrypt' | 'mlkem768x25519';

export interface AgeRecipient {
  readonly kind: KeyKind;
  /** The public encoding (age1…), null for a passphrase. */
  readonly text: string | null;
  wrap(fileKey: Buffer): Promise<Stanza[]>;
}

export interface AgeIdentity {
  readonly kind: KeyKind;
  /**
   * The file key, or null when no stanza is addressed to this identity or none opens with it. Throws a header
   * failure when a stanza of its type is malformed (wrong arguments, body length, a low-order share…).
   */
  unwrap(stanzas: readonly Stanza[]): Promise<Buffer | null>;
}

export const FILE_KEY_BYTES = 16;
/** A wrapped file key: 16 bytes and the ChaCha20-Poly1305 tag. */
export const WRAPPED_KEY_BYTES = 32;
