// The offline SYSTEM hive as the restore's registry port: the registration lands in the control set Select\Current
// names (never a CurrentControlSet key), exactly as the .reg/advapi32 writers would write it, as hivex reads it;
// a second identical apply writes nothing; a hive it cannot use is refused before anything is written.
import test, { type ExecutionContext } from 'ava';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from '../../../src/errors.ts';
import { baseBlockChecksum } from '../../../src/registry/hive/base-block.ts';
import { Hive } from '../../../src/registry/hive/hive.ts';
import { hivePath, hiveRegistry, ntdsLocations } from '../../../src/registry/hive/hive-registry.ts';
import {
  PARAMETERS_KEY,
  RESTORE_IN_PROGRESS_KEY,
  databaseRestoredPlan,
  restoreRegistryPlan,
} from '../../../src/registry/restore-plan.ts';
import { REG_TYPE_CODES, encodeValue } from '../../../src/registry/values.ts';
import type { RegistryReader, RegistryWriter } from '../../../src/registry/ports.ts';
import { emptyHive } from '../../support/regf-hive.ts';
import { hivexTest, scratch } from './gate.ts';
import { hivexDump } from './support.ts';

const NOW = new Date('2026-03-01T12:04:05Z');
const PARAMS = 'Services\\NTDS\\Parameters';

/** A SYSTEM hive as a DC has it: two control sets, Select\Current = 2, NTDS Parameters in each. */
async function systemHive(t: ExecutionContext, edit?: (h: Hive) => void): Promise<string> {
  const file = join(await scratch(t, 'adbackup-hive-port-'), 'SYSTEM');
  const hive = Hive.parse(emptyHive({ rootName: 'CMI-CreateHive{2A7FB991-7BBE-4F9D-B91E-7CB51D4737F5}' }));
  hive.setValue('Select', 'Current', { type: 'REG_DWORD', value: 2 });
  hive.setValue('Select', 'Default', { type: 'REG_DWORD', value: 2 });
  for (const set of ['ControlSet001', 'ControlSet002']) {
    hive.setValue(`${set}\\${PARAMS}`, 'DSA Database file', { type: 'REG_SZ', value: `C:\\Windows\\NTDS\\ntds.dit` });
    hive.setValue(`${set}\\${PARAMS}`, 'DSA Working Directory', { type: 'REG_SZ', value: 'C:\\Windows\\NTDS' });
    hive.setValue(`${set}\\${PARAMS}`, 'Database log files path', { type: 'REG_SZ', value: 'L:\\Logs' });
    hive.setValue(`${set}\\${PARAMS}`, 'DSA Database Epoch', { type: 'REG_DWORD', value: 0x1234 });
  }
  edit?.(hive);
  await writeFile(file, hive.toBytes());
  return file;
}

const plan = [
  ...restoreRegistryPlan({
    backupLogPath: 'D:\\Données\\Restored logs',
    checkpointFilePath: 'C:\\Windows\\NTDS',
    logPath: 'L:\\Logs',
    lowLog: 0x1f,
    highLog: 0x2a,
    restoreMap: [{ original: 'C:\\Windows\\NTDS\\ntds.dit', new: 'C:\\Windows\\NTDS\\ntds.dit' }],
    newDatabaseGuid: '6f1c0b7e-2d4a-4c6e-9a51-0b3e5f7d9c21',
  }),
  ...databaseRestoredPlan(),
];

test('it is a RegistryWriter and a RegistryReader', (t) => {
  const port = hiveRegistry('SYSTEM');
  const writer: RegistryWriter = port;
  const reader: RegistryReader = port;
  t.is(writer.description, reader.description);
});

test('CurrentControlSet keys map to the control set Select\\Current names; other keys stay as they are', (t) => {
  t.is(hivePath('HKLM\\SYSTEM\\CurrentControlSet\\Services\\NTDS', 'ControlSet002'), 'ControlSet002\\Services\\NTDS');
  t.is(hivePath('HKEY_LOCAL_MACHINE\\SYSTEM\\currentcontrolset', 'ControlSet002'), 'ControlSet002');
  t.is(hivePath('HKLM\\SYSTEM\\Select', 'ControlSet002'), 'Select');
  t.is(hivePath('HKLM\\SYSTEM\\CurrentControlSetX\\a', 'ControlSet002'), 'CurrentControlSetX\\a');
  const err = t.throws(() => hivePath('HKLM\\SOFTWARE\\x', 'ControlSet002'), { instanceOf: AppError });
  t.is(err!.code, 'HIVE_KEY_OUTSIDE');
});

