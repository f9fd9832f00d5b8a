import test from 'ava';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeDsaFolder } from '../fixtures/synthetic-dsa.ts';
import { tempDir } from '../support/temp.ts';
import { FakeNtdsbcli } from '../support/fake-ntdsbcli.ts';
import { createApiSource } from '../../src/platform/ntdsbcli/api-source.ts';
import { runBackup } from '../../src/backup/backup.ts';
import { verifyArchive } from '../../src/archive/verify.ts';
import { AppError } from '../../src/errors.ts';

const env = { now: () => new Date(), progress: () => {} };
const small = { databaseBytes: 3 << 20, logFileBytes: 64 * 1024, logs: 3, state: 'dirty' as const };

test('online backup in the documented order: logs listed only after the database was read, End always', async (t) => {
  const dir = await tempDir(t);
  const f = await makeDsaFolder(join(dir, 'NTDS'), small);
  const api = new FakeNtdsbcli(f.dir);
  const r = await runBackup(
    createApiSource({ api, server: 'DC01' }),
    { destination: { path: join(dir, 'a.tar.zst') } },
    env,
  );
  const seq = api.calls.filter((c) => c !== 'DsBackupRead');
  t.deepEqual(seq, [
    'DsIsNTDSOnlineW',
    'DsBackupPrepareW',
    'DsRestoreGetDatabaseLocationsW',
    'DsBackupGetDatabaseNamesW',
    'DsBackupOpenFileW ntds.dit',
    'DsBackupClose',
    'DsBackupGetBackupLogsW',
    ...['edb00001.log', 'edb00002.log', 'edb00003.log', 'edb00004.log'].flatMap((n) => [
      `DsBackupOpenFileW ${n}`,
      'DsBackupClose',
    ]),
    'DsBackupEnd',
  ]);
  t.false(api.calls.includes('DsBackupTruncateLogs'), 'not asked to truncate');
  const m = r.manifest;
  t.is(m.source.type, 'api');
  t.deepEqual(
    m.files.map((x) => x.entry),
    [
      'ntds/ntds.dit',
      'logs/edb00001.log',
      'logs/edb00002.log',
      'logs/edb00003.log',
      'logs/edb00004.log',
      'meta/expiry-token.bin',
    ],
  );
  t.is(m.files[0]!.originalPath, 'C:\\Windows\\NTDS\\ntds.dit');
  t.is(m.files[0]!.originalPathUnc, '\\\\DC01\\C$\\Windows\\NTDS\\ntds.dit');
  t.like(m.logRange, { low: 1, high: 4, registration: { lowLog: 1, highLog: 4 }, restorable: true });
  t.is(
    m.files[0]!.sha256,
    (await import('node:crypto'))
      .createHash('sha256')
      .update(await readFile(f.databasePath))
      .digest('hex'),
  );
  t.true((await verifyArchive(r.archive)).ok);
});

test('DsBackupTruncateLogs only after the archive is published, and only when asked', async (t) => {
  const dir = await tempDir(t);
  const f = await makeDsaFolder(join(dir, 'NTDS'), small);
  const api = new FakeNtdsbcli(f.dir);
  await runBackup(
    createApiSource({ api, server: 'DC01', truncateLogs: true }),
    { destination: { path: join(dir, 'a.tar.zst') } },
    env,
  );
  t.deepEqual(api.calls.slice(-2), ['DsBackupTruncateLogs', 'DsBackupEnd']);

  const failing = new FakeNtdsbcli(f.dir);
  failing.failOn['DsBackupRead'] = 0xc8000212;
  const err = await t.throwsAsync(
    runBackup(
      createApiSource({ api: failing, server: 'DC01', truncateLogs: true }),
      { destination: { path: join(dir, 'b.tar.zst') } },
      env,
    ),
    { instanceOf: AppError },
  );
  t.is(err.code, 'NTDSBCLI_ERROR');
  t.regex(err.message, /DsBackupRead failed: hrBadLogSignature \(0xC8000212\)/);
  t.false(failing.calls.includes('DsBackupTruncateLogs'), 'a failed backup never truncates');
  t.is(failing.calls.at(-1), 'DsBackupEnd', 'DsBackupEnd even after a failure');
});

test('an offline directory service and underscores in the server name are refused', async (t) => {
  const dir = await tempDir(t);
  const f = await makeDsaFolder(join(dir, 'NTDS'), small);
  const api = new FakeNtdsbcli(f.dir);
  api.online = false;
  const err = await t.throwsAsync(
    runBackup(createApiSource({ api, server: 'DC01' }), { destination: { path: join(dir, 'a.tar.zst') } }, env),
    { instanceOf: AppError },
  );
  t.is(err.code, 'NTDS_OFFLINE');
  t.throws(() => createApiSource({ api, server: 'DC_01' }), { instanceOf: AppError });
});

test('on a platform without the API: a clear Platform error', async (t) => {
  if (process.platform === 'win32') return t.pass();
  const { loadNtdsbcli } = await import('../../src/platform/ntdsbcli/api.ts');
  const err = t.throws(() => loadNtdsbcli(), { instanceOf: AppError });
  t.is(err.category, 'Platform');
  t.regex(err.message, /folder/);
});
