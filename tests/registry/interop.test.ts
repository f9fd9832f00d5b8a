// Interop: real registry implementations accept the .reg files we write and store exactly the planned types and
// values, and our reader reads their exports back to the same plan.
//
//  - hivex (libwin-hivex-perl, libhivex-bin): merged into a minimal empty hive built by tests/support/regf-hive.ts,
//    exported back (.reg) and parsed with parseRegFile, and the raw (type code, data bytes) of every value read
//    with the hivex library itself (Win::Hivex).
//  - Wine 10 (scripts/wine10-chroot.sh): `regedit /S` imports our UTF-16LE file, `reg query /s` lists types and values, `regedit /E`
//    exports the keys (UTF-16LE, regedit's own formatting) for parseRegFile and for a text comparison.
//
// When a tool is missing the tests fail if CI is set, and are skipped with a printed reason otherwise.
import test, { type ExecutionContext } from 'ava';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseRegFile, regFileBytes, regFileText } from '../../src/registry/reg-file.ts';
import {
  NTDS_KEY,
  PARAMETERS_KEY,
  RESTORE_IN_PROGRESS_KEY,
  databaseRestoredPlan,
  restoreRegistryPlan,
} from '../../src/registry/restore-plan.ts';
import { REG_TYPE_CODES, type RegValue, encodeValue, fullKeyName } from '../../src/registry/values.ts';
import { baseBlockChecksum, emptyHive } from '../support/regf-hive.ts';
import { run } from '../support/tools.ts';
import { type WinePrefix, createWinePrefix, findWine, windowsPath, wineUnavailable } from '../support/wine.ts';
import { type QueriedValue, parseRegQuery } from '../support/reg-query.ts';

// ---------------------------------------------------------------------------------------------------------------
// The values round-tripped: the restore plan, plus edge cases in a key of their own under NTDS.

const GUID = '6f1c0b7e-2d4a-4c6e-9a51-0b3e5f7d9c21';
const plan = restoreRegistryPlan({
  backupLogPath: 'D:\\Données\\NTDS\\Restored logs',
  checkpointFilePath: 'D:\\Données\\NTDS',
  logPath: 'D:\\Données\\NTDS',
  lowLog: 0x1f,
  highLog: 0x2a,
  // long enough that hex(7) wraps over several lines, with a non-ASCII character
  restoreMap: [
    { original: 'C:\\Windows\\NTDS\\ntds.dit', new: 'D:\\Données\\Active Directory\\Restored 2024-05-01\\ntds.dit' },
  ],
  newDatabaseGuid: `{${GUID.toUpperCase()}}`,
});

const EDGE_KEY = `${NTDS_KEY}\\ADDatabaseBackup interop`;
const LINE_BREAKS: RegValue = {
  key: EDGE_KEY,
  name: 'line breaks',
  type: 'REG_SZ',
  value: 'first line\r\nsecond line',
};
const edge: RegValue[] = [
  { key: EDGE_KEY, name: '', type: 'REG_SZ', value: 'the default value' },
  {
    key: EDGE_KEY,
    name: 'quotes "and" \\backslashes\\',
    type: 'REG_SZ',
    value: 'say "hi" to \\\\server\\share\\ and C:\\',
  },
  { key: EDGE_KEY, name: 'empty string', type: 'REG_SZ', value: '' },
  LINE_BREAKS,
  { key: EDGE_KEY, name: 'semi;colon = "name"', type: 'REG_SZ', value: ';not a comment=' },
  { key: EDGE_KEY, name: 'non-ASCII', type: 'REG_SZ', value: 'Données Ω 数据 𝄞' },
  {
    key: EDGE_KEY,
    name: 'long multi',
    type: 'REG_MULTI_SZ',
    value: Array.from(
      { length: 16 },
      (_, i) => `D:\\Données\\NTDS\\Restored logs\\edb${(0x1f + i).toString(16).toUpperCase().padStart(5, '0')}.log`,
    ),
  },
  {
    key: EDGE_KEY,
    name: 'non-ASCII multi',
    type: 'REG_MULTI_SZ',
    value: ['D:\\Données\\ntds.dit', 'E:\\Ω\\数据\\𝄞.dit'],
  },
  { key: EDGE_KEY, name: 'empty multi', type: 'REG_MULTI_SZ', value: [] },
  { key: EDGE_KEY, name: 'dword zero', type: 'REG_DWORD', value: 0 },
  { key: EDGE_KEY, name: 'dword max', type: 'REG_DWORD', value: 0xffffffff },
  { key: EDGE_KEY, name: 'dword high bit', type: 'REG_DWORD', value: 0x80000000 },
  { key: EDGE_KEY, name: 'empty binary', type: 'REG_BINARY', value: '' },
  {
    key: EDGE_KEY,
    name: 'long binary',
    type: 'REG_BINARY',
    value: Buffer.from(Array.from({ length: 100 }, (_, i) => (i * 37) & 0xff)).toString('hex'),
  },
  // names so long that the data starts past column 80: regedit still puts one byte before the first ",\"
  { key: EDGE_KEY, name: `long name ${'n'.repeat(80)}`, type: 'REG_BINARY', value: '00ff1abc00ff1abc' },
  { key: EDGE_KEY, name: `long name multi ${'m'.repeat(80)}`, type: 'REG_MULTI_SZ', value: ['abc', 'déf'] },
];
const values: RegValue[] = [...plan, ...edge];
const ourKeys = [RESTORE_IN_PROGRESS_KEY, PARAMETERS_KEY, EDGE_KEY];

