// Restore target "offline": a DC's Windows volume mounted on a rescue host (a stand-in folder with Windows/NTDS and
// a SYSTEM hive). The files go where the hive's NTDS\Parameters say, byte-identical, the old ones set aside; the
// registration lands in ControlSet001 of the hive — read back by hivex (Win::Hivex), not only by our reader — with
// exactly the values the .reg writer writes for the same restore; a plan afterwards changes no byte; a dirty hive
// and a path on an unmapped drive are refused before anything is written. Through the CLI: offline-restore-cli.test.ts.
import test, { type ExecutionContext } from 'ava';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { restorePorts } from '../support/restore-ports.ts';
import { snapshotTree } from '../support/tree.ts';
import { DSA_DATABASE_EPOCH, type StandInOptions, offlineSetup } from '../support/offline-volume.ts';
import { hivexTest } from '../registry/hive/gate.ts';
import { hivexDump, parseRegExport, tool } from '../registry/hive/support.ts';
import { baseBlockChecksum } from '../../src/registry/hive/base-block.ts';
import { hivePath } from '../../src/registry/hive/hive-registry.ts';
import { parseRegFile } from '../../src/registry/reg-file.ts';
import { REG_TYPE_CODES, encodeValue } from '../../src/registry/values.ts';
import { regFileWriter } from '../../src/registry/writers.ts';
import { type OfflineTarget, runOfflineRestore } from '../../src/restore/offline.ts';
import { AppError } from '../../src/errors.ts';
import { compactUtc } from '../../src/compact-time.ts';

// A recent clock (a backup must be within its tombstone lifetime), whole seconds as the pre-restore names are.
const NOW = new Date(Math.floor(Date.now() / 1000) * 1000);
const STAMP = compactUtc(NOW);
const GUID = '0b9f3a52-6c1e-4d7a-8f20-93e4c5b6a718';

const setup = (t: ExecutionContext, parameters?: StandInOptions['parameters']) => offlineSetup(t, parameters, NOW);

const offline = (root: string, more: Partial<OfflineTarget> = {}): OfflineTarget => ({
  type: 'offline',
  windows: root,
  ...more,
});

const restore = (archive: string, target: OfflineTarget, more: { plan?: boolean; regFile?: string } = {}) =>
  runOfflineRestore(
    { archive, target, registry: { newDatabaseGuid: GUID }, ...(more.plan ? { plan: true } : {}) },
    restorePorts({ registryWriters: more.regFile ? [regFileWriter(more.regFile)] : [], now: () => NOW }),
  );

hivexTest('offline-restore.test.ts')(
  'files byte-identical where the hive says, old ones set aside, the registration in ControlSet001 as hivex reads it and as the .reg writer writes it; a plan afterwards changes nothing',
  async (t) => {
    const { dir, f, archive, volume } = await setup(t);
    const regFile = join(dir, 'same-restore.reg');
    const r = await restore(archive, offline(volume.root), { regFile });
    t.is(r.method, 'restore-in-progress');
    t.deepEqual(r.registryWrittenTo, [`${volume.hive} (offline SYSTEM hive)`, regFile]);
    t.like(r.targets, { database: join(volume.ntds, 'ntds.dit'), root: volume.root, hive: volume.hive });
    t.like(r.before, { databaseEpoch: DSA_DATABASE_EPOCH, restoreInProgress: false, databaseRestoredFromBackup: null });
    t.true(r.nextSteps.some((s) => /not in Directory Services Restore Mode/.test(s)));

    const after = await snapshotTree(volume.ntds);
    const source = await snapshotTree(f.dir);
    t.is(after['ntds.dit'], source['ntds.dit']);
    for (const n of f.logNames) t.is(after[n], source[n], n);
    const aside = (await readdir(volume.ntds)).filter((n) => n.startsWith('pre-restore-'));
    t.deepEqual(aside, [`pre-restore-${STAMP}`]);
    t.is(await readFile(join(volume.ntds, aside[0]!, 'ntds.dit'), 'utf8'), 'old database');
    t.is(await readFile(join(volume.ntds, 'keep-me.txt'), 'utf8'), 'not part of AD');
    t.deepEqual((await readdir(join(volume.hive, '..'))).sort(), ['SYSTEM', `SYSTEM.pre-restore-${STAMP}`]);

    // hivex's reading of the hive against the .reg writer's values for this same restore, value for value.
    const dump = await hivexDump(volume.hive);
    t.false('CurrentControlSet' in dump);
    const reg = parseRegFile(await readFile(regFile)).values;
    t.is(reg.length, r.registry.filter((x) => x.type !== 'DELETE').length);
    for (const x of reg) {
      const stored = dump[hivePath(x.key, 'ControlSet001')]?.values[x.name];
      t.deepEqual(stored, { type: REG_TYPE_CODES[x.type], hex: encodeValue(x).toString('hex') }, x.name);
    }
    t.is(dump['ControlSet001\\Services\\NTDS\\Parameters']!.values['New Database GUID']!.type, 1);
    // hivexregedit --export, the other hivex reader: the DWORDs as the .reg writer wrote them.
    const exported = parseRegExport(await tool('hivexregedit', ['--export', volume.hive, '\\']));
    const rip = exported['ControlSet001\\Services\\NTDS\\Restore in Progress']!;
    for (const x of reg.filter((x) => x.type === 'REG_DWORD'))
      t.deepEqual(rip[x.name] ?? exported['ControlSet001\\Services\\NTDS\\Parameters']![x.name], {
        type: 4,
        hex: encodeValue(x).toString('hex'),
      });

    const receipt = JSON.parse(await readFile(r.receipt!, 'utf8'));
    t.deepEqual(receipt.registry.values, r.registry);
    t.is(receipt.before.databaseEpoch, DSA_DATABASE_EPOCH);

    const everything = await snapshotTree(volume.root);
    const p = await restore(archive, offline(volume.root), { plan: true });
    t.true(p.plan);
    t.is(p.receipt, null);
    t.deepEqual(await snapshotTree(volume.root), everything, 'the plan changed no file, the hive included');
    t.true(p.before!.restoreInProgress, 'the plan read the registration the restore wrote');
  },
);

