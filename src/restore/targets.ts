// Where a restore puts things. Logical paths are the DC's view (what the registry names: C:\Windows\NTDS\…);
// physical paths are where this process writes — the same, or re-rooted under `root` when a rescue host writes a
// mounted volume (C:\Windows\NTDS → <root>/C/Windows/NTDS).
import { AppError } from '../errors.ts';
import type { Manifest } from '../archive/manifest.ts';
import { isWindowsPath, pathApi, toUnc, unsafeRecordedPath } from '../paths.ts';

export interface FilesTarget {
  root?: string;
  databasePath?: string;
  logPath?: string;
  backupLogPath?: string;
  checkpointPath?: string;
  computer?: string;
}

export interface Place {
  logical: string;
  physical: string;
}

export interface RestoreTargets {
  database: Place;
  logFolder: Place;
  backupLogFolder: Place;
  checkpointFolder: Place;
  /** The database goes somewhere other than where it was backed up. */
  relocated: boolean;
  originalDatabase: string;
  computer: string;
}

export type PathStyle = 'unc' | 'local';

function checkPath(p: string, what: string): void {
  const unsafe = unsafeRecordedPath(p);
  if (unsafe)
    throw new AppError('InvalidRequest', 'INVALID_PATH', `${what} is not usable (${unsafe}): '${p}'`, { target: p });
  if (isWindowsPath(p) && /[<>"|?*]/.test(p.replace(/^\\\\\?\\/, '').slice(2))) {
    throw new AppError('InvalidRequest', 'INVALID_PATH', `${what} contains characters a path cannot hold: '${p}'`, {
      target: p,
    });
  }
}

/** The archive's own record of where the files were: checked like a request's paths, but it is the archive at fault. */
function checkRecorded(p: string, what: string): void {
  const unsafe = unsafeRecordedPath(p);
  if (unsafe)
    throw new AppError(
      'Integrity',
      'ARCHIVE_PATH_UNSAFE',
      `the archive records ${what} as '${p}' (${unsafe}): refused`,
      { target: p },
    );
}

/** C:\A\B under /mnt/r → /mnt/r/C/A/B; \\srv\share\x → /mnt/r/srv/share/x; /a/b → /mnt/r/a/b. */
export function reroot(root: string, logical: string): string {
  const api = pathApi(root);
  const parts = isWindowsPath(logical)
    ? logical
        .replace(/^\\\\\?\\/, '')
        .replace(/^([A-Za-z]):/, '$1')
        .split(/[\\/]+/)
        .filter(Boolean)
    : logical.split('/').filter(Boolean);
  return api.join(root, ...parts);
}

/**
 * `physical`, when given, says where this process writes each of the DC's paths (an offline Windows volume and its
 * drive map, src/restore/offline-volume.ts) instead of `root` or the path itself.
 */
export function resolveTargets(
  m: Manifest,
  t: FilesTarget,
  nativeStyle: 'win32' | 'posix',
  physical?: (logical: string) => string,
): RestoreTargets {
  for (const [v, what] of [
    [t.root, 'target.root'],
    [t.databasePath, 'target.databasePath'],
    [t.logPath, 'target.logPath'],
    [t.backupLogPath, 'target.backupLogPath'],
    [t.checkpointPath, 'target.checkpointPath'],
  ] as const) {
    if (v !== undefined) checkPath(v, what);
  }
  checkRecorded(m.source.paths.database.path, 'the database path');
  checkRecorded(m.source.paths.logs.path, 'the log folder');
  if (m.source.paths.checkpoint) checkRecorded(m.source.paths.checkpoint.path, 'the checkpoint path');
  const originalDb = m.source.paths.database.path;
  const api = pathApi(originalDb);
  const database = t.databasePath ?? originalDb;
  const logFolder = t.logPath ?? m.source.paths.logs.path;
  const backupLogFolder = t.backupLogPath ?? logFolder;
  const checkpointFolder = t.checkpointPath ?? movedCheckpointFolder(m, t, logFolder, database);
  const foreign = (p: string) => (nativeStyle === 'posix' ? isWindowsPath(p) : p.startsWith('/'));
  if (t.root !== undefined && foreign(t.root)) {
    throw new AppError('InvalidRequest', 'INVALID_PATH', `target.root '${t.root}' is not a path on this machine`, {
      target: t.root,
    });
  }
  const place = (logical: string): Place => {
    if (physical !== undefined) return { logical, physical: physical(logical) };
    if (t.root !== undefined) return { logical, physical: reroot(t.root, logical) };
    if (foreign(logical)) {
      throw new AppError(
        'InvalidRequest',
        'INVALID_PATH',
        `'${logical}' is not a path on this machine; give target.root (where that volume is mounted) or explicit target paths`,
        { target: logical },
      );
    }
    return { logical, physical: logical };
  };
  return {
    database: place(database),
    logFolder: place(logFolder),
    backupLogFolder: place(backupLogFolder),
    checkpointFolder: place(checkpointFolder),
    relocated: database.toLowerCase() !== originalDb.toLowerCase(),
    originalDatabase: originalDb,
    computer: t.computer ?? m.source.computer,
  };
}

/**
 * The checkpoint folder when the request moves the files but names none: the checkpoint lived beside the logs (or
 * the database) it belongs with, so it follows them; a folder of its own stays where it was.
 */
function movedCheckpointFolder(m: Manifest, t: FilesTarget, logFolder: string, database: string): string {
  const originalDb = m.source.paths.database.path;
  const cp = m.source.paths.checkpoint?.path;
  const recorded = cp ? pathApi(cp).dirname(cp) : pathApi(originalDb).dirname(originalDb);
  const same = (a: string, b: string) =>
    a.replace(/[\\/]+$/, '').toLowerCase() === b.replace(/[\\/]+$/, '').toLowerCase();
  if (t.logPath !== undefined && same(recorded, m.source.paths.logs.path)) return logFolder;
  if (t.databasePath !== undefined && same(recorded, pathApi(originalDb).dirname(originalDb)))
    return pathApi(database).dirname(database);
  return recorded;
}

/** A logical path as the registry should carry it: UNC (\\DC\C$\…, as KB 814167 shows) or local. */
export function registryPath(logical: string, style: PathStyle, computer: string): string {
  if (style === 'unc') return toUnc(logical, computer) ?? logical;
  return logical;
}