const order = (v: RegValue): string => `${v.key.toLowerCase()}\u0000${v.name.toLowerCase()}`;
const sorted = (vs: readonly RegValue[]): RegValue[] =>
  [...vs].sort((a, b) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0));
const inOurKeys = (vs: readonly RegValue[]): RegValue[] =>
  vs.filter((v) => ourKeys.some((k) => k.toLowerCase() === v.key.toLowerCase()));

// ---------------------------------------------------------------------------------------------------------------
// Tools present? Missing: a failure in CI, a skip (with the reason printed) elsewhere.

type Impl = (t: ExecutionContext) => Promise<void> | void;
const inCI = Boolean(process.env['CI']);

function gated(missing: string | null): (title: string, impl: Impl) => void {
  if (missing === null) return (title, impl) => test(title, impl);
  if (inCI) return (title) => test(title, (t) => t.fail(`${missing} — required when CI is set`));
  console.log(`interop.test.ts: skipping: ${missing}`);
  return (title) => test.skip(title, () => undefined);
}

function missingHivex(): string | null {
  const tools = ['hivexregedit', 'hivexml', 'perl'].filter(
    (tool) => spawnSync('bash', ['-c', `command -v ${tool}`]).status !== 0,
  );
  if (tools.length > 0)
    return `hivex tools not found: ${tools.join(', ')} (Debian packages libwin-hivex-perl, libhivex-bin)`;
  if (spawnSync('perl', ['-MWin::Hivex', '-e', '1']).status !== 0)
    return 'the Perl module Win::Hivex is missing (Debian package libwin-hivex-perl)';
  return null;
}

const wineTools = findWine();
const hivexTest = gated(missingHivex());
const wineMissing = wineTools === null ? wineUnavailable() : null;
const wineTest = gated(wineMissing);

// ---------------------------------------------------------------------------------------------------------------
// Shared, created once per file, removed at the end.

const cleanups: (() => Promise<void>)[] = [];
test.after.always(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
});

function once<T>(make: () => Promise<T>): () => Promise<T> {
  let p: Promise<T> | undefined;
  return () => (p ??= make());
}

