// What an archive file is, from its first bytes: zstd, gzip, age (binary or armored) or a plain ustar tar. Used
// before reading (read-archive.ts) and inside an encrypted archive (encryption.ts), so it knows every layer.

import type { CompressionType } from './compression/index.ts';
import { ZSTD_MAGIC, isSkippableMagic } from './compression/zstd-frame.ts';

const AGE_BINARY = Buffer.from('age-encryption.org/v1\n', 'latin1');
const AGE_ARMOR = Buffer.from('-----BEGIN AGE ENCRYPTED FILE-----', 'latin1');
const USTAR = Buffer.from('ustar', 'latin1');

function startsWith(bytes: Uint8Array, prefix: Uint8Array, at = 0): boolean {
  if (bytes.length < at + prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (bytes[at + i] !== prefix[i]) return false;
  return true;
}

/** What a file is, from its first bytes (at least 262 for a plain tar): 'none' means a plain tar. */
export function detectFormat(first: Uint8Array): CompressionType | 'age' | 'unknown' {
  if (first.length >= 4) {
    const magic = (first[0]! | (first[1]! << 8) | (first[2]! << 16) | (first[3]! << 24)) >>> 0;
    // A leading skippable frame (as pzstd writes) is zstd too.
    if (magic === ZSTD_MAGIC || isSkippableMagic(magic)) return 'zstd';
  }
  if (first.length >= 2 && first[0] === 0x1f && first[1] === 0x8b) return 'gzip';
  if (startsWith(first, AGE_BINARY) || startsWith(first, AGE_ARMOR)) return 'age';
  if (startsWith(first, USTAR, 257)) return 'none';
  return 'unknown';
}
