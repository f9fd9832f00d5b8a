// The module's real code paths, run in the PowerShell 7.6.9 engine (tests/powershell/host) against the Linux adbackup
// executable on synthetic DSA folders: Backup-ADDatabase -> Get-ADDatabaseBackup | Test-ADDatabaseBackup ->
// Restore-ADDatabase -WhatIf (nothing changes) -> Restore-ADDatabase into a temp root with a .reg file; damaged
// archives and databases, refusals and invalid parameters as ErrorRecords; confirmation; progress; pipelines; and
// every request the cmdlets send, validated against adbackup's request schemas; encrypted backups (age recipients and
// a SecureString passphrase) round trip, and the passphrase shows up nowhere but in the request on adbackup's stdin.
import test from 'ava';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeDsaFolder, type DsaFolder } from '../fixtures/synthetic-dsa.ts';
import { snapshotTree } from '../support/tree.ts';
import { parseRegFile } from '../../src/registry/reg-file.ts';
import { runBackup } from '../../src/backup/backup.ts';
import { createFolderSource } from '../../src/platform/folder-source.ts';
import type { Validator } from '../../src/protocol/validator.ts';
import * as validators from '../../src/protocol/generated/validators.js';
import { manifestPath, moduleDir, prepare, psq, psTestFn, runPs, type PsRun } from './support/pshost.ts';

const psTest = psTestFn(test);
const realExe = join(moduleDir, 'bin', 'linux-x64', 'adbackup');
const NTDS = 'C:\\Windows\\NTDS';
const small = { databaseBytes: 2 << 20, logFileBytes: 64 * 1024, logs: 4, state: 'dirty' as const, backup: 'snapshot' as const, computerName: 'DC01' };

let work = '';
let dsa: DsaFolder;
let recorder = '';
let fake = '';

test.before(async () => {
  prepare();
  work = await mkdtemp(join(tmpdir(), 'adb-psmodule-'));
  dsa = await makeDsaFolder(join(work, 'NTDS'), small);
  // ADBACKUP_EXE stand-ins: one records each request and argv and then runs the real adbackup on it; the other
  // answers whatever the test puts in FAKE_STDOUT / FAKE_STDERR / FAKE_EXIT.
  recorder = join(work, 'record-adbackup.sh');
  await writeFile(recorder, [
    '#!/usr/bin/env bash',
    'set -u',
    'n="$(date +%s%N)-$$"',
    'cat > "$ADB_CAPTURE_DIR/$n.request.json"',
    'printf \'%s\\n\' "$@" > "$ADB_CAPTURE_DIR/$n.argv"',
    'exec "$ADB_REAL_EXE" "$@" < "$ADB_CAPTURE_DIR/$n.request.json"',
    '',
  ].join('\n'));
  fake = join(work, 'fake-adbackup.sh');
  await writeFile(fake, [
    '#!/usr/bin/env bash',
    'cat > /dev/null',
    '[ -n "${FAKE_STDERR:-}" ] && printf \'%s\\n\' "$FAKE_STDERR" >&2',
    'printf \'%s\' "${FAKE_STDOUT:-}"',
    'exit "${FAKE_EXIT:-0}"',
    '',
  ].join('\n'));
  chmodSync(recorder, 0o755);
  chmodSync(fake, 0o755);
});

