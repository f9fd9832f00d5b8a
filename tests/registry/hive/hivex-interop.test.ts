// Round trips through an independent implementation (hivex): a hive written by our writer is read by the hivex
// library, `hivexregedit --export` and `hivexsh` with exactly the keys, order and values our reader reports; and a
// hive hivex wrote into (`hivexregedit --merge`) is read by our reader exactly as hivex reads it.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Hive } from '../../../src/registry/hive/hive.ts';
import { emptyHive } from '../../support/regf-hive.ts';
import { hivexTest, scratch } from './gate.ts';
import { dumpHive, hivexDump, parseRegExport, tool } from './support.ts';

const test = hivexTest('hivex-interop.test.ts');

const DEEP = Array.from({ length: 60 }, (_, i) => `Level ${i}`).join('\\');
const BIG = Buffer.from(Array.from({ length: 40_000 }, (_, i) => (i * 31 + 7) & 0xff));
const BIG_TEXT = 'Données Ω '.repeat(1000); // 20 000 bytes of UTF-16LE
// Upcased order puts "a" and "B" before "_x" (0x5F sits between the capitals and the small letters).
const MIXED = ['_x', 'a', 'B', 'zeta', 'Alpha', 'alphA2', 'É', 'e', '0', '~'];

/** Our writer: 1000 keys, mixed-case siblings, a 60-level path, every type we write, big data. */
function writeOurs(hive: Hive): void {
  for (let i = 0; i < 1000; i++) hive.createKey(`Many\\Key ${i}`);
  for (const name of MIXED) hive.createKey(`Mixed\\${name}`);
  hive.setValue(DEEP, 'sz', { type: 'REG_SZ', value: 'C:\\Windows\\NTDS\\ntds.dit' });
  hive.setValue(DEEP, 'expand', { type: 'REG_EXPAND_SZ', value: '%SystemRoot%\\NTDS' });
  hive.setValue(DEEP, 'dword', { type: 'REG_DWORD', value: 0x80000001 });
  hive.setValue(DEEP, 'binary', { type: 'REG_BINARY', value: Buffer.from([1, 2, 3]) });
  hive.setValue(DEEP, 'empty binary', { type: 'REG_BINARY', value: Buffer.alloc(0) });
  hive.setValue(DEEP, 'multi', { type: 'REG_MULTI_SZ', value: ['D:\\Données\\NTDS', 'E:\\数据'] });
  hive.setValue(DEEP, '', { type: 'REG_SZ', value: 'the default value' });
  hive.setValue(DEEP, 'Wert ä', { type: 'REG_SZ', value: 'non-ASCII name' });
  hive.setValue(DEEP, 'big binary', { type: 'REG_BINARY', value: BIG });
  hive.setValue(DEEP, 'big string', { type: 'REG_SZ', value: BIG_TEXT });
  hive.setValue(DEEP, 'replaced', { type: 'REG_BINARY', value: BIG });
  hive.setValue(DEEP, 'REPLACED', { type: 'REG_DWORD', value: 7 });
  hive.setValue(DEEP, 'deleted', { type: 'REG_SZ', value: 'gone soon' });
  hive.deleteValue(DEEP, 'Deleted');
}

async function ourHiveOnDisk(dir: string): Promise<string> {
  const file = join(dir, 'SYSTEM');
  await writeFile(file, emptyHive({ rootName: 'ROOT' }));
  const hive = await Hive.open(file);
  writeOurs(hive);
  await hive.save();
  return file;
}

test('hivex reads a hive we wrote exactly as our reader does: keys, their order, every value', async (t) => {
  const file = await ourHiveOnDisk(await scratch(t, 'adbackup-hive-'));
  const ours = dumpHive(await Hive.open(file));
  t.deepEqual(await hivexDump(file), ours);
  // What we report is what we were asked to write.
  t.is(ours['Many']!.subkeys.length, 1000);
  t.deepEqual(ours['Mixed']!.subkeys, ['0', 'a', 'Alpha', 'alphA2', 'B', 'e', 'zeta', '_x', '~', 'É']);
  const deep = ours[DEEP]!.values;
  t.deepEqual(
    Object.keys(deep).sort(),
    [
      '',
      'Wert ä',
      'big binary',
      'big string',
      'binary',
      'dword',
      'empty binary',
      'expand',
      'multi',
      'replaced',
      'sz',
    ].sort(),
  );
  t.deepEqual(deep['replaced'], { type: 4, hex: '07000000' }); // set again as 'REPLACED': the name stays
  t.deepEqual(deep['big binary'], { type: 3, hex: BIG.toString('hex') });
  t.deepEqual(deep['big string'], { type: 1, hex: Buffer.from(BIG_TEXT + '\0', 'utf16le').toString('hex') });
  t.deepEqual(deep['dword'], { type: 4, hex: '01000080' });
});

