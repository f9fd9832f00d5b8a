// node tests/powershell/windows/run-pester.ts [TAP file]: the module's Windows Pester suite (tests/powershell/windows/
// *.Tests.ps1) in pwsh 7.6.10 for Windows (build/pwsh-win, scripts/build-pwsh-windows.sh) under Wine 10 (the chroot
// of scripts/wine10-chroot.sh), against the module folder as built: module/ADDatabaseBackup.psd1 running its own
// bin\win-x64\adbackup.exe (no ADBACKUP_EXE). Prints TAP lines and "# pass/fail/skip N" (scripts/run-tests.sh adds
// them to the final count) and writes them to the TAP file; exits 1 on any failure. When Wine 10 or pwsh is missing:
// one failing test when CI is set, else a skip with the reason.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeDsaFolder } from '../../fixtures/synthetic-dsa.ts';
import { projectRoot } from '../../support/shared.ts';
import { createWinePrefix, findWine, windowsPath, wineUnavailable } from '../../support/wine.ts';
import { builtExe, builtExeSha256, sha256File } from '../../support/built-exe.ts';
import { ensureEmulatedDlls } from '../../support/emulated-dlls.ts';

const pwsh = join(projectRoot, 'build', 'pwsh-win', 'pwsh.exe');
const dll = join(projectRoot, 'build', 'native', 'ntdsbcli.dll');
const vssDll = join(projectRoot, 'build', 'native', 'vss', 'vssapi.dll');
const tapPath = process.argv[2] ?? join(projectRoot, '.test-output', 'pester-windows.tap');
const lines: string[] = [];
const emit = (line: string) => {
  lines.push(line);
  console.log(line);
};

interface PesterTest {
  name: string;
  result: string;
  message: string;
}

/** Prints and writes the TAP lines; the exit code. */
function finish(tests: PesterTest[], note?: string): number {
  if (note) emit(`# ${note}`);
  let n = 0;
  for (const t of tests) {
    n++;
    const status = t.result === 'Passed' ? 'ok' : t.result === 'Skipped' || t.result === 'NotRun' ? 'ok' : 'not ok';
    const skip = status === 'ok' && t.result !== 'Passed' ? ' # SKIP' : '';
    emit(`${status} ${n} - [win-pester] ${t.name}${skip}`);
    if (status === 'not ok') for (const l of t.message.split('\n')) emit(`    ${l}`);
  }
  const count = (pred: (t: PesterTest) => boolean) => tests.filter(pred).length;
  const skipped = count((t) => t.result === 'Skipped' || t.result === 'NotRun');
  const passed = count((t) => t.result === 'Passed');
  emit(`# pass ${passed}`);
  emit(`# fail ${tests.length - passed - skipped}`);
  emit(`# skip ${skipped}`);
  writeFileSync(tapPath, lines.join('\n') + '\n');
  return passed + skipped === tests.length && tests.length > 0 ? 0 : 1;
}

function unavailable(reason: string): number {
  if (process.env['CI'])
    return finish([
      { name: 'the Windows Pester suite runs', result: 'Failed', message: `${reason} — required when CI is set` },
    ]);
  return finish(
    [{ name: 'the Windows Pester suite runs', result: 'Skipped', message: '' }],
    `skipping the Windows Pester suite: ${reason}`,
  );
}

async function main(): Promise<number> {
  const tools = findWine();
  if (tools === null) return unavailable(wineUnavailable() ?? 'Wine 10 unavailable');
  if (!existsSync(pwsh))
    return unavailable('build/pwsh-win/pwsh.exe is missing: bash scripts/build-pwsh-windows.sh (npm test runs it)');
  const failed = ensureEmulatedDlls();
  if (failed) return unavailable(`building the emulated ntdsbcli.dll and vssapi.dll failed: ${failed}`);
  const shaBefore = sha256File(builtExe);
  const scratch = await mkdtemp(join(tmpdir(), 'adbackup-win-pester-'));
  const wine = await createWinePrefix(tools);
  const started = performance.now();
  let tests: PesterTest[];
  let note: string;
  try {
    // A VSS snapshot's database (Restore in Progress) and an offline copy without logs (Database restored from backup).
    const dsa = await makeDsaFolder(join(scratch, 'NTDS'), {
      databaseBytes: 512 * 1024,
      logFileBytes: 64 * 1024,
      logs: 3,
      state: 'dirty',
      backup: 'snapshot',
    });
    const offline = await makeDsaFolder(join(scratch, 'NTDS-offline'), { databaseBytes: 512 * 1024, logs: 0 });
    for (const n of ['edb.log', 'edb.chk']) await rm(join(offline.dir, n));
    await mkdir(join(scratch, 'work'));
    const results = join(scratch, 'results.json');
    // The emulated DLL loads .NET-free; pwsh's managed DLLs need Wine's mscoree (the prefix was made without it).
    // Wine prefers its builtin vssapi.dll (no backup support) even for a full path: vssapi=n asks for the emulated one.
    Object.assign(wine.env, {
      WINEDLLOVERRIDES: 'mshtml=;winedbg.exe=d;vssapi=n',
      NO_COLOR: '1',
      ADB_TEST_MODULE: windowsPath(join(projectRoot, 'module', 'ADDatabaseBackup.psd1')),
      ADB_TEST_WORK: windowsPath(join(scratch, 'work')),
      ADB_TEST_DSA: windowsPath(dsa.dir),
      ADB_TEST_OFFLINE: windowsPath(offline.dir),
      ADB_TEST_DLL: windowsPath(dll),
      ADB_TEST_VSSAPI: windowsPath(vssDll),
      ADB_TEST_RESULTS: windowsPath(results),
      ADB_TEST_SUITE: windowsPath(join(projectRoot, 'tests', 'powershell', 'windows')),
    });
    delete wine.env['ADBACKUP_EXE'];
    const script = windowsPath(join(projectRoot, 'tests', 'powershell', 'windows', 'Invoke-WindowsPester.ps1'));
    const r = await wine.run(
      [windowsPath(pwsh), '-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-File', script],
      15 * 60_000,
    );
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    note = `${tools.version}, pwsh 7.6.10 for Windows, Pester 6.2.0: prefix ${(wine.bootMs / 1000).toFixed(1)} s, suite ${seconds} s (pwsh exit ${r.code})`;
    if (!existsSync(results)) {
      return finish(
        [
          {
            name: 'the Windows Pester suite runs',
            result: 'Failed',
            message: `no results (pwsh exit ${r.code}, signal ${r.signal})\n${r.stdout.toString().slice(-3000)}\n${r.stderr.slice(-3000)}`,
          },
        ],
        note,
      );
    }
    tests = JSON.parse(readFileSync(results, 'utf8').replace(/^\uFEFF/, '')) as PesterTest[];
    const shaAfter = sha256File(builtExe);
    const expected = builtExeSha256();
    tests.push({
      name: 'the module ran the shipped bin\\win-x64\\adbackup.exe, byte-identical to the build (sha256)',
      result: shaBefore === expected && shaAfter === expected ? 'Passed' : 'Failed',
      message: `build ${expected}, before ${shaBefore}, after ${shaAfter}`,
    });
  } finally {
    await wine.dispose();
    await rm(scratch, { recursive: true, force: true });
  }
  return finish(tests, note);
}

process.exitCode = await main();
