import test from 'ava';
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeDsaFolder } from '../fixtures/synthetic-dsa.ts';
import { tempDir } from '../support/temp.ts';
import { FakeNtdsbcli } from '../support/fake-ntdsbcli.ts';
import { createApiSource } from '../../src/platform/ntdsbcli/api-source.ts';
import { runBackup } from '../../src/backup/backup.ts';
import { runApiRestore, type RestoreApi } from '../../src/restore/api-restore.ts';
import { AppError } from '../../src/errors.ts';

const small = { databaseBytes: 2 << 20, logFileBytes: 64 * 1024, logs: 3, state: 'dirty' as const };

/** Records the restore calls; DsRestoreGetDatabaseLocations names a folder under `target`. */
function restoreApi(target: string, online = false) {
  const calls: { fn: string; args?: unknown }[] = [];
  const api: RestoreApi = {
    isOnline: () => (calls.push({ fn: 'DsIsNTDSOnlineW' }), online),
    restorePrepare: (_s, token) => (calls.push({ fn: 'DsRestorePrepareW', args: token?.toString() }), { h: 1 }),
    databaseLocations: () => (
      calls.push({ fn: 'DsRestoreGetDatabaseLocationsW' }),
      [
        { kind: 'database', path: `${target}/ntds.dit` },
        { kind: 'log-dir', path: target },
        { kind: 'checkpoint-dir', path: target },
      ]
    ),
    restoreRegister: (_h, r) => calls.push({ fn: 'DsRestoreRegisterW', args: r }),
    restoreRegisterComplete: (_h, hr) => calls.push({ fn: 'DsRestoreRegisterComplete', args: hr }),
    restoreEnd: () => calls.push({ fn: 'DsRestoreEnd' }),
  };
  return { api, calls };
}

async function apiBackup(t: import('ava').ExecutionContext) {
  const dir = await tempDir(t);
  const f = await makeDsaFolder(join(dir, 'NTDS'), small);
  const archive = join(dir, 'api.tar.zst');
  await runBackup(
    createApiSource({ api: new FakeNtdsbcli(f.dir), server: 'DC01' }),
    { destination: { path: archive } },
    { now: () => new Date(), progress: () => {} },
  );
  const target = join(dir, 'target');
  await mkdir(target);
  return { dir, f, archive, target };
}

const base = (api: RestoreApi) => ({
  api,
  server: '\\\\DC01',
  computer: 'DC01',
  toLocal: (p: string) => p,
  now: () => new Date(),
  progress: () => {},
});

test('restore through the API: prepare with the stored token, locations, register, copy, complete S_OK, end', async (t) => {
  const { f, archive, target } = await apiBackup(t);
  await writeFile(join(target, 'ntds.dit'), 'old');
  const { api, calls } = restoreApi(target);
  const r = await runApiRestore({ archive }, base(api));
  t.deepEqual(
    calls.map((c) => c.fn),
    [
      'DsIsNTDSOnlineW',
      'DsRestorePrepareW',
      'DsRestoreGetDatabaseLocationsW',
      'DsRestoreRegisterW',
      'DsRestoreRegisterComplete',
      'DsRestoreEnd',
    ],
  );
  t.is(calls[1]!.args, 'TOKEN-2026', 'the expiry token saved at backup time');
  t.deepEqual(calls[3]!.args, {
    checkpointPath: target,
    logPath: target,
    map: [{ original: '\\\\DC01\\C$\\Windows\\NTDS\\ntds.dit', new: `${target}/ntds.dit` }],
    backupLogPath: target,
    genLow: 1,
    genHigh: 4,
  });
  t.is(calls[4]!.args, 0);
  t.deepEqual(await readFile(join(target, 'ntds.dit')), await readFile(f.databasePath));
  t.deepEqual(
    await readFile(join(target, 'edb00004.log')),
    await readFile(join(f.logPath, 'edb.log')),
    'the rolled current log, by its number',
  );
  const aside = (await readdir(target)).find((n) => n.startsWith('pre-restore-'))!;
  t.is(await readFile(join(target, aside, 'ntds.dit'), 'utf8'), 'old');
  t.true(r.registryWrittenTo.includes('DsRestoreRegister'));
});

test('refusals: NTDS online, a folder archive without a token; a failed copy completes with the failure and ends', async (t) => {
  const { dir, archive, target } = await apiBackup(t);
  const online = restoreApi(target, true);
  t.is(
    (await t.throwsAsync(runApiRestore({ archive }, base(online.api)), { instanceOf: AppError })).code,
    'NTDS_ONLINE',
  );
  t.false(online.calls.some((c) => c.fn === 'DsRestoreRegisterW'));

  const f2 = await makeDsaFolder(join(dir, 'NTDS2'), small);
  const folderArchive = join(dir, 'folder.tar.zst');
  const { createFolderSource } = await import('../../src/platform/folder-source.ts');
  await runBackup(
    createFolderSource({ path: f2.dir }),
    { destination: { path: folderArchive } },
    { now: () => new Date(), progress: () => {} },
  );
  t.is(
    (
      await t.throwsAsync(runApiRestore({ archive: folderArchive }, base(restoreApi(target).api)), {
        instanceOf: AppError,
      })
    ).code,
    'NO_EXPIRY_TOKEN',
  );

  const broken = restoreApi(join(target, 'missing-subfolder'));
  const err = await t.throwsAsync(runApiRestore({ archive }, base(broken.api)), { instanceOf: AppError });
  t.is(err.code, 'TARGET_FOLDER_MISSING');
  t.is(broken.calls.at(-1)!.fn, 'DsRestoreEnd', 'DsRestoreEnd always');

  // A file that cannot be written fails the single verify-and-write pass, before anything is registered.
  await mkdir(join(target, 'ntds.dit.partial')); // the database cannot be staged
  const unstaged = restoreApi(target);
  await t.throwsAsync(runApiRestore({ archive }, base(unstaged.api)), { instanceOf: AppError });
  t.false(
    unstaged.calls.some((c) => c.fn === 'DsRestoreRegisterW'),
    'nothing registered',
  );
  t.is(unstaged.calls.at(-1)!.fn, 'DsRestoreEnd');
  await rm(join(target, 'ntds.dit.partial'), { recursive: true });

  // A copy that fails after DsRestoreRegister (the database name is taken by a folder): the registration is
  // completed with the failure, then ended.
  await rm(join(target, 'ntds.dit'), { force: true });
  await mkdir(join(target, 'ntds.dit', 'in-the-way'), { recursive: true });
  const failing = restoreApi(target);
  await t.throwsAsync(runApiRestore({ archive }, base(failing.api)), { instanceOf: AppError });
  t.deepEqual(
    failing.calls.slice(-3).map((c) => c.fn),
    ['DsRestoreRegisterW', 'DsRestoreRegisterComplete', 'DsRestoreEnd'],
  );
  t.is(failing.calls.at(-2)!.args, 0x80004005 | 0, 'E_FAIL, not S_OK');
});
