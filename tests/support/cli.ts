import { spawn } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { join, resolve as resolvePath } from 'node:path';
import type { ExecutionContext } from 'ava';
import { projectRoot } from './shared.ts';
import { open } from 'node:fs/promises';
import { toWindowsPath, wineAdbackup, wineHoldOpen } from './wine-cli.ts';

export const bundle = join(projectRoot, 'dist', 'adbackup.cjs');

/** ADBACKUP_EXE (absolute, or relative to the project) names a standalone executable to run instead of the bundle. */
const exe = process.env['ADBACKUP_EXE'] ? resolvePath(projectRoot, process.env['ADBACKUP_EXE']) : null;

/** ADBACKUP_EXE_WINE=1: the shipped module/bin/win-x64/adbackup.exe under Wine 10 instead (tests/support/wine-cli.ts). */
export const underWine = process.env['ADBACKUP_EXE_WINE'] === '1';

/** The platform of the adbackup under test, for the expectations that differ on Windows. */
export const cliPlatform: NodeJS.Platform = underWine ? 'win32' : process.platform;

/** A POSIX path as the adbackup under test names it in what it writes (Z:\… for the Windows exe under Wine). */
export function cliPath(posixPath: string): string {
  return underWine ? toWindowsPath(posixPath) : posixPath;
}

/** The program and argv that run adbackup with `args`: the bundle under this Node, or ADBACKUP_EXE. Under Wine
 *  there is none: the exe cannot be given pipes (tests/support/wine-cli.ts), so a caller that needs them must say so. */
export function cliCommand(args: string[]): [string, string[]] {
  if (underWine)
    throw new Error('cliCommand: the Windows exe under Wine runs only through adbackup() (file-based stdio)');
  return exe === null ? [process.execPath, [bundle, ...args]] : [exe, args];
}

export interface CliResult {
  code: number;
  json: any;
  stdout: string;
  stderr: string;
}

/** Runs the built bundle (`node dist/adbackup.cjs`), the executable ADBACKUP_EXE names, or (ADBACKUP_EXE_WINE=1)
 *  the Windows exe under Wine, as a separate process: request on stdin (string, raw bytes or object), JSON on
 *  stdout; `env` adds variables for this call. */
export function adbackup(
  args: string[],
  stdin?: string | Buffer | object,
  env: Record<string, string> = {},
): Promise<CliResult> {
  if (underWine) return wineAdbackup(args, stdin, env);
  return new Promise((resolve, reject) => {
    const [command, argv] = cliCommand(args);
    const child = spawn(command, argv, { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      let json: unknown = undefined;
      try {
        json = JSON.parse(stdout);
      } catch {
        /* left undefined: the test decides whether that is wrong */
      }
      resolve({ code: code ?? -1, json, stdout, stderr });
    });
    child.stdin.on('error', () => {}); // a child that stops reading early (a refused, oversized request) closes the pipe
    child.stdin.end(
      stdin === undefined ? '' : typeof stdin === 'string' || Buffer.isBuffer(stdin) ? stdin : JSON.stringify(stdin),
    );
  });
}

/** Holds `path` open, as a running NTDS holds its database, until the returned function is called: from this process
 *  for a POSIX adbackup (it looks for open descriptors in /proc), from a Windows process in the same Wine prefix for
 *  the Windows exe (Wine keeps share modes among Windows handles only). */
export async function holdOpen(path: string): Promise<() => Promise<void>> {
  if (underWine) return wineHoldOpen(path);
  const handle = await open(path, 'r');
  return () => handle.close();
}

/** Asserts that a file the tool wrote is owner-only as documented: mode 0600 on POSIX. Windows has no mode bits
 *  (the folder's ACL decides who reads the file; Wine shows its own default mode), so there the file must exist
 *  and be writable by its owner (not created read-only). */
export async function assertOwnerOnly(t: ExecutionContext, path: string, message?: string): Promise<void> {
  const mode = (await stat(path)).mode & 0o777;
  if (cliPlatform === 'win32') t.is(mode & 0o600, 0o600, message);
  else t.is(mode, 0o600, message);
}
