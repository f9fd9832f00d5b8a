// The PowerShell engine host of the module tests (tests/powershell/host, C#, NuGet System.Management.Automation
// 7.6.9): built with `dotnet publish` into build/pshost/ when its sources change, then run once per scenario.
// Real pwsh, Pester and PSScriptAnalyzer are not obtainable on the build machines; this engine is (see README,
// "PowerShell module"). scripts/run-tests.sh builds the host before ava runs (the first NuGet restore can take
// minutes); a test file builds it only when that did not happen.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../../support/shared.ts';

const sourceDir = join(projectRoot, 'tests', 'powershell', 'host');
const buildRoot = join(projectRoot, 'build');
const workDir = join(buildRoot, 'pshost-src'); // a copy of the sources: dotnet's obj/ and bin/ stay out of the tree
export const hostDir = join(buildRoot, 'pshost');
export const hostExe = join(hostDir, 'adb-pshost');
const stamp = join(hostDir, '.fingerprint');
const lockDir = join(buildRoot, 'pshost.lock');

export const moduleDir = join(projectRoot, 'module');
export const manifestPath = join(moduleDir, 'ADDatabaseBackup.psd1');

export function haveDotnet(): boolean {
  return spawnSync('bash', ['-c', 'command -v dotnet']).status === 0;
}

function sources(): string[] {
  return readdirSync(sourceDir).filter((n) => n.endsWith('.cs') || n.endsWith('.csproj')).sort();
}

function fingerprint(): string {
  const h = createHash('sha256');
  for (const n of sources()) h.update(n).update('\0').update(readFileSync(join(sourceDir, n))).update('\0');
  return h.digest('hex');
}

export function hostIsCurrent(): boolean {
  return existsSync(hostExe) && existsSync(stamp) && readFileSync(stamp, 'utf8') === fingerprint();
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Builds the host unless the current sources are built already; one builder at a time (a lock directory). */
export function ensureHost(log: (line: string) => void = () => {}): void {
  if (hostIsCurrent()) return;
  mkdirSync(buildRoot, { recursive: true });
  const deadline = Date.now() + 20 * 60_000;
  for (;;) {
    try {
      mkdirSync(lockDir);
      break;
    } catch {
      // Another process builds it; a lock older than 20 minutes is stale.
      try {
        if (Date.now() - statSync(lockDir).mtimeMs > 20 * 60_000) rmSync(lockDir, { recursive: true, force: true });
      } catch {
        /* gone meanwhile */
      }
      if (Date.now() > deadline) throw new Error('timed out waiting for another build of the PowerShell test host');
      sleep(500);
    }
  }
  try {
    if (hostIsCurrent()) return;
    rmSync(workDir, { recursive: true, force: true });
    mkdirSync(workDir, { recursive: true });
    for (const n of sources()) copyFileSync(join(sourceDir, n), join(workDir, n));
    log('dotnet publish tests/powershell/host (System.Management.Automation 7.6.9) -> build/pshost');
    execFileSync('dotnet', ['publish', join(workDir, 'AdbPsHost.csproj'), '-c', 'Release', '-o', hostDir, '--nologo', '-v', 'q'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, DOTNET_CLI_TELEMETRY_OPTOUT: '1', DOTNET_NOLOGO: '1', DOTNET_SKIP_FIRST_TIME_EXPERIENCE: '1' },
      maxBuffer: 64 << 20,
    });
    writeFileSync(stamp, fingerprint());
  } catch (e) {
    const err = e as { stdout?: Buffer; stderr?: Buffer; message: string };
    throw new Error(`building the PowerShell test host failed: ${err.message}\n${err.stdout?.toString() ?? ''}${err.stderr?.toString() ?? ''}`);
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

export interface PsError {
  fqid: string;
  category: string;
  reason: string;
  targetName: string;
  targetObject: unknown;
  exceptionType: string;
  message: string;
  errorDetails: string | null;
  recommendedAction: string | null;
  command: string | null;
  data: Record<string, unknown>;
  text: string;
}

export interface PsRun {
  output: any[];
  errors: PsError[];
  warnings: string[];
  verbose: string[];
  debug: string[];
  information: { message: string; tags: string[]; source: string }[];
  progress: { activityId: number; activity: string; status: string; currentOperation: string | null; percent: number; recordType: string }[];
  host: string[];
  prompts: string[];
  hadErrors: boolean;
  terminating: PsError | null;
}

function runHost(args: string[], env: NodeJS.ProcessEnv = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(hostExe, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(stdout) : reject(new Error(`adb-pshost ${args[0]} exit ${code}: ${stderr}${stdout}`))));
  });
}

/**
 * Runs a PowerShell script in the engine host. `vars` become PowerShell variables ($name), `env` environment
 * variables of the host process (and so of the executables the module starts); `confirm` answers ShouldProcess
 * prompts (default: the host cannot prompt, like a scheduled task).
 */
export async function runPs(script: string, options: { vars?: Record<string, string>; env?: NodeJS.ProcessEnv; confirm?: 'yes' | 'no' | 'fail' } = {}): Promise<PsRun> {
  const dir = await mkdtemp(join(tmpdir(), 'adb-ps-'));
  try {
    const file = join(dir, 'scenario.ps1');
    await writeFile(file, script);
    const args = ['run', file, '--confirm', options.confirm ?? 'fail'];
    for (const [k, v] of Object.entries(options.vars ?? {})) args.push('--var', `${k}=${v}`);
    const run = JSON.parse(await runHost(args, options.env)) as PsRun;
    // Out-Default colours table headers ($PSStyle): the tests compare the text.
    run.host = run.host.map((l) => l.replace(/\x1b\[[0-9;]*m/g, ''));
    return run;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export async function lintFiles(files: string[]): Promise<any> {
  return JSON.parse(await runHost(['lint', ...files]));
}

export async function formatData(formatFile: string, typesFile: string): Promise<any> {
  return JSON.parse(await runHost(['formatdata', formatFile, typesFile]));
}

/** Single-quoted PowerShell string literal. */
export function psq(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/** For the test files: build the host in a before hook, or say why the tests cannot run. */
export function hostUnavailableReason(): string | null {
  if (!haveDotnet()) return 'the .NET SDK (dotnet) is not installed: the PowerShell engine host cannot be built';
  return null;
}

/**
 * ava's `test` for the PowerShell tests: skipped (saying why) when the .NET SDK is missing, failing instead when CI
 * is set, since CI machines must run them.
 */
export function psTestFn(test: import('ava').TestFn): (title: string, fn: import('ava').ImplementationFn<[]>) => void {
  const reason = hostUnavailableReason();
  if (reason === null) return (title, fn) => test(title, fn);
  if (process.env['CI']) return (title) => test(title, (t) => t.fail(`${reason} — required when CI is set`));
  return (title, fn) => test.skip(`${title} (skipped: ${reason})`, fn);
}

/** The before hook of the PowerShell test files: the host and the built module must be there. */
export function prepare(): void {
  if (hostUnavailableReason() !== null) return;
  ensureHost();
  for (const f of ['functions/Backup-ADDatabase.ps1', 'bin/linux-x64/adbackup']) {
    if (!existsSync(join(moduleDir, f))) throw new Error(`module/${f} is missing: run npm run build`);
  }
}