test('hivexregedit --export and hivexsh list what our reader reports', async (t) => {
  const file = await ourHiveOnDisk(await scratch(t, 'adbackup-hive-'));
  const ours = dumpHive(await Hive.open(file));
  const exported = parseRegExport(await tool('hivexregedit', ['--export', file, '\\']));
  t.deepEqual(Object.keys(exported).sort(), Object.keys(ours).sort());
  for (const [path, key] of Object.entries(ours)) {
    const theirs = Object.fromEntries(
      Object.entries(exported[path]!).map(([n, v]) => [n, { type: v.type, hex: v.hex }]),
    );
    t.deepEqual(theirs, key.values, path);
  }
  // hivexsh lists subkeys in its own (strcasecmp) order; the stored order is checked through Win::Hivex above.
  const ls = await tool('hivexsh', [file], `cd \\Mixed\nls\n`);
  t.deepEqual(ls.trim().split('\n').sort(), [...ours['Mixed']!.subkeys].sort());
  const lsval = parseRegExport(`[${DEEP}]\n` + (await tool('hivexsh', [file], `cd \\${DEEP}\nlsval\n`)))[DEEP]!;
  t.is(lsval['sz']!.text, 'C:\\Windows\\NTDS\\ntds.dit');
  t.deepEqual(lsval['expand'], { type: 2, text: '%SystemRoot%\\NTDS' });
  t.is(lsval['dword']!.hex, '01000080');
  t.is(lsval['@']!.text, 'the default value'); // hivexsh names the default value "@"
});

/** A .reg hivexregedit merges: new keys (300 of them under one parent), all value types, big data. */
function hivexReg(): string {
  const hex = (b: Buffer) => [...b].map((x) => x.toString(16).padStart(2, '0')).join(',');
  const utf16 = (s: string) => Buffer.from(s + '\0', 'utf16le');
  const lines = ['Windows Registry Editor Version 5.00', '', '[\\FromHivex]', '', '[\\FromHivex\\Keys]', ''];
  lines.push('[\\FromHivex\\Values]', '@=hex(1):' + hex(utf16('default')), `"sz"=hex(1):${hex(utf16('Données'))}`);
  lines.push(
    `"expand"=hex(2):${hex(utf16('%windir%'))}`,
    '"dword"=dword:deadbeef',
    `"bin"=hex(3):${hex(BIG.subarray(0, 20_000))}`,
  );
  lines.push(
    `"multi"=hex(7):${hex(Buffer.from('a\0bc\0\0', 'utf16le'))}`,
    `"qword"=hex(b):${hex(Buffer.from('0102030405060708', 'hex'))}`,
    '',
  );
  for (let i = 0; i < 300; i++)
    lines.push(`[\\FromHivex\\Keys\\k${i}]`, `"i"=dword:${i.toString(16).padStart(8, '0')}`, '');
  lines.push('[\\Many\\Key 1]', '"added by hivex"=hex(3):00,ff', '');
  return lines.join('\n');
}

test('our reader reads a hive hivex wrote into (hivexregedit --merge) exactly as hivex reads it', async (t) => {
  const dir = await scratch(t, 'adbackup-hive-');
  const file = await ourHiveOnDisk(dir);
  await writeFile(join(dir, 'merge.reg'), hivexReg());
  // hivexregedit does not create missing parents: the .reg above declares each level.
  await tool('hivexregedit', ['--merge', file, join(dir, 'merge.reg')]);
  const hive = await Hive.open(file);
  const ours = dumpHive(hive);
  t.deepEqual(ours, await hivexDump(file));
  t.is(hive.subkeys('FromHivex\\Keys')!.length, 300);
  t.is(hive.value('FromHivex\\Keys\\k299', 'i')!.value, 299);
  t.is(hive.value('FromHivex\\Values', 'sz')!.value, 'Données');
  t.is(hive.value('FromHivex\\Values', '')!.value, 'default');
  t.is(hive.value('FromHivex\\Values', 'expand')!.typeName, 'REG_EXPAND_SZ');
  t.is(hive.value('FromHivex\\Values', 'dword')!.value, 0xdeadbeef);
  t.deepEqual(hive.value('FromHivex\\Values', 'bin')!.data, BIG.subarray(0, 20_000));
  t.deepEqual(hive.value('FromHivex\\Values', 'multi')!.value, ['a', 'bc']);
  t.is(hive.value('FromHivex\\Values', 'qword')!.value, 0x0807060504030201n);
  t.deepEqual(hive.value('Many\\Key 1', 'added by hivex')!.data, Buffer.from([0, 0xff]));
});

test('a hive hivex wrote into can be written by us again, and hivex reads the result', async (t) => {
  const dir = await scratch(t, 'adbackup-hive-');
  const file = await ourHiveOnDisk(dir);
  await writeFile(join(dir, 'merge.reg'), hivexReg());
  await tool('hivexregedit', ['--merge', file, join(dir, 'merge.reg')]);
  const hive = await Hive.open(file, { now: () => new Date('2026-01-02T03:04:05Z') });
  hive.setValue('FromHivex\\Keys\\k250\\Deeper', 'after hivex', { type: 'REG_MULTI_SZ', value: ['x', 'y'] });
  hive.deleteValue('FromHivex\\Values', 'bin');
  await hive.save();
  const ours = dumpHive(await Hive.open(file));
  t.deepEqual(await hivexDump(file), ours);
  t.false('bin' in ours['FromHivex\\Values']!.values);
  t.deepEqual(ours['FromHivex\\Keys\\k250']!.subkeys, ['Deeper']);
});
