// The backups in a folder, as retention and monitoring see them: every archive of ours paired with its sidecar.
// "Ours" means an archive name we write (.tar.zst/.tar.gz/.tgz/.tar, optionally .age) with a sidecar of our format
// beside it that records this very file's size. Everything else in the folder is listed as skipped and never
// touched; work files (*.partial) of a backup still running are skipped without a look inside.
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fsError } from '../errors.ts';
import { SIDECAR_SUFFIX, readSidecar } from '../archive/sidecar.ts';

/** Archive names we write (destination-name.ts), matched case-insensitively as on NTFS. */
const ARCHIVE_NAME = /\.(tar\.zst|tar\.gz|tgz|tar)(\.age)?$/i;
const WORK_FILE = /\.partial$/i;

export interface CatalogEntry {
  archive: string;
  sidecar: string;
  computer: string;
  backupId: string;
  createdAt: Date;
  expiresAt: Date;
  size: number;
  /** sha256 of the archive file as the sidecar recorded it when the backup was published. */
  sha256: string;
  /** The backup's own verdict at backup time: restorable, and no finding of severity error. */
  soundAtBackup: boolean;
  encrypted: boolean;
}

export type SkipReason = 'work-file' | 'no-sidecar' | 'sidecar-size-mismatch';
export interface Skipped {
  path: string;
  reason: SkipReason;
  message: string;
}

export interface Catalog {
  backups: CatalogEntry[];
  skipped: Skipped[];
}

const SKIP_MESSAGES: Record<SkipReason, string> = {
  'work-file': 'a backup still being written (or one that was interrupted): left alone',
  'no-sidecar': 'no sidecar manifest of ours beside it: not known to be one of our backups, left alone',
  'sidecar-size-mismatch':
    'the sidecar records another size than the file has: they do not belong together, left alone',
};

async function archiveNames(folder: string, recurse: boolean): Promise<string[]> {
  let dirents;
  try {
    dirents = await readdir(folder, { withFileTypes: true });
  } catch (err) {
    throw fsError(err, folder, 'list the backup folder');
  }
  const found: string[] = [];
  for (const d of dirents.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const path = join(folder, d.name);
    if (d.isDirectory() && recurse) found.push(...(await archiveNames(path, true)));
    else if (d.isFile() && (ARCHIVE_NAME.test(d.name) || (WORK_FILE.test(d.name) && !d.name.includes(SIDECAR_SUFFIX))))
      found.push(path);
  }
  return found;
}

function soundAtBackup(s: NonNullable<Awaited<ReturnType<typeof readSidecar>>>): boolean {
  return s.logRange.restorable && !s.findings.some((f) => f.severity === 'error');
}

async function describe(path: string): Promise<CatalogEntry | Skipped> {
  if (WORK_FILE.test(path)) return skipped(path, 'work-file');
  const sidecar = await readSidecar(path);
  if (!sidecar) return skipped(path, 'no-sidecar');
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch (err) {
    throw fsError(err, path, 'read');
  }
  if (sidecar.archive.size !== size) return skipped(path, 'sidecar-size-mismatch');
  return {
    archive: path,
    sidecar: path + SIDECAR_SUFFIX,
    computer: sidecar.source.computer.toUpperCase(),
    backupId: sidecar.backupId,
    createdAt: new Date(sidecar.createdAt),
    expiresAt: new Date(sidecar.expiresAt),
    size,
    sha256: sidecar.archive.sha256,
    soundAtBackup: soundAtBackup(sidecar),
    encrypted: !!sidecar.encryption,
  };
}

function skipped(path: string, reason: SkipReason): Skipped {
  return { path, reason, message: SKIP_MESSAGES[reason] };
}

/** Every archive under `folder` (one level, or all with `recurse`), ours or skipped, newest first per computer. */
export async function catalogFolder(folder: string, recurse = false): Promise<Catalog> {
  const backups: CatalogEntry[] = [];
  const skippedList: Skipped[] = [];
  for (const path of await archiveNames(folder, recurse)) {
    const d = await describe(path);
    if ('reason' in d) skippedList.push(d);
    else backups.push(d);
  }
  return { backups: backups.sort(newestFirst), skipped: skippedList };
}

/** Newest first; equal times by name, so the order (and so what is kept) never depends on the listing. */
export function newestFirst(a: CatalogEntry, b: CatalogEntry): number {
  return b.createdAt.getTime() - a.createdAt.getTime() || (a.archive < b.archive ? 1 : a.archive > b.archive ? -1 : 0);
}

/** The catalog's backups by computer (upper case, as NetBIOS names compare), each list newest first. */
export function byComputer(backups: CatalogEntry[]): Map<string, CatalogEntry[]> {
  const groups = new Map<string, CatalogEntry[]>();
  for (const b of [...backups].sort(newestFirst)) {
    const list = groups.get(b.computer) ?? [];
    list.push(b);
    groups.set(b.computer, list);
  }
  return new Map([...groups].sort(([a], [b]) => (a < b ? -1 : 1)));
}
