// Paths as the backup records them. A DC's paths are Windows paths; the tool may also run on a Linux rescue host
// over POSIX paths. The style is read from the string itself, never from the platform we run on.
import { posix, win32 } from 'node:path';

export function isWindowsPath(p: string): boolean {
  return /^[A-Za-z]:[\\/]/.test(p) || /^\\\\[^\\]/.test(p);
}

export function pathApi(p: string): typeof posix {
  return isWindowsPath(p) ? win32 : posix;
}

/** `C:\Windows\NTDS\ntds.dit` on DC01 → `\\DC01\C$\Windows\NTDS\ntds.dit`; UNC paths stay; POSIX paths have none. */
export function toUnc(p: string, computer: string): string | null {
  if (/^\\\\[^\\]/.test(p)) return p;
  const m = /^([A-Za-z]):[\\/](.*)$/.exec(p);
  if (!m || computer === '') return null;
  return `\\\\${computer}\\${m[1]!.toUpperCase()}$\\${m[2]!.replace(/\//g, '\\')}`;
}

/**
 * Why a path a backup records (and a restore writes to) is unsafe, or null: it must be absolute (a drive, UNC or
 * POSIX path), without control characters and without `..` components. A restore under `root` re-roots these
 * paths; a `..` would climb out of it.
 */
export function unsafeRecordedPath(p: unknown): string | null {
  if (typeof p !== 'string' || p === '') return 'not a path';
  if (!isWindowsPath(p) && !p.startsWith('/')) return 'not an absolute path';
  if (/[\x00-\x1f]/.test(p)) return 'control character in the path';
  if (p.split(/[\\/]/).includes('..')) return "climbs out with '..'";
  return null;
}