async function scratch(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

// ---------------------------------------------------------------------------------------------------------------
// hivex

/** `\CurrentControlSet\…` inside the SYSTEM hive for `HKLM\SYSTEM\CurrentControlSet\…`. */
function hivePath(key: string): string {
  const m = /^HKLM\\SYSTEM(\\.*)$/i.exec(key);
  if (!m) throw new Error(`not under HKLM\\SYSTEM: ${key}`);
  return m[1]!;
}
const PREFIX = 'HKEY_LOCAL_MACHINE\\SYSTEM';

/** Every value of the keys as the hivex library reads them: type code and raw data bytes. */
const RAW_VALUES_PL = String.raw`
use strict; use warnings; use Win::Hivex; use JSON::PP;
my ($file, @keys) = @ARGV;
my $h = Win::Hivex->open($file);
my %out;
for my $k (@keys) {
  my $node = $h->root;
  for my $part (grep { length } split /\\/, $k) {
    $node = $h->node_get_child($node, $part);
    die "no key '$part' in '$k'\n" unless defined $node;
  }
  my %vals;
  for my $v ($h->node_values($node)) {
    my ($type, $data) = $h->value_value($v);
    $vals{$h->value_key($v)} = { type => $type, hex => unpack('H*', $data) };
  }
  $out{$k} = { name => $h->node_name($node), children => scalar(my @c = $h->node_children($node)), values => \%vals };
}
print JSON::PP->new->canonical->encode(\%out), "\n";
`;

interface RawKey {
  name: string;
  children: number;
  values: Record<string, { type: number; hex: string }>;
}

/** hivexml's output: it opens /dev/stdout itself, which fails on a socket (Node's stdio), so via a file. */
async function hivexml(hive: string): Promise<string> {
  const out = `${hive}.xml`;
  await run('bash', ['-c', 'hivexml "$1" > "$2"', 'hivexml', hive, out]);
  return readFile(out, 'utf8');
}

async function hivexRaw(hive: string, keys: string[]): Promise<Record<string, RawKey>> {
  const { stdout } = await run('perl', ['-e', RAW_VALUES_PL, hive, ...keys]);
  return JSON.parse(stdout);
}

/** The .reg as hivexregedit wants it: UTF-8 without BOM, LF line ends (`iconv -f utf-16le -t utf-8 | dos2unix`). */
function forHivex(utf16: Buffer): string {
  if (utf16[0] !== 0xff || utf16[1] !== 0xfe) throw new Error('expected a UTF-16LE file with a byte-order mark');
  return utf16.subarray(2).toString('utf16le').replace(/\r\n/g, '\n');
}

const hivexMerged = once(async () => {
  const dir = await scratch('adbackup-hivex-');
  const hive = join(dir, 'SYSTEM');
  await writeFile(hive, emptyHive({ fileName: 'SYSTEM' }));
  // hivexregedit does not create missing parent keys (regedit does): declare the ancestors first.
  const ancestors = ['CurrentControlSet', 'CurrentControlSet\\Services', 'CurrentControlSet\\Services\\NTDS'];
  await writeFile(
    join(dir, 'ancestors.reg'),
    `Windows Registry Editor Version 5.00\n\n${ancestors.map((k) => `[${PREFIX}\\${k}]\n\n`).join('')}`,
  );
  const ours = regFileBytes(values);
  await writeFile(join(dir, 'ours.utf16.reg'), ours);
  await writeFile(join(dir, 'ours.reg'), forHivex(ours));
  // hivexregedit opens the .reg without a decoding layer: quoted strings would be taken byte by byte (é stored as
  // c3,00,a9,00). PERL_UNICODE=D reads it as UTF-8, "the local encoding" its manual asks for.
  const started = performance.now();
  await run('hivexregedit', ['--merge', '--prefix', PREFIX, hive, join(dir, 'ancestors.reg'), join(dir, 'ours.reg')], {
    env: { ...process.env, PERL_UNICODE: 'D' },
  });
  const { stdout: exported } = await run('hivexregedit', ['--export', '--prefix', PREFIX, hive, hivePath(NTDS_KEY)], {
    maxBuffer: 16 << 20,
  });
  return { hive, exported, ms: Math.round(performance.now() - started) };
});

test('regf-hive: the base block checksum follows the format (XOR of 127 dwords, 0 → 1, ~0 → ~1)', (t) => {
  const hive = emptyHive({ time: new Date('2024-05-01T00:00:00Z') });
  t.is(hive.length, 8192);
  t.is(hive.toString('latin1', 0, 4), 'regf');
  t.is(hive.toString('latin1', 4096, 4100), 'hbin');
  t.is(hive.readUInt32LE(0x1fc), baseBlockChecksum(hive));
  const zeros = Buffer.alloc(512);
  t.is(baseBlockChecksum(zeros), 1);
  const ones = Buffer.alloc(512);
  ones.writeUInt32LE(0xffffffff, 0);
  t.is(baseBlockChecksum(ones), 0xfffffffe);
});

hivexTest(
  'hivex opens the minimal empty hive (minor versions 3 and 5): a root key, no subkeys, no values',
  async (t) => {
    const dir = await scratch('adbackup-hivex-empty-');
    for (const minorVersion of [3, 5] as const) {
      const file = join(dir, `empty-${minorVersion}`);
      await writeFile(file, emptyHive({ minorVersion, rootName: 'CMI-CreateHive{ADDatabaseBackup}' }));
      const xml = await hivexml(file);
      t.regex(xml, /<node name="CMI-CreateHive\{ADDatabaseBackup\}" root="1">/);
      const raw = await hivexRaw(file, ['\\']);
      t.deepEqual(raw['\\'], { name: 'CMI-CreateHive{ADDatabaseBackup}', children: 0, values: {} });
    }
  },
);

hivexTest(
  'hivex: hivexregedit --merge of our .reg, then --export, parses back to exactly the planned values',
  async (t) => {
    const { exported, ms, hive } = await hivexMerged();
    t.log(`hivexregedit merge + export: ${ms} ms`);
    // The merged hive is still a valid hive as a whole.
    t.regex(await hivexml(hive), /<node name="Restore in Progress">/);
    // hivexregedit --export writes every string as hex(1) (UTF-16LE bytes, terminator included) and REG_BINARY as
    // hex(3): parseRegFile reads both.
    const parsed = parseRegFile(Buffer.from(exported, 'utf8'));
    t.deepEqual(parsed.deletedKeys, []);
    t.deepEqual(sorted(inOurKeys(parsed.values)), sorted(values));
    // Nothing but our values (and the empty ancestor keys) is under NTDS.
    t.deepEqual(sorted(parsed.values), sorted(values));
  },
);

hivexTest(
  'hivex: the database-restored-from-backup .reg sets its value and removes DSA Database Epoch from a hive that had it',
  async (t) => {
    const dir = await scratch('adbackup-hivex-drfb-');
    const hive = join(dir, 'SYSTEM');
    await writeFile(hive, emptyHive({ fileName: 'SYSTEM' }));
    const keys = [
      'CurrentControlSet',
      'CurrentControlSet\\Services',
      'CurrentControlSet\\Services\\NTDS',
      'CurrentControlSet\\Services\\NTDS\\Parameters',
    ];
    const before = `Windows Registry Editor Version 5.00\n\n${keys.map((k) => `[${PREFIX}\\${k}]\n\n`).join('')}[${PREFIX}\\${keys[3]}]\n"DSA Database Epoch"=dword:00003039\n"DSA Previous Restore Count"=dword:00000002\n\n`;
    await writeFile(join(dir, 'before.reg'), before);
    await writeFile(join(dir, 'ours.reg'), forHivex(regFileBytes(databaseRestoredPlan())));
    await run('hivexregedit', ['--merge', '--prefix', PREFIX, hive, join(dir, 'before.reg'), join(dir, 'ours.reg')], {
      env: { ...process.env, PERL_UNICODE: 'D' },
    });
    const { stdout } = await run('hivexregedit', ['--export', '--prefix', PREFIX, hive, hivePath(PARAMETERS_KEY)]);
    const values = Object.fromEntries(parseRegFile(Buffer.from(stdout, 'utf8')).values.map((v) => [v.name, v.value]));
    t.deepEqual(values, { 'Database restored from backup': 1, 'DSA Previous Restore Count': 2 });
  },
);

hivexTest(
  'hivex: the hive holds the exact type codes (1, 3, 4, 7) and data bytes RegSetValueExW would receive',
  async (t) => {
    const { hive } = await hivexMerged();
    const raw = await hivexRaw(hive, ourKeys.map(hivePath));
    for (const key of ourKeys) {
      const stored = raw[hivePath(key)]!;
      const expected = Object.fromEntries(
        values
          .filter((v) => v.key === key)
          .map((v) => [v.name, { type: REG_TYPE_CODES[v.type], hex: encodeValue(v).toString('hex') }]),
      );
      t.deepEqual(stored.values, expected, key);
    }
    // Spelled out for the plan's four types.
    const rip = raw[hivePath(RESTORE_IN_PROGRESS_KEY)]!.values;
    t.is(rip['NTDS_RstMap']!.type, 7);
    t.deepEqual(rip['LowLog Number'], { type: 4, hex: '1f000000' });
    t.deepEqual(rip['NTDS Database recovered'], { type: 3, hex: '00' });
    t.deepEqual(rip['BackupLogPath'], {
      type: 1,
      hex: Buffer.from('D:\\Données\\NTDS\\Restored logs\0', 'utf16le').toString('hex'),
    });
    t.deepEqual(raw[hivePath(EDGE_KEY)]!.values['empty binary'], { type: 3, hex: '' });
    t.deepEqual(raw[hivePath(EDGE_KEY)]!.values['empty multi'], { type: 7, hex: '0000' });
  },
);

// ---------------------------------------------------------------------------------------------------------------
// Wine

/** Code page 437, 0x80–0xFF: the console (OEM) code page reg.exe writes its output in under the C.UTF-8 locale. */
const CP437_HIGH =
  'ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u00a0';

function decodeCp437(b: Uint8Array): string {
  let s = '';
  for (const byte of b) s += byte < 0x80 ? String.fromCharCode(byte) : CP437_HIGH[byte - 0x80]!;
  return s;
}

/** What a UTF-16 string looks like after a round trip through code page 437: '?' for each unit it lacks. */
function throughCp437(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    out += c.charCodeAt(0) < 0x80 || CP437_HIGH.includes(c) ? c : '?';
  }
  return out;
}

