// The one streaming pass of verify: every entry hashed, its ESE header captured and (the database) its pages
// checked, the metadata entries kept, and a restore's sink fed. It judges nothing: it returns what it saw, and the
// checks (verify-checks.ts) draw the findings from that.
import { createHash } from 'node:crypto';
import { AppError } from '../errors.ts';
import { type ArchivedEseFile, HeaderCapture } from './ese-entries.ts';
import { ENTRY_HEADER, ENTRY_MANIFEST, ENTRY_SUMS, type FileRole, roleOfEntry, unsafeEntryName } from './layout.ts';
import { type ArchiveFileInfo, type ArchivePass, readArchive } from './read-archive.ts';
import { type PageStats, PageScanner } from '../ese/page-scanner.ts';
import type { TarEntry } from './tar.ts';
import { progressThrottle } from '../progress.ts';
import type { VerifiedEntry, VerifyEnv } from './verify-types.ts';

/** Metadata entries larger than this are not ours, and are not read into memory. */
export const METADATA_LIMIT = 64 << 20;

/** An entry as its tar header announced it, before its body was read. */
export interface OpenedEntry {
  name: string;
  size: number;
}

export interface ScannedEntry {
  name: string;
  size: number;
  sha256: string;
  /** The bytes of a metadata entry (adbackup.json, SHA256SUMS, manifest.json) within METADATA_LIMIT. */
  metadata: Buffer | null;
  captured: ArchivedEseFile | null;
  pages: PageStats | null;
}

export interface ArchiveScan {
  /** Every entry whose header was read, in order; the last one may not have been read to its end. */
  opened: OpenedEntry[];
  /** Every entry read to its end, in order. */
  read: ScannedEntry[];
  /** How the pass ended: complete (the archive file's hash and size), or cut short by an integrity error (I/O errors
   * are thrown, not returned). */
  end: { pass: ArchivePass; failure: null } | { pass: null; failure: AppError };
}

export function isMetadata(name: string): boolean {
  return name === ENTRY_HEADER || name === ENTRY_SUMS || name === ENTRY_MANIFEST;
}

/** The entry the pass is in (null between entries): the last one opened and not yet read to its end. */
export function currentEntry(scan: Pick<ArchiveScan, 'opened' | 'read'>): string | null {
  return scan.opened.length > scan.read.length ? scan.opened.at(-1)!.name : null;
}

export async function scanArchive(info: ArchiveFileInfo, env: VerifyEnv): Promise<ArchiveScan> {
  const opened: OpenedEntry[] = [];
  const read: ScannedEntry[] = [];
  const due = progressThrottle();
  const onRawBytes = (n: number) => {
    if (env.progress && due()) {
      env.progress({
        phase: env.sink ? 'restore' : 'verify',
        bytesDone: n,
        bytesTotal: info.size,
        file: currentEntry({ opened, read }),
      });
    }
  };
  // The entry callback only appends to the two lists the scan returns.
  const onEntry = async (entry: TarEntry) => {
    opened.push({ name: entry.header.name, size: entry.header.size });
    read.push(await scanEntry(entry, env));
  };
  try {
    // Every body chunk is used before the next is read (hashes, header and page scans copy what they keep; a restore's
    // writer retains what it has not yet written), so the pass frees decoded frames as it goes.
    const pass = await readArchive(info, onEntry, {
      ...(env.signal ? { signal: env.signal } : {}),
      onRawBytes,
      releaseConsumed: true,
    });
    return { opened, read, end: { pass, failure: null } };
  } catch (err) {
    if (!(err instanceof AppError) || err.category !== 'Integrity') throw err;
    return { opened, read, end: { pass: null, failure: err } };
  }
}

async function scanEntry(entry: TarEntry, env: VerifyEnv): Promise<ScannedEntry> {
  const { name, size } = entry.header;
  const role: FileRole | null = unsafeEntryName(name) ? null : roleOfEntry(name);
  const keep = isMetadata(name) && size <= METADATA_LIMIT ? ([] as Buffer[]) : null;
  const hash = createHash('sha256');
  const capture = role ? new HeaderCapture(role) : null;
  const scanner = role === 'database' ? new PageScanner() : null;
  const writer = role && env.sink ? await env.sink.open(name, size) : null;
  for await (const chunk of entry.body) {
    hash.update(chunk);
    capture?.add(chunk);
    scanner?.add(chunk);
    keep?.push(Buffer.from(chunk));
    if (writer) await writer.write(chunk);
  }
  await writer?.end();
  return {
    name,
    size,
    sha256: hash.digest('hex'),
    metadata: keep ? Buffer.concat(keep) : null,
    captured:
      role && capture
        ? { entry: name, role, name: name.slice(name.indexOf('/') + 1), size, header: capture.bytes() }
        : null,
    pages: scanner ? scanner.finish() : null,
  };
}
