// The hive library on its own: base block upkeep, refusals (dirty, logs, damaged), sorting, security reference
// counts, value replacement and deletion, the older 1.3 format, and the atomic save with the old hive kept.
import test from 'ava';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppError } from '../../../src/errors.ts';
import { baseBlockChecksum, fileTime } from '../../../src/registry/hive/base-block.ts';
import { Hive } from '../../../src/registry/hive/hive.ts';
import { compareNames, lhHash } from '../../../src/registry/hive/names.ts';
import { emptyHive } from '../../support/regf-hive.ts';

const NOW = new Date('2026-03-01T12:04:05Z');
const clock = { now: () => NOW };

/** A cell's data, read straight from the file bytes (offsets relative to the first hive bin). */
const cell = (file: Buffer, offset: number): Buffer => {
  const at = 0x1000 + offset;
  return file.subarray(at + 4, at + Math.abs(file.readInt32LE(at)));
};
const rootOf = (file: Buffer): Buffer => cell(file, file.readUInt32LE(0x24));
const securityCount = (file: Buffer): number => cell(file, rootOf(file).readUInt32LE(0x2c)).readUInt32LE(0x0c);

function rebase(file: Buffer, edit: (b: Buffer) => void, fixChecksum = true): Buffer {
  const b = Buffer.from(file);
  edit(b);
  if (fixChecksum) b.writeUInt32LE(baseBlockChecksum(b), 0x1fc);
  return b;
}