/** The data column `reg query` prints for a value. */
function regQueryData(v: RegValue): string {
  switch (v.type) {
    case 'REG_SZ':
      return v.value;
    case 'REG_DWORD':
      return '0x' + (v.value >>> 0).toString(16);
    case 'REG_BINARY':
      return v.value.toUpperCase();
    case 'REG_MULTI_SZ':
      return v.value.join('\\0');
  }
}

/** Logical entries of a .reg text per key: each value's text, continuation lines included. */
function entriesByKey(text: string): Map<string, string[]> {
  const map = new Map<string, string[]>();
  let key: string | null = null;
  let pending: string | null = null;
  const flush = (): void => {
    if (pending !== null && key !== null) map.get(key)!.push(pending);
    pending = null;
  };
  for (const line of text.replace(/^\uFEFF/, '').split('\r\n')) {
    if (pending !== null) {
      pending += '\r\n' + line;
      if (!line.endsWith('\\')) flush();
      continue;
    }
    if (line.startsWith('[')) {
      key = line.toLowerCase();
      if (!map.has(key)) map.set(key, []);
    } else if (key !== null && line !== '') {
      pending = line;
      if (!line.endsWith('\\')) flush();
    }
  }
  flush();
  return map;
}

const wineRoundTrip = once(async () => {
  const started = performance.now();
  const wine: WinePrefix = await createWinePrefix(wineTools!);
  cleanups.push(() => wine.dispose());
  const ours = join(wine.workDir, 'restore.reg');
  const exported = join(wine.workDir, 'exported.reg');
  await writeFile(ours, regFileBytes(values));
  const imported = await wine.run(['regedit', '/S', windowsPath(ours)]);
  const query = await wine.run(['reg', 'query', NTDS_KEY, '/s']);
  const exportRun = await wine.run(['regedit', '/E', windowsPath(exported), fullKeyName(NTDS_KEY)]);
  const exportedBytes = await readFile(exported).catch(() => Buffer.alloc(0));
  const timings = `prefix ${wine.bootMs} ms, regedit /S ${imported.ms} ms, reg query ${query.ms} ms, regedit /E ${exportRun.ms} ms, total ${Math.round(performance.now() - started)} ms`;
  return { wine, imported, query, exportRun, exportedBytes, timings };
});

