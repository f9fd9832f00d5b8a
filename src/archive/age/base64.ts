// The base64 of age headers: RFC 4648 standard alphabet, no '=' padding, canonical only (age spec, Conventions).
// Buffer.from(s, 'base64') accepts padding, URL-safe characters, whitespace and non-zero trailing bits, any of which
// would make a header malleable, so decoding is checked here and anything non-canonical is refused (null).

const ALPHABET = /^[A-Za-z0-9+/]*$/;

export function encodeBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64').replace(/=+$/, '');
}

/** The bytes of a canonical unpadded base64 string, or null when it is not one. */
export function decodeBase64(text: string): Buffer | null {
  if (!ALPHABET.test(text) || text.length % 4 === 1) return null;
  const bytes = Buffer.from(text, 'base64');
  // Re-encoding catches set padding bits (the last character then differs).
  return encodeBase64(bytes) === text ? bytes : null;
}