async function tempDir(t: import('ava').ExecutionContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'adbackup-hive-unit-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

test('a written hive moves both sequence numbers on by one, records its size and time, and checksums', (t) => {
  const before = emptyHive();
  const hive = Hive.parse(before, clock);
  hive.setValue('A', 'v', { type: 'REG_BINARY', value: Buffer.alloc(9000, 1) });
  const after = hive.toBytes();
  t.is(after.readUInt32LE(0x04), before.readUInt32LE(0x04) + 1);
  t.is(after.readUInt32LE(0x08), after.readUInt32LE(0x04));
  t.is(after.readBigUInt64LE(0x0c), fileTime(NOW));
  t.is(after.readUInt32LE(0x28), after.length - 0x1000);
  t.true(after.length > before.length, 'grew by a hive bin');
  t.is(after.readUInt32LE(0x1fc), baseBlockChecksum(after));
  t.is(Hive.parse(after).key('A')!.lastWritten.getTime(), NOW.getTime());
});

test('a dirty hive (sequence numbers differ) is refused with how to clean it', (t) => {
  const dirty = rebase(emptyHive(), (b) => b.writeUInt32LE(b.readUInt32LE(0x04) + 1, 0x04));
  const err = t.throws(() => Hive.parse(dirty), { instanceOf: AppError })!;
  t.is(err.code, 'HIVE_DIRTY');
  t.is(err.category, 'Precondition');
  t.regex(err.message, /LOG1.*shut it down cleanly.*reg load/s);
});

test('damaged or foreign files are refused with their own codes', (t) => {
  const good = emptyHive();
  const code = (b: Buffer) => (t.throws(() => Hive.parse(b), { instanceOf: AppError }) as AppError).code;
  t.is(code(good.subarray(0, 100)), 'HIVE_TRUNCATED');
  t.is(code(good.subarray(0, 0x1800)), 'HIVE_TRUNCATED');
  t.is(code(rebase(good, (b) => b.write('regx', 0, 'latin1'))), 'HIVE_BAD_SIGNATURE');
  t.is(code(rebase(good, (b) => b.writeUInt32LE(0x12345678, 0x30), false)), 'HIVE_BAD_CHECKSUM');
  t.is(code(rebase(good, (b) => b.writeUInt32LE(1, 0x1c))), 'HIVE_NOT_PRIMARY');
  t.is(code(rebase(good, (b) => b.writeUInt32LE(2, 0x14))), 'HIVE_UNSUPPORTED');
  t.is(code(rebase(good, (b) => b.write('hbix', 0x1000, 'latin1'))), 'HIVE_CORRUPT');
  t.is(code(rebase(good, (b) => b.writeUInt32LE(0x2000, 0x28))), 'HIVE_TRUNCATED');
});

test('subkeys are kept sorted as Windows sorts them (upcased UTF-16 units), and hashed by the upcased name', (t) => {
  const hive = Hive.parse(emptyHive());
  const names = ['zeta', '_under', 'Alpha', 'alpha2', 'B', 'a', '[', 'Ä', '0', 'ß'];
  for (const n of names) hive.createKey(`K\\${n}`);
  t.deepEqual(hive.subkeys('K'), ['0', 'a', 'Alpha', 'alpha2', 'B', 'zeta', '[', '_under', 'Ä', 'ß']);
  t.deepEqual([...names].sort(compareNames), hive.subkeys('K'));
  t.false(hive.createKey('k\\ALPHA'), 'an existing key, whatever its case');
  t.is(lhHash('ab'), 0x41 * 37 + 0x42);
  t.is(lhHash('AB'), lhHash('ab'));
  // The list written is an "lh" whose hashes are those of the names, in list order.
  const file = hive.toBytes();
  const k = cell(file, cell(file, rootOf(file).readUInt32LE(0x1c)).readUInt32LE(4));
  const list = cell(file, k.readUInt32LE(0x1c));
  t.is(list.toString('latin1', 0, 2), 'lh');
  t.deepEqual(
    Array.from({ length: list.readUInt16LE(2) }, (_, i) => list.readUInt32LE(8 + i * 8)),
    hive.subkeys('K')!.map(lhHash),
  );
});

test('every created key adds one reference to the security descriptor it shares', (t) => {
  const hive = Hive.parse(emptyHive());
  t.is(securityCount(hive.toBytes()), 1);
  hive.createKey('A\\B\\C');
  for (let i = 0; i < 600; i++) hive.createKey(`Many\\k${i}`);
  t.is(securityCount(hive.toBytes()), 1 + 3 + 1 + 600);
  t.is(hive.subkeys('Many')!.length, 600);
  // Each added key replaces its parent's list; the old list cells are freed and merged, not left to pile up.
  t.true(hive.toBytes().length < 0x1000 + 0x18000, `${hive.toBytes().length} bytes for 605 keys`);
});

test('values: set, replace (old cells reused, not piled up), delete; the default value', (t) => {
  const hive = Hive.parse(emptyHive());
  hive.setValue('K', 'big', { type: 'REG_BINARY', value: Buffer.alloc(50_000, 3) });
  const size = hive.toBytes().length;
  for (let i = 0; i < 30; i++) hive.setValue('K', 'big', { type: 'REG_BINARY', value: Buffer.alloc(50_000, i) });
  t.true(hive.toBytes().length <= size + 0x10000, 'freed cells are reused');
  t.deepEqual(hive.value('K', 'BIG')!.data, Buffer.alloc(50_000, 29));
  hive.setValue('K', '', { type: 'REG_SZ', value: 'default' });
  hive.setValue('K', 'n', { type: 'REG_DWORD', value: 0xffffffff });
  t.deepEqual(
    hive.values('K')!.map((v) => [v.name, v.typeName, v.value]),
    [
      ['big', 'REG_BINARY', Buffer.alloc(50_000, 29).toString('hex')],
      ['', 'REG_SZ', 'default'],
      ['n', 'REG_DWORD', 0xffffffff],
    ],
  );
  t.true(hive.deleteValue('K', 'Big'));
  t.false(hive.deleteValue('K', 'big'));
  t.false(hive.deleteValue('Missing', 'big'));
  t.true(hive.deleteValue('K', ''));
  t.true(hive.deleteValue('K', 'n'));
  t.deepEqual(hive.values('K'), []);
  t.is(hive.key('K')!.values, 0);
  t.deepEqual(Hive.parse(hive.toBytes()).values('K'), []);
});

test('a 1.3 hive gets "lf" lists and big values in one cell (no "db" before 1.4)', (t) => {
  const hive = Hive.parse(emptyHive({ minorVersion: 3 }));
  hive.createKey('K\\b');
  hive.createKey('K\\a');
  hive.setValue('K', 'big', { type: 'REG_BINARY', value: Buffer.alloc(20_000, 5) });
  const file = hive.toBytes();
  const again = Hive.parse(file);
  t.is(again.version, '1.3');
  t.deepEqual(again.subkeys('K'), ['a', 'b']);
  t.deepEqual(again.value('K', 'big')!.data, Buffer.alloc(20_000, 5));
  const k = cell(file, cell(file, rootOf(file).readUInt32LE(0x1c)).readUInt32LE(4));
  t.is(cell(file, k.readUInt32LE(0x1c)).toString('latin1', 0, 2), 'lf');
});

test('bad requests are refused before anything changes', (t) => {
  const hive = Hive.parse(emptyHive());
  const code = (f: () => unknown) => (t.throws(f, { instanceOf: AppError }) as AppError).code;
  t.is(
    code(() => hive.setValue('K', 'n', { type: 'REG_DWORD', value: -1 })),
    'HIVE_BAD_VALUE',
  );
  t.is(
    code(() => hive.setValue('K', 'n', { type: 'REG_DWORD', value: 2 ** 32 })),
    'HIVE_BAD_VALUE',
  );
  t.is(
    code(() => hive.setValue('K', 'm', { type: 'REG_MULTI_SZ', value: ['a', ''] })),
    'HIVE_BAD_VALUE',
  );
  t.is(
    code(() => hive.createKey('A\\\\B')),
    'HIVE_BAD_KEY_NAME',
  );
  t.is(
    code(() => hive.createKey('x'.repeat(256))),
    'HIVE_BAD_KEY_NAME',
  );
  t.is(
    code(() => hive.setValue('K', 'v'.repeat(16384), { type: 'REG_SZ', value: '' })),
    'HIVE_BAD_VALUE_NAME',
  );
  t.deepEqual(hive.subkeys(''), []);
});

test('save: the old hive kept as <name>.pre-restore-<UTC>, the new one in place, no .partial left', async (t) => {
  const dir = await tempDir(t);
  const file = join(dir, 'SYSTEM');
  const before = emptyHive();
  await writeFile(file, before);
  const hive = await Hive.open(file, clock);
  hive.setValue('ControlSet001\\Services\\NTDS\\Parameters', 'x', { type: 'REG_SZ', value: 'y' });
  const saved = await hive.save();
  t.is(saved.previous, join(dir, 'SYSTEM.pre-restore-20260301T120405Z'));
  t.deepEqual(await readFile(saved.previous), before);
  t.deepEqual((await readdir(dir)).sort(), ['SYSTEM', 'SYSTEM.pre-restore-20260301T120405Z']);
  t.is((await Hive.open(file)).value('ControlSet001\\Services\\NTDS\\Parameters', 'x')!.value, 'y');
});

test('save refuses, writing nothing, when the file changed since it was read or the kept name is taken', async (t) => {
  const dir = await tempDir(t);
  const file = join(dir, 'SYSTEM');
  await writeFile(file, emptyHive());
  const hive = await Hive.open(file, clock);
  hive.createKey('A');
  const other = Hive.parse(await readFile(file));
  other.createKey('B');
  await writeFile(file, other.toBytes());
  const changed = await t.throwsAsync(hive.save(), { instanceOf: AppError });
  t.is(changed!.code, 'HIVE_CHANGED');
  t.deepEqual(await readdir(dir), ['SYSTEM']);

  const there = await readFile(file);
  const again = await Hive.open(file, clock);
  again.createKey('C');
  await writeFile(join(dir, 'SYSTEM.pre-restore-20260301T120405Z'), 'taken');
  const taken = await t.throwsAsync(again.save(), { instanceOf: AppError });
  t.is(taken!.code, 'DESTINATION_EXISTS');
  t.deepEqual(await readFile(file), there);
  t.deepEqual((await readdir(dir)).sort(), ['SYSTEM', 'SYSTEM.pre-restore-20260301T120405Z']);
  t.deepEqual(Hive.parse(await readFile(file)).subkeys(''), ['B']);
});