wineTest('Wine: regedit /S imports our UTF-16LE .reg; reg query shows the planned types and values', async (t) => {
  const r = await wineRoundTrip();
  t.log(`${r.wine.tools.version}: ${r.timings}`);
  t.is(r.imported.code, 0, r.imported.stderr);
  t.is(r.query.code, 0, r.query.stderr);
  const listed = parseRegQuery(decodeCp437(r.query.stdout)).filter((q) =>
    ourKeys.some((k) => fullKeyName(k).toLowerCase() === q.key.toLowerCase()),
  );
  const expected = values.map((v) => ({
    key: fullKeyName(v.key),
    name: v.name,
    type: v.type,
    data: throughCp437(regQueryData(v)),
  }));
  const byName = (a: QueriedValue, b: QueriedValue): number =>
    `${a.key}\0${a.name}`.toLowerCase() < `${b.key}\0${b.name}`.toLowerCase() ? -1 : 1;
  t.deepEqual(listed.sort(byName), expected.sort(byName));
});

wineTest('Wine: regedit /E exports our keys; parseRegFile reads back exactly the planned values', async (t) => {
  const r = await wineRoundTrip();
  t.is(r.exportRun.code, 0, r.exportRun.stderr);
  t.deepEqual([...r.exportedBytes.subarray(0, 2)], [0xff, 0xfe], 'UTF-16LE with a byte-order mark');
  const parsed = parseRegFile(r.exportedBytes);
  // Wine writes a REG_SZ with line breaks as "first line\r\nsecond line" (escapes parseRegFile does not know:
  // see the known-bug test below); everything else must come back exactly.
  const notLineBreaks = (vs: readonly RegValue[]): RegValue[] =>
    vs.filter((v) => !(v.key === LINE_BREAKS.key && v.name === LINE_BREAKS.name));
  t.deepEqual(sorted(notLineBreaks(inOurKeys(parsed.values))), sorted(notLineBreaks(values)));
  t.is(inOurKeys(parsed.values).length, values.length);
});

