// The few primitives age is built from, all from node:crypto (OpenSSL): HKDF-SHA-256, HMAC-SHA-256,
// ChaCha20-Poly1305, X25519 and scrypt. Keys cross this module as raw bytes; KeyObjects stay inside.
import crypto from 'node:crypto';

export const AEAD_TAG = 16;
const ZERO_NONCE = Buffer.alloc(12);

/** HKDF-SHA-256 (extract with salt, expand with info) to 32 bytes, as every age key derivation. */
export function hkdf32(ikm: Uint8Array, salt: Uint8Array | string, info: string): Buffer {
  return Buffer.from(crypto.hkdfSync('sha256', ikm, salt, info, 32));
}

export function hmacSha256(key: Uint8Array, data: Uint8Array): Buffer {
  return crypto.createHmac('sha256', key).update(data).digest();
}

/** ChaCha20-Poly1305 with an empty AAD (all age uses): ciphertext || tag. */
export function seal(key: Uint8Array, plaintext: Uint8Array, nonce: Uint8Array = ZERO_NONCE): Buffer {
  const c = crypto.createCipheriv('chacha20-poly1305', key, nonce, { authTagLength: AEAD_TAG });
  const out = c.update(plaintext);
  c.final();
  return Buffer.concat([out, c.getAuthTag()]);
}

/** The plaintext, or null when the tag does not verify. */
export function open(key: Uint8Array, sealed: Uint8Array, nonce: Uint8Array = ZERO_NONCE): Buffer | null {
  if (sealed.length < AEAD_TAG) return null;
  const d = crypto.createDecipheriv('chacha20-poly1305', key, nonce, { authTagLength: AEAD_TAG });
  d.setAuthTag(sealed.subarray(sealed.length - AEAD_TAG));
  const out = d.update(sealed.subarray(0, sealed.length - AEAD_TAG));
  try {
    d.final();
  } catch {
    return null;
  }
  return out;
}

// X25519 keys in DER wrappers (RFC 8410): the raw 32 bytes follow a fixed prefix.
const PKCS8_X25519 = Buffer.from('302e020100300506032b656e04220420', 'hex');
const SPKI_X25519 = Buffer.from('302a300506032b656e032100', 'hex');

export function x25519PrivateKey(secret: Uint8Array): crypto.KeyObject {
  return crypto.createPrivateKey({ key: Buffer.concat([PKCS8_X25519, secret]), format: 'der', type: 'pkcs8' });
}

export function x25519PublicKey(point: Uint8Array): crypto.KeyObject {
  return crypto.createPublicKey({ key: Buffer.concat([SPKI_X25519, point]), format: 'der', type: 'spki' });
}

/** X25519(secret, basepoint): the public share of a 32-byte secret. */
export function x25519Base(secret: Uint8Array | crypto.KeyObject): Buffer {
  const key = secret instanceof crypto.KeyObject ? secret : x25519PrivateKey(secret);
  return crypto.createPublicKey(key).export({ format: 'der', type: 'spki' }).subarray(SPKI_X25519.length);
}

/** X25519(secret, point), or null when the result is all zero (a low-order point: OpenSSL refuses it). */
export function x25519(secret: Uint8Array | crypto.KeyObject, point: Uint8Array): Buffer | null {
  const privateKey = secret instanceof crypto.KeyObject ? secret : x25519PrivateKey(secret);
  try {
    const shared = crypto.diffieHellman({ privateKey, publicKey: x25519PublicKey(point) });
    return shared.every((b) => b === 0) ? null : shared;
  } catch {
    return null;
  }
}

/** scrypt with r = 8, p = 1 to 32 bytes, on the thread pool; maxmem raised to what N needs (128 · N · r), as Node's
 *  32 MiB default stops at logN 14. The passphrase is used as its UTF-8 bytes, unnormalised, as age does. */
export function scrypt32(passphrase: string, salt: Uint8Array, logN: number): Promise<Buffer> {
  const N = 2 ** logN;
  return new Promise((resolve, reject) =>
    crypto.scrypt(passphrase, salt, 32, { N, r: 8, p: 1, maxmem: 129 * N * 8 + (1 << 20) }, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  );
}

export const randomBytes = (n: number): Buffer => crypto.randomBytes(n);
