// Loading koffi, the C FFI used for ntdsbcli.dll and advapi32. In the standalone executable `require` only reaches
// built-in modules, so koffi (a native addon) is loaded from node_modules beside the executable; under plain node
// (dist/adbackup.cjs, tests) from the project's node_modules. Never loaded unless a native call is needed.
import { createRequire } from 'node:module';
import { AppError } from '../../errors.ts';
import { dirname, join } from 'node:path';

export type Koffi = typeof import('koffi');

let cached: { koffi: Koffi | null; error: string | null } | null = null;

export function isStandalone(): boolean {
  const sea = process.getBuiltinModule('node:sea') as { isSea(): boolean } | undefined;
  return sea?.isSea() ?? false;
}

/** koffi, or null with the reason (missing beside the executable, unsupported platform …). */
export function loadKoffi(): { koffi: Koffi | null; error: string | null } {
  if (cached) return cached;
  const attempts: string[] = [];
  // import.meta.url is defined by the build for the CommonJS bundle (scripts/build.ts).
  const bases = isStandalone() ? [join(dirname(process.execPath), 'adbackup-native.js')] : [import.meta.url];
  for (const base of bases) {
    try {
      cached = { koffi: createRequire(base)('koffi') as Koffi, error: null };
      return cached;
    } catch (err) {
      attempts.push(
        `${base.startsWith('file:') ? 'node_modules' : dirname(base)}: ${(err as Error).message.split('\n')[0]}`,
      );
    }
  }
  cached = { koffi: null, error: `koffi could not be loaded (${attempts.join('; ')})` };
  return cached;
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
