// The non-API registration: every backup that is accepted can be restored. A database that no backup produced (an
// IFM copy, an offline copy, a current-log-only set) is put back with "Database restored from backup" = 1; the
// broken DC's log set moves aside; a receipt records it all and restore-status reads it after the restart.
import test, { type ExecutionContext } from 'ava';
import { mkdir, readFile, readdir, rm, writeFile, copyFile, unlink } from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';
import { makeDsaFolder, type DsaOptions } from '../fixtures/synthetic-dsa.ts';
import { tempDir } from '../support/temp.ts';
import { restorePorts } from '../support/restore-ports.ts';
import { adbackup } from '../support/cli.ts';
import { snapshotTree } from '../support/tree.ts';
import { sharedDir } from '../support/shared.ts';
import { parseRegFile } from '../../src/registry/reg-file.ts';
import { runBackup } from '../../src/backup/backup.ts';
import { createFolderSource } from '../../src/platform/folder-source.ts';
import { runRestore } from '../../src/restore/restore.ts';
import { restoreStatus, judgeRestore } from '../../src/restore/status.ts';
import { MemoryRegistry } from '../../src/registry/writers.ts';
import { PARAMETERS_KEY, RESTORE_IN_PROGRESS_KEY } from '../../src/registry/restore-plan.ts';
import { AppError } from '../../src/errors.ts';
import * as v from '../../src/protocol/generated/validators.js';

const NTDS = 'C:\\Windows\\NTDS';
const DRFB = 'database-restored-from-backup';
const ntds2012 = join(sharedDir, 'fixtures', 'ntds-2012r2.dit.gz');
const small: DsaOptions = { databaseBytes: 2 << 20, logFileBytes: 64 * 1024 };

const ports = restorePorts;

/** A backup of `folder` recorded as C:\Windows\NTDS of DC01, and a root standing for DC01's C: volume. */
async function backupOf(t: ExecutionContext, dir: string, folder: string) {
  const archive = join(dir, 'dc01.tar.zst');
  const source = createFolderSource({
    path: folder,
    computer: 'DC01',
    recordAs: { databasePath: `${NTDS}\\ntds.dit`, logPath: NTDS },
  });
  const backup = await runBackup(
    source,
    { destination: { path: archive } },
    { now: () => new Date(), progress: () => {} },
  );
  const root = join(dir, 'root');
  const live = join(root, 'C', 'Windows', 'NTDS');
  await mkdir(live, { recursive: true });
  t.teardown(() => rm(root, { recursive: true, force: true }));
  return { archive, backup, root, live };
}

/** The broken DC's log set and database: all of it must move aside, none of it may be deleted. */
const BROKEN: Record<string, string> = {
  'ntds.dit': 'old database',
  'ntds.jfm': 'old flush map',
  'edb.log': 'old current log',
  'edb00007.log': 'old log 7',
  'edb.chk': 'old checkpoint',
  'edbres00001.jrs': 'old reserve',
  'edbres00002.jrs': 'old reserve 2',
  'edbtmp.log': 'old pre-created log',
};
async function brokenDc(live: string) {
  for (const [n, text] of Object.entries(BROKEN)) await writeFile(join(live, n), text);
  await writeFile(join(live, 'keep-me.txt'), 'not part of AD');
}

async function asideOf(live: string): Promise<{ folder: string; files: Record<string, string> }> {
  const folders = (await readdir(live)).filter((n) => n.startsWith('pre-restore-'));
  if (folders.length !== 1) throw new Error(`expected one pre-restore folder, found ${folders.join(', ')}`);
  const folder = join(live, folders[0]!);
  const names = (await readdir(folder)).filter((n) => n !== 'restore-receipt.json');
  return {
    folder,
    files: Object.fromEntries(await Promise.all(names.map(async (n) => [n, await readFile(join(folder, n), 'utf8')]))),
  };
}

const realTest = existsSync(ntds2012) ? test : test.skip;