wineTest('Wine: regedit /E writes every value in the very text we write (quoting, dword, hex wrapping)', async (t) => {
  const r = await wineRoundTrip();
  const theirs = entriesByKey(r.exportedBytes.subarray(2).toString('utf16le'));
  const mine = entriesByKey(regFileText(values));
  for (const key of ourKeys) {
    const k = `[${fullKeyName(key)}]`.toLowerCase();
    const skip = (e: string): boolean => key === LINE_BREAKS.key && e.startsWith(`"${LINE_BREAKS.name}"=`);
    t.deepEqual(
      [...(theirs.get(k) ?? [])].filter((e) => !skip(e)).sort(),
      [...mine.get(k)!].filter((e) => !skip(e)).sort(),
      key,
    );
  }
  // Our writer puts a string with line breaks as hex(1); Wine's regedit writes them escaped in quotes.
  t.true(
    mine.get(`[${fullKeyName(EDGE_KEY)}]`.toLowerCase())!.some((e) => e.startsWith('"line breaks"=hex(1):66,00,')),
  );
  t.true(
    theirs.get(`[${fullKeyName(EDGE_KEY)}]`.toLowerCase())!.includes('"line breaks"="first line\\r\\nsecond line"'),
  );
});

// Known reader gap: Wine's regedit /E escapes CR, LF and NUL in quoted strings as \r, \n, \0; readQuoted() in
// reg-file.ts takes "\X" as X, so "first line\r\nsecond line" reads as "first linernsecond line".
// When the reader learns these escapes this test starts passing and ava reports it: turn it into a plain test.
wineTest('parseRegFile reads Wine-exported escapes \\r \\n inside a quoted REG_SZ as CR and LF', async (t) => {
  const r = await wineRoundTrip();
  const read = parseRegFile(r.exportedBytes).values.find(
    (v) => v.key === LINE_BREAKS.key && v.name === LINE_BREAKS.name,
  );
  t.deepEqual(read, LINE_BREAKS);
});
