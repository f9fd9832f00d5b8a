// Archives encrypted at rest in the age v1 format (src/archive/age): `<name>.tar.zst.age` is the compressed archive
// encrypted as one age file, so `age -d -i key.txt X.tar.zst.age | zstd -d | tar -x` recovers it with stock tools.
// This module is the glue between the archive code and age: what the manifest records (public keys, never secrets),
// the header at the start of an archive file, and the archive's inner format, learnt from the first chunk.
import { open } from 'node:fs/promises';
import { AppError, fsError } from '../errors.ts';
import type { CompressionType } from './compression/index.ts';
import { detectFormat } from './detect-format.ts';
import { AgeDecoder } from './age/decrypt.ts';
import { type AgeHeader, MAX_HEADER_BYTES, findHeaderEnd, parseHeader } from './age/header.ts';
import type { AgeKeyring } from './age/keyring.ts';
import type { AgeRecipient } from './age/key-types.ts';
import { PAYLOAD_NONCE_BYTES, SEALED_CHUNK } from './age/stream.ts';
import { AEAD_TAG } from './age/primitives.ts';

export const AGE_EXTENSION = '.age';

/** What a backup encrypts to: recipients (age1…, age1pq1…) or one passphrase (as a ScryptRecipient). */
export interface ArchiveEncryption {
  recipients: AgeRecipient[];
}

/** The manifest's and sidecar's account of the encryption: public facts only. */
export interface EncryptionRecord {
  format: 'age';
  /** Public keys of the recipients (empty for a passphrase). */
  recipients: string[];
  passphrase: boolean;
}

export function encryptionRecord(e: ArchiveEncryption): EncryptionRecord {
  return {
    format: 'age',
    recipients: e.recipients.flatMap((r) => (r.text === null ? [] : [r.text])),
    passphrase: e.recipients.some((r) => r.kind === 'scrypt'),
  };
}

/** The age header at the start of an archive file (no key needed); a malformed one is an Integrity error. */
export async function readAgeHeader(path: string): Promise<AgeHeader> {
  let head = Buffer.alloc(0);
  try {
    const fh = await open(path, 'r');
    try {
      for (;;) {
        const block = Buffer.alloc(64 * 1024);
        const { bytesRead } = await fh.read(block, 0, block.length, head.length);
        head = Buffer.concat([head, block.subarray(0, bytesRead)]);
        const end = findHeaderEnd(head);
        if (end >= 0) return parseHeader(head.subarray(0, end));
        if (bytesRead === 0 || head.length > MAX_HEADER_BYTES) break;
      }
    } finally {
      await fh.close();
    }
  } catch (err) {
    throw fsError(located(err, path), path, 'read');
  }
  throw new AppError(
    'Integrity',
    'AGE_HEADER_INVALID',
    `'${path}': the age header is truncated (the file ends before its MAC line)`,
    { target: path },
  );
}

/**
 * The compression inside an encrypted archive, from the first payload chunk (unlocking the file key on the way:
 * a wrong key or an altered header fails here, before any plaintext is used). When the first chunk itself is
 * damaged, the format the sidecar or the name promise (`hint`) is taken, so the full read can report the damage.
 */
export async function innerFormat(
  path: string,
  size: number,
  header: AgeHeader,
  keyring: AgeKeyring,
  hint?: CompressionType,
): Promise<CompressionType> {
  const want = Math.min(size, header.bytes.length + PAYLOAD_NONCE_BYTES + SEALED_CHUNK);
  const head = Buffer.alloc(want);
  try {
    const fh = await open(path, 'r');
    try {
      await fh.read(head, 0, want, 0);
    } finally {
      await fh.close();
    }
  } catch (err) {
    throw fsError(err, path, 'read');
  }
  try {
    await keyring.unlock(header);
  } catch (err) {
    throw located(err, path);
  }
  const decoder = new AgeDecoder(keyring);
  let plain: Buffer;
  try {
    const parts = await decoder.write(head);
    if (want === size) parts.push(...decoder.end());
    plain = Buffer.concat(parts);
  } catch (err) {
    if (hint) return hint;
    throw located(err, path);
  }
  const format = detectFormat(plain.subarray(0, 512));
  if (format === 'zstd' || format === 'gzip' || format === 'none') return format;
  if (hint) return hint;
  throw new AppError(
    'Integrity',
    'ARCHIVE_FORMAT_UNKNOWN',
    `'${path}' decrypts, but not to a tar, tar.zst or tar.gz archive`,
    { target: path },
  );
}

/**
 * Why `size` bytes cannot be an age file with this header (a cut or extended payload), or null when the length
 * is possible: the nonce, then full sealed chunks and one final chunk of at least one byte and its tag (or only
 * an empty final chunk).
 */
export function payloadLengthProblem(size: number, header: AgeHeader): string | null {
  const payload = size - header.bytes.length - PAYLOAD_NONCE_BYTES;
  if (payload < 0) return `the file ends inside the age payload nonce (${size} bytes)`;
  const rest = payload % SEALED_CHUNK;
  const full = Math.floor(payload / SEALED_CHUNK);
  const ok = (rest === 0 && full > 0) || rest > AEAD_TAG || (rest === AEAD_TAG && full === 0);
  return ok
    ? null
    : `${payload} payload bytes cannot be a whole age STREAM payload (${full} full chunk(s) and ${rest} byte(s)): the file is truncated or has stray bytes`;
}

/** An AppError without a target gets this file as its target and in its message; anything else passes through. */
export function located(err: unknown, path: string): unknown {
  if (err instanceof AppError && err.target === undefined) {
    return new AppError(err.category, err.code, `'${path}': ${err.message}`, {
      target: path,
      ...(err.details ? { details: err.details } : {}),
      cause: err,
    });
  }
  return err;
}
