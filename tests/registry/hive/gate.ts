// The hivex gate for ava tests: missing tools fail in CI and skip (saying why) elsewhere; scratch folders.
import test, { type ExecutionContext } from 'ava';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

type Impl = (t: ExecutionContext) => Promise<void> | void;

function missingHivex(): string | null {
  const tools = ['hivexregedit', 'hivexsh', 'perl'].filter(
    (t) => spawnSync('bash', ['-c', `command -v ${t}`]).status !== 0,
  );
  if (tools.length > 0)
    return `hivex tools not found: ${tools.join(', ')} (Debian packages libwin-hivex-perl, libhivex-bin)`;
  if (spawnSync('perl', ['-MWin::Hivex', '-e', '1']).status !== 0)
    return 'the Perl module Win::Hivex is missing (libwin-hivex-perl)';
  return null;
}

export function hivexTest(file: string): (title: string, impl: Impl) => void {
  const missing = missingHivex();
  if (missing === null) return (title, impl) => test(title, impl);
  if (process.env['CI']) return (title) => test(title, (t) => t.fail(`${missing} — required when CI is set`));
  console.log(`${file}: skipping: ${missing}`);
  return (title) => test.skip(title, () => undefined);
}

export async function scratch(t: ExecutionContext, prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}