realTest(
  'a real 2012 R2 ntds.dit from an IFM folder (no logs): backup, verify and inspect say database-restored-from-backup; the restore registers it, moves the old log set aside and writes a receipt',
  async (t) => {
    const dir = await tempDir(t);
    const ifm = join(dir, 'IFM');
    await mkdir(join(ifm, 'Active Directory'), { recursive: true });
    await writeFile(join(ifm, 'Active Directory', 'ntds.dit'), gunzipSync(readFileSync(ntds2012)));
    await writeFile(join(ifm, 'Active Directory', 'ntds.jfm'), Buffer.alloc(8192));
    const { archive, backup, root, live } = await backupOf(t, dir, ifm);
    t.is(backup.manifest.logRange.restoreMethod, DRFB);
    t.deepEqual(backup.manifest.logRange.restoreMethods, [DRFB]);
    t.true(backup.manifest.logRange.restorable);

    const verified = await adbackup(['verify'], { archive });
    t.is(verified.code, 0, verified.stdout);
    t.is(verified.json.logRange.restoreMethod, DRFB);
    const inspected = await adbackup(['inspect'], { archive });
    t.is(inspected.json.logRange.restoreMethod, DRFB);

    await brokenDc(live);
    const regFile = join(dir, 'restore.reg');
    const untouched = await snapshotTree(root);
    const plan = await adbackup(['restore'], { archive, plan: true, target: { type: 'files', root } });
    t.is(plan.code, 0, plan.stdout);
    t.true(v.restoreResponse(plan.json), JSON.stringify(v.restoreResponse.errors));
    t.is(plan.json.method, DRFB);
    t.deepEqual(await snapshotTree(root), untouched, 'a plan changes nothing');

    const r = await adbackup(['restore'], { archive, target: { type: 'files', root }, registry: { regFile } });
    t.is(r.code, 0, r.stdout);
    t.true(v.restoreResponse(r.json), JSON.stringify(v.restoreResponse.errors));
    t.is(r.json.method, DRFB);
    t.deepEqual(r.json.registry, plan.json.registry, 'the plan showed exactly what the restore registered');
    t.deepEqual(await readFile(join(live, 'ntds.dit')), await readFile(join(ifm, 'Active Directory', 'ntds.dit')));
    const after = await readdir(live);
    for (const n of Object.keys(BROKEN).filter((n) => n !== 'ntds.dit')) t.false(after.includes(n), `${n} moved aside`);
    t.true(after.includes('keep-me.txt'));
    const aside = await asideOf(live);
    t.deepEqual(aside.files, BROKEN, 'the whole old log set and database, set aside and unchanged');

    const reg = parseRegFile(await readFile(regFile));
    t.deepEqual(reg.values, [
      { key: PARAMETERS_KEY, name: 'Database restored from backup', type: 'REG_DWORD', value: 1 },
    ]);
    t.deepEqual(reg.deletedValues, [{ key: PARAMETERS_KEY, name: 'DSA Database Epoch' }]);
    t.false((await readFile(regFile)).toString('utf16le').includes('Restore in Progress'));

    const receipt = JSON.parse(await readFile(r.json.receipt, 'utf8'));
    t.is(r.json.receipt, join(aside.folder, 'restore-receipt.json'));
    t.is(receipt.method, DRFB);
    t.is(receipt.archive.backupId, backup.manifest.backupId);
    t.regex(receipt.archive.sha256, /^[0-9a-f]{64}$/);
    t.deepEqual(
      receipt.written.map((w: { entry: string }) => w.entry),
      ['ntds/ntds.dit'],
    );
    t.deepEqual(
      receipt.movedAside.map((m: { from: string }) => m.from.slice(live.length + 1)).sort(),
      Object.keys(BROKEN).sort(),
    );
    t.deepEqual(receipt.registry.values, r.json.registry);
    t.deepEqual(receipt.registry.writtenTo, [regFile]);
    t.true(r.json.nextSteps.some((s: string) => s.includes('Database restored from backup') && s.includes('1109')));
    t.true(r.json.nextSteps.some((s: string) => s.includes('invalidateRidPool')));

    // After the restart, off Windows: the receipt is found from the database path, the registry cannot be read here.
    const status = await adbackup(['restore-status'], { databasePath: 'C:\\Windows\\NTDS\\ntds.dit', root });
    t.is(status.code, 0, status.stdout);
    t.true(v.restoreStatusResponse(status.json), JSON.stringify(v.restoreStatusResponse.errors));
    t.is(status.json.status, 'unknown');
    t.is(status.json.receipt, r.json.receipt);
    t.true(status.json.database.sameDatabase);
    t.regex(status.json.reasons[0], /registry cannot be read here/);
  },
);

