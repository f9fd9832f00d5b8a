// An offline Windows installation mounted on this machine (a DC's disk attached to a rescue host, or a repair VM):
// where its files and its SYSTEM hive are. The DC's own paths name drive letters (C:\Windows\NTDS\ntds.dit): the
// mounted volume stands for the system drive (C: unless told otherwise), any other letter only through an explicit
// drives map — a guess would write the database onto the wrong disk.
//
// A mounted NTFS shows names as they were created (Windows/System32/config), and a DC's registry may spell them
// otherwise (C:\WINDOWS\NTDS): on a case-sensitive file system each existing component is found case-insensitively
// (an exact match first); components that do not exist yet keep the DC's spelling.
import { readdirSync, statSync } from 'node:fs';
import { AppError } from '../errors.ts';
import { pathApi } from '../paths.ts';

export interface OfflineVolume {
  /** The mounted volume of the system drive. */
  root: string;
  /** "C" unless the request names another. */
  systemDrive: string;
  /** Other drive letters (uppercase) → where they are mounted here. */
  drives: Record<string, string>;
}

export function offlineVolume(t: {
  windows: string;
  systemDrive?: string;
  drives?: Record<string, string>;
}): OfflineVolume {
  if (!isDirectory(t.windows)) {
    throw new AppError(
      'Precondition',
      'OFFLINE_VOLUME_NOT_FOUND',
      `target.windows '${t.windows}' is not a folder on this machine: give the root of the mounted Windows volume`,
      { target: t.windows },
    );
  }
  const letter = (d: string) => d.replace(/:$/, '').toUpperCase();
  const drives = Object.fromEntries(Object.entries(t.drives ?? {}).map(([d, p]) => [letter(d), p]));
  return { root: t.windows, systemDrive: letter(t.systemDrive ?? 'C'), drives };
}

/** C:\Windows\NTDS\ntds.dit → <root>/Windows/NTDS/ntds.dit; D:\Logs → <drives.D>/Logs; anything else refused. */
export function volumePath(v: OfflineVolume, logical: string): string {
  const m = /^([A-Za-z]):[\\/](.*)$/.exec(logical);
  if (!m) {
    throw new AppError(
      'InvalidRequest',
      'INVALID_PATH',
      `'${logical}' is not a drive path of the offline Windows (UNC and relative paths cannot be mapped onto a mounted volume)`,
      { target: logical },
    );
  }
  const drive = m[1]!.toUpperCase();
  const base = drive === v.systemDrive ? v.root : v.drives[drive];
  if (base === undefined) {
    throw new AppError(
      'InvalidRequest',
      'DRIVE_NOT_MAPPED',
      `'${logical}' is on drive ${drive}:, and only ${v.systemDrive}: (the mounted volume) is known: mount that volume too and map it (target.drives: { "${drive}": "<where it is mounted>" }), or name other places in the request`,
      { target: logical, details: { drive } },
    );
  }
  return existingCase(base, m[2]!.split(/[\\/]+/).filter(Boolean));
}

/** <windows>/Windows/System32/config/SYSTEM, as the volume spells it; refused when there is none. */
export function systemHivePath(v: OfflineVolume): string {
  const path = existingCase(v.root, ['Windows', 'System32', 'config', 'SYSTEM']);
  let file = false;
  try {
    file = statSync(path).isFile();
  } catch {
    /* not there */
  }
  if (!file) {
    throw new AppError(
      'Precondition',
      'HIVE_NOT_FOUND',
      `no SYSTEM hive at '${path}': is '${v.root}' the Windows volume? Give target.hive to name it`,
      { target: path },
    );
  }
  return path;
}

/** base joined with parts, each existing component as the file system spells it. Sync: a handful of readdirs. */
function existingCase(base: string, parts: string[]): string {
  const api = pathApi(base);
  let at = base;
  let exists = true;
  for (const part of parts) {
    const names: string[] | null = exists ? listing(at) : null;
    const found: string | undefined =
      names === null ? undefined : (names.find((n) => n === part) ?? names.find((n) => sameName(n, part)));
    exists = found !== undefined;
    at = api.join(at, found ?? part);
  }
  return at;
}

const sameName = (a: string, b: string) => a.toUpperCase() === b.toUpperCase();

function listing(folder: string): string[] | null {
  try {
    return readdirSync(folder);
  } catch {
    return null;
  }
}

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}
