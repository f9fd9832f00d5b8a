// The emulated Windows DLLs of the tests (tests/native/*.c, built by scripts/build-emu.sh into build/native/): built
// when missing, and again when a source is newer than a built file, so a checkout whose emulation changed never runs
// the suites against an older build of it.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from './shared.ts';

const sources = join(projectRoot, 'tests', 'native');
export const emulatedDlls = {
  ntdsbcli: join(projectRoot, 'build', 'native', 'ntdsbcli.dll'),
  missingExport: join(projectRoot, 'build', 'native', 'missing-export', 'ntdsbcli.dll'),
  vssapi: join(projectRoot, 'build', 'native', 'vss', 'vssapi.dll'),
};

function stale(): boolean {
  const outputs = Object.values(emulatedDlls);
  if (!outputs.every((p) => existsSync(p))) return true;
  const built = Math.min(...outputs.map((p) => statSync(p).mtimeMs));
  return readdirSync(sources)
    .filter((n) => /\.(c|def|h)$/.test(n))
    .some((n) => statSync(join(sources, n)).mtimeMs > built);
}

/** Builds the emulated DLLs when missing or older than their sources; the build's stderr when it failed, else null. */
export function ensureEmulatedDlls(): string | null {
  if (!stale()) return null;
  const r = spawnSync('bash', [join(projectRoot, 'scripts', 'build-emu.sh')], { encoding: 'utf8' });
  return r.status === 0 ? null : r.stderr || `build-emu.sh exited with ${r.status}`;
}
