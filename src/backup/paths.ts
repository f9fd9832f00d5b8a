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
