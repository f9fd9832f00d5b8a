// A database inside an archive, as a page source for the read-only ESE reader (`tables`, `objects`, and any reader
// of an archived ntds.dit). No plaintext copy is ever written: a plain tar is read in place at the member's data
// offset; a compressed and/or age-encrypted archive is streamed once (readArchive: hash, decryption, decompressor,
// strict tar) into a scratch file sealed with a key held only in memory (sealed-spill.ts says why and how).
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { AppError, fsError } from '../errors.ts';
import { HEADER_PROBE_BYTES, type ParsedDatabaseHeader, parseDatabaseHeader } from '../ese/database-header.ts';
import { CachedPageSource, type PageSource } from '../ese/reader/page-source.ts';
import type { AgeKeyring } from './age/keyring.ts';
import { ENTRY_MANIFEST, roleOfEntry } from './layout.ts';
import { type ArchiveFileInfo, probeArchive, readArchive } from './read-archive.ts';
import { SealedSpill } from './sealed-spill.ts';
import type { TarEntry } from './tar.ts';
import { readSeekEntry, seekTarEntries, type SeekEntry } from './tar-seek.ts';

export interface ArchivedDatabaseOptions {
  /** Needed for an age-encrypted archive (without it: ARCHIVE_ENCRYPTED, exit 4). */
  keyring?: AgeKeyring;
  /** The tar entry to read; default the archive's database (the one its manifest names, `ntds/…`). */
  member?: string;
  signal?: AbortSignal;
  /** Where the sealed scratch file goes (compressed or encrypted archives); default the system's temp folder. */
  spillDirectory?: string;
  /** Tests only: the scratch file's path, before it is unlinked. */
  onSpillCreated?: (path: string) => void;
}

export interface ArchivedDatabase {
  source: PageSource;
  header: ParsedDatabaseHeader;
  /** The tar entry read. */
  member: string;
  /** `in-place`: pages read from the (plain tar) archive file; `sealed-spill`: from the sealed scratch file. */
  mode: 'in-place' | 'sealed-spill';
}

/** Largest manifest.json read while looking for the database entry; ours are a few KiB. */
const MAX_MANIFEST_BYTES = 16 << 20;

/**
 * Opens the database stored in an archive for page-by-page reading: the one entry point for anything that reads an
 * archived ntds.dit (close the returned source when done). Errors: ARCHIVE_ENCRYPTED (no key), the age errors (wrong
 * key, damage), ARCHIVE_MEMBER_NOT_FOUND (the named member is not there), ARCHIVE_NO_DATABASE, the tar and ESE
 * header errors, and SPILL_TAMPERED later from reads whose sealed scratch data was altered.
 */
export async function openArchivedDatabase(
  archivePath: string,
  options: ArchivedDatabaseOptions = {},
): Promise<ArchivedDatabase> {
  const info = await probeArchive(archivePath, undefined, options.keyring);
  if (info.format === 'none' && info.encryption === null) return openInPlace(archivePath, options.member);
  return openSpilled(info, options);
}

/** The database entry (and its recorded hash) a manifest names, or null when the text is not a usable manifest. */
function manifestDatabase(text: string): { entry: string; sha256: string } | null {
  try {
    const m = JSON.parse(text) as { files?: { entry?: unknown; role?: unknown; sha256?: unknown }[] };
    const f = Array.isArray(m.files) ? m.files.find((x) => x?.role === 'database') : undefined;
    return f && typeof f.entry === 'string' && typeof f.sha256 === 'string'
      ? { entry: f.entry, sha256: f.sha256 }
      : null;
  } catch {
    return null; // verify reports a damaged manifest; reading the database does not depend on it
  }
}

function memberMissing(archive: string, member: string | undefined, named?: string): AppError {
  if (member !== undefined) {
    const message = `the archive '${archive}' holds no entry '${member}'`;
    return new AppError('InvalidRequest', 'ARCHIVE_MEMBER_NOT_FOUND', message, { target: archive });
  }
  const message = named
    ? `the manifest of '${archive}' names the database '${named}', which the archive does not hold`
    : `the archive '${archive}' holds no database (no ntds/ entry)`;
  return new AppError('Integrity', 'ARCHIVE_NO_DATABASE', message, { target: archive });
}