test('a synthetic clean DSA folder without logs: the registration, DSA Database Epoch removed (or kept on request), the registry read before, and restore-status pending → completed', async (t) => {
  const dir = await tempDir(t);
  const f = await makeDsaFolder(join(dir, 'offline'), { ...small, logs: 0 });
  await unlink(join(f.dir, 'edb.log'));
  await unlink(f.checkpointPath);
  const { archive, backup, root, live } = await backupOf(t, dir, f.dir);
  t.is(backup.manifest.logRange.restoreMethod, DRFB);
  await brokenDc(live);

  const registry = new MemoryRegistry();
  await registry.apply([
    { key: PARAMETERS_KEY, name: 'DSA Previous Restore Count', type: 'REG_DWORD', value: 2 },
    { key: PARAMETERS_KEY, name: 'DSA Database Epoch', type: 'REG_DWORD', value: 41234 },
  ]);
  const r = await runRestore(
    { archive, target: { type: 'files', root } },
    ports({ registryWriters: [registry], registryReader: registry }),
  );
  t.is(r.method, DRFB);
  t.is(registry.get(PARAMETERS_KEY, 'Database restored from backup')?.value, 1);
  t.is(registry.get(PARAMETERS_KEY, 'DSA Database Epoch'), undefined, 'the epoch of the replaced database is removed');
  t.deepEqual(r.before, {
    readFrom: 'memory',
    previousRestoreCount: 2,
    databaseEpoch: 41234,
    databaseRestoredFromBackup: null,
    restoreInProgress: false,
  });
  const receipt = JSON.parse(await readFile(r.receipt!, 'utf8'));
  t.deepEqual(receipt.before, r.before, 'the receipt keeps the values read before the restore');
  t.deepEqual(receipt.registry.writtenTo, ['memory']);

  const statusPorts = { registryReader: registry, ntdsServiceState: () => 'stopped' };
  const pending = await restoreStatus({ databasePath: join(live, 'ntds.dit') }, statusPorts);
  t.is(pending.status, 'pending', pending.reasons.join('; '));
  // NTDS's start, stood in for: the restore counted (whether NTDS also removes the value is not documented).
  await registry.apply([{ key: PARAMETERS_KEY, name: 'DSA Previous Restore Count', type: 'REG_DWORD', value: 3 }]);
  const counted = await restoreStatus(
    { receipt: r.receipt! },
    { registryReader: registry, ntdsServiceState: () => 'running' },
  );
  t.is(counted.status, 'completed', counted.reasons.join('; '));
  await registry.apply([{ key: PARAMETERS_KEY, name: 'Database restored from backup', type: 'DELETE', value: null }]);
  t.is((await restoreStatus({ receipt: r.receipt! }, statusPorts)).status, 'completed');

  // keepDatabaseEpoch leaves the value alone; the registration is the same otherwise.
  const kept = new MemoryRegistry();
  await kept.apply([{ key: PARAMETERS_KEY, name: 'DSA Database Epoch', type: 'REG_DWORD', value: 7 }]);
  const again = await runRestore(
    { archive, target: { type: 'files', root }, registry: { keepDatabaseEpoch: true } },
    ports({ registryWriters: [kept], registryReader: kept }),
  );
  t.deepEqual(
    again.registry.map((x) => x.name),
    ['Database restored from backup'],
  );
  t.is(kept.get(PARAMETERS_KEY, 'DSA Database Epoch')?.value, 7);
});

test('a dirty current-log-only set (an offline copy of a stopped DC with only edb.log): restored with its edb.log and edb.chk, byte-identical', async (t) => {
  const dir = await tempDir(t);
  const f = await makeDsaFolder(join(dir, 'snap'), { ...small, logs: 0, state: 'dirty' });
  const { archive, backup, root, live } = await backupOf(t, dir, f.dir);
  t.is(backup.manifest.logRange.restoreMethod, DRFB);
  t.is(backup.manifest.logRange.registration, null);
  await brokenDc(live);
  const r = await runRestore({ archive, target: { type: 'files', root } }, ports());
  t.deepEqual(
    r.actions
      .filter((a) => a.action === 'write')
      .map((a) => (a as { entry: string }).entry)
      .sort(),
    ['checkpoint/edb.chk', 'logs/edb.log', 'ntds/ntds.dit'],
  );
  for (const n of ['ntds.dit', 'edb.log', 'edb.chk'])
    t.deepEqual(await readFile(join(live, n)), await readFile(join(f.dir, n)), n);
  const aside = await asideOf(live);
  t.deepEqual(aside.files, BROKEN);
  t.is(r.registry.find((x) => x.type !== 'DELETE')?.name, 'Database restored from backup');
});

