// The CLI contract suites against the shipped Windows executable under Wine 10 (ADBACKUP_EXE_WINE=1, see cli.ts).
// What runs is module/bin/win-x64/adbackup.exe itself, in place; the first call checks its sha256 against the one the
// build recorded and every later call is refused if that check failed, so a suite cannot pass on another file.
//
// What differs from running the Linux executable, and why:
// - stdin, stdout and stderr are files: Node (libuv) under Wine fails on a pipe with EBADF (tests/support/wine.ts).
// - paths are translated: a request's absolute POSIX paths (and argv's) become Z:\… (Wine's Z: is /, and the chroot
//   binds /tmp and the project at their own paths), and every Z:\… path in the parsed response becomes POSIX again,
//   so the suites compare results with the paths they made. stdout and stderr stay as the exe wrote them.
// - one Wine prefix: the one ADBACKUP_WINE_PREFIX names (scripts/run-tests.sh boots it once for every test file,
//   tests/support/wine-cli-prefix.ts), else one per test file, booted on first use and removed at the end.
// - the exe runs as on a DC booted into Directory Services Restore Mode (SAFEBOOT_OPTION=DSREPAIR), the state a
//   restore needs on Windows; a call that stands for a normal boot says so in its `env` (the restore suite does).
// - the environment is this process's at the time of the call (the suites set variables that name secrets).
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from './shared.ts';
import { builtExe, builtExeSha256, sha256File } from './built-exe.ts';
import {
  type WinePrefix,
  type WineResult,
  createWinePrefix,
  findWine,
  openWinePrefix,
  wineUnavailable,
  windowsPath,
} from './wine.ts';

export interface WineCliResult {
  code: number;
  json: any;
  stdout: string;
  stderr: string;
}

/** A POSIX path as the Windows executable names it. */
export const toWindowsPath = windowsPath;

/** Z:\… back to the POSIX path it stands for. */
export function fromWindowsPath(p: string): string {
  return p.replace(/^Z:/i, '').replace(/\\/g, '/') || '/';
}

/** Absolute POSIX paths in a request (strings starting with "/") as Z:\… paths; everything else as it was. */
export function requestToWindows(value: unknown): unknown {
  if (typeof value === 'string') return value.startsWith('/') ? windowsPath(value) : value;
  if (Array.isArray(value)) return value.map(requestToWindows);
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, x]) => [k, requestToWindows(x)]));
  return value;
}

// A Z:\ path inside any string (a whole value, or quoted in a message): up to a quote, white space or the end.
// A trailing full stop, comma, colon, semicolon or parenthesis belongs to the sentence, not the path.
const Z_PATH = /Z:\\(?:[^\s'"`]*[^\s'"`.,;:)])?/g;

/** Every Z:\… path in a response (whole strings and paths quoted inside messages) as POSIX. */
export function responseToPosix(value: unknown): unknown {
  if (typeof value === 'string') return value.replace(Z_PATH, fromWindowsPath);
  if (Array.isArray(value)) return value.map(responseToPosix);
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, x]) => [k, responseToPosix(x)]));
  return value;
}

interface Session {
  prefix: WinePrefix;
  /** Set when this process booted the prefix (and so removes it). */
  owned: boolean;
  io: string;
}

let sessionPromise: Promise<Session> | undefined;
let n = 0;

function session(): Promise<Session> {
  return (sessionPromise ??= (async () => {
    const tools = findWine();
    if (tools === null) throw new Error(`ADBACKUP_EXE_WINE=1 but Wine 10 cannot run: ${wineUnavailable()}`);
    const shared = process.env['ADBACKUP_WINE_PREFIX'];
    const prefix = shared ? openWinePrefix(tools, shared) : await createWinePrefix(tools);
    // No crash dialog / debugger on an unhandled exception: a failing start then costs ~2 s, not ~5 s.
    prefix.env['WINEDLLOVERRIDES'] = `${prefix.env['WINEDLLOVERRIDES']};winedbg.exe=d`;
    const io = await mkdtemp(join(tmpdir(), 'adbackup-wine-cli-'));
    const sha = sha256File(builtExe);
    if (sha !== builtExeSha256())
      throw new Error(`${builtExe} is not the file the build made (sha256 ${sha}, build ${builtExeSha256()})`);
    return { prefix, owned: !shared, io };
  })());
}