function openInPlace(archive: string, member: string | undefined): ArchivedDatabase {
  let fd: number;
  try {
    fd = openSync(archive, 'r');
  } catch (err) {
    throw fsError(err, archive, 'read');
  }
  try {
    const fileSize = fstatSync(fd).size;
    const entries = [...seekTarEntries(fd, fileSize)];
    const manifest = entries.find((e) => e.name === ENTRY_MANIFEST);
    const named =
      manifest && manifest.size <= MAX_MANIFEST_BYTES
        ? manifestDatabase(readSeekEntry(fd, manifest, fileSize).toString('utf8'))?.entry
        : undefined;
    const wanted = member ?? named;
    const entry: SeekEntry | undefined =
      wanted !== undefined
        ? entries.find((e) => e.name === wanted)
        : entries.find((e) => roleOfEntry(e.name) === 'database');
    if (entry === undefined) throw memberMissing(archive, member, named);
    const probe = Buffer.alloc(Math.min(entry.size, HEADER_PROBE_BYTES));
    readSync(fd, probe, 0, probe.length, entry.dataOffset);
    const header = parseDatabaseHeader(probe, entry.size);
    // Reads stop at the member's end: the next entry's bytes never pass for pages of this one.
    const readAt = (buf: Uint8Array, pos: number) => {
      const n = Math.max(0, Math.min(buf.byteLength, entry.size - pos));
      return n === 0 ? 0 : readSync(fd, buf, 0, n, entry.dataOffset + pos);
    };
    const source = new CachedPageSource(header.pageSize, entry.size, readAt, () => closeSync(fd));
    return { source, header, member: entry.name, mode: 'in-place' };
  } catch (err) {
    closeSync(fd);
    throw fsError(err, archive, 'read');
  }
}

interface Spilled {
  name: string;
  header: ParsedDatabaseHeader;
  sha256: string;
}

/** One streaming pass: the member goes into a sealed scratch file, the manifest is kept to check it against. */
async function openSpilled(info: ArchiveFileInfo, options: ArchivedDatabaseOptions): Promise<ArchivedDatabase> {
  const holder: { spill?: SealedSpill } = {};
  try {
    let picked: Spilled | undefined;
    let manifestText: string | undefined;
    await readArchive(
      info,
      async (entry) => {
        const name = entry.header.name;
        if (name === ENTRY_MANIFEST && entry.header.size <= MAX_MANIFEST_BYTES) {
          const parts: Buffer[] = [];
          for await (const c of entry.body) parts.push(Buffer.from(c));
          manifestText = Buffer.concat(parts).toString('utf8');
          return;
        }
        const wanted = options.member !== undefined ? name === options.member : roleOfEntry(name) === 'database';
        if (picked === undefined && wanted) picked = await spillMember(entry, options, holder);
      },
      options.signal ? { signal: options.signal } : {},
    );
    const named = manifestText === undefined ? null : manifestDatabase(manifestText);
    if (picked === undefined) throw memberMissing(info.path, options.member, named?.entry);
    checkAgainstManifest(info.path, picked, named, options.member);
    const spill = holder.spill!;
    const readAt = (buf: Uint8Array, pos: number) => spill.readAt(buf, pos);
    const source = new CachedPageSource(picked.header.pageSize, spill.size, readAt, () => spill.close());
    return { source, header: picked.header, member: picked.name, mode: 'sealed-spill' };
  } catch (err) {
    holder.spill?.close();
    throw err;
  }
}

/** The database the manifest names must be the one read (unless the request chose the member), with its hash. */
function checkAgainstManifest(
  archive: string,
  picked: Spilled,
  named: { entry: string; sha256: string } | null,
  member: string | undefined,
): void {
  if (named === null) return;
  if (member === undefined && named.entry !== picked.name) {
    const message = `the manifest of '${archive}' names the database '${named.entry}', not '${picked.name}'`;
    throw new AppError('Integrity', 'ARCHIVE_MANIFEST_MISMATCH', message, { target: archive });
  }
  if (named.entry === picked.name && named.sha256 !== picked.sha256) {
    const message = `'${picked.name}' in '${archive}' does not match the sha256 its manifest records`;
    throw new AppError('Integrity', 'ARCHIVE_MEMBER_HASH_MISMATCH', message, { target: archive });
  }
}

/** Streams one entry into a new sealed scratch file; the first bytes are held only until the header is parsed. */
async function spillMember(
  entry: TarEntry,
  options: ArchivedDatabaseOptions,
  holder: { spill?: SealedSpill },
): Promise<Spilled> {
  const hash = createHash('sha256');
  const probeSize = Math.min(entry.header.size, HEADER_PROBE_BYTES);
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let header: ParsedDatabaseHeader | undefined;
  const start = () => {
    const first = Buffer.concat(pending, pendingBytes);
    header = parseDatabaseHeader(first.subarray(0, probeSize), entry.header.size);
    holder.spill = createSpill(header.pageSize, options);
    holder.spill.write(first);
    first.fill(0);
    pending = [];
  };
  for await (const chunk of entry.body) {
    hash.update(chunk);
    if (holder.spill !== undefined) {
      holder.spill.write(chunk);
      continue;
    }
    pending.push(Buffer.from(chunk));
    pendingBytes += chunk.length;
    if (pendingBytes >= probeSize) start();
  }
  if (holder.spill === undefined) start();
  holder.spill!.finish();
  return { name: entry.header.name, header: header!, sha256: hash.digest('hex') };
}

function createSpill(unitSize: number, options: ArchivedDatabaseOptions): SealedSpill {
  const directory = options.spillDirectory ?? tmpdir();
  try {
    return new SealedSpill({
      directory,
      unitSize,
      ...(options.onSpillCreated ? { onCreated: options.onSpillCreated } : {}),
    });
  } catch (err) {
    throw fsError(err, directory, 'create a scratch file in');
  }
}
