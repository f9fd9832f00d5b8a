// What an archive holds and in what order (README, Archives anyone can open): adbackup.json first, the data entries,
// SHA256SUMS, manifest.json last. Entry names are checked on read before anything trusts them.
import { AppError } from '../errors.ts';

export const ENTRY_HEADER = 'adbackup.json';
export const ENTRY_SUMS = 'SHA256SUMS';
export const ENTRY_MANIFEST = 'manifest.json';
/** The plaintext sidecar beside an archive: `<archive>.manifest.json`. */
export const SIDECAR_SUFFIX = '.manifest.json';
export const ARCHIVE_FORMAT = 'adbackup-archive';
export const ARCHIVE_FORMAT_VERSION = 1;

export type FileRole = 'database' | 'log' | 'checkpoint' | 'expiry-token' | 'vss-components';

export const ROLE_FOLDERS: Record<FileRole, string> = {
  database: 'ntds',
  log: 'logs',
  checkpoint: 'checkpoint',
  'expiry-token': 'meta',
  'vss-components': 'meta',
};

/** The VSS backup components document (SaveAsXML) of a VSS backup; anything else in meta/ is the API's expiry token. */
export const VSS_COMPONENTS_ENTRY = 'meta/vss-backup-components.xml';

/** Entries that are kept blobs, not DSA files with a place to go back to. */
export function isBlobRole(role: FileRole): boolean {
  return role === 'expiry-token' || role === 'vss-components';
}

export function entryNameFor(role: FileRole, baseName: string): string {
  return `${ROLE_FOLDERS[role]}/${baseName}`;
}

export function roleOfEntry(entry: string): FileRole | null {
  if (entry === VSS_COMPONENTS_ENTRY) return 'vss-components';
  const folder = entry.split('/')[0];
  for (const [role, f] of Object.entries(ROLE_FOLDERS))
    if (f === folder && entry.split('/').length === 2) return role as FileRole;
  return null;
}

/**
 * Why an entry name is unsafe to extract, or null when it is fine. Names are relative POSIX paths of plain
 * characters: no absolute or drive paths, no `..` or `.` parts, no backslashes, no control characters.
 */
export function unsafeEntryName(name: string): string | null {
  if (name.length === 0) return 'empty name';
  if (name.length > 255) return 'name longer than 255 characters';
  if (name.startsWith('/')) return 'absolute path';
  if (/^[A-Za-z]:/.test(name)) return 'drive-letter path';
  if (name.includes('\\')) return 'backslash in name';
  if (/[\x00-\x1f\x7f]/.test(name)) return 'control character in name';
  const parts = name.split('/');
  if (parts.some((p) => p === '..')) return 'parent-directory (..) component';
  if (parts.some((p) => p === '.' || p === '')) return 'empty or "." component';
  return null;
}

/**
 * The file name a restore writes an entry under (`logs/edb00001.log` → `edb00001.log`): one plain name, never a
 * path (no separator of either platform, no drive colon, not `.` or `..`), whatever the archive says.
 */
export function entryFileName(entry: string): string {
  const name = entry.slice(entry.indexOf('/') + 1);
  if (
    unsafeEntryName(entry) !== null ||
    roleOfEntry(entry) === null ||
    /[\\/:]/.test(name) ||
    name === '.' ||
    name === '..'
  ) {
    throw new AppError(
      'Integrity',
      'ENTRY_NAME_UNSAFE',
      `the archive entry '${entry}' does not name a plain file: refused`,
      { target: entry },
    );
  }
  return name;
}
