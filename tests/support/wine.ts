// Running Windows programs under Wine 10 for interop tests: one throw-away prefix per test file.
// Wine 10 lives in a Debian trixie chroot that scripts/wine10-chroot.sh builds once into build/wine10/ (npm test runs
// its `ensure`); every Wine command goes through its `run`, which enters the chroot in a private mount namespace with
// /tmp and the project bound at their own paths, so a POSIX path names the same file inside, and Wine's Z:\ is it.
// Output goes to files, not pipes: wineboot starts a wineserver daemon that would inherit (and hold open) a pipe.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from './shared.ts';

export interface WineTools {
  /** scripts/wine10-chroot.sh: `run CMD…` runs CMD inside the chroot. */
  runner: string;
  /** The 64-bit loader inside the chroot. */
  loader: string;
  /** wineserver inside the chroot, to stop a prefix's server at the end. */
  server: string;
  /** `wine --version` as recorded when the chroot was built, e.g. "wine-10.0 (Debian 10.0~repack-6)". */
  version: string;
}

export const wineRunner = join(projectRoot, 'scripts', 'wine10-chroot.sh');

/** Why Wine 10 cannot run here, or null when it can. */
export function wineUnavailable(): string | null {
  if (process.getuid?.() !== 0) return 'the Wine 10 chroot needs root (mount namespaces, chroot)';
  const r = spawnSync('bash', [wineRunner, 'status'], { encoding: 'utf8' });
  if (r.status !== 0)
    return `the Wine 10 chroot is not built (${r.stderr.trim()}): run "bash scripts/wine10-chroot.sh ensure" (npm test does)`;
  return null;
}

/** Wine 10 in the chroot, or null (wineUnavailable() says why). */
export function findWine(): WineTools | null {
  if (wineUnavailable() !== null) return null;
  const status = spawnSync('bash', [wineRunner, 'status'], { encoding: 'utf8' }).stdout.split('\n');
  return {
    runner: wineRunner,
    loader: '/usr/lib/wine/wine64',
    server: '/usr/lib/wine/wineserver',
    version: status[1] ?? '',
  };
}

export interface WineResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  stderr: string;
  ms: number;
}

export interface WinePrefix {
  tools: WineTools;
  /** The prefix folder (WINEPREFIX). */
  dir: string;
  /** A scratch folder beside it (removed with it) for the files the Windows programs read and write. */
  workDir: string;
  env: NodeJS.ProcessEnv;
  /** How long creating the prefix took. */
  bootMs: number;
  /** Runs the loader with args; standard input from the file stdinPath (a pipe would not do: see runTo), else none;
   *  `env` adds variables for this call only. */
  run(args: string[], timeoutMs?: number, stdinPath?: string, env?: Record<string, string>): Promise<WineResult>;
  /** Stops this prefix's wineserver and removes the prefix. */
  dispose(): Promise<void>;
}

/** Wine maps drive Z: to /. */
export function windowsPath(posixPath: string): string {
  return 'Z:' + posixPath.replace(/\//g, '\\');
}

// Windows programs get files, never pipes, for their standard streams: Node (libuv) under Wine fails on a pipe with
// EBADF, and a pipe would be held open by the wineserver daemon that wineboot starts.
function runTo(
  runner: string,
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  outDir: string,
  timeoutMs: number,
  stdinPath?: string,
): Promise<WineResult> {
  const tag = `${Date.now()}-${Math.random().toString(36).slice(2)}`;
  const outPath = join(outDir, `out-${tag}`);
  const errPath = join(outDir, `err-${tag}`);
  const out = openSync(outPath, 'w');
  const err = openSync(errPath, 'w');
  const input = stdinPath === undefined ? 'ignore' : openSync(stdinPath, 'r');
  const started = performance.now();
  return new Promise<WineResult>((resolve, reject) => {
    const child = spawn('bash', [runner, 'run', command, ...args], { env, stdio: [input, out, err] });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      closeSync(out);
      closeSync(err);
      if (typeof input === 'number') closeSync(input);
      resolve({
        code,
        signal,
        stdout: readFileSync(outPath),
        stderr: readFileSync(errPath, 'utf8'),
        ms: Math.round(performance.now() - started),
      });
    });
  });
}

/** A prefix object for the prefix in `root`/prefix (booted or not); dispose() stops its server and removes `root`. */
function prefixAt(tools: WineTools, root: string): WinePrefix {
  const dir = join(root, 'prefix');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    WINEPREFIX: dir,
    WINEDEBUG: '-all',
    // no Mono / Gecko install prompts
    WINEDLLOVERRIDES: 'mscoree,mshtml=',
    // a fixed locale: the console (OEM) code page of reg.exe's output is then 437
    LC_ALL: 'C.UTF-8',
    LANG: 'C.UTF-8',
  };
  delete env['DISPLAY'];
  delete env['WAYLAND_DISPLAY'];
  return {
    tools,
    dir,
    workDir: root,
    env,
    bootMs: 0,
    run: (args, timeoutMs = 120_000, stdinPath, extra) =>
      runTo(tools.runner, tools.loader, args, extra ? { ...env, ...extra } : env, root, timeoutMs, stdinPath),
    async dispose() {
      await runTo(tools.runner, tools.server, ['-k'], env, root, 30_000).catch(() => undefined);
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** Creates a fresh prefix in a temporary folder (`wineboot -i`, ~10 s). */
export async function createWinePrefix(tools: WineTools): Promise<WinePrefix> {
  const prefix = prefixAt(tools, await mkdtemp(join(tmpdir(), 'adbackup-wine-')));
  try {
    const boot = await prefix.run(['wineboot', '-i'], 150_000);
    prefix.bootMs = boot.ms;
    if (boot.code !== 0 || !existsSync(join(prefix.dir, 'drive_c'))) {
      throw new Error(`wineboot -i failed (exit ${boot.code}, signal ${boot.signal}): ${boot.stderr.slice(-2000)}`);
    }
  } catch (e) {
    await prefix.dispose();
    throw e;
  }
  return prefix;
}

/** A prefix createWinePrefix made in another process, by its workDir (the caller there disposes of it). */
export function openWinePrefix(tools: WineTools, workDir: string): WinePrefix {
  if (!existsSync(join(workDir, 'prefix', 'drive_c'))) throw new Error(`no booted Wine prefix in ${workDir}`);
  return prefixAt(tools, workDir);
}
