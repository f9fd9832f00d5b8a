// The shipped Windows executable as the build made it: where it is, and the sha256 the build recorded for it
// (build/executables.stamp.json), so that a test can show that what it ran is byte-identical to the build.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from './shared.ts';

export const builtDir = join(projectRoot, 'module', 'bin', 'win-x64');
export const builtExe = join(builtDir, 'adbackup.exe');

/** The sha256 the build recorded for module/bin/win-x64/adbackup.exe. */
export function builtExeSha256(): string {
  const stamp = JSON.parse(readFileSync(join(projectRoot, 'build', 'executables.stamp.json'), 'utf8'));
  const sha = stamp.files?.['module/bin/win-x64/adbackup.exe'];
  if (typeof sha !== 'string')
    throw new Error('build/executables.stamp.json records no sha256 for module/bin/win-x64/adbackup.exe');
  return sha;
}

export const sha256File = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');
