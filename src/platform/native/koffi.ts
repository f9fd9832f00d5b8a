// Loading koffi, the C FFI used for ntdsbcli.dll and advapi32. In the standalone executable `require` only reaches
// built-in modules, so koffi (a native addon) is loaded from node_modules beside the executable; under plain node
// (dist/adbackup.cjs, tests) from the project's node_modules. Never loaded unless a native call is needed.
import { createRequire } from 'node:module';
import { AppError } from '../../errors.ts';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export type Koffi = typeof import('koffi');

let cached: { koffi: Koffi | null; error: string | null } | null = null;

export function isStandalone(): boolean {
  const sea = process.getBuiltinModule('node:sea') as { isSea(): boolean } | undefined;
  return sea?.isSea() ?? false;
}

/** Where koffi is looked for: beside the executable when standalone, else the project's node_modules. */
function koffiBases(): string[] {
  // import.meta.url is defined by the build for the CommonJS bundle (scripts/build.ts).
  return isStandalone() ? [join(dirname(process.execPath), 'adbackup-native.js')] : [import.meta.url];
}

/** The node_modules a standalone executable's koffi lives in. */
function koffiHome(base: string): string {
  return base.startsWith('file:') ? 'node_modules' : join(dirname(base), 'node_modules');
}

function attempt(base: string, err: unknown): string {
  return `${base.startsWith('file:') ? 'node_modules' : dirname(base)}: ${(err as Error).message.split('\n')[0]}`;
}

/** koffi, or null with the reason (missing beside the executable, unsupported platform …). */
export function loadKoffi(): { koffi: Koffi | null; error: string | null } {
  if (cached) return cached;
  const attempts: string[] = [];
  for (const base of koffiBases()) {
    try {
      cached = { koffi: createRequire(base)('koffi') as Koffi, error: null };
      return cached;
    } catch (err) {
      attempts.push(attempt(base, err));
    }
  }
  cached = { koffi: null, error: `koffi could not be loaded (${attempts.join('; ')})` };
  return cached;
}

/**
 * The version of the koffi that loadKoffi() would load, found without loading it: loading the native addon takes
 * about as long as the rest of a start, and `version` only reports what is there (a native call that needs koffi
 * loads it, and says so in its error when it cannot).
 */
export function findKoffi(): { version: string | null; error: string | null } {
  const attempts: string[] = [];
  for (const base of koffiBases()) {
    // The folders require() would search, in its order; reading koffi's package.json there directly skips the
    // resolution of its package exports (a few milliseconds of a start).
    for (const folder of createRequire(base).resolve.paths('koffi') ?? []) {
      let version: unknown;
      try {
        version = (JSON.parse(readFileSync(join(folder, 'koffi', 'package.json'), 'utf8')) as { version?: unknown })
          .version;
      } catch {
        continue; // not there (or unreadable): require() would look on as well
      }
      if (typeof version === 'string') return { version, error: null };
    }
    attempts.push(attempt(base, new Error(`no koffi package in ${koffiHome(base)}`)));
  }
  return { version: null, error: `koffi could not be found (${attempts.join('; ')})` };
}

/**
 * koffi with advapi32 and kernel32 loaded, for the Windows-only adapters (registry, event log). Off Windows: a Platform
 * error `offWindows`; without koffi: NATIVE_UNAVAILABLE ending with `hint` (what the caller can do instead).
 */
export function windowsSystemLibraries(
  offWindows: { code: string; message: string },
  hint: string,
): { koffi: Koffi; advapi32: ReturnType<Koffi['load']>; kernel32: ReturnType<Koffi['load']> } {
  if (process.platform !== 'win32') throw new AppError('Platform', offWindows.code, offWindows.message);
  const { koffi, error } = loadKoffi();
  if (!koffi) throw new AppError('Platform', 'NATIVE_UNAVAILABLE', `${error}: ${hint}`);
  return { koffi, advapi32: koffi.load('advapi32.dll'), kernel32: koffi.load('kernel32.dll') };
}
