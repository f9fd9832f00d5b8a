// The Windows executable under Wine, shared by the test files that run it (see tests/exe/windows-exe.test.ts for why a
// copy without "VirtualAlloc2" may be used). One prefix per test file, created on first use.
import test from 'ava';
import { existsSync } from 'node:fs';
import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { projectRoot } from './shared.ts';
import { type WinePrefix, type WineResult, createWinePrefix, findWine } from './wine.ts';

export const builtDir = join(projectRoot, 'module', 'bin', 'win-x64');
export const V8_NO_PLACEHOLDERS = 'SegmentedTable::InitializeTable (subspace allocation)';
export const wineTools = findWine();

export interface Call extends WineResult {
  json: any;
}

export interface Setup {
  wine: WinePrefix;
  /** The exe the calls run: the built one, or the patched copy. */
  exe: string;
  patched: boolean;
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
    const exe0 = join(builtDir, 'adbackup.exe');
    if (!existsSync(exe0)) throw new Error(`${relative(projectRoot, exe0)} is missing: run npm run build`);
    const wine = await createWinePrefix(wineTools!);
    const timings = [`prefix ${wine.bootMs} ms`];
    // No crash dialog / debugger on an unhandled exception: a failing start then costs ~2 s, not ~5 s.
    wine.env['WINEDLLOVERRIDES'] = `${wine.env['WINEDLLOVERRIDES']};winedbg.exe=d`;
    const reg = await wine.run(['reg', 'add', 'HKCU\\Software\\Wine', '/v', 'Version', '/d', 'win10', '/f']);
    if (reg.code !== 0) throw new Error(`reg add Version=win10 failed: ${reg.stderr}`);
    timings.push(`reg add ${reg.ms} ms`);

    let n = 0;
    const dir = join(wine.workDir, 'data');
    const callWith = async (exe: string, args: string[], request?: object, env: Record<string, string> = {}, label = args[0]): Promise<Call> => {
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
      timings.push(`${label} ${r.ms} ms`);
      let json: unknown;
      try {
        json = JSON.parse(r.stdout.toString('utf8'));
      } catch {
        /* the assertions say what was wrong */
      }
      return { ...r, json };
    };

    let exe = exe0;
    let patched = false;
    let version = await callWith(exe, ['version']);
    if (version.code !== 0 && version.stderr.includes(V8_NO_PLACEHOLDERS)) {
      timings[timings.length - 1] = `version (as built: no start) ${version.ms} ms`;
      const copy = join(wine.workDir, 'win-x64');
      await cp(builtDir, copy, { recursive: true });
      exe = join(copy, 'adbackup.exe');
      const bytes = await readFile(exe);
      const name = Buffer.from('\0VirtualAlloc2\0', 'latin1');
      const at = bytes.indexOf(name);
      if (at < 0 || bytes.indexOf(name, at + 1) >= 0) throw new Error('expected exactly one "VirtualAlloc2" string in adbackup.exe');
      bytes[at + 1] = 'X'.charCodeAt(0);
      await writeFile(exe, bytes);
      patched = true;
      version = await callWith(exe, ['version']);
    }
    await mkdir(dir);
    return { wine, exe, patched, dir, version, call: (args, request, env) => callWith(exe, args, request, env), timings };
  })());
}

test.after.always(async () => {
  const s = await setupPromise?.catch(() => undefined);
  await s?.wine.dispose();
});

