// One streaming pass over an archive file: raw bytes (hashed) -> age decryption (encrypted archives) ->
// decompressor -> strict tar reader. Shared by verify, inspect and restore so they read archives exactly the same
// way. Decryption releases plaintext only chunk by chunk as each authenticates.
import { type FileHandle, open, stat } from 'node:fs/promises';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AppError, fsError } from '../errors.ts';
import { type CompressionType, createDecompressor } from './compression/index.ts';
import { detectFormat } from './detect-format.ts';
import { type TarEntry, readTar } from './tar.ts';
import type { AgeHeader } from './age/header.ts';
import type { AgeKeyring } from './age/keyring.ts';
import { createAgeDecryptStream } from './age/decrypt.ts';
import { innerFormat, readAgeHeader } from './encryption.ts';
import { measureStream } from './measure.ts';
import { requireRegularFile } from '../regular-file.ts';
import { adoptPooled } from '../owned-buffer.ts';
import { BufferPool } from '../buffer-pool.ts';

export interface ArchiveFileInfo {
  path: string;
  size: number;
  /** The compression of the tar stream (inside the encryption, for an encrypted archive). */
  format: CompressionType;
  encryption: { header: AgeHeader; keyring: AgeKeyring } | null;
}

/** What the sidecar or the file name says an archive should be. */
export interface ArchiveHint {
  compression?: CompressionType;
  encrypted?: boolean;
}

/** The first bytes of a file, classified (a plain tar needs 262 bytes to be recognised). */
export async function sniffArchive(
  path: string,
): Promise<{ size: number; detected: ReturnType<typeof detectFormat>; empty: boolean }> {
  let size: number;
  const head = Buffer.alloc(512);
  let got = 0;
  try {
    const st = await stat(path);
    requireRegularFile(st);
    size = st.size;
    const fh = await open(path, 'r');
    try {
      got = (await fh.read(head, 0, 512, 0)).bytesRead;
    } finally {
      await fh.close();
    }
  } catch (err) {
    throw fsError(err, path, 'read');
  }
  return { size, detected: detectFormat(head.subarray(0, got)), empty: got === 0 };
}

/**
 * What an archive file is. An encrypted one needs `keyring`: without it the answer is ARCHIVE_ENCRYPTED (exit 4);
 * with it, the header is unlocked here, so a wrong key or an altered header fails before anything is read.
 */
export async function probeArchive(path: string, hint?: ArchiveHint, keyring?: AgeKeyring): Promise<ArchiveFileInfo> {
  const { size, detected, empty } = await sniffArchive(path);
  // A damaged first block must not turn "damaged archive" into "not an archive" when we know what it should be.
  const expected = hint?.encrypted ? 'age' : hint?.compression;
  const format = detected === 'unknown' && expected !== undefined && !empty ? expected : detected;
  if (format === 'age') {
    if (!keyring) {
      throw new AppError(
        'Precondition',
        'ARCHIVE_ENCRYPTED',
        `'${path}' is age-encrypted: give decryption.identityFile (or decryption.passphrase) to read it`,
        { target: path },
      );
    }
    const header = await readAgeHeader(path);
    return {
      path,
      size,
      format: await innerFormat(path, size, header, keyring, hint?.compression),
      encryption: { header, keyring },
    };
  }
  if (format === 'unknown') {
    throw new AppError('Integrity', 'ARCHIVE_FORMAT_UNKNOWN', `'${path}' is not a tar, tar.zst or tar.gz archive`, {
      target: path,
    });
  }
  return { path, size, format, encryption: null };
}

export interface ArchivePass {
  /** sha256 and size of the archive file's bytes, complete once `read` resolves. */
  fileSha256(): string;
  fileBytes(): number;
}

/**
 * Streams the archive and calls `onEntry` for each tar entry in order (the entry body must be consumed or it is
 * drained). Rejects with the first integrity or I/O error. `releaseConsumed`: decoded data is freed as the reader
 * moves on (see readTar): `onEntry` must retain (owned-buffer.ts) or copy a body chunk it keeps past its next one.
 */
export async function readArchive(
  info: ArchiveFileInfo,
  onEntry: (entry: TarEntry, index: number) => Promise<void>,
  options: { signal?: AbortSignal; onRawBytes?: (n: number) => void; releaseConsumed?: boolean } = {},
): Promise<ArchivePass> {
  const measured = measureStream(options.onRawBytes);
  const raw = fileChunks(info.path);
  const stages: NodeJS.ReadWriteStream[] = [measured.stream];
  if (info.encryption) stages.push(createAgeDecryptStream(info.encryption.keyring));
  if (info.format !== 'none') stages.push(createDecompressor(info.format));
  let index = 0;
  try {
    await pipeline(
      raw,
      ...(stages as [Transform]),
      async (source: AsyncIterable<Uint8Array>) => {
        for await (const entry of readTar(source, { releaseConsumed: options.releaseConsumed ?? false }))
          await onEntry(entry, index++);
      },
      ...(options.signal ? [{ signal: options.signal }] : []),
    );
  } catch (err) {
    throw fsError(err, info.path, 'read');
  }
  const digest = measured.sha256();
  const bytes = measured.bytes();
  return { fileSha256: () => digest, fileBytes: () => bytes };
}

const READ_CHUNK = 1 << 20;
/** Spare read buffers kept for reuse; more only while more are in flight (the decompressor holds a few frames). */
const SPARE_READS = 8;

/**
 * The file's bytes in 1 MiB chunks, each a pooled buffer adopted (owned-buffer.ts): the zstd decompressor, the last
 * reader of the compressed bytes, gives each back as soon as it has taken what the chunk holds (a tar reader that
 * releases what it consumed does the same for a plain tar), and the next read reuses it. A chunk nobody lets go of
 * is left to the GC.
 */
function fileChunks(path: string): Readable {
  let handle: FileHandle | null = null;
  const pool = new BufferPool(READ_CHUNK, SPARE_READS);
  return new Readable({
    highWaterMark: READ_CHUNK,
    construct(callback) {
      open(path, 'r').then((h) => {
        handle = h;
        callback();
      }, callback);
    },
    read() {
      const buf = pool.take();
      handle!.read(buf, 0, READ_CHUNK, null).then(
        ({ bytesRead }) => {
          if (bytesRead === 0) {
            this.push(null);
            return;
          }
          // A view of the pooled buffer: given back whole once the view is let go of.
          const chunk = buf.subarray(0, bytesRead);
          adoptPooled(chunk, () => pool.giveBack(buf));
          this.push(chunk);
        },
        (err: unknown) => this.destroy(err as Error),
      );
    },
    destroy(err, callback) {
      (handle ? handle.close() : Promise.resolve()).then(
        () => callback(err),
        (closeErr: unknown) => callback(err ?? (closeErr as Error)),
      );
    },
  });
}