hivexTest('offline-restore.test.ts')(
  'Database restored from backup: the value set and DSA Database Epoch deleted in ControlSet001',
  async (t) => {
    const { archive, volume } = await setup(t);
    const r = await runOfflineRestore(
      { archive, target: offline(volume.root), method: 'database-restored-from-backup' },
      restorePorts({ registryWriters: [], now: () => NOW }),
    );
    t.is(r.method, 'database-restored-from-backup');
    const params = (await hivexDump(volume.hive))['ControlSet001\\Services\\NTDS\\Parameters']!.values;
    t.deepEqual(params['Database restored from backup'], { type: 4, hex: '01000000' });
    t.is(params['DSA Database Epoch'], undefined);
    t.is(params['DSA Database file']!.type, 1, 'the other values stay');
  },
);

test('a dirty hive is refused before anything is written, in a plan too', async (t) => {
  const { archive, volume } = await setup(t);
  const bytes = await readFile(volume.hive);
  bytes.writeUInt32LE(bytes.readUInt32LE(4) + 1, 4); // primary sequence number ahead: a write never completed
  bytes.writeUInt32LE(baseBlockChecksum(bytes), 0x1fc);
  await writeFile(volume.hive, bytes);
  const before = await snapshotTree(volume.root);
  for (const plan of [false, true]) {
    const err = await t.throwsAsync(restore(archive, offline(volume.root), { plan }), { instanceOf: AppError });
    t.is(err!.code, 'HIVE_DIRTY');
    t.is(err!.category, 'Precondition');
  }
  t.deepEqual(await snapshotTree(volume.root), before);
});

test('a path on a drive the request does not map is refused before anything is written; mapped, it goes there', async (t) => {
  const { dir, archive, volume } = await setup(t, { 'Database log files path': 'D:\\NTDS Logs' });
  const before = await snapshotTree(volume.root);
  const err = await t.throwsAsync(restore(archive, offline(volume.root)), { instanceOf: AppError });
  t.is(err!.code, 'DRIVE_NOT_MAPPED');
  t.is(err!.category, 'InvalidRequest');
  t.deepEqual(await snapshotTree(volume.root), before);

  const d = join(dir, 'd-volume');
  await mkdir(join(d, 'NTDS Logs'), { recursive: true });
  const p = await restore(archive, offline(volume.root, { drives: { d } }), { plan: true });
  t.is(p.targets.logPath, join(d, 'NTDS Logs'));
  t.is(p.targets.database, join(volume.ntds, 'ntds.dit'));
  t.true(p.registry.some((x) => x.name === 'LogPath' && x.value === '\\\\DC01\\D$\\NTDS Logs'));
});

test('the volume spelled otherwise than the DC names it: folders found case-insensitively; a missing hive is refused', async (t) => {
  const { archive, volume } = await setup(t, { 'DSA Database file': 'C:\\WINDOWS\\ntds\\NTDS.dit' });
  const p = await restore(archive, offline(volume.root), { plan: true });
  t.is(p.targets.database, join(volume.ntds, 'ntds.dit'), 'the existing folders and file, as the volume spells them');
  const err = await t.throwsAsync(restore(archive, offline(join(volume.root, 'Windows'))), { instanceOf: AppError });
  t.is(err!.code, 'HIVE_NOT_FOUND');
});