/** The sha256 of the exe the calls ran, checked when the session started (throws when it was not the build's). */
export async function wineExeSha256(): Promise<string> {
  await session();
  return sha256File(builtExe);
}

/** Runs adbackup.exe under Wine with args and stdin (file-based stdio, paths translated); env adds variables. */
export async function wineAdbackup(
  args: string[],
  stdin?: string | Buffer | object,
  env: Record<string, string> = {},
): Promise<WineCliResult> {
  const s = await session();
  const input = join(s.io, `stdin-${process.pid}-${++n}`);
  const body =
    stdin === undefined
      ? ''
      : typeof stdin === 'string' || Buffer.isBuffer(stdin)
        ? stdin
        : JSON.stringify(requestToWindows(stdin));
  await writeFile(input, body, { mode: 0o600 }); // requests may carry test secrets; removed after the call
  const argv = args.map((a) => (a.startsWith('/') ? windowsPath(a) : a));
  let r: WineResult;
  try {
    r = await s.prefix.run([builtExe, ...argv], 120_000, input, {
      ...currentEnv(s.prefix),
      SAFEBOOT_OPTION: 'DSREPAIR',
      ...env,
    });
  } finally {
    await rm(input, { force: true });
  }
  const stdout = r.stdout.toString('utf8');
  let json: unknown = undefined;
  try {
    json = responseToPosix(JSON.parse(stdout));
  } catch {
    /* left undefined: the test decides whether that is wrong */
  }
  return { code: r.code ?? -1, json, stdout, stderr: r.stderr };
}

/** This process's variables now, but for those the prefix sets (WINEPREFIX, the locale …) or leaves out. */
function currentEnv(prefix: WinePrefix): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !(k in prefix.env) && k !== 'DISPLAY' && k !== 'WAYLAND_DISPLAY') out[k] = v;
  }
  return out;
}

/** tests/support/native/hold-file.c, built with mingw-w64 into the session's folder on first use. */
let holderPromise: Promise<string> | undefined;
function holderExe(io: string): Promise<string> {
  return (holderPromise ??= (async () => {
    const exe = join(io, 'hold-file.exe');
    const cc = process.env['MINGW_CC'] ?? 'x86_64-w64-mingw32-gcc';
    const r = spawnSync(
      cc,
      ['-municode', '-O2', '-s', '-o', exe, join(projectRoot, 'tests', 'support', 'native', 'hold-file.c')],
      { encoding: 'utf8' },
    );
    if (r.status !== 0) throw new Error(`${cc} could not build hold-file.exe: ${r.error?.message ?? r.stderr}`);
    return exe;
  })());
}

/** Holds `path` open from a Windows process in the exe's prefix, without sharing (as NTDS holds ntds.dit), until
 *  the returned function is called. */
export async function wineHoldOpen(path: string): Promise<() => Promise<void>> {
  const s = await session();
  const flag = join(s.io, `held-${process.pid}-${++n}`);
  const done = s.prefix.run([await holderExe(s.io), windowsPath(path), windowsPath(flag)], 180_000);
  for (let i = 0; i < 600 && !existsSync(flag); i++) {
    const early = await Promise.race([done, new Promise<null>((resolve) => setTimeout(() => resolve(null), 100))]);
    if (early !== null)
      throw new Error(`hold-file.exe ended before holding ${path}: exit ${early.code} ${early.stderr}`);
  }
  if (!existsSync(flag)) throw new Error(`hold-file.exe did not hold ${path} within 60 s`);
  return async () => {
    await rm(flag, { force: true });
    await done;
  };
}

/** A file the exe wrote, as the test reads it back (its Z:\ paths as POSIX). */
export async function readExeJson(path: string): Promise<any> {
  return responseToPosix(JSON.parse(await readFile(path, 'utf8')));
}

if (process.env['ADBACKUP_EXE_WINE'] === '1') {
  test.after.always(async () => {
    const s = await sessionPromise?.catch(() => undefined);
    if (s === undefined) return;
    await rm(s.io, { recursive: true, force: true });
    if (s.owned) await s.prefix.dispose();
  });
}