test.after.always(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

/** A fresh folder of this test file's work folder. */
async function folder(name: string): Promise<string> {
  const dir = join(work, `${name}-${Math.random().toString(36).slice(2, 8)}`);
  await mkdir(dir, { recursive: true });
  return dir;
}

/** Environment that routes the module through the recording stand-in; the requests land in the returned folder. */
async function recording(): Promise<{ env: NodeJS.ProcessEnv; captured: () => { command: string; argv: string[]; request: unknown }[] }> {
  const dir = await folder('capture');
  return {
    env: { ADBACKUP_EXE: recorder, ADB_REAL_EXE: realExe, ADB_CAPTURE_DIR: dir },
    captured: () =>
      readdirSync(dir)
        .filter((n) => n.endsWith('.argv'))
        .sort()
        .map((n) => {
          const argv = readFileSync(join(dir, n), 'utf8').split('\n').filter((x) => x !== '');
          return { command: argv[0]!, argv, request: JSON.parse(readFileSync(join(dir, n.replace(/\.argv$/, '.request.json')), 'utf8')) };
        }),
  };
}

const prelude = `Import-Module ${psq(manifestPath)} -ErrorAction Stop\n`;

function noErrors(t: import('ava').ExecutionContext, r: PsRun) {
  t.is(r.terminating, null, JSON.stringify(r.terminating, null, 1));
  t.deepEqual(r.errors.map((e) => e.text), []);
}

/** The backup of the synthetic DC, made by the module; its DC paths are C:\Windows\NTDS. */
async function backupWithModule(t: import('ava').ExecutionContext, out: string, extra = '', env?: NodeJS.ProcessEnv): Promise<any> {
  const r = await runPs(`${prelude}Backup-ADDatabase -Path ${psq(out)} -SourcePath ${psq(dsa.dir)} -ComputerName DC01 -OriginalDatabasePath '${NTDS}\\ntds.dit' -OriginalLogPath '${NTDS}' ${extra}`, { env });
  noErrors(t, r);
  return r.output[0];
}

psTest('end to end in the engine: Backup-ADDatabase, Get-ADDatabaseBackup | Test-ADDatabaseBackup, Restore-ADDatabase -WhatIf changes nothing, then a restore into a temp root with a .reg file', async (t) => {
  const out = await folder('backups');
  const root = await folder('root');
  const live = join(root, 'C', 'Windows', 'NTDS');
  await mkdir(live, { recursive: true });
  await writeFile(join(live, 'ntds.dit'), 'the broken database');
  await writeFile(join(live, 'edb.log'), 'the broken current log');

  // No ADBACKUP_EXE here: the module finds bin/linux-x64/adbackup itself.
  const first = await runPs(`${prelude}
    $b = Backup-ADDatabase -Path ${psq(out)} -SourcePath ${psq(dsa.dir)} -ComputerName DC01 -Label e2e -TombstoneLifetimeDays 60 \`
      -OriginalDatabasePath '${NTDS}\\ntds.dit' -OriginalLogPath '${NTDS}' -Verbose
    $list = @(Get-ADDatabaseBackup -Path ${psq(out)})
    $verified = @(Get-ADDatabaseBackup -Path ${psq(out)} | Test-ADDatabaseBackup)
    $plan = $list | Restore-ADDatabase -Root ${psq(root)} -WhatIf
    [pscustomobject]@{ Backup = $b; List = $list; Verified = $verified; Plan = $plan }
  `, { env: { ADBACKUP_EXE: '' } });
  noErrors(t, first);
  const { Backup: b, List: list, Verified: verified, Plan: plan } = first.output[0];

  t.is(b['@types'][0], 'ADDatabaseBackup.BackupResult');
  t.like(b, { ComputerName: 'DC01', Label: 'e2e', SourceType: 'folder', Compression: 'zstd', DatabaseState: 'Dirty Shutdown', LowLog: 1, HighLog: 5, LogCount: 5, Restorable: true, TombstoneLifetimeDays: 60, CorruptPages: 0 });
  t.regex(b.Name, /^DC01-ntds-\d{8}T\d{6}Z\.tar\.zst$/);
  t.true(existsSync(b.Path) && existsSync(b.SidecarPath));
  t.is(b.GoodPages + b.BlankPages, b.PageCount);
  t.is(b.CreatedAt.kind, 'Local', 'timestamps are local DateTime, comparable with Get-Date');
  t.regex(b.Sha256, /^[0-9a-f]{64}$/);
  t.true(first.verbose.some((v) => v.includes('Backing up the Active Directory database from the folder')));

  t.is(list.length, 1);
  t.is(list[0]['@types'][0], 'ADDatabaseBackup.BackupInfo');
  t.like(list[0], { Path: b.Path, Name: b.Name, ComputerName: 'DC01', Label: 'e2e', Expired: false, LowLog: 1, HighLog: 5, Size: b.Size, SidecarPath: b.SidecarPath, ReadFrom: 'sidecar', BackupId: b.BackupId, GoodPages: b.GoodPages });
  t.is(list[0].ExpiresAt['@datetime'], b.ExpiresAt['@datetime']);

  t.is(verified.length, 1);
  t.is(verified[0]['@types'][0], 'ADDatabaseBackup.VerifyResult');
  t.like(verified[0], { Path: b.Path, IsValid: true, Format: 'zstd', ErrorCount: 0, CorruptPages: 0, GoodPages: b.GoodPages, BlankPages: b.BlankPages, PageCount: b.PageCount, EntryCount: 7, Restorable: true });
  t.deepEqual(verified[0].CorruptPageNumbers, []);

  t.is(plan['@types'][0], 'ADDatabaseBackup.RestoreResult');
  t.like(plan, { Plan: true, Path: b.Path, FileCount: 1 + dsa.logNames.length, MovedAsideCount: 2, DatabasePath: join(live, 'ntds.dit') });
  const whatIf = first.host.filter((l) => l.startsWith('What if: '));
  t.true(whatIf.some((l) => l.includes('"Write ntds/ntds.dit from the archive') && l.includes(join(live, 'ntds.dit'))), whatIf.join('\n'));
  t.true(whatIf.some((l) => l.includes('Move aside to') && l.includes(join(live, 'edb.log'))));
  t.true(whatIf.some((l) => l.includes('Restore in Progress\\LowLog Number') && l.includes('Set REG_DWORD 1')));
  t.deepEqual(readdirSync(live).sort(), ['edb.log', 'ntds.dit'], '-WhatIf changed nothing');
  t.is(readFileSync(join(live, 'ntds.dit'), 'utf8'), 'the broken database');

  const regFile = join(root, 'restore-in-progress.reg');
  const second = await runPs(`${prelude}Restore-ADDatabase -LiteralPath ${psq(b.Path)} -Root ${psq(root)} -ExportRegistryFile ${psq(regFile)} -Confirm:$false`, { env: { ADBACKUP_EXE: '' } });
  noErrors(t, second);
  const restored = second.output[0];
  t.is(restored['@types'][0], 'ADDatabaseBackup.RestoreResult');
  t.like(restored, { Plan: false, FileCount: 1 + dsa.logNames.length, MovedAsideCount: 2, RegistryWrittenTo: [regFile], Root: root });
  const after = await snapshotTree(live);
  const source = await snapshotTree(dsa.dir);
  t.is(after['ntds.dit'], source['ntds.dit']);
  for (const n of dsa.logNames) t.is(after[n], source[n], n);
  const aside = readdirSync(live).filter((n) => n.startsWith('pre-restore-'));
  t.is(aside.length, 1);
  t.is(readFileSync(join(live, aside[0]!, 'ntds.dit'), 'utf8'), 'the broken database', 'the replaced database is moved aside, not deleted');
  const reg = parseRegFile(await readFile(regFile));
  t.deepEqual(reg.values.map((v) => [v.key, v.name, v.type, v.value]), restored.Registry.map((v: any) => [v.key, v.name, v.type, v.value]), 'the .reg holds exactly the values the result reports');
  const byName = Object.fromEntries(reg.values.map((v) => [v.name, v]));
  t.is(byName['LowLog Number']!.value, 1);
  t.is(byName['HighLog Number']!.value, 4);
  t.is(byName['BackupLogPath']!.value, '\\\\DC01\\C$\\Windows\\NTDS');
  t.true(second.information.some((i) => i.tags.includes('NextStep') && i.message.includes('reg import')), 'next steps on the information stream');
});

psTest('a damaged archive: Test-ADDatabaseBackup returns the failed result AND writes ADDatabaseBackup.VERIFY_FAILED (InvalidData); -Quiet says $false; Restore-ADDatabase stops with ARCHIVE_INVALID', async (t) => {
  const out = await folder('damaged');
  const b = await backupWithModule(t, out);
  const bad = join(out, 'damaged.tar.zst');
  const bytes = await readFile(b.Path);
  bytes[bytes.length >> 1]! ^= 0x10;
  await writeFile(bad, bytes);
  const root = await folder('root');
  await mkdir(join(root, 'C', 'Windows', 'NTDS'), { recursive: true });
  const before = await snapshotTree(root);

  const r = await runPs(`${prelude}
    $results = @(Test-ADDatabaseBackup -Path ${psq(out)} -ErrorVariable failures -ErrorAction SilentlyContinue)
    $quiet = @(Test-ADDatabaseBackup -LiteralPath ${psq(bad)}, ${psq(b.Path)} -Quiet)
    try { Restore-ADDatabase -Path ${psq(bad)} -Root ${psq(root)} -ExportRegistryFile ${psq(join(root, 'r.reg'))} -Confirm:$false; $restoreError = $null } catch { $restoreError = $_ }
    [pscustomobject]@{ Results = $results; Failures = @($failures); Quiet = $quiet; RestoreError = $restoreError }
  `);
  t.is(r.terminating, null);
  const { Results: results, Failures: failures, Quiet: quiet, RestoreError: restoreError } = r.output[0];
  t.deepEqual(results.map((x: any) => [x.Name, x.IsValid]), [['damaged.tar.zst', false], [b.Name, true]], 'the folder is verified archive by archive (by name), the damaged one included');
  const failed = results[0];
  t.true(failed.ErrorCount > 0);
  t.true(failed.Findings.some((f: any) => f.severity === 'error'));
  t.is(failures.length, 1);
  t.like(failures[0], { fqid: 'ADDatabaseBackup.VERIFY_FAILED,Test-ADDatabaseBackup', category: 'InvalidData', targetName: bad, exceptionType: 'System.IO.InvalidDataException' });
  t.regex(failures[0].message, /failed verification: /);
  t.is(failures[0].data.ExitCode, 3);
  t.deepEqual(quiet, [false, true]);
  t.like(restoreError, { fqid: 'ADDatabaseBackup.ARCHIVE_INVALID,Restore-ADDatabase', category: 'InvalidData', command: 'Restore-ADDatabase' });
  t.truthy(restoreError.recommendedAction);
  t.deepEqual(await snapshotTree(root), before, 'nothing restored');
});

psTest('Get-ADDatabaseFileInfo: each file kind, -Kind, -Pages statistics, and a database with corrupt pages gives its object AND PAGES_CORRUPT', async (t) => {
  const broken = await makeDsaFolder(await folder('corrupt-db'), { ...small, corruptPages: [7, 9] });
  const r = await runPs(`${prelude}
    $all = @(Get-ADDatabaseFileInfo -Path ${psq(dsa.dir)} -Pages)
    $forced = Get-ADDatabaseFileInfo -LiteralPath ${psq(dsa.databasePath)} -Kind Database
    $corrupt = @(Get-ADDatabaseFileInfo -Path ${psq(broken.databasePath)} -Pages -ErrorVariable pageErrors -ErrorAction SilentlyContinue)
    $wrongKind = @(Get-ADDatabaseFileInfo -LiteralPath ${psq(dsa.databasePath)} -Kind Log -ErrorVariable kindErrors -ErrorAction SilentlyContinue)
    [pscustomobject]@{ All = $all; Forced = $forced; Corrupt = $corrupt; PageErrors = @($pageErrors); WrongKind = $wrongKind; KindErrors = @($kindErrors) }
  `);
  t.is(r.terminating, null);
  const o = r.output[0];
  const byName = Object.fromEntries(o.All.map((f: any) => [f.Name, f]));
  t.deepEqual(Object.keys(byName).sort(), readdirSync(dsa.dir).sort());
  for (const f of o.All) t.is(f['@types'][0], 'ADDatabaseBackup.FileInfo');
  t.like(byName['ntds.dit'], { Kind: 'database', State: 'Dirty Shutdown', PageSize: 8192, LogRequired: `${dsa.expected.high - 2}-${dsa.expected.high}`, PagesChecked: true, CorruptPages: 0 });
  t.true(byName['ntds.dit'].GoodPages > 0);
  t.regex(byName['ntds.dit'].SignDb, /Computer:DC01/);
  t.like(byName['edb.log'], { Kind: 'log', Generation: dsa.expected.high, PagesChecked: false, GoodPages: null });
  t.is(byName['edb.log'].Created.kind, 'Local');
  t.like(byName['edb.chk'], { Kind: 'checkpoint', Generation: dsa.expected.checkpointGeneration });
  t.like(byName['edbres00001.jrs'], { Kind: 'unused' });
  t.like(o.Forced, { Kind: 'database', PagesChecked: false });
  t.like(o.Corrupt[0], { Kind: 'database', PagesChecked: true, CorruptPages: 2, CorruptPageNumbers: [7, 9] });
  t.is(o.PageErrors.length, 1);
  t.like(o.PageErrors[0], { fqid: 'ADDatabaseBackup.PAGES_CORRUPT,Get-ADDatabaseFileInfo', category: 'InvalidData', targetName: broken.databasePath });
  t.regex(o.PageErrors[0].message, /2 corrupt page\(s\): 7, 9/);
  t.deepEqual(o.WrongKind, []);
  t.is(o.KindErrors.length, 1);
  t.regex(o.KindErrors[0].fqid, /^ADDatabaseBackup\.ESE_[A-Z_]+,Get-ADDatabaseFileInfo$/);
  t.is(o.KindErrors[0].category, 'InvalidData');
});

psTest('refusals are ErrorRecords with stable ids: missing path (non-terminating, the rest still done), DESTINATION_EXISTS (terminating), BACKUP_EXPIRED, the API source off Windows, a missing executable', async (t) => {
  const out = await folder('refusals');
  const b = await backupWithModule(t, out);
  // A backup taken 200 days ago: past the default shelf life of 180 days.
  const old = join(await folder('expired'), 'old.tar.zst');
  await runBackup(createFolderSource({ path: dsa.dir, computer: 'DC01', recordAs: { databasePath: `${NTDS}\\ntds.dit`, logPath: NTDS } }), { destination: { path: old } }, { now: () => new Date(Date.now() - 200 * 86_400_000), progress: () => {} });
  const root = await folder('root');
  await mkdir(join(root, 'C', 'Windows', 'NTDS'), { recursive: true });

  const r = await runPs(`${prelude}
    $listed = @(Get-ADDatabaseBackup -Path ${psq(join(out, 'missing.tar.zst'))}, ${psq(b.Path)}, ${psq(old)} -ErrorVariable listErrors -ErrorAction SilentlyContinue)
    function Catch-It([scriptblock] $Block) { try { & $Block; $null } catch { $_ } }
    [pscustomobject]@{
      Listed = $listed; ListErrors = @($listErrors)
      Exists = Catch-It { Backup-ADDatabase -Path ${psq(b.Path)} -SourcePath ${psq(dsa.dir)} }
      Expired = Catch-It { Restore-ADDatabase -LiteralPath ${psq(old)} -Root ${psq(root)} -ExportRegistryFile ${psq(join(root, 'r.reg'))} -Confirm:$false }
      ExpiredPlan = Restore-ADDatabase -LiteralPath ${psq(old)} -Root ${psq(root)} -AllowExpired -WhatIf
      Api = Catch-It { Backup-ADDatabase -Path ${psq(out)} -TruncateLogs }
      NoExe = Catch-It { $env:ADBACKUP_EXE = ${psq(join(out, 'no-such-adbackup'))}; Test-ADDatabaseBackup -LiteralPath ${psq(b.Path)} -ErrorAction Stop }
    }
  `);
  t.is(r.terminating, null, JSON.stringify(r.terminating));
  const o = r.output[0];
  t.deepEqual(o.Listed.map((x: any) => [x.Name, x.Expired]), [[b.Name, false], ['old.tar.zst', true]], 'the missing path does not stop the others');
  t.true(o.Listed[1].AgeDays >= 199);
  t.deepEqual(o.ListErrors.map((e: any) => [e.fqid, e.category, e.targetName]), [['ADDatabaseBackup.PATH_NOT_FOUND,Get-ADDatabaseBackup', 'ObjectNotFound', join(out, 'missing.tar.zst')]]);
  t.like(o.Exists, { fqid: 'ADDatabaseBackup.DESTINATION_EXISTS,Backup-ADDatabase', category: 'ResourceExists', targetName: b.Path });
  t.regex(o.Exists.recommendedAction, /-Force/);
  t.like(o.Expired, { fqid: 'ADDatabaseBackup.BACKUP_EXPIRED,Restore-ADDatabase', category: 'InvalidOperation', exceptionType: 'System.InvalidOperationException' });
  t.regex(o.Expired.recommendedAction, /-AllowExpired/);
  t.is(o.Expired.data.ExitCode, 4);
  t.like(o.ExpiredPlan, { Plan: true, Expired: true, ExpiredOverride: true });
  t.like(o.Api, { fqid: 'ADDatabaseBackup.NTDSBCLI_UNAVAILABLE,Backup-ADDatabase', category: 'NotInstalled' });
  t.regex(o.Api.recommendedAction, /-SourcePath/);
  t.like(o.NoExe, { fqid: 'ADDatabaseBackup.EXECUTABLE_NOT_FOUND,Test-ADDatabaseBackup', category: 'NotInstalled' });
  t.true(o.NoExe.message.includes('no-such-adbackup'));
});

psTest('every adbackup error category becomes its ErrorCategory (by code where one fits better); unreadable output is EXECUTABLE_FAILED', async (t) => {
  const cases: [string, string, number, string, object?][] = [
    ['SCHEMA_VIOLATION', 'InvalidRequest', 2, 'InvalidArgument'],
    ['DESTINATION_NAME_MISMATCH', 'InvalidRequest', 2, 'InvalidArgument'],
    ['ESE_BAD_MAGIC', 'Integrity', 3, 'InvalidData'],
    ['NOT_IN_RESTORE_MODE', 'Precondition', 4, 'InvalidOperation'],
    ['TARGET_IN_USE', 'Precondition', 4, 'ResourceBusy'],
    ['DESTINATION_EXISTS', 'Precondition', 4, 'ResourceExists'],
    ['ARCHIVE_ENCRYPTED', 'Precondition', 4, 'SecurityError'],
    ['IO_ERROR', 'IO', 5, 'ReadError'],
    ['FILE_NOT_FOUND', 'IO', 5, 'ObjectNotFound'],
    ['ACCESS_DENIED', 'IO', 5, 'PermissionDenied'],
    ['DISK_FULL', 'IO', 5, 'WriteError'],
    ['INTERRUPTED', 'IO', 5, 'OperationStopped'],
    ['NTDSBCLI_UNAVAILABLE', 'Platform', 6, 'NotInstalled'],
    ['NTDSBCLI_EXPORT_MISSING', 'Platform', 6, 'NotImplemented'],
    ['NTDSBCLI_ERROR', 'Platform', 6, 'ResourceUnavailable'],
    ['REGISTRY_ERROR', 'Precondition', 4, 'PermissionDenied', { win32: 5 }],
    ['INTERNAL_ERROR', 'Internal', 1, 'NotSpecified'],
  ];
  const json = JSON.stringify(cases.map(([code, category, exit, , details]) => ({
    code, exit, stdout: JSON.stringify({ error: { code, category, message: `${code} happened`, target: '/x/target', ...(details ? { details } : {}) } }),
  })));
  const r = await runPs(`${prelude}
    foreach ($case in (ConvertFrom-Json -InputObject $cases)) {
      $env:FAKE_STDOUT = $case.stdout; $env:FAKE_EXIT = $case.exit
      $null = Get-ADDatabaseFileInfo -LiteralPath ${psq(dsa.databasePath)} -ErrorVariable e -ErrorAction SilentlyContinue
      [pscustomobject]@{ Code = $case.code; Error = $e[0] }
    }
    $env:FAKE_STDOUT = '{"error":{"code":"IO_ERROR","category":"IO","message":"write failed"}}'; $env:FAKE_EXIT = 5
    try { Backup-ADDatabase -Path ${psq(join(work, 'x'))} -SourcePath ${psq(dsa.dir)} } catch { [pscustomobject]@{ Code = 'backup IO_ERROR'; Error = $_ } }
    $env:FAKE_STDOUT = 'not json'; $env:FAKE_STDERR = 'adbackup: fatal: boom'; $env:FAKE_EXIT = 1
    $null = Get-ADDatabaseFileInfo -LiteralPath ${psq(dsa.databasePath)} -ErrorVariable e -ErrorAction SilentlyContinue
    [pscustomobject]@{ Code = 'garbage'; Error = $e[0] }
  `, { vars: { cases: json }, env: { ADBACKUP_EXE: fake } });
  t.is(r.terminating, null, JSON.stringify(r.terminating));
  const byCode = Object.fromEntries(r.output.map((o) => [o.Code, o.Error]));
  for (const [code, category, exit, expected] of cases) {
    const e = byCode[code];
    t.like(e, { fqid: `ADDatabaseBackup.${code},Get-ADDatabaseFileInfo`, category: expected, targetName: '/x/target', message: `${code} happened` }, code);
    t.like(e.data, { Code: code, Category: category, ExitCode: exit }, code);
  }
  t.like(byCode['backup IO_ERROR'], { fqid: 'ADDatabaseBackup.IO_ERROR,Backup-ADDatabase', category: 'WriteError' });
  t.like(byCode['garbage'], { fqid: 'ADDatabaseBackup.EXECUTABLE_FAILED,Get-ADDatabaseFileInfo', category: 'InvalidResult' });
  t.regex(byCode['garbage'].message, /exit code 1: adbackup: fatal: boom/);
});

psTest('invalid parameters are rejected before adbackup runs', async (t) => {
  const rec = await recording();
  const archive = join(await folder('two'), 'a.tar.zst');
  await writeFile(archive, 'x');
  await writeFile(archive.replace('a.tar', 'b.tar'), 'x');
  const r = await runPs(`${prelude}
    function Catch-It([string] $Name, [scriptblock] $Block) { try { & $Block; [pscustomobject]@{ Name = $Name; Error = $null } } catch { [pscustomobject]@{ Name = $Name; Error = $_ } } }
    Catch-It 'api switch with a folder' { Backup-ADDatabase -Path x -SourcePath ${psq(dsa.dir)} -TruncateLogs }
    Catch-It 'level out of range' { Backup-ADDatabase -Path x -SourcePath ${psq(dsa.dir)} -CompressionLevel 25 }
    Catch-It 'unknown compression' { Backup-ADDatabase -Path x -SourcePath ${psq(dsa.dir)} -Compression Brotli }
    Catch-It 'tombstone lifetime too short' { Backup-ADDatabase -Path x -SourcePath ${psq(dsa.dir)} -TombstoneLifetimeDays 1 }
    Catch-It 'api source with folder paths' { Backup-ADDatabase -Path x -Source Api -SourcePath ${psq(dsa.dir)} }
    Catch-It 'folder source without a path' { Backup-ADDatabase -Path x -Source Folder }
    Catch-It 'name template for a file' { Backup-ADDatabase -Path x.tar.zst -SourcePath ${psq(dsa.dir)} -NameTemplate '{computer}' }
    Catch-It 'bad computer name' { Backup-ADDatabase -Path x -SourcePath ${psq(dsa.dir)} -ComputerName 'no spaces' }
    Catch-It 'files option with the api method' { Restore-ADDatabase -Path ${psq(archive)} -Method Api -Root x -Confirm:$false }
    Catch-It 'two archives' { Restore-ADDatabase -Path ${psq(join(archive, '..', '*.tar.zst'))} -Confirm:$false }
    Catch-It 'path and literal path' { Test-ADDatabaseBackup -Path x -LiteralPath y }
    Catch-It 'unknown kind' { Get-ADDatabaseFileInfo -Path x -Kind Journal }
  `, { env: rec.env });
  t.is(r.terminating, null, JSON.stringify(r.terminating));
  const byName = Object.fromEntries(r.output.map((o) => [o.Name, o.Error]));
  const expect: Record<string, [RegExp, string]> = {
    'api switch with a folder': [/^AmbiguousParameterSet,Backup-ADDatabase$/, 'InvalidArgument'],
    'level out of range': [/^ParameterArgumentValidationError,Backup-ADDatabase$/, 'InvalidData'],
    'unknown compression': [/^ParameterArgumentValidationError,Backup-ADDatabase$/, 'InvalidData'],
    'tombstone lifetime too short': [/^ParameterArgumentValidationError,Backup-ADDatabase$/, 'InvalidData'],
    'api source with folder paths': [/^ADDatabaseBackup\.SOURCE_PARAMETERS,Backup-ADDatabase$/, 'InvalidArgument'],
    'folder source without a path': [/^ADDatabaseBackup\.SOURCE_PARAMETERS,Backup-ADDatabase$/, 'InvalidArgument'],
    'name template for a file': [/^ADDatabaseBackup\.DESTINATION_PARAMETERS,Backup-ADDatabase$/, 'InvalidArgument'],
    'bad computer name': [/^ParameterArgumentValidationError,Backup-ADDatabase$/, 'InvalidData'],
    'files option with the api method': [/^ADDatabaseBackup\.METHOD_PARAMETERS,Restore-ADDatabase$/, 'InvalidArgument'],
    'two archives': [/^ADDatabaseBackup\.AMBIGUOUS_PATH,Restore-ADDatabase$/, 'InvalidArgument'],
    'path and literal path': [/^AmbiguousParameterSet,Test-ADDatabaseBackup$/, 'InvalidArgument'],
    'unknown kind': [/^ParameterArgumentValidationError,Get-ADDatabaseFileInfo$/, 'InvalidData'],
  };
  for (const [name, [fqid, category]] of Object.entries(expect)) {
    t.truthy(byName[name], `${name}: rejected`);
    t.regex(byName[name]?.fqid ?? '', fqid, name);
    t.is(byName[name]?.category, category, name);
  }
  t.deepEqual(rec.captured(), [], 'adbackup never ran');
});

psTest('Restore-ADDatabase confirms first (ConfirmImpact High): a host that cannot prompt stops it, "no" does nothing, "yes" and -Confirm:$false restore', async (t) => {
  const out = await folder('confirm');
  const b = await backupWithModule(t, out);
  const root = await folder('root');
  await mkdir(join(root, 'C', 'Windows', 'NTDS'), { recursive: true });
  const restore = `${prelude}Restore-ADDatabase -Path ${psq(b.Path)} -Root ${psq(root)} -ExportRegistryFile ${psq(join(root, 'r.reg'))} -Force`;
  const before = await snapshotTree(root);

  const rec = await recording();
  const cannot = await runPs(restore, { env: rec.env });
  t.truthy(cannot.terminating ?? cannot.errors[0], 'a non-interactive host cannot confirm');
  t.regex((cannot.terminating ?? cannot.errors[0])!.text, /cannot prompt/);
  t.is(cannot.prompts.length, 1);
  t.regex(cannot.prompts[0]!, /Restore the Active Directory database from '.*' and register the restore as .*r\.reg/);
  const no = await runPs(restore, { confirm: 'no', env: rec.env });
  noErrors(t, no);
  t.deepEqual(no.output, []);
  t.deepEqual(rec.captured(), [], 'declined: adbackup never ran');
  t.deepEqual(await snapshotTree(root), before);

  const yes = await runPs(restore, { confirm: 'yes' });
  noErrors(t, yes);
  t.is(yes.prompts.length, 1);
  t.like(yes.output[0], { Plan: false, RegistryWrittenTo: [join(root, 'r.reg')] });
  const unattended = await runPs(`${restore} -Confirm:$false`);
  noErrors(t, unattended);
  t.deepEqual(unattended.prompts, []);
  // The first restore (into an empty folder) set nothing aside: its folder holds only its receipt. The second moved
  // the first one's files aside into a folder of its own.
  const asides = readdirSync(join(root, 'C', 'Windows', 'NTDS')).filter((n) => n.startsWith('pre-restore-')).sort();
  t.is(asides.length, 2, 'the second restore moved the first one\'s files aside');
  t.deepEqual(readdirSync(join(root, 'C', 'Windows', 'NTDS', asides[0]!)), ['restore-receipt.json']);
});

psTest('progress events become progress records (completed at the end); -Verbose narrates; the default views render', async (t) => {
  const out = await folder('progress');
  const r = await runPs(`${prelude}
    $b = Backup-ADDatabase -Path ${psq(out)} -SourcePath ${psq(dsa.dir)} -ComputerName DC01 -Verbose
    $b | Out-Default
    Get-ADDatabaseBackup -LiteralPath $b.Path | Out-Default
    Test-ADDatabaseBackup -LiteralPath $b.Path | Out-Default
    Get-ADDatabaseFileInfo -LiteralPath ${psq(dsa.databasePath)} | Out-Default
  `);
  noErrors(t, r);
  const backup = r.progress.filter((p) => p.activity === 'Backing up the Active Directory database');
  t.true(backup.length >= 2, JSON.stringify(r.progress));
  t.regex(backup[0]!.status, /^backup: [\d.]+ of [\d.]+ MiB$/);
  t.is(backup[0]!.currentOperation, 'ntds/ntds.dit');
  t.is(backup.at(-1)!.recordType, 'Completed');
  t.true(r.progress.some((p) => p.activity.startsWith('Verifying ') && p.percent === 100));
  t.true(r.verbose.some((v) => /^adbackup backup finished in [\d.]+ s with exit code 0\.$/.test(v)));
  t.true(r.verbose.some((v) => v.startsWith('Archive ') && v.includes('restorable until')));
  const lines = r.host.join('\n');
  t.regex(lines, /ComputerName +CreatedAt +ExpiresAt +Logs +CorruptPages +Size\(MiB\) Name/, 'BackupResult view');
  t.regex(lines, /ComputerName +CreatedAt +ExpiresAt +Expired +Encrypted +Logs +Size\(MiB\) Label +Name/, 'BackupInfo view');
  t.regex(lines, /IsValid +GoodPages +BlankPages +CorruptPages Logs +Errors Name/, 'VerifyResult view');
  t.regex(lines, /True +\d+ +\d+ +0 1-5 +0 DC01-ntds-/);
  t.regex(lines, /Name +Kind +State +Generation +LogRequired +Checkpoint +CorruptPages +FileSize/, 'FileInfo view');
});

psTest('pipelines: Get-ADDatabaseBackup | Test-ADDatabaseBackup; strings by value; FileInfo objects by FullName; folders and wildcards', async (t) => {
  const out = await folder('pipeline');
  const b1 = await backupWithModule(t, out, '-Label one');
  const b2 = await backupWithModule(t, out, `-Label two -NameTemplate '{computer}-{label}'`);
  await writeFile(join(out, 'work.tar.zst.partial'), 'not an archive');
  const nested = join(out, 'DC02');
  await mkdir(nested);
  await cp(b1.Path, join(nested, 'copy.tar.zst'));
  const r = await runPs(`${prelude}
    [pscustomobject]@{
      Piped = @(Get-ADDatabaseBackup -Path ${psq(out)} | Test-ADDatabaseBackup | ForEach-Object { $_.Name })
      Strings = @(${psq(b1.Path)}, ${psq(b2.Path)} | Test-ADDatabaseBackup | ForEach-Object { $_.Name })
      FileInfos = @([System.IO.FileInfo]::new(${psq(b2.Path)}) | Get-ADDatabaseBackup | ForEach-Object { $_.Label })
      Wildcard = @(Get-ADDatabaseBackup -Path ${psq(join(out, '*-two.tar.zst'))} | ForEach-Object { $_.Label })
      Recurse = @(Get-ADDatabaseBackup -Path ${psq(out)} -Recurse | ForEach-Object { $_.Name })
      ToRestore = (Get-ADDatabaseBackup -LiteralPath ${psq(b2.Path)} | Restore-ADDatabase -Root ${psq(out)} -CreateFolders -WhatIf).Path
    }
  `);
  noErrors(t, r);
  const o = r.output[0];
  const names = [b1.Name, b2.Name].sort();
  t.deepEqual([...o.Piped].sort(), names);
  t.deepEqual(o.Strings, [b1.Name, b2.Name]);
  t.deepEqual(o.FileInfos, ['two']);
  t.deepEqual(o.Wildcard, ['two']);
  t.deepEqual([...o.Recurse].sort(), [...names, 'copy.tar.zst'].sort(), 'subfolders with -Recurse; work files skipped');
  t.is(o.ToRestore, b2.Path);
});

psTest('archive names: -Path x.tgz is the archive file (gzip, the name decides) and folders list it; a -Compression or encryption that contradicts the name is adbackup\'s DESTINATION_NAME_MISMATCH, nothing written', async (t) => {
  const out = await folder('names');
  const rec = await recording();
  const r = await runPs(`${prelude}
    function Catch-It([scriptblock] $Block) { try { & $Block; $null } catch { $_ } }
    [pscustomobject]@{
      Tgz = Backup-ADDatabase -Path ${psq(join(out, 'dc01.tgz'))} -SourcePath ${psq(dsa.dir)} -ComputerName DC01
      Listed = @(Get-ADDatabaseBackup -Path ${psq(out)} | ForEach-Object { $_.Name })
      Contradiction = Catch-It { Backup-ADDatabase -Path ${psq(join(out, 'dc02.tar.gz'))} -SourcePath ${psq(dsa.dir)} -Compression Zstd }
      AgeName = Catch-It { Backup-ADDatabase -Path ${psq(join(out, 'dc03.tgz.age'))} -SourcePath ${psq(dsa.dir)} }
    }
  `, { env: rec.env });
  t.is(r.terminating, null, JSON.stringify(r.terminating));
  const o = r.output[0];
  t.like(o.Tgz, { Name: 'dc01.tgz', Compression: 'gzip', Encrypted: false });
  t.deepEqual(o.Listed, ['dc01.tgz']);
  for (const name of ['Contradiction', 'AgeName']) {
    t.like(o[name], { fqid: 'ADDatabaseBackup.DESTINATION_NAME_MISMATCH,Backup-ADDatabase', category: 'InvalidArgument', exceptionType: 'System.ArgumentException' }, name);
    t.like(o[name].data, { Code: 'DESTINATION_NAME_MISMATCH', ExitCode: 2 }, name);
  }
  t.regex(o.Contradiction.message, /'dc02\.tar\.gz' names a gzip archive, but compression\.type is zstd/);
  t.regex(o.AgeName.message, /ends in \.age, the name of an encrypted archive/);
  const backups = rec.captured().filter((c) => c.command === 'backup').map((c) => c.request as any);
  t.deepEqual(backups.map((b) => [b.destination, b.compression]), [
    [{ path: join(out, 'dc01.tgz') }, undefined],
    [{ path: join(out, 'dc02.tar.gz') }, { type: 'zstd' }],
    [{ path: join(out, 'dc03.tgz.age') }, undefined],
  ]);
  t.deepEqual(readdirSync(out).sort(), ['dc01.tgz', 'dc01.tgz.manifest.json']);
});

psTest('every request the cmdlets send validates against adbackup\'s request schema; argv carries only the command and --progress', async (t) => {
  const rec = await recording();
  const out = await folder('requests');
  const root = await folder('root');
  await mkdir(join(root, 'C', 'Windows', 'NTDS'), { recursive: true });
  const r = await runPs(`${prelude}
    $b = Backup-ADDatabase -Path ${psq(out)} -SourcePath ${psq(dsa.dir)} -ComputerName DC01 -OriginalDatabasePath '${NTDS}\\ntds.dit' \`
      -OriginalLogPath '${NTDS}' -OriginalCheckpointPath '${NTDS}' -Compression Gzip -CompressionLevel 9 -Label 'all options' \`
      -NameTemplate '{computer}-{date}-{label}' -TombstoneLifetimeDays 90 -AllowCorruptPages -AllowUnrestorable -Force
    $null = Backup-ADDatabase -Path ${psq(join(out, 'plain.tar'))} -DatabasePath ${psq(dsa.databasePath)} -LogPath ${psq(dsa.logPath)} -CheckpointPath ${psq(dsa.checkpointPath)}
    $null = Backup-ADDatabase -Path ${psq(join(out, 'file.tar.zst'))} -SourcePath ${psq(dsa.dir)} -Source Folder
    try { $null = Backup-ADDatabase -Path ${psq(out)} -Server DC07 -TruncateLogs -Source Api } catch { }
    $null = Get-ADDatabaseBackup -LiteralPath $b.Path
    $null = Test-ADDatabaseBackup -LiteralPath $b.Path
    $null = Get-ADDatabaseFileInfo -Path ${psq(dsa.dir)} -Pages
    $null = Get-ADDatabaseFileInfo -LiteralPath ${psq(dsa.checkpointPath)} -Kind Checkpoint
    $null = Restore-ADDatabase -LiteralPath $b.Path -Root ${psq(root)} -DatabasePath 'D:\\NTDS\\ntds.dit' -LogPath '${NTDS}' -BackupLogPath '${NTDS}' \`
      -CheckpointPath '${NTDS}' -ComputerName DC01 -CreateFolders -RestoreCheckpoint -ExportRegistryFile ${psq(join(root, 'r.reg'))} -ApplyRegistry \`
      -RegistryPathStyle Local -AllowExpired -Force -WhatIf
    $null = Restore-ADDatabase -LiteralPath $b.Path -Root ${psq(root)} -ExportRegistryFile ${psq(join(root, 'r.reg'))} -RegistryPathStyle Unc -Confirm:$false
    try { $null = Restore-ADDatabase -LiteralPath $b.Path -Method Api -Server DC01 -Confirm:$false } catch { }
    try { $null = Restore-ADDatabase -LiteralPath $b.Path -Root ${psq(root)} -ApplyRegistry -Confirm:$false } catch { }
  `, { env: rec.env });
  t.is(r.terminating, null, JSON.stringify(r.terminating));
  const captured = rec.captured();
  const commands = new Set(captured.map((c) => c.command));
  t.deepEqual([...commands].sort(), ['backup', 'header', 'inspect', 'pages', 'restore', 'verify']);
  t.true(captured.length >= 20, `${captured.length} requests`);
  for (const c of captured) {
    t.deepEqual(c.argv, [c.command, '--progress'], 'nothing but the command and --progress on the command line');
    const name = `${c.command.replace(/-([a-z])/g, (_, x: string) => x.toUpperCase())}Request`;
    const validate = (validators as unknown as Record<string, Validator>)[name]!;
    t.true(validate(c.request), `${c.command} ${JSON.stringify(c.request)}: ${JSON.stringify(validate.errors)}`);
  }
  const backups = captured.filter((c) => c.command === 'backup').map((c) => c.request as any);
  t.deepEqual(backups[0], {
    source: { type: 'folder', path: dsa.dir, computer: 'DC01', recordAs: { databasePath: `${NTDS}\\ntds.dit`, logPath: NTDS, checkpointPath: NTDS } },
    destination: { directory: out, nameTemplate: '{computer}-{date}-{label}' },
    compression: { type: 'gzip', level: 9 },
    label: 'all options',
    overwrite: true,
    allowCorruptPages: true,
    allowUnrestorable: true,
    tombstoneLifetimeDays: 90,
  });
  t.deepEqual(backups[1].destination, { path: join(out, 'plain.tar') });
  t.is(backups[1].compression, undefined, "the extension decides the compression: adbackup's rule, not the module's");
  t.deepEqual(backups[1].source, { type: 'folder', databasePath: dsa.databasePath, logPath: dsa.logPath, checkpointPath: dsa.checkpointPath });
  t.deepEqual(backups[3].source, { type: 'api', server: 'DC07', truncateLogs: true });
  const restores = captured.filter((c) => c.command === 'restore').map((c) => c.request as any);
  t.deepEqual(restores[0], {
    archive: restores[0].archive,
    target: { type: 'files', root, databasePath: 'D:\\NTDS\\ntds.dit', logPath: NTDS, backupLogPath: NTDS, checkpointPath: NTDS, computer: 'DC01', createFolders: true, restoreCheckpoint: true },
    allowExpired: true,
    registry: { pathStyle: 'local' },
    plan: true,
  }, '-WhatIf sends a plan without registry writers');
  t.deepEqual(restores[1].registry, { regFile: join(root, 'r.reg'), pathStyle: 'unc' });
  t.deepEqual(restores[2].target, { type: 'api', server: 'DC01' });
  t.deepEqual(restores[3].registry, { apply: true });
  t.deepEqual(captured.filter((c) => c.command === 'header').map((c) => (c.request as any).kind).sort().at(-1), 'checkpoint');
});

psTest('Windows paths of the module, simulated: bin/win-x64/adbackup.exe is chosen; the tombstone lifetime comes from AD (an ActiveDirectory module stand-in), 60 days when unset, adbackup\'s default, with a warning, when AD cannot be read', async (t) => {
  const rec = await recording();
  const out = await folder('tsl');
  const r = await runPs(`${prelude}
    $module = Get-Module ADDatabaseBackup
    # The module decides "Windows" once, at import; flip it as Windows PowerShell 5.1 or PowerShell 7 on Windows would.
    & $module { $script:ADBOnWindows = $true }
    $exe = & $module { $saved = $env:ADBACKUP_EXE; $env:ADBACKUP_EXE = ''; function Show-Exe { [CmdletBinding()] param() (Get-ADBExecutablePath -Cmdlet $PSCmdlet).Path }; Show-Exe; $env:ADBACKUP_EXE = $saved }
    $global:lifetime = 240
    $null = New-Module -Name ActiveDirectory -ScriptBlock {
      function Get-ADRootDSE { [pscustomobject]@{ configurationNamingContext = 'CN=Configuration,DC=contoso,DC=com' } }
      function Get-ADObject { param($Identity, $Properties) $global:asked = "$Identity|$Properties"; if ($null -eq $global:lifetime) { [pscustomobject]@{ Name = 'Directory Service' } } else { [pscustomobject]@{ tombstoneLifetime = $global:lifetime } } }
    } | Import-Module
    $fromAd = Backup-ADDatabase -Path ${psq(out)} -SourcePath ${psq(dsa.dir)} -NameTemplate from-ad -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -like '*tombstone*' }
    $global:lifetime = $null
    $unset = Backup-ADDatabase -Path ${psq(out)} -SourcePath ${psq(dsa.dir)} -NameTemplate unset
    Remove-Module ActiveDirectory
    $unreadable = Backup-ADDatabase -Path ${psq(out)} -SourcePath ${psq(dsa.dir)} -NameTemplate unreadable 3>&1 | Where-Object { $_ -is [System.Management.Automation.WarningRecord] -and $_.Message -like '*tombstone*' }
    [pscustomobject]@{ Exe = $exe; Asked = $global:asked; FromAd = [string]$fromAd; Unset = $unset.TombstoneLifetimeDays; Unreadable = [string]$unreadable }
  `, { env: rec.env });
  t.is(r.terminating, null, JSON.stringify(r.terminating));
  const o = r.output[0];
  t.is(o.Exe, join(moduleDir, 'bin', 'win-x64', 'adbackup.exe'));
  t.is(o.Asked, 'CN=Directory Service,CN=Windows NT,CN=Services,CN=Configuration,DC=contoso,DC=com|tombstoneLifetime');
  t.regex(o.FromAd, /tombstone lifetime is 240 days \(read through the ActiveDirectory module\)/);
  t.is(o.Unset, 60, 'an unset tombstoneLifetime means 60 days');
  t.regex(o.Unreadable, /could not be read from Active Directory .*180 days/);
  const lifetimes = rec.captured().filter((c) => c.command === 'backup').map((c) => (c.request as { tombstoneLifetimeDays?: number }).tombstoneLifetimeDays);
  t.deepEqual(lifetimes, [240, 60, undefined], 'sent when read, left to adbackup otherwise');
});

/** A new age identity made by adbackup keygen: its file and public key. */
function keygen(dir: string): { identityFile: string; recipient: string } {
  const identityFile = join(dir, 'key.txt');
  const out = execFileSync(realExe, ['keygen'], { input: JSON.stringify({ identityFile }) }).toString();
  return { identityFile, recipient: (JSON.parse(out) as { recipient: string }).recipient };
}

psTest('encrypted to a recipient: Backup-ADDatabase -Recipient writes .tar.zst.age; Test- without a key returns the unverified result AND ARCHIVE_ENCRYPTED, with -IdentityFile verifies; Restore- without a key stops with ARCHIVE_ENCRYPTED, with -IdentityFile restores the same bytes', async (t) => {
  const keys = await folder('keys');
  const { identityFile, recipient } = keygen(keys);
  const out = await folder('encrypted');
  const root = await folder('root');
  const bare = join(await folder('no-sidecar'), 'copy.tar.zst.age');
  const rec = await recording();
  const r = await runPs(`${prelude}
    $b = Backup-ADDatabase -Path ${psq(out)} -SourcePath ${psq(dsa.dir)} -ComputerName DC01 -OriginalDatabasePath '${NTDS}\\ntds.dit' -OriginalLogPath '${NTDS}' -Recipient $recipient
    [System.IO.File]::Copy($b.Path, ${psq(bare)})
    function Catch-It([scriptblock] $Block) { try { & $Block; $null } catch { $_ } }
    [pscustomobject]@{
      Backup = $b
      Info = Get-ADDatabaseBackup -LiteralPath $b.Path
      Unverified = @(Test-ADDatabaseBackup -LiteralPath $b.Path -ErrorVariable testErrors -ErrorAction SilentlyContinue)
      TestErrors = @($testErrors)
      Quiet = Test-ADDatabaseBackup -LiteralPath $b.Path -Quiet
      Verified = Test-ADDatabaseBackup -LiteralPath $b.Path -IdentityFile ${psq(identityFile)}
      Bare = @(Get-ADDatabaseBackup -LiteralPath ${psq(bare)} -ErrorVariable bareErrors -ErrorAction SilentlyContinue)
      BareErrors = @($bareErrors)
      BareWithKey = Get-ADDatabaseBackup -LiteralPath ${psq(bare)} -IdentityFile ${psq(identityFile)}
      NoKey = Catch-It { Restore-ADDatabase -LiteralPath $b.Path -Root ${psq(root)} -CreateFolders -ExportRegistryFile ${psq(join(root, 'r.reg'))} -Confirm:$false }
      Restored = Restore-ADDatabase -LiteralPath $b.Path -Root ${psq(root)} -CreateFolders -ExportRegistryFile ${psq(join(root, 'r.reg'))} -IdentityFile ${psq(identityFile)} -Confirm:$false
    }
    Get-ADDatabaseBackup -LiteralPath $b.Path | Out-Default
  `, { vars: { recipient }, env: rec.env });
  t.is(r.terminating, null, JSON.stringify(r.terminating));
  const o = r.output[0];

  t.regex(o.Backup.Name, /^DC01-ntds-\d{8}T\d{6}Z\.tar\.zst\.age$/);
  t.like(o.Backup, { Encrypted: true, Encryption: 'age (1 recipient)', Recipients: [recipient], Compression: 'zstd' });
  t.like(o.Info, { Encrypted: true, Encryption: 'age (1 recipient)', Recipients: [recipient], ReadFrom: 'sidecar', BackupId: o.Backup.BackupId });
  t.regex(r.host.join('\n'), /Expired +Encrypted[\s\S]*False +True +1-5 /, 'the BackupInfo view shows Encrypted');

  t.is(o.Unverified.length, 1, 'the result is returned without a key');
  t.like(o.Unverified[0], { IsValid: false, Encrypted: true, ContentVerified: false, ErrorCount: 0, BackupId: o.Backup.BackupId });
  t.true(o.Unverified[0].Findings.some((f: any) => f.code === 'content-not-verified'));
  t.deepEqual(o.TestErrors.map((e: any) => [e.fqid, e.category, e.targetName, e.data.ExitCode]), [['ADDatabaseBackup.ARCHIVE_ENCRYPTED,Test-ADDatabaseBackup', 'SecurityError', o.Backup.Path, 4]]);
  t.regex(o.TestErrors[0].message, /content was not verified/);
  t.truthy(o.TestErrors[0].recommendedAction);
  t.is(o.Quiet, false, '-Quiet: not verified is not $true');
  t.like(o.Verified, { IsValid: true, Encrypted: true, ContentVerified: true, ErrorCount: 0, Format: 'zstd', CorruptPages: 0, EntryCount: 7 });

  t.deepEqual(o.Bare, [], 'no sidecar and no key: nothing to describe');
  t.deepEqual(o.BareErrors.map((e: any) => [e.fqid, e.category]), [['ADDatabaseBackup.ARCHIVE_ENCRYPTED,Get-ADDatabaseBackup', 'SecurityError']]);
  t.like(o.BareWithKey, { ReadFrom: 'archive', Encrypted: true, BackupId: o.Backup.BackupId, SidecarPath: null });

  t.like(o.NoKey, { fqid: 'ADDatabaseBackup.ARCHIVE_ENCRYPTED,Restore-ADDatabase', category: 'SecurityError' });
  t.like(o.Restored, { Plan: false, FileCount: 1 + dsa.logNames.length, RegistryWrittenTo: [join(root, 'r.reg')] });
  const after = await snapshotTree(join(root, 'C', 'Windows', 'NTDS'));
  const source = await snapshotTree(dsa.dir);
  t.is(after['ntds.dit'], source['ntds.dit']);
  for (const n of dsa.logNames) t.is(after[n], source[n], n);

  const captured = rec.captured();
  for (const c of captured) {
    const validate = (validators as unknown as Record<string, Validator>)[`${c.command}Request`]!;
    t.true(validate(c.request), `${c.command} ${JSON.stringify(c.request)}: ${JSON.stringify(validate.errors)}`);
  }
  t.deepEqual((captured.find((c) => c.command === 'backup')!.request as any).encryption, { recipients: [recipient] });
  t.deepEqual(captured.filter((c) => c.command === 'restore').map((c) => (c.request as any).decryption), [undefined, { identityFile }]);
});

psTest('a SecureString passphrase: backup, verify and restore round trip; it travels only inside the JSON on adbackup\'s stdin, never on argv, in -Verbose/-Debug, errors, warnings or output; wrong and conflicting passphrases are refused', async (t) => {
  const marker = Math.random().toString(36).slice(2, 10);
  // Quote, backslash, a control character and non-ASCII (a surrogate pair too): the JSON escaping is tested with it.
  const passphrase = `pa"ss\\wörd\t${marker}-😀`;
  const out = await folder('passphrase');
  const root = await folder('root');
  const rec = await recording();
  const r = await runPs(`${prelude}
    function New-Secret([string] $Text) { $s = [securestring]::new(); foreach ($c in $Text.ToCharArray()) { $s.AppendChar($c) }; $s.MakeReadOnly(); $s }
    $secret = New-Secret $passphrase
    $wrong = New-Secret 'not the passphrase'
    # -Debug and -Verbose on every call that carries the passphrase: the request lines are on the debug stream.
    $PSDefaultParameterValues = @{ '*-AD*:Debug' = $true; '*-AD*:Verbose' = $true }
    function Catch-It([scriptblock] $Block) { try { & $Block; $null } catch { $_ } }
    $b = Backup-ADDatabase -Path ${psq(out)} -SourcePath ${psq(dsa.dir)} -ComputerName DC01 -OriginalDatabasePath '${NTDS}\\ntds.dit' -OriginalLogPath '${NTDS}' -Passphrase $secret -PassphraseWorkFactor 12
    [pscustomobject]@{
      Backup = $b
      Verified = Test-ADDatabaseBackup -LiteralPath $b.Path -Passphrase $secret
      Wrong = @(Test-ADDatabaseBackup -LiteralPath $b.Path -Passphrase $wrong -ErrorVariable wrongErrors -ErrorAction SilentlyContinue)
      WrongErrors = @($wrongErrors)
      WrongRestore = Catch-It { Restore-ADDatabase -LiteralPath $b.Path -Root ${psq(root)} -CreateFolders -ExportRegistryFile ${psq(join(root, 'w.reg'))} -Passphrase $wrong -Confirm:$false }
      Restored = Restore-ADDatabase -LiteralPath $b.Path -Root ${psq(root)} -CreateFolders -ExportRegistryFile ${psq(join(root, 'r.reg'))} -Passphrase $secret -Confirm:$false
      Both = Catch-It { Backup-ADDatabase -Path ${psq(out)} -SourcePath ${psq(dsa.dir)} -Passphrase $secret -Recipient 'age1qyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqs3290gq' }
      Empty = Catch-It { Backup-ADDatabase -Path ${psq(out)} -SourcePath ${psq(dsa.dir)} -Passphrase ([securestring]::new()) }
      EmptyRestore = Catch-It { Restore-ADDatabase -LiteralPath $b.Path -Root ${psq(root)} -Passphrase ([securestring]::new()) -Confirm:$false }
      WorkFactorAlone = Catch-It { Backup-ADDatabase -Path ${psq(out)} -SourcePath ${psq(dsa.dir)} -PassphraseWorkFactor 12 }
      PlainName = Catch-It { Backup-ADDatabase -Path ${psq(join(out, 'x.tar.zst'))} -SourcePath ${psq(dsa.dir)} -Passphrase $secret }
      AgeName = Catch-It { Backup-ADDatabase -Path ${psq(join(out, 'x.tar.zst.age'))} -SourcePath ${psq(dsa.dir)} }
      NotAKey = Catch-It { Backup-ADDatabase -Path ${psq(out)} -SourcePath ${psq(dsa.dir)} -Recipient 'AGE-SECRET-KEY-1XYZ' }
      File = Backup-ADDatabase -Path ${psq(join(out, 'file.tar.gz.age'))} -SourcePath ${psq(dsa.dir)} -Passphrase $secret -PassphraseWorkFactor 10
    }
  `, { vars: { passphrase }, env: rec.env });
  t.is(r.terminating, null, JSON.stringify(r.terminating));
  const o = r.output[0];

  t.regex(o.Backup.Name, /\.tar\.zst\.age$/);
  t.like(o.Backup, { Encrypted: true, Encryption: 'age (passphrase)', Recipients: [] });
  t.like(o.Verified, { IsValid: true, ContentVerified: true, ErrorCount: 0 });
  t.deepEqual(o.Wrong, []);
  t.deepEqual(o.WrongErrors.map((e: any) => [e.fqid, e.category]), [['ADDatabaseBackup.AGE_NO_MATCHING_KEY,Test-ADDatabaseBackup', 'InvalidData']]);
  t.like(o.WrongRestore, { fqid: 'ADDatabaseBackup.AGE_NO_MATCHING_KEY,Restore-ADDatabase', category: 'InvalidData' });
  t.false(existsSync(join(root, 'w.reg')), 'a wrong passphrase changes nothing');
  t.like(o.Restored, { Plan: false, FileCount: 1 + dsa.logNames.length });
  const after = await snapshotTree(join(root, 'C', 'Windows', 'NTDS'));
  const source = await snapshotTree(dsa.dir);
  t.is(after['ntds.dit'], source['ntds.dit']);
  for (const n of dsa.logNames) t.is(after[n], source[n], n);
  for (const [name, fqid] of Object.entries({
    Both: 'ADDatabaseBackup.ENCRYPTION_PARAMETERS,Backup-ADDatabase',
    Empty: 'ADDatabaseBackup.ENCRYPTION_PARAMETERS,Backup-ADDatabase',
    EmptyRestore: 'ADDatabaseBackup.ENCRYPTION_PARAMETERS,Restore-ADDatabase',
    WorkFactorAlone: 'ADDatabaseBackup.ENCRYPTION_PARAMETERS,Backup-ADDatabase',
    PlainName: 'ADDatabaseBackup.DESTINATION_NAME_MISMATCH,Backup-ADDatabase',
    AgeName: 'ADDatabaseBackup.DESTINATION_NAME_MISMATCH,Backup-ADDatabase',
    NotAKey: 'ParameterArgumentValidationError,Backup-ADDatabase',
  })) {
    t.is(o[name]?.fqid, fqid, name);
    t.is(o[name]?.category, name === 'NotAKey' ? 'InvalidData' : 'InvalidArgument', name);
  }
  t.like(o.File, { Name: 'file.tar.gz.age', Compression: 'gzip', Encrypted: true });
  // The name rule is adbackup's: its refusal comes back as the ErrorRecord, with the advice, and nothing is written.
  t.like(o.PlainName, { data: { Code: 'DESTINATION_NAME_MISMATCH', Category: 'InvalidRequest', ExitCode: 2 }, targetName: join(out, 'x.tar.zst') });
  t.regex(o.PlainName.recommendedAction ?? '', /\.age when encrypted/);
  t.false(existsSync(join(out, 'x.tar.zst')) || existsSync(join(out, 'x.tar.zst.age')));

  // The requests: the passphrase is in them (adbackup needs it), in the schema's stdin form, and nowhere else.
  const captured = rec.captured();
  t.deepEqual(captured.map((c) => c.command), ['backup', 'verify', 'verify', 'restore', 'restore', 'backup', 'backup', 'backup']);
  for (const c of captured) {
    t.deepEqual(c.argv, [c.command, '--progress']);
    const validate = (validators as unknown as Record<string, Validator>)[`${c.command}Request`]!;
    t.true(validate(c.request), `${c.command}: ${JSON.stringify(validate.errors)}`);
  }
  const req = captured.map((c) => c.request as any);
  t.deepEqual(req[0].encryption, { passphrase: { value: passphrase }, workFactor: 12 }, 'escaped correctly: the JSON parses back to the exact passphrase');
  t.deepEqual(req[1].decryption, { passphrase: { value: passphrase } });
  t.deepEqual(req[2].decryption, { passphrase: { value: 'not the passphrase' } });
  t.deepEqual(req[4].decryption, { passphrase: { value: passphrase } });
  t.deepEqual(req[5].destination, { path: join(out, 'x.tar.zst') }, 'the name is checked by adbackup, not by the module');
  t.is(req[6].encryption, undefined);
  t.deepEqual(req[7].encryption, { passphrase: { value: passphrase }, workFactor: 10 });
  t.is(req[7].compression, undefined, 'adbackup takes the compression from the name');

  // Every stream and object the engine saw: no trace of the passphrase (its unique part, raw or JSON-escaped).
  const everything = JSON.stringify({ ...r, output: r.output });
  t.false(everything.includes(marker), 'the passphrase appears in no output stream, error or object');
  t.true(r.debug.some((d) => d.startsWith('adbackup backup request: ') && d.includes('"passphrase":{"value":"<redacted>"}')), r.debug.join('\n'));
  t.true(r.debug.some((d) => d.startsWith('adbackup restore request: ') && d.includes('"decryption":{"passphrase":{"value":"<redacted>"}}')));
  t.true(r.verbose.some((v) => v.includes('encrypted (age) with a passphrase')));
});

psTest('Test-ADDatabaseRestore after a restore into a temp root: the receipt is found from the DC\'s database path; off Windows the registry and the event logs cannot be read, so the status is Unknown', async (t) => {
  const b = await backupWithModule(t, await folder('status-backups'));
  const root = await folder('status-root');
  await mkdir(join(root, 'C', 'Windows', 'NTDS'), { recursive: true });
  const r = await runPs(
    `${prelude}$r = Restore-ADDatabase -LiteralPath ${psq(b.Path)} -Root ${psq(root)} -ExportRegistryFile ${psq(join(root, 'r.reg'))} -Confirm:$false
$s = Test-ADDatabaseRestore -DatabasePath '${NTDS}\\ntds.dit' -Root ${psq(root)}
$byReceipt = $r | Test-ADDatabaseRestore
[pscustomobject]@{ Restored = $r; Status = $s; ByReceipt = $byReceipt }`,
    { env: { ADBACKUP_EXE: '' } },
  );
  noErrors(t, r);
  const o = r.output[0];
  t.is(o.Restored.Method, 'restore-in-progress');
  t.is(o.Status['@types'][0], 'ADDatabaseBackup.RestoreStatus');
  t.like(o.Status, { Status: 'Unknown', Method: 'restore-in-progress', ReceiptPath: o.Restored.ReceiptPath, SameDatabase: true, EventsChecked: false, RidPoolInvalidated: null, BackupId: b.BackupId });
  t.regex(o.Status.Reasons[0], /registry cannot be read here/);
  t.is(o.ByReceipt.ReceiptPath, o.Restored.ReceiptPath, 'the result pipes into Test-ADDatabaseRestore by ReceiptPath');
});
