// The Windows executable under Wine 10, shared by the test files that run it. One prefix per test file, created on
// first use. What runs is the built module/bin/win-x64/adbackup.exe itself, in place (Wine's Z:\ reaches the project
// folder): no copy, no patch. The setup checks that its sha256 is the one the build recorded.
import test, { type ExecutionContext } from 'ava';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { builtExe, builtExeSha256, sha256File } from './built-exe.ts';
import { projectRoot } from './shared.ts';

export { builtDir, builtExe, builtExeSha256, sha256File } from './built-exe.ts';
import { type WinePrefix, type WineResult, createWinePrefix, findWine, wineUnavailable } from './wine.ts';

export const wineTools = findWine();
export const wineMissing = wineTools === null ? wineUnavailable() : null;

type Impl = (t: ExecutionContext) => Promise<void>;

/**
 * A test that runs the Windows executable under Wine 10: serial (one prefix per file), failing under CI when Wine is
 * missing, skipped with the reason (printed once, naming `file`) elsewhere.
 */
export function wineSerialTest(file: string): (title: string, impl: Impl) => void {
  if (wineMissing === null) return (title, impl) => test.serial(title, impl);
  if (process.env['CI']) return (title) => test(title, (t) => t.fail(`${wineMissing} — required when CI is set`));
  console.log(`${file}: skipping: ${wineMissing}`);
  return (title) => test.skip(title, () => undefined);
}

export interface Call extends WineResult {
  json: any;
}

export interface Setup {
  wine: WinePrefix;
  /** The exe the calls run: module/bin/win-x64/adbackup.exe. */
  exe: string;
  /** Its sha256 when the setup ran, and the one the build recorded in build/executables.stamp.json. */
  sha256: string;
  builtSha256: string;
  /** Scratch folder for the DSA, requests and archives (inside the prefix's work folder, removed with it). */
  dir: string;
  version: Call;
  /** Runs the exe with args and the request on stdin; `env` adds variables for this call only. */
  call(args: string[], request?: object, env?: Record<string, string>): Promise<Call>;
  timings: string[];
}

let setupPromise: Promise<Setup> | undefined;
export function setup(): Promise<Setup> {
  return (setupPromise ??= (async () => {
    const exe = builtExe;
    if (!existsSync(exe)) throw new Error(`${relative(projectRoot, exe)} is missing: run npm run build`);
    const wine = await createWinePrefix(wineTools!);
    const timings = [`prefix ${wine.bootMs} ms`];
    // No crash dialog / debugger on an unhandled exception: a failing start then costs ~2 s, not ~5 s.
    wine.env['WINEDLLOVERRIDES'] = `${wine.env['WINEDLLOVERRIDES']};winedbg.exe=d`;

    let n = 0;
    const dir = join(wine.workDir, 'data');
    const call = async (args: string[], request?: object, env: Record<string, string> = {}): Promise<Call> => {
      let stdin: string | undefined;
      if (request !== undefined) {
        stdin = join(wine.workDir, `request-${++n}.json`);
        await writeFile(stdin, JSON.stringify(request));
      }
      const saved = { ...wine.env };
      Object.assign(wine.env, env);
      const r = await wine.run([exe, ...args], 120_000, stdin).finally(() => {
        for (const k of Object.keys(env)) delete wine.env[k];
        Object.assign(wine.env, saved);
      });
      timings.push(`${args[0]} ${r.ms} ms`);
      let json: unknown;
      try {
        json = JSON.parse(r.stdout.toString('utf8'));
      } catch {
        /* the assertions say what was wrong */
      }
      return { ...r, json };
    };

    const sha256 = sha256File(exe);
    const version = await call(['version']);
    await mkdir(dir);
    return { wine, exe, sha256, builtSha256: builtExeSha256(), dir, version, call, timings };
  })());
}

test.after.always(async () => {
  const s = await setupPromise?.catch(() => undefined);
  await s?.wine.dispose();
});