test('apply writes the registration into ControlSet002 only; value() and keyExists() read it back', async (t) => {
  const file = await systemHive(t);
  const port = hiveRegistry(file, { now: () => NOW });
  t.false(await port.keyExists(RESTORE_IN_PROGRESS_KEY));
  await port.check();
  await port.apply(plan);
  const hive = await Hive.open(file);
  t.is(hive.key('CurrentControlSet'), null);
  t.is(hive.key('ControlSet001\\Services\\NTDS\\Restore in Progress'), null);
  t.is(hive.value(`ControlSet001\\${PARAMS}`, 'DSA Database Epoch')!.value, 0x1234, 'the other set untouched');
  t.is(hive.value(`ControlSet002\\${PARAMS}`, 'DSA Database Epoch'), null, 'deleted');
  for (const v of plan) {
    if (v.type === 'DELETE') continue;
    const stored = hive.value(hivePath(v.key, 'ControlSet002'), v.name)!;
    t.is(stored.type, REG_TYPE_CODES[v.type], v.name);
    t.deepEqual(stored.data, encodeValue(v), v.name);
    t.deepEqual(await port.value(v.key, v.name), v);
  }
  t.true(await port.keyExists(RESTORE_IN_PROGRESS_KEY));
  t.is(await port.value(PARAMETERS_KEY, 'DSA Database Epoch'), null);
  t.deepEqual((await readdir(join(file, '..'))).sort(), ['SYSTEM', 'SYSTEM.pre-restore-20260301T120405Z']);
});

test('a second identical apply writes nothing', async (t) => {
  const file = await systemHive(t);
  await hiveRegistry(file, { now: () => NOW }).apply(plan);
  const after = await readFile(file);
  await hiveRegistry(file, { now: () => new Date('2026-03-01T13:00:00Z') }).apply(plan);
  t.deepEqual(await readFile(file), after);
  t.is((await readdir(join(file, '..'))).length, 2);
});

test('where the DC keeps its files, from the current control set', async (t) => {
  const file = await systemHive(t, (h) =>
    h.setValue(`ControlSet002\\${PARAMS}`, 'DSA Database file', { type: 'REG_SZ', value: 'E:\\NTDS\\ntds.dit' }),
  );
  t.deepEqual(ntdsLocations(await Hive.open(file)), {
    databaseFile: 'E:\\NTDS\\ntds.dit',
    workingDirectory: 'C:\\Windows\\NTDS',
    logPath: 'L:\\Logs',
  });
});

test('a hive without a usable Select\\Current, or a dirty one, is refused and left as it was', async (t) => {
  const noSelect = await systemHive(t, (h) => h.deleteValue('Select', 'Current'));
  const e1 = await t.throwsAsync(hiveRegistry(noSelect).check(), { instanceOf: AppError });
  t.is(e1!.code, 'HIVE_NO_CONTROL_SET');
  const missingSet = await systemHive(t, (h) => h.setValue('Select', 'Current', { type: 'REG_DWORD', value: 3 }));
  const e2 = await t.throwsAsync(hiveRegistry(missingSet).apply(plan), { instanceOf: AppError });
  t.regex(e2!.message, /no ControlSet003/);

  const dirty = await systemHive(t);
  const bytes = await readFile(dirty);
  bytes.writeUInt32LE(bytes.readUInt32LE(4) + 1, 4);
  bytes.writeUInt32LE(baseBlockChecksum(bytes), 0x1fc);
  await writeFile(dirty, bytes);
  const e3 = await t.throwsAsync(hiveRegistry(dirty).apply(plan), { instanceOf: AppError });
  t.is(e3!.code, 'HIVE_DIRTY');
  t.deepEqual(await readFile(dirty), bytes);
  t.deepEqual(await readdir(join(dirty, '..')), ['SYSTEM']);
});

hivexTest('hive-registry.test.ts')(
  'hivex reads the registration we wrote into the hive, value for value',
  async (t) => {
    const file = await systemHive(t);
    await hiveRegistry(file, { now: () => NOW }).apply(plan);
    const dump = await hivexDump(file);
    for (const v of plan) {
      const stored = dump[hivePath(v.key, 'ControlSet002')]!.values[v.name];
      if (v.type === 'DELETE') t.is(stored, undefined);
      else t.deepEqual(stored, { type: REG_TYPE_CODES[v.type], hex: encodeValue(v).toString('hex') }, v.name);
    }
    t.false('CurrentControlSet' in dump);
  },
);
