import test from 'ava';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeDsaFolder } from '../fixtures/synthetic-dsa.ts';
import { tempDir } from '../support/temp.ts';
import { restorePorts } from '../support/restore-ports.ts';
import { adbackup, cliPath, cliPlatform, holdOpen } from '../support/cli.ts';
import { snapshotTree } from '../support/tree.ts';
import { parseRegFile } from '../../src/registry/reg-file.ts';
import { runBackup } from '../../src/backup/backup.ts';
import { createFolderSource } from '../../src/platform/folder-source.ts';
import { runRestore, type RestoreOptions } from '../../src/restore/restore.ts';
import { MemoryRegistry } from '../../src/registry/writers.ts';
import { windowsEnvironment } from '../../src/platform/windows-environment.ts';
import { AppError } from '../../src/errors.ts';
import * as v from '../../src/protocol/generated/validators.js';

const NTDS = 'C:\\Windows\\NTDS';
// A VSS snapshot's database: what a KB 814167 (Restore in Progress) restore accepts.
const small = {
  databaseBytes: 2 << 20,
  logFileBytes: 64 * 1024,
  logs: 4,
  state: 'dirty' as const,
  backup: 'snapshot' as const,
};

/** A backup of a synthetic DC whose files lived in C:\Windows\NTDS, and a root standing for its C: volume. */
async function setup(t: import('ava').ExecutionContext, options: { created?: Date } = {}) {
  const dir = await tempDir(t);
  const f = await makeDsaFolder(join(dir, 'snapshot'), small);
  const archive = join(dir, 'dc01.tar.zst');
  const source = createFolderSource({
    path: f.dir,
    computer: 'DC01',
    recordAs: { databasePath: `${NTDS}\\ntds.dit`, logPath: NTDS },
  });
  const backup = await runBackup(
    source,
    { destination: { path: archive } },
    { now: () => options.created ?? new Date(), progress: () => {} },
  );
  const root = join(dir, 'root');
  const live = join(root, 'C', 'Windows', 'NTDS');
  await mkdir(live, { recursive: true });
  return { dir, f, archive, backup, root, live };
}

/** The broken DC's files, which a restore must move aside, not delete. */
async function brokenDc(live: string) {
  await writeFile(join(live, 'ntds.dit'), 'old database');
  await writeFile(join(live, 'ntds.jfm'), 'old flush map');
  await writeFile(join(live, 'edb.log'), 'old current log');
  await writeFile(join(live, 'edb00007.log'), 'old log 7');
  await writeFile(join(live, 'edb.chk'), 'old checkpoint');
  await writeFile(join(live, 'edbres00001.jrs'), 'old reserve');
  await writeFile(join(live, 'keep-me.txt'), 'not part of AD');
}