test('logs of another log sequence beside a clean database are left in the archive, with a warning', async (t) => {
  const dir = await tempDir(t);
  const a = await makeDsaFolder(join(dir, 'a'), { ...small, logs: 2, seed: 11 });
  const b = await makeDsaFolder(join(dir, 'b'), { ...small, logs: 2, seed: 12 });
  for (const n of [...a.logNames, 'edb.chk']) await unlink(join(a.dir, n));
  for (const n of [...b.logNames, 'edb.chk']) await copyFile(join(b.dir, n), join(a.dir, n));
  const { archive, backup, root } = await backupOf(t, dir, a.dir);
  t.true(
    backup.manifest.findings.some((x) => x.code === 'database-log-signature-mismatch' && x.severity === 'warning'),
  );
  t.is(backup.manifest.logRange.restoreMethod, DRFB);
  const r = await runRestore({ archive, target: { type: 'files', root } }, ports());
  t.deepEqual(
    r.actions.filter((x) => x.action === 'write').map((x) => (x as { entry: string }).entry),
    ['ntds/ntds.dit'],
  );
  t.true(r.warnings.some((w) => w.includes('another log sequence')));
});

test('restore-in-progress for a snapshot database with numbered logs; forcing a method the archive cannot support is refused before anything changes', async (t) => {
  const dir = await tempDir(t);
  const snap = await makeDsaFolder(join(dir, 'snap'), { ...small, logs: 3, state: 'dirty', backup: 'snapshot' });
  const { archive, backup, root, live } = await backupOf(t, dir, snap.dir);
  t.is(backup.manifest.logRange.restoreMethod, 'restore-in-progress');
  t.deepEqual(backup.manifest.logRange.restoreMethods, ['restore-in-progress', DRFB]);
  // The other method works for a snapshot copy too, when asked for.
  const other = await runRestore({ archive, plan: true, method: DRFB, target: { type: 'files', root } }, ports());
  t.is(other.method, DRFB);
  t.true(other.actions.some((a) => a.action === 'write' && a.to === join(live, 'edb00001.log')));

  const plain = await makeDsaFolder(join(dir, 'plain'), { ...small, logs: 3 });
  await mkdir(join(dir, 'p'));
  const p = await backupOf(t, join(dir, 'p'), plain.dir);
  t.deepEqual(
    p.backup.manifest.logRange.restoreMethods,
    [DRFB],
    'a plain copy is no backup database: ESE refuses hard recovery of it',
  );
  await brokenDc(p.live);
  const before = await snapshotTree(p.root);
  const err = await t.throwsAsync(
    runRestore({ archive: p.archive, method: 'restore-in-progress', target: { type: 'files', root: p.root } }, ports()),
    { instanceOf: AppError },
  );
  t.is(err.code, 'RESTORE_METHOD_UNSUPPORTED');
  t.regex(err.message, /not produced by a backup/);
  t.deepEqual(await snapshotTree(p.root), before);
  const cli = await adbackup(['restore'], {
    archive: p.archive,
    method: 'restore-in-progress',
    target: { type: 'files', root: p.root },
    registry: { regFile: join(dir, 'x.reg') },
  });
  t.is(cli.code, 4, cli.stdout);
  t.is(cli.json.error.code, 'RESTORE_METHOD_UNSUPPORTED');
});

test('a streaming-backup database without numbered logs is refused at backup time: no registration could restore it', async (t) => {
  const dir = await tempDir(t);
  const f = await makeDsaFolder(join(dir, 'stream'), { ...small, logs: 0, state: 'dirty', backup: 'streaming' });
  const archive = join(dir, 'x.tar.zst');
  const err = await t.throwsAsync(
    runBackup(
      createFolderSource({ path: f.dir, computer: 'DC01' }),
      { destination: { path: archive } },
      { now: () => new Date(), progress: () => {} },
    ),
    { instanceOf: AppError },
  );
  t.is(err.code, 'SOURCE_NOT_RESTORABLE');
  t.regex(err.message, /no restore registration can bring this database back/);
  t.false(existsSync(archive));
});