test('restore into a temp root: byte-identical files at the mapped paths, replaced files in pre-restore-*, KB 814167 .reg', async (t) => {
  const { dir, f, archive, backup, root, live } = await setup(t);
  await brokenDc(live);
  const regFile = join(dir, 'restore.reg');
  const r = await adbackup(['restore'], { archive, target: { type: 'files', root }, registry: { regFile } });
  t.is(r.code, 0, r.stdout);
  t.true(v.restoreResponse(r.json), JSON.stringify(v.restoreResponse.errors));

  const after = await snapshotTree(live);
  const source = await snapshotTree(f.dir);
  t.is(after['ntds.dit'], source['ntds.dit']);
  for (const n of f.logNames) t.is(after[n], source[n], n);
  t.is(after['keep-me.txt'] !== undefined, true, 'unrelated files stay where they are');
  t.is(after['edb.chk'], undefined, 'the checkpoint is not restored unless asked');
  const aside = (await readdir(live)).filter((n) => n.startsWith('pre-restore-'));
  t.is(aside.length, 1);
  t.regex(aside[0]!, /^pre-restore-\d{8}T\d{6}Z$/);
  t.is(r.json.method, 'restore-in-progress');
  t.is(r.json.receipt, join(live, aside[0]!, 'restore-receipt.json'));
  const receipt = JSON.parse(await readFile(r.json.receipt, 'utf8'));
  t.is(receipt.method, 'restore-in-progress');
  t.is(receipt.archive.backupId, backup.manifest.backupId);
  t.deepEqual(receipt.registry.values, r.json.registry);
  t.deepEqual(receipt.registry.writtenTo, [cliPath(regFile)], 'as the tool names it (Z:\\… for the Windows exe)');
  if (cliPlatform === 'win32') {
    // Windows has a registry to read before the change (Wine's here: no NTDS keys yet).
    t.like(receipt.before, { readFrom: 'HKLM (advapi32)', restoreInProgress: false, databaseRestoredFromBackup: null });
  } else {
    t.is(receipt.before, null, 'no registry to read on this machine');
  }
  const movedNames = (await readdir(join(live, aside[0]!))).filter((n) => n !== 'restore-receipt.json');
  const moved = Object.fromEntries(
    await Promise.all(movedNames.map(async (n) => [n, await readFile(join(live, aside[0]!, n), 'utf8')])),
  );
  t.deepEqual(moved, {
    'ntds.dit': 'old database',
    'ntds.jfm': 'old flush map',
    'edb.log': 'old current log',
    'edb00007.log': 'old log 7',
    'edb.chk': 'old checkpoint',
    'edbres00001.jrs': 'old reserve',
  });
  t.false(Object.keys(after).some((k) => k.endsWith('.partial')));

  const reg = parseRegFile(await readFile(regFile));
  const byName = Object.fromEntries(reg.values.map((x) => [x.name, x]));
  const unc = '\\\\DC01\\C$\\Windows\\NTDS';
  const key = 'HKLM\\SYSTEM\\CurrentControlSet\\Services\\NTDS\\Restore in Progress';
  t.deepEqual(byName['BackupLogPath'], { key, name: 'BackupLogPath', type: 'REG_SZ', value: unc });
  t.deepEqual(byName['CheckpointFilePath'], { key, name: 'CheckpointFilePath', type: 'REG_SZ', value: unc });
  t.deepEqual(byName['LogPath'], { key, name: 'LogPath', type: 'REG_SZ', value: unc });
  t.deepEqual(byName['NTDS Database recovered'], {
    key,
    name: 'NTDS Database recovered',
    type: 'REG_BINARY',
    value: '00',
  });
  t.deepEqual(byName['LowLog Number'], {
    key,
    name: 'LowLog Number',
    type: 'REG_DWORD',
    value: backup.manifest.logRange.low,
  });
  // ESE opens LowLog…HighLog by numbered name; edb.log (the range's newest generation) is the current log after them.
  t.deepEqual(byName['HighLog Number'], {
    key,
    name: 'HighLog Number',
    type: 'REG_DWORD',
    value: backup.manifest.logRange.high - 1,
  });
  t.is(backup.manifest.logRange.high, 5);
  t.deepEqual(byName['NTDS_RstMap Size'], { key, name: 'NTDS_RstMap Size', type: 'REG_DWORD', value: 1 });
  t.deepEqual(byName['NTDS_RstMap'], {
    key,
    name: 'NTDS_RstMap',
    type: 'REG_MULTI_SZ',
    value: [`${unc}\\ntds.dit`, `${unc}\\ntds.dit`],
  });
  t.regex(String(byName['New Database GUID']!.value), /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  t.is(byName['New Database GUID']!.key, 'HKLM\\SYSTEM\\CurrentControlSet\\Services\\NTDS\\Parameters');
  t.deepEqual(
    reg.values,
    r.json.registry.map((x: object) => x),
    'the .reg holds exactly the reported values',
  );
  t.true(r.json.nextSteps.some((s: string) => s.includes('reg import')));
  t.true(r.json.nextSteps.some((s: string) => s.includes('authoritative restore')));
  t.true(r.json.nextSteps.some((s: string) => /boot files; then SYSVOL/.test(s)));

  // A second restore with plan: true lists what it would do and changes nothing.
  const before = await snapshotTree(root);
  const p = await adbackup(['restore'], { archive, target: { type: 'files', root }, plan: true });
  t.is(p.code, 0, p.stdout);
  t.true(p.json.plan);
  t.deepEqual(await snapshotTree(root), before);
  t.true(
    p.json.actions.some(
      (a: { action: string; from?: string }) => a.action === 'move-aside' && !!a.from?.endsWith('ntds.dit'),
    ),
  );
  t.is(p.json.actions.filter((a: { action: string }) => a.action === 'write').length, 1 + f.logNames.length);
});

test('a relocated database: the restore map maps old to new, and the result warns', async (t) => {
  const { archive, root } = await setup(t);
  await mkdir(join(root, 'D', 'NTDS'), { recursive: true });
  const reg = new MemoryRegistry();
  const r = await runRestore(
    { archive, target: { type: 'files', root, databasePath: 'D:\\NTDS\\ntds.dit' }, registry: { pathStyle: 'local' } },
    ports({ registryWriters: [reg] }),
  );
  t.deepEqual(reg.get('HKLM\\SYSTEM\\CurrentControlSet\\Services\\NTDS\\Restore in Progress', 'NTDS_RstMap')?.value, [
    `${NTDS}\\ntds.dit`,
    'D:\\NTDS\\ntds.dit',
  ]);
  t.is(reg.get('HKLM\\SYSTEM\\CurrentControlSet\\Services\\NTDS\\Restore in Progress', 'LogPath')?.value, NTDS);
  t.true(r.warnings.some((w) => w.includes('D:\\NTDS\\ntds.dit')));
  t.true(r.nextSteps.some((s) => s.includes('DSA Database file')));
});

const ports = restorePorts;

async function refused(t: import('ava').ExecutionContext, root: string, run: () => Promise<unknown>, code: string) {
  const before = await snapshotTree(root);
  const err = await t.throwsAsync(run(), { instanceOf: AppError });
  t.is(err.code, code);
  t.deepEqual(await snapshotTree(root), before, `${code}: the target is untouched`);
  return err;
}

test('refusals leave the target untouched: expired, in use, not in restore mode, missing folder, invalid paths, tampered', async (t) => {
  const { dir, archive, root, live } = await setup(t);
  await brokenDc(live);
  const opts: RestoreOptions = { archive, target: { type: 'files', root } };
  const later = () => new Date(Date.now() + 181 * 86_400_000);
  const expired = await refused(t, root, () => runRestore(opts, ports({ now: later })), 'BACKUP_EXPIRED');
  t.is(expired.category, 'Precondition');
  await refused(
    t,
    root,
    () =>
      runRestore(
        opts,
        ports({
          environment: { restoreMode: async () => ({ inRestoreMode: true, detail: '' }), fileInUse: async () => true },
        }),
      ),
    'TARGET_IN_USE',
  );
  await refused(
    t,
    root,
    () =>
      runRestore(
        opts,
        ports({
          environment: {
            restoreMode: async () => ({ inRestoreMode: false, detail: 'booted normally' }),
            fileInUse: async () => false,
          },
        }),
      ),
    'NOT_IN_RESTORE_MODE',
  );
  await refused(
    t,
    root,
    () => runRestore({ ...opts, target: { type: 'files', root, logPath: 'E:\\Logs' } }, ports()),
    'TARGET_FOLDER_MISSING',
  );
  await refused(
    t,
    root,
    () => runRestore({ ...opts, target: { type: 'files', root, databasePath: 'relative\\ntds.dit' } }, ports()),
    'INVALID_PATH',
  );
  await refused(
    t,
    root,
    () => runRestore({ ...opts, target: { type: 'files', root, logPath: 'C:\\Windows\\..\\..\\etc' } }, ports()),
    'INVALID_PATH',
  );
  await refused(t, root, () => runRestore({ ...opts, target: { type: 'files' } }, ports()), 'INVALID_PATH'); // a C:\ path on a POSIX host needs a root
  const bad = join(dir, 'tampered.tar.zst');
  const bytes = await readFile(archive);
  bytes[bytes.length >> 1]! ^= 0x10;
  await writeFile(bad, bytes);
  await refused(t, root, () => runRestore({ ...opts, archive: bad }, ports()), 'ARCHIVE_INVALID');
  // allowExpired is an explicit override, recorded in the result
  const ok = await runRestore(
    { ...opts, allowExpired: true, target: { type: 'files', root, createFolders: true } },
    ports({ now: later }),
  );
  t.true(ok.expiredOverride);
  t.true(ok.warnings.some((w) => w.includes('tombstone lifetime')));
});

test('through the CLI: exit codes of refusals, and a database held open by a running process is in use', async (t) => {
  const { dir, archive, root, live } = await setup(t);
  await brokenDc(live);
  const regFile = join(dir, 'r.reg');
  const before = await snapshotTree(root);
  const release = await holdOpen(join(live, 'ntds.dit')); // a running process stands for NTDS
  try {
    const busy = await adbackup(['restore'], { archive, target: { type: 'files', root }, registry: { regFile } });
    t.is(busy.code, 4, busy.stdout);
    t.is(busy.json.error.code, 'TARGET_IN_USE');
  } finally {
    await release();
  }
  // Restore mode: Windows reads it from SAFEBOOT_OPTION and refuses a normal boot (the Wine runner's default is
  // DSREPAIR); a POSIX host has no such mode (it writes a mounted volume offline), so there is nothing to refuse.
  if (cliPlatform === 'win32') {
    const normal = await adbackup(
      ['restore'],
      { archive, target: { type: 'files', root }, registry: { regFile } },
      { SAFEBOOT_OPTION: 'MINIMAL' },
    );
    t.is(normal.code, 4, normal.stdout);
    t.is(normal.json.error.code, 'NOT_IN_RESTORE_MODE');
    t.regex(normal.json.error.message, /booted in safe mode MINIMAL, not in Directory Services Restore Mode/);
  }
  const unregistered = await adbackup(['restore'], { archive, target: { type: 'files', root } });
  t.is(unregistered.code, 2);
  t.is(unregistered.json.error.code, 'REGISTRATION_REQUIRED');
  const missing = await adbackup(['restore'], {
    archive,
    target: { type: 'files', root: join(dir, 'nope') },
    registry: { regFile },
  });
  t.is(missing.code, 4);
  t.is(missing.json.error.code, 'TARGET_FOLDER_MISSING');
  // The API restore needs ntdsbcli.dll: off Windows, and on a Windows without it (Wine here), a Platform error.
  const api = await adbackup(['restore'], { archive, target: { type: 'api' } });
  t.is(api.code, 6, api.stdout);
  t.is(api.json.error.code, 'NTDSBCLI_UNAVAILABLE');
  t.deepEqual(await snapshotTree(root), before);
  await t.throwsAsync(readFile(regFile), undefined, 'no .reg written by a refused restore');
});

test('an expired backup through the CLI: exit 4 BACKUP_EXPIRED', async (t) => {
  const { dir, archive, root } = await setup(t, { created: new Date(Date.now() - 200 * 86_400_000) });
  const r = await adbackup(['restore'], {
    archive,
    target: { type: 'files', root },
    registry: { regFile: join(dir, 'x.reg') },
  });
  t.is(r.code, 4, r.stdout);
  t.is(r.json.error.code, 'BACKUP_EXPIRED');
});

test('numbered logs go to BackupLogPath and edb.log to LogPath; a set without a numbered log cannot be registered as Restore in Progress', async (t) => {
  const { archive, root } = await setup(t);
  for (const d of [
    ['C', 'Windows', 'NTDS'],
    ['L', 'Logs'],
    ['B', 'Restore'],
  ])
    await mkdir(join(root, ...d), { recursive: true });
  const r = await runRestore(
    { archive, target: { type: 'files', root, logPath: 'L:\\Logs', backupLogPath: 'B:\\Restore' } },
    ports(),
  );
  const writes = r.actions.filter((a) => a.action === 'write').map((a) => (a as { to: string }).to);
  t.true(writes.includes(join(root, 'L', 'Logs', 'edb.log')));
  t.true(writes.includes(join(root, 'B', 'Restore', 'edb00001.log')));
  t.false(writes.some((w) => w.startsWith(join(root, 'L')) && w.endsWith('edb00001.log')));
  t.is(r.registry.find((x) => x.name === 'BackupLogPath')!.value, '\\\\DC01\\B$\\Restore');
  t.is(r.registry.find((x) => x.name === 'LogPath')!.value, '\\\\DC01\\L$\\Logs');

  const dir = await tempDir(t);
  const only = await makeDsaFolder(join(dir, 'one'), { ...small, logs: 0 });
  const lone = join(dir, 'lone.tar.zst');
  await runBackup(
    createFolderSource({ path: only.dir, computer: 'DC01', recordAs: { databasePath: `${NTDS}\\ntds.dit` } }),
    { destination: { path: lone } },
    { now: () => new Date(), progress: () => {} },
  );
  await refused(
    t,
    root,
    () => runRestore({ archive: lone, method: 'restore-in-progress', target: { type: 'files', root } }, ports()),
    'RESTORE_METHOD_UNSUPPORTED',
  );
  // Without a forced method the same archive restores the other way: the snapshot database with its current log.
  const plan = await runRestore({ archive: lone, plan: true, target: { type: 'files', root } }, ports());
  t.is(plan.method, 'database-restored-from-backup');
});

test('restoreCheckpoint also writes the archived edb.chk, after moving the old one aside', async (t) => {
  const { f, archive, root, live } = await setup(t);
  await brokenDc(live);
  await runRestore({ archive, target: { type: 'files', root, restoreCheckpoint: true } }, ports());
  t.deepEqual(await readFile(join(live, 'edb.chk')), await readFile(f.checkpointPath));
  const aside = (await readdir(live)).find((n) => n.startsWith('pre-restore-'))!;
  t.is(await readFile(join(live, aside, 'edb.chk'), 'utf8'), 'old checkpoint');
});

test('restore mode on Windows comes from SAFEBOOT_OPTION', async (t) => {
  t.is((await windowsEnvironment({ SAFEBOOT_OPTION: 'DSREPAIR' }).restoreMode()).inRestoreMode, true);
  t.is((await windowsEnvironment({ SAFEBOOT_OPTION: 'dsrepair' }).restoreMode()).inRestoreMode, true);
  t.is((await windowsEnvironment({ SAFEBOOT_OPTION: 'MINIMAL' }).restoreMode()).inRestoreMode, false);
  t.is((await windowsEnvironment({}).restoreMode()).inRestoreMode, false);
});

test('one pass verifies and writes: damage found late removes every .partial and changes nothing; a sidecar that is not the archive manifest is refused', async (t) => {
  const { dir, archive, root, live } = await setup(t);
  await brokenDc(live);
  const opts: RestoreOptions = { archive, target: { type: 'files', root } };
  // Damage near the end (in the last log or the metadata), with the sidecar beside it: the restore plans from the
  // sidecar and stages the database before the pass reaches the damage.
  const bad = join(dir, 'late-damage.tar.zst');
  const bytes = await readFile(archive);
  bytes[bytes.length - 200]! ^= 0x01;
  await writeFile(bad, bytes);
  await writeFile(bad + '.manifest.json', await readFile(archive + '.manifest.json'));
  await refused(t, root, () => runRestore({ ...opts, archive: bad }, ports()), 'ARCHIVE_INVALID');

  // A sidecar whose manifest differs from the archive's (same backup id and file hash, another file list): the
  // plan it gave is not what the archive holds.
  const forged = join(dir, 'forged.tar.zst');
  await writeFile(forged, await readFile(archive));
  const side = JSON.parse(await readFile(archive + '.manifest.json', 'utf8'));
  side.files = side.files.filter((f: { role: string }) => f.role !== 'checkpoint');
  await writeFile(forged + '.manifest.json', JSON.stringify(side));
  await refused(t, root, () => runRestore({ ...opts, archive: forged }, ports()), 'ARCHIVE_CHANGED');
});

test('a second restore with the same clock never moves a file onto an earlier pre-restore copy', async (t) => {
  const { archive, root, live } = await setup(t);
  await brokenDc(live);
  const at = new Date();
  const opts: RestoreOptions = { archive, target: { type: 'files', root } };
  const first = await runRestore(opts, ports({ now: () => at }));
  const second = await runRestore(opts, ports({ now: () => at }));
  const asides = (await readdir(live)).filter((n) => n.startsWith('pre-restore-')).sort();
  t.is(asides.length, 2);
  t.is(asides[1], `${asides[0]}-2`);
  t.is(
    await readFile(join(live, asides[0]!, 'ntds.dit'), 'utf8'),
    'old database',
    'the broken DC files are still in the first copy',
  );
  const moved = second.actions.filter((a) => a.action === 'move-aside');
  t.true(
    moved.length > 0 && moved.every((a) => a.action === 'move-aside' && a.to.includes(`${asides[1]}`)),
    'the result names where the files really went',
  );
  t.true(first.actions.some((a) => a.action === 'move-aside' && a.to.includes(`${asides[0]}/`)));
});