test('moved logs take the checkpoint folder with them when it was the log folder (and it shows in the plan)', async (t) => {
  const dir = await tempDir(t);
  const snap = await makeDsaFolder(join(dir, 'snap'), { ...small, logs: 3, state: 'dirty', backup: 'snapshot' });
  const { archive, root } = await backupOf(t, dir, snap.dir);
  await mkdir(join(root, 'L', 'Logs'), { recursive: true });
  const r = await adbackup(['restore'], { archive, plan: true, target: { type: 'files', root, logPath: 'L:\\Logs' } });
  t.is(r.code, 0, r.stdout);
  t.is(r.json.targets.checkpointFilePath, join(root, 'L', 'Logs'));
  t.is(r.json.registry.find((x: { name: string }) => x.name === 'CheckpointFilePath').value, '\\\\DC01\\L$\\Logs');
  // A checkpoint folder of its own stays where the backup recorded it.
  const own = await adbackup(['restore'], {
    archive,
    plan: true,
    target: { type: 'files', root, logPath: 'L:\\Logs', checkpointPath: 'C:\\Windows\\NTDS' },
  });
  t.is(own.json.targets.checkpointFilePath, join(root, 'C', 'Windows', 'NTDS'));
});

test('judgeRestore: each verdict with its reason', (t) => {
  const receipt = (method: 'restore-in-progress' | typeof DRFB, count: number | null | undefined) =>
    ({
      method,
      restoredAt: '2026-12-01T00:00:00Z',
      before: count === undefined ? null : { previousRestoreCount: count },
    }) as never;
  const db = { path: 'x', present: true, sameDatabase: true, changedSinceRestore: true };
  const now = (count: number | null, drfb: number | null, rip = false) => ({
    readFrom: 'memory',
    previousRestoreCount: count,
    databaseEpoch: null,
    databaseRestoredFromBackup: drfb,
    restoreInProgress: rip,
  });
  const judge = (
    r: never,
    n: ReturnType<typeof now> | null,
    present: boolean | null,
    database = db,
    service: string | null = 'stopped',
  ) => judgeRestore({ receipt: r, now: n, registrationPresent: present, database, service });
  t.is(judge(receipt(DRFB, null), now(null, 1), true).status, 'pending');
  t.is(judge(receipt(DRFB, null), now(1, 1), true).status, 'completed');
  t.is(judge(receipt(DRFB, 4), now(5, null), false).status, 'completed');
  t.is(judge(receipt(DRFB, 4), now(4, null), false).status, 'failed');
  t.is(judge(receipt(DRFB, 4), now(4, 1), true, db, 'running').status, 'failed', 'NTDS runs but did not take it');
  t.is(
    judge(receipt(DRFB, undefined), now(1, null), false).status,
    'completed',
    'count before unknown, restore counted now',
  );
  t.is(judge(receipt(DRFB, undefined), now(null, null), false).status, 'unknown');
  t.is(judge(receipt('restore-in-progress', 0), now(0, null, true), true).status, 'pending');
  t.is(judge(receipt('restore-in-progress', 0), now(0, null, false), false).status, 'completed');
  t.is(judge(receipt(DRFB, 0), null, null).status, 'unknown');
  t.is(judge(receipt(DRFB, 0), now(1, null), false, { ...db, present: false }).status, 'failed');
  t.is(judge(receipt(DRFB, 0), now(1, null), false, { ...db, sameDatabase: false }).status, 'failed');
});

test('restore-status without a receipt to read: a clear error', async (t) => {
  const dir = await tempDir(t);
  const r = await adbackup(['restore-status'], { databasePath: join(dir, 'ntds.dit') });
  t.is(r.code, 4, r.stdout);
  t.is(r.json.error.code, 'RECEIPT_NOT_FOUND');
  const none = await adbackup(['restore-status'], {});
  t.is(none.code, 2);
  const bad = join(dir, 'r.json');
  await writeFile(bad, '{"format":"something else"}');
  const invalid = await adbackup(['restore-status'], { receipt: bad });
  t.is(invalid.code, 3);
  t.is(invalid.json.error.code, 'RECEIPT_INVALID');
});

test('the RIP key of an earlier restore is reported before a database-restored-from-backup restore', async (t) => {
  const dir = await tempDir(t);
  const f = await makeDsaFolder(join(dir, 'offline'), { ...small, logs: 0 });
  const { archive, root } = await backupOf(t, dir, f.dir);
  const registry = new MemoryRegistry();
  await registry.apply([{ key: RESTORE_IN_PROGRESS_KEY, name: 'LowLog Number', type: 'REG_DWORD', value: 1 }]);
  const r = await runRestore(
    { archive, plan: true, target: { type: 'files', root } },
    ports({ registryReader: registry }),
  );
  t.true(r.warnings.some((w) => w.includes('Restore in Progress') && w.includes('reg delete')));
});
