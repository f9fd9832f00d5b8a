// The emulated ntdsbcli.dll (tests/native/ntdsbcli-emu.c, built by scripts/build-emu.sh) against its contract,
// src/platform/ntdsbcli/API.md §1–§5: tests/native/harness.c loads it with LoadLibrary/GetProcAddress under Wine
// and drives a full backup, a restore and every error case; this file checks the exact list bytes, the bytes read
// (FNV-1a 64 of the fixture files), short reads and ERROR_HANDLE_EOF, each error code, the registry the restore
// leaves behind (`reg query`, `reg export`), the missing-export variant, and that every buffer and context was
// released.
//
// Wine is slow to start: one prefix for the whole file, four harness runs and three `reg` runs, in sequence; the tests
// assert on the recorded outputs. When mingw-w64 or Wine is missing the tests fail if CI is set, and are skipped with
// the reason printed otherwise.
import test, { type ExecutionContext } from 'ava';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { makeDsaFolder } from '../fixtures/synthetic-dsa.ts';
import { run } from '../support/tools.ts';
import {
  type WinePrefix,
  type WineResult,
  createWinePrefix,
  findWine,
  windowsPath,
  wineUnavailable,
} from '../support/wine.ts';
import { type QueriedValue, parseRegQuery } from '../support/reg-query.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const BUILD_SCRIPT = join(ROOT, 'scripts/build-emu.sh');
const OUT = join(ROOT, 'build/native');
const DLL = join(OUT, 'ntdsbcli.dll');
const MISSING_DLL = join(OUT, 'missing-export/ntdsbcli.dll');
const HARNESS = join(OUT, 'harness.exe');
const OUTPUTS = [DLL, MISSING_DLL, HARNESS];

const EXPORTS = [
  'DsIsNTDSOnlineW',
  'DsBackupPrepareW',
  'DsBackupGetDatabaseNamesW',
  'DsBackupOpenFileW',
  'DsBackupRead',
  'DsBackupClose',
  'DsBackupGetBackupLogsW',
  'DsBackupTruncateLogs',
  'DsBackupEnd',
  'DsBackupFree',
  'DsRestorePrepareW',
  'DsRestoreGetDatabaseLocationsW',
  'DsRestoreRegisterW',
  'DsRestoreRegisterComplete',
  'DsRestoreEnd',
  'DsSetCurrentBackupLogW',
  'DsSetAuthIdentityW',
];

// Codes (src/platform/ntdsbcli/API.md §4 and winerror.h), as the harness prints them.
const code = (n: number): string => '0x' + (n >>> 0).toString(16).toUpperCase().padStart(8, '0');
const S_OK = code(0);
const FILE_NOT_FOUND = code(2);
const ACCESS_DENIED = code(5);
const HANDLE_EOF = code(38);
const INVALID_PARAMETER = code(87);
const SERVICE_ALREADY_RUNNING = code(1056);
const INVALID_BINDING = code(1702);
const hrNyi = code(0xc0000001);
const hrInvalidParam = code(0xc7ff0001);
const hrInvalidHandle = code(0xc7ff0003);
const hrAlreadyOpen = code(0xc7ff0005);
const hrCouldNotConnect = code(0xc7ff0007);
const hrMissingExpiryToken = code(0xc7ff000f);
const hrUnknownExpiryTokenFormat = code(0xc7ff0010);
const hrContentsExpired = code(0xc7ff0011);
const hrBadLogSignature = code(0xc8000212);

const BFT_LOG = 0x21;
const BFT_NTDS_DATABASE = 0x44;
const BFT_LOG_DIR = 0x82;
const BFT_CHECKPOINT_DIR = 0x83;

// ---------------------------------------------------------------------------------------------------------------
// Tools present? Missing: a failure in CI, a skip (with the reason printed) elsewhere.

type Impl = (t: ExecutionContext) => Promise<void> | void;
const inCI = Boolean(process.env['CI']);

function gated(missing: string | null): (title: string, impl: Impl) => void {
  if (missing === null) return (title, impl) => test(title, impl);
  if (inCI) return (title) => test(title, (t) => t.fail(`${missing} — required when CI is set`));
  console.log(`emulator.test.ts: skipping: ${missing}`);
  return (title) => test.skip(title, () => undefined);
}

const onPath = (tool: string): boolean => spawnSync('bash', ['-c', 'command -v "$1"', 'probe', tool]).status === 0;
const CC = process.env['MINGW_CC'] ?? 'x86_64-w64-mingw32-gcc';
const OBJDUMP = CC.replace(/gcc$/, 'objdump');
const mingwMissing = !onPath(CC)
  ? `mingw-w64 not found: ${CC} (Debian package gcc-mingw-w64-x86-64)`
  : !onPath(OBJDUMP)
    ? `${OBJDUMP} not found (Debian package binutils-mingw-w64-x86-64)`
    : null;
const wineTools = findWine();
const wineMissing = mingwMissing ?? (wineTools === null ? wineUnavailable() : null);
const mingwTest = gated(mingwMissing);
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

const build = once(async () => {
  const started = performance.now();
  const { stdout, stderr } = await run('bash', [BUILD_SCRIPT], { cwd: ROOT });
  return { stdout, stderr, ms: Math.round(performance.now() - started) };
});

async function digests(): Promise<string[]> {
  return Promise.all(
    OUTPUTS.map(async (f) =>
      createHash('sha256')
        .update(await readFile(f))
        .digest('hex'),
    ),
  );
}

/** The export names of a PE file, from objdump's "[Ordinal/Name Pointer] Table". */
async function exportNames(file: string): Promise<string[]> {
  const { stdout } = await run(OBJDUMP, ['-p', file], { maxBuffer: 16 << 20 });
  const table = stdout.split('[Ordinal/Name Pointer] Table')[1] ?? '';
  const names: string[] = [];
  for (const line of table.split('\n').slice(1)) {
    const m = /^\s+\[\s*\d+\]\s+(\S+)\s*$/.exec(line);
    if (!m) break;
    names.push(m[1]!);
  }
  return names.sort();
}

async function importedDlls(file: string): Promise<string[]> {
  const { stdout } = await run(OBJDUMP, ['-p', file], { maxBuffer: 16 << 20 });
  return [...stdout.matchAll(/DLL Name: (\S+)/g)].map((m) => m[1]!.toUpperCase()).sort();
}

// ---------------------------------------------------------------------------------------------------------------
// The harness output: "<record> [id] key=value …", one per line.

interface Rec {
  type: string;
  id: string;
  f: Record<string, string>;
}

function parseRecords(stdout: Buffer): Rec[] {
  const out: Rec[] = [];
  for (const line of stdout.toString('latin1').split(/\r?\n/)) {
    if (line.trim() === '') continue;
    const [type, ...rest] = line.split(' ');
    const rec: Rec = { type: type!, id: '', f: {} };
    for (const token of rest) {
      const eq = token.indexOf('=');
      if (eq < 0) rec.id = token;
      else rec.f[token.slice(0, eq)] = token.slice(eq + 1);
    }
    out.push(rec);
  }
  return out;
}

const utf16 = (hex: string): string => Buffer.from(hex, 'hex').toString('utf16le');

/** A list as the API must lay it out: <bft><path>\0 … \0, UTF-16LE. */
function listHex(entries: [number, string][]): string {
  return Buffer.from(
    entries.map(([bft, path]) => String.fromCharCode(bft) + path + '\0').join('') + '\0',
    'utf16le',
  ).toString('hex');
}

function fnv1a64(bytes: Uint8Array): bigint {
  let h = 0xcbf29ce484222325n;
  for (const b of bytes) h = ((h ^ BigInt(b)) * 0x100000001b3n) & 0xffffffffffffffffn;
  return h;
}

const FILETIME_EPOCH = 116444736000000000n; // 1970-01-01 in 100-ns units since 1601
const filetime = (ms: number): bigint => BigInt(Math.round(ms)) * 10000n + FILETIME_EPOCH;
const DAY_MS = 86_400_000;

/** A token in the emulator's documented format (ntdsbcli-emu.c): magic, FILETIME, days, 0, FNV-1a 64. */
function makeToken(
  createdMs: number,
  days: number,
  options: { magic?: string; tamper?: boolean; createdFt?: bigint } = {},
): Buffer {
  const b = Buffer.alloc(32);
  b.write(options.magic ?? 'EMUTOKN1', 0, 'latin1');
  b.writeBigUInt64LE(options.createdFt ?? filetime(createdMs), 8);
  b.writeUInt32LE(days >>> 0, 16);
  b.writeBigUInt64LE(fnv1a64(b.subarray(0, 24)), 24);
  if (options.tamper) b[24]! ^= 0xff;
  return b;
}

/** The sizes DsBackupRead must return for a file: every third call half the buffer. */
function expectedReads(size: number, buffer: number): number[] {
  const out: number[] = [];
  for (let pos = 0, call = 1; pos < size; call++) {
    const n = Math.min(call % 3 === 0 ? buffer / 2 : buffer, size - pos);
    out.push(n);
    pos += n;
  }
  return out;
}

// --- `reg query` output (as tests/registry/interop.test.ts reads it): code page 437 under LC_ALL=C.UTF-8 ---

const CP437_HIGH =
  'ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u00a0';

function decodeCp437(b: Uint8Array): string {
  let s = '';
  for (const byte of b) s += byte < 0x80 ? String.fromCharCode(byte) : CP437_HIGH[byte - 0x80]!;
  return s;
}

/** The logical entries of a regedit-format export (UTF-16LE with BOM), continuation lines joined. */
function regExportEntries(bytes: Buffer): string[] {
  const text = bytes
    .subarray(2)
    .toString('utf16le')
    .replace(/\\\r\n\s*/g, '');
  return text.split('\r\n').filter((l) => l.startsWith('"'));
}

// ---------------------------------------------------------------------------------------------------------------
// The Wine session: fixtures, a prefix, the harness runs and the registry read back.

const RESTORE_KEY = 'HKLM\\SYSTEM\\CurrentControlSet\\Services\\NTDS\\Restore in Progress';
const EMU_KEY = 'HKLM\\Software\\ADDatabaseBackup\\ntdsbcli-emu';
const READ_SIZE = 65536;
const REGISTRATION = {
  checkpoint: 'C:\\Windows\\NTDS',
  log: 'C:\\Windows\\NTDS',
  backupLog: 'D:\\Données\\Restored logs',
  genLow: 1,
  genHigh: 4,
  oldDb: 'C:\\Windows\\NTDS\\ntds.dit',
  newDb: 'D:\\Données\\NTDS\\ntds.dit',
  completeHr: 0x80070070, // HRESULT_FROM_WIN32(ERROR_DISK_FULL): the client reports a failed copy
};

interface HarnessRun {
  result: WineResult;
  records: Rec[];
  trace: string[];
}

/** Hostnames with '_' cannot be served (the API refuses such names): then the emulator is told another name. */
const COMPUTER_OVERRIDE: Record<string, string> = hostname().includes('_') ? { NTDSBCLI_EMU_COMPUTER: 'EMUDC02' } : {};

const argTokens = (() => {
  const now = Date.now();
  return [
    { hex: makeToken(now - 3_600_000, 180).toString('hex'), expect: S_OK, what: 'made by the test, one hour old' },
    {
      hex: makeToken(now - 181 * DAY_MS, 180).toString('hex'),
      expect: hrContentsExpired,
      what: '181 days old, lifetime 180',
    },
    { hex: makeToken(now - 179 * DAY_MS, 180).toString('hex'), expect: S_OK, what: '179 days old, lifetime 180' },
    {
      hex: makeToken(now, 180, { tamper: true }).toString('hex'),
      expect: hrUnknownExpiryTokenFormat,
      what: 'bad checksum',
    },
    {
      hex: makeToken(now, 180, { magic: 'EMUTOKN2' }).toString('hex'),
      expect: hrUnknownExpiryTokenFormat,
      what: 'other magic',
    },
    {
      hex: makeToken(0, 0xffffffff, { createdFt: 0n }).toString('hex'),
      expect: S_OK,
      what: 'made in 1601, lifetime 2^32-1 days (no overflow)',
    },
  ];
})();

const session = once(async () => {
  const started = performance.now();
  await build();
  const root = await mkdtemp(join(tmpdir(), 'adbackup-emu-'));
  cleanups.push(() => rm(root, { recursive: true, force: true }));
  const fixture = (name: string, firstGeneration = 1) =>
    makeDsaFolder(join(root, name), {
      logs: 3,
      logFileBytes: 64 * 1024,
      databaseBytes: 1 << 20,
      state: 'dirty',
      firstGeneration,
    });
  const backupDsa = await fixture('backup'); // read in full, then truncated
  const errorsDsa = await fixture('errors');
  const dsa8 = await fixture('dsa8', 0xffffe); // edb.log is generation 0x100001: an 8-digit name
  // The bytes every file holds before anything runs.
  const files = new Map<string, Buffer>();
  for (const name of await readdir(backupDsa.dir)) files.set(name, await readFile(join(backupDsa.dir, name)));

  const wine: WinePrefix = await createWinePrefix(wineTools!);
  cleanups.push(() => wine.dispose());
  for (const k of Object.keys(wine.env)) if (k.startsWith('NTDSBCLI_EMU_')) delete wine.env[k];
  Object.assign(wine.env, COMPUTER_OVERRIDE);

  // The prefix's environment is changed for one run at a time: every run below is awaited in turn.
  const harness = async (name: string, env: Record<string, string>, args: string[]): Promise<HarnessRun> => {
    const tracePath = join(wine.workDir, `trace-${name}.txt`);
    const all = { ...env, NTDSBCLI_EMU_LOG: windowsPath(tracePath) };
    Object.assign(wine.env, all);
    try {
      const result = await wine.run([windowsPath(HARNESS), windowsPath(DLL), ...args]);
      const trace = (await readFile(tracePath, 'latin1').catch(() => '')).split('\r\n').filter((l) => l !== '');
      return { result, records: parseRecords(result.stdout), trace };
    } finally {
      for (const k of Object.keys(all)) delete wine.env[k];
    }
  };

  const backup = await harness('backup', { NTDSBCLI_EMU_DSA: windowsPath(backupDsa.dir) }, [
    'backup',
    '@self',
    String(READ_SIZE),
    'truncate',
  ]);
  const afterTruncate = (await readdir(backupDsa.dir)).sort();
  const token = backup.records.find((r) => r.type === 'prepare')?.f['token'] ?? '';
  const errors = await harness('errors', { NTDSBCLI_EMU_DSA: windowsPath(errorsDsa.dir) }, [
    'errors',
    '@self',
    windowsPath(MISSING_DLL),
    windowsPath(dsa8.dir),
    ...argTokens.map((a) => a.hex),
  ]);
  const r = REGISTRATION;
  const restore = await harness('restore', { NTDSBCLI_EMU_DSA: windowsPath(backupDsa.dir), NTDSBCLI_EMU_ONLINE: '0' }, [
    'restore',
    '@self',
    token,
    r.checkpoint,
    r.log,
    r.backupLog,
    String(r.genLow),
    String(r.genHigh),
    r.oldDb,
    r.newDb,
    code(r.completeHr),
  ]);
  const query = await wine.run(['reg', 'query', RESTORE_KEY]);
  const queryEmu = await wine.run(['reg', 'query', EMU_KEY]);
  const exportPath = join(wine.workDir, 'restore-in-progress.reg');
  const exported = await wine.run(['reg', 'export', RESTORE_KEY, windowsPath(exportPath), '/y']);
  const exportedBytes = await readFile(exportPath).catch(() => Buffer.alloc(0));

  const computer = backup.records.find((x) => x.type === 'computer')?.f['name'] ?? '';
  const timings = [
    `build ${(await build()).ms} ms`,
    `prefix ${wine.bootMs} ms`,
    `backup ${backup.result.ms} ms`,
    `errors ${errors.result.ms} ms`,
    `restore ${restore.result.ms} ms`,
    `reg query ×2 + export ${query.ms + queryEmu.ms + exported.ms} ms`,
    `total ${Math.round(performance.now() - started)} ms`,
  ].join(', ');
  return {
    wine,
    computer,
    backupDsa,
    errorsDsa,
    dsa8,
    files,
    afterTruncate,
    backup,
    errors,
    restore,
    query,
    queryEmu,
    exported,
    exportedBytes,
    timings,
  };
});

/** \\COMPUTER\Z$\… for a POSIX path (Wine's drive Z: is /). */
function unc(computer: string, posixPath: string): string {
  return `\\\\${computer}\\Z$${posixPath.replace(/\//g, '\\')}`;
}

function numbered(gen: number): string {
  return `edb${gen
    .toString(16)
    .toUpperCase()
    .padStart(gen <= 0xfffff ? 5 : 8, '0')}.log`;
}

function list(run: HarnessRun, fn: string): Rec {
  const rec = run.records.find((x) => x.type === 'list' && x.f['fn'] === fn);
  if (!rec) throw new Error(`no list record ${fn}`);
  return rec;
}

function cases(run: HarnessRun): Map<string, string> {
  const m = new Map<string, string>();
  for (const rec of run.records) if (rec.type === 'case') m.set(rec.id, rec.f['hr']!);
  return m;
}

function value(run: HarnessRun, id: string): Record<string, string> {
  return run.records.find((x) => x.type === 'value' && x.id === id)?.f ?? {};
}

function ranCleanly(t: ExecutionContext, name: string, run: HarnessRun): void {
  t.is(run.result.code, 0, `${name}: exit code; stderr: ${run.result.stderr.slice(-2000)}`);
  t.truthy(
    run.records.find((x) => x.type === 'done' && x.f['rc'] === '0'),
    `${name}: the scenario ran to its end`,
  );
  // Every buffer handed out was freed and every context ended.
  t.regex(run.trace.at(-1) ?? '', / buffers=0 contexts=0(\s|$)/, `${name}: last trace line`);
}

// ---------------------------------------------------------------------------------------------------------------
// Build

test('build-emu.sh fails loudly when the compiler is missing', async (t) => {
  const r = spawnSync('bash', [BUILD_SCRIPT], {
    cwd: ROOT,
    env: { ...process.env, MINGW_CC: '/nonexistent/x86_64-w64-mingw32-gcc' },
    encoding: 'utf8',
  });
  t.is(r.status, 1);
  t.regex(r.stderr, /compiler '\/nonexistent\/x86_64-w64-mingw32-gcc' was not found/);
});

mingwTest('build-emu.sh builds both DLLs and the harness, and a second run gives byte-identical files', async (t) => {
  const first = await build();
  t.log(`build: ${first.ms} ms`);
  t.regex(first.stdout, /built build\/native\/ntdsbcli\.dll/);
  const before = await digests();
  await run('bash', [BUILD_SCRIPT], { cwd: ROOT });
  t.deepEqual(await digests(), before);
});

mingwTest(
  'the DLL exports exactly the 17 documented W/neutral names, undecorated; the variant lacks only DsBackupTruncateLogs',
  async (t) => {
    await build();
    t.deepEqual(await exportNames(DLL), [...EXPORTS].sort());
    t.deepEqual(await exportNames(MISSING_DLL), EXPORTS.filter((n) => n !== 'DsBackupTruncateLogs').sort());
    // Nothing beyond the system DLLs (no libgcc DLL to ship).
    t.deepEqual(await importedDlls(DLL), ['ADVAPI32.DLL', 'KERNEL32.DLL', 'MSVCRT.DLL']);
    t.deepEqual(await importedDlls(HARNESS), ['KERNEL32.DLL', 'MSVCRT.DLL']);
  },
);

// ---------------------------------------------------------------------------------------------------------------
// Backup

wineTest('backup: the documented sequence runs; every buffer and context is released', async (t) => {
  const s = await session();
  t.log(`${s.wine.tools.version}, computer ${s.computer}: ${s.timings}`);
  ranCleanly(t, 'backup', s.backup);
  const rec = (type: string) => s.backup.records.find((x) => x.type === type)?.f ?? {};
  t.deepEqual(rec('online'), { hr: S_OK, online: '1' });
  t.is(rec('prepare')['hr'], S_OK);
  t.is(rec('truncate')['hr'], S_OK);
  t.is(rec('end')['hr'], S_OK);
  t.false(s.backup.trace.some((l) => l.includes('not-ours')));
  t.true(s.computer.length > 0 && !s.computer.includes('_'));
});

wineTest(
  'backup: the expiry token is 32 bytes: magic, creation FILETIME (now), tombstone lifetime 180, FNV-1a checksum',
  async (t) => {
    const s = await session();
    const prepare = s.backup.records.find((x) => x.type === 'prepare')!.f;
    t.is(prepare['tokenSize'], '32');
    const token = Buffer.from(prepare['token']!, 'hex');
    t.is(token.length, 32);
    t.is(token.toString('latin1', 0, 8), 'EMUTOKN1');
    const created = token.readBigUInt64LE(8);
    const now = filetime(Date.now());
    const tenMinutes = 10n * 60n * 10_000_000n;
    t.true(created > now - tenMinutes && created <= now, `created ${created}, now ${now}`);
    t.is(token.readUInt32LE(16), 180);
    t.is(token.readUInt32LE(20), 0);
    t.is(token.readBigUInt64LE(24), fnv1a64(token.subarray(0, 24)));
  },
);

wineTest(
  'backup: the lists have exactly the documented layout: BFT char, UNC path, NUL; an extra NUL; the byte size',
  async (t) => {
    const s = await session();
    const dir = s.backupDsa.dir;
    const c = s.computer;
    const names = list(s.backup, 'DsBackupGetDatabaseNamesW');
    t.is(names.f['hr'], S_OK);
    t.is(names.f['data'], listHex([[BFT_NTDS_DATABASE, unc(c, `${dir}/ntds.dit`)]]));
    t.is(Number(names.f['size']), names.f['data']!.length / 2);

    // The numbered logs, then edb.log under its generation's numbered name (the log roll of a real backup).
    const { low, high } = s.backupDsa.expected;
    const logs = list(s.backup, 'DsBackupGetBackupLogsW');
    t.is(logs.f['hr'], S_OK);
    const expectedLogs: [number, string][] = [];
    for (let g = low; g <= high; g++) expectedLogs.push([BFT_LOG, unc(c, `${dir}/${numbered(g)}`)]);
    t.is(logs.f['data'], listHex(expectedLogs));
    t.is(Number(logs.f['size']), logs.f['data']!.length / 2);
    t.is(utf16(logs.f['data']!).split('\0').at(-3), String.fromCharCode(BFT_LOG) + unc(c, `${dir}/edb00004.log`));

    const locations = list(s.backup, 'DsRestoreGetDatabaseLocationsW');
    t.is(
      locations.f['data'],
      listHex([
        [BFT_NTDS_DATABASE, unc(c, `${dir}/ntds.dit`)],
        [BFT_LOG_DIR, unc(c, dir)],
        [BFT_CHECKPOINT_DIR, unc(c, dir)],
      ]),
    );
    t.is(Number(locations.f['size']), locations.f['data']!.length / 2);
  },
);

wineTest('backup: the bytes read are the files in the folder (edb.log served under its numbered name)', async (t) => {
  const s = await session();
  const fileRecs = s.backup.records.filter((x) => x.type === 'file');
  const { low, high } = s.backupDsa.expected;
  const local = (name: string): string => (name === numbered(high) ? 'edb.log' : name);
  const expectedNames = ['ntds.dit', ...Array.from({ length: high - low + 1 }, (_, i) => numbered(low + i))];
  t.deepEqual(
    fileRecs.map((r) => utf16(r.f['name']!).split('\\').at(-1)),
    expectedNames,
  );
  for (const r of fileRecs) {
    const name = utf16(r.f['name']!).split('\\').at(-1)!;
    const bytes = s.files.get(local(name))!;
    t.is(r.f['open'], S_OK, name);
    t.is(Number(r.f['size']), bytes.length, `${name}: announced size`);
    t.is(Number(r.f['total']), bytes.length, `${name}: bytes read`);
    t.is(BigInt('0x' + r.f['fnv']!), fnv1a64(bytes), `${name}: FNV-1a 64`);
    t.is(r.f['close'], S_OK, name);
  }
});

wineTest(
  'backup: DsBackupRead gives short reads (every third call, half the buffer) and ends with ERROR_HANDLE_EOF, 0 bytes',
  async (t) => {
    const s = await session();
    let shortReads = 0;
    for (const r of s.backup.records.filter((x) => x.type === 'file')) {
      const name = utf16(r.f['name']!);
      const sizes = r.f['sizes']!.split(',').map(Number);
      t.deepEqual(sizes, expectedReads(Number(r.f['size']), READ_SIZE), name);
      t.true(
        sizes.every((n) => n % 4096 === 0),
        `${name}: multiples of 4096`,
      );
      t.is(
        sizes.reduce((a, b) => a + b, 0),
        Number(r.f['size']),
        name,
      );
      t.is(r.f['end'], HANDLE_EOF, name);
      t.is(r.f['endRead'], '0', name);
      shortReads += Number(r.f['short']);
    }
    const db = s.backup.records.find((x) => x.type === 'file')!;
    t.is(db.f['short'], '6'); // 1 MiB in 64 KiB reads: calls 3, 6, … 18 are short
    t.true(shortReads >= 6);
  },
);

wineTest('backup: DsBackupTruncateLogs deleted the numbered logs it listed, and nothing else', async (t) => {
  const s = await session();
  const before = [...s.files.keys()].sort();
  const numberedOnDisk = before.filter((n) => /^edb[0-9a-f]{5}\.log$/i.test(n));
  t.is(numberedOnDisk.length, 3);
  t.deepEqual(
    s.afterTruncate,
    before.filter((n) => !numberedOnDisk.includes(n)),
  );
  t.true(
    s.afterTruncate.includes('edb.log') && s.afterTruncate.includes('edb.chk') && s.afterTruncate.includes('ntds.dit'),
  );
});

// ---------------------------------------------------------------------------------------------------------------
// Error cases

const ERROR_CASES: Record<string, Record<string, string>> = {
  'server names and DsIsNTDSOnline': {
    'online-null-server': INVALID_PARAMETER,
    'online-empty-server': INVALID_PARAMETER,
    'online-only-backslashes': INVALID_PARAMETER,
    'online-other-server': INVALID_BINDING,
    'online-null-out': INVALID_PARAMETER,
    'online-without-backslashes': S_OK,
    'online-lowercase': S_OK,
    'online-offline': S_OK,
    'online-default': S_OK,
    'online-no-dsa': hrCouldNotConnect,
    'online-underscore-even-if-own-name': INVALID_BINDING,
    'online-computer-override': S_OK,
    'online-computer-override-real-name': INVALID_BINDING,
    'prepare-computer-override': S_OK,
    'end-computer-override': S_OK,
    'set-current-backup-log': S_OK,
    'set-current-backup-log-other-server': INVALID_BINDING,
    'set-auth-identity': S_OK,
  },
  DsBackupPrepare: {
    'prepare-null-token': hrInvalidParam,
    'prepare-null-token-size': hrInvalidParam,
    'prepare-null-hbc': INVALID_PARAMETER,
    'prepare-grbit': INVALID_PARAMETER,
    'prepare-incremental': INVALID_PARAMETER,
    'prepare-logs-only': hrNyi,
    'prepare-type-zero': INVALID_PARAMETER,
    'prepare-other-server': INVALID_BINDING,
    'prepare-null-server': INVALID_PARAMETER,
    'prepare-offline': hrCouldNotConnect,
  },
  'lists, DsBackupOpenFile, DsBackupRead, DsBackupClose, DsBackupTruncateLogs': {
    'names-not-null-on-entry': INVALID_PARAMETER,
    'names-null-size': INVALID_PARAMETER,
    'names-null-list': INVALID_PARAMETER,
    'logs-not-null-on-entry': INVALID_PARAMETER,
    'locations-not-null-on-entry': INVALID_PARAMETER,
    'truncate-before-logs': INVALID_PARAMETER,
    'open-hint-8192': INVALID_PARAMETER,
    'open-hint-24577': INVALID_PARAMETER,
    'open-hint-0': INVALID_PARAMETER,
    'open-hint-40960': S_OK,
    'close-after-hint-40960': S_OK,
    'open-null-size': INVALID_PARAMETER,
    'open-null-name': INVALID_PARAMETER,
    'open-unknown-name': FILE_NOT_FOUND,
    'open-with-bft-prefix': FILE_NOT_FOUND,
    'open-edb-log-by-own-name': FILE_NOT_FOUND,
    'open-checkpoint': FILE_NOT_FOUND,
    'read-no-file': hrInvalidHandle,
    'close-no-file': hrInvalidHandle,
    'open-local-path-other-case': S_OK,
    'open-second': hrAlreadyOpen,
    'read-8192': INVALID_PARAMETER,
    'read-30000': INVALID_PARAMETER,
    'read-0': INVALID_PARAMETER,
    'read-null-buffer': INVALID_PARAMETER,
    'read-null-count': INVALID_PARAMETER,
    close: S_OK,
    'close-again': hrInvalidHandle,
    'open-current-log-numbered-name': S_OK,
    'close-current-log': S_OK,
    'dsa8-open-current-log': S_OK,
    'dsa8-close': S_OK,
  },
  'NTDSBCLI_EMU_FAIL fault injection': {
    'fail-read-always-1': hrBadLogSignature,
    'fail-read-always-2': hrBadLogSignature,
    'fail-read-nth-1': S_OK,
    'fail-read-nth-2': hrBadLogSignature,
    'fail-read-nth-3': S_OK,
    'fail-list-close': ACCESS_DENIED,
    'fail-list-auth': code(1),
    'fail-list-online': hrCouldNotConnect,
    'fail-list-other-function': S_OK,
    'fail-malformed-ignored': S_OK,
  },
  'NULL, unknown, stale and wrong-kind handles': {
    ...Object.fromEntries(
      ['null', 'unknown'].flatMap((kind) =>
        ['names', 'logs', 'locations', 'open', 'read', 'close', 'truncate', 'end', 'register', 'complete', 'rend'].map(
          (fn) => [`${kind}-hbc-${fn}`, hrInvalidHandle],
        ),
      ),
    ),
    'rend-on-backup-context': hrInvalidHandle,
    'register-on-backup-context': hrInvalidHandle,
    'complete-on-backup-context': hrInvalidHandle,
    end: S_OK,
    'end-again': hrInvalidHandle,
    'read-after-end': hrInvalidHandle,
    'rend-again': hrInvalidHandle,
  },
  'DsRestorePrepare: flags, tokens, expiry, online': {
    'end-token-source': S_OK,
    'rprepare-null-hbc': INVALID_PARAMETER,
    'rprepare-other-server': INVALID_BINDING,
    'rprepare-empty-server': INVALID_PARAMETER,
    'rprepare-authoritative': INVALID_PARAMETER,
    'rprepare-online-flag': INVALID_PARAMETER,
    'rprepare-flag-5': INVALID_PARAMETER,
    'rprepare-flag-0': S_OK,
    'rend-flag-0': S_OK,
    'rprepare-catchup': S_OK,
    'rend-catchup': S_OK,
    'rprepare-zero-token': hrUnknownExpiryTokenFormat,
    'rprepare-token-size-0': hrUnknownExpiryTokenFormat,
    'rprepare-token-size-31': hrUnknownExpiryTokenFormat,
    'rprepare-token-tampered': hrUnknownExpiryTokenFormat,
    'rprepare-token-size-37': hrUnknownExpiryTokenFormat,
    'rprepare-online': SERVICE_ALREADY_RUNNING,
    'end-tsl0': S_OK,
    'rprepare-expired': hrContentsExpired,
    ...Object.fromEntries(argTokens.map((a, i) => [`argtoken${i}`, a.expect])),
  },
  'restricted context and DsRestoreRegister arguments': {
    'rprepare-restricted': S_OK,
    'restricted-register': hrMissingExpiryToken,
    'restricted-complete': hrMissingExpiryToken,
    'restricted-end': S_OK,
    'rprepare-for-register': S_OK,
    'register-null-checkpoint': INVALID_PARAMETER,
    'register-null-log': INVALID_PARAMETER,
    'register-null-backup-log': INVALID_PARAMETER,
    'register-empty-log': INVALID_PARAMETER,
    'register-null-map': INVALID_PARAMETER,
    'register-crstmap-0': INVALID_PARAMETER,
    'register-crstmap-negative': INVALID_PARAMETER,
    'register-null-map-member': INVALID_PARAMETER,
    'register-low-above-high': INVALID_PARAMETER,
    'rend-register': S_OK,
  },
};

wineTest(
  'errors: the scenario runs every case once and releases everything; each case has an expectation',
  async (t) => {
    const s = await session();
    ranCleanly(t, 'errors', s.errors);
    const ids = s.errors.records.filter((x) => x.type === 'case').map((x) => x.id);
    t.is(new Set(ids).size, ids.length, 'no case printed twice');
    const expected = Object.values(ERROR_CASES).flatMap((group) => Object.keys(group));
    t.deepEqual([...ids].sort(), [...expected].sort());
    // DsBackupFree ignores pointers it did not hand out (and NULL).
    t.is(s.errors.trace.filter((l) => l.startsWith('DsBackupFree ') && l.endsWith('not-ours')).length, 1);
    // Injected failures are marked in the trace.
    t.is(s.errors.trace.filter((l) => l.endsWith(' injected')).length, 6);
  },
);

for (const [group, expected] of Object.entries(ERROR_CASES)) {
  wineTest(`errors: ${group}`, async (t) => {
    const s = await session();
    const got = cases(s.errors);
    const actual = Object.fromEntries(Object.keys(expected).map((id) => [id, got.get(id) ?? 'not run']));
    t.deepEqual(actual, expected);
  });
}

wineTest(
  'errors: out-values: online flag, untouched inputs, NULL outputs on failure, sizes of the opened files',
  async (t) => {
    const s = await session();
    t.is(value(s.errors, 'online-without-backslashes')['online'], '1');
    t.is(value(s.errors, 'online-offline')['online'], '0');
    t.is(value(s.errors, 'online-default')['online'], '1');
    t.is(value(s.errors, 'names-not-null-on-entry')['untouched'], '1');
    t.is(value(s.errors, 'prepare-null-hbc')['token-null'], '1');
    t.deepEqual(value(s.errors, 'prepare-offline'), { 'token-null': '1', 'hbc-null': '1' });
    t.is(value(s.errors, 'rprepare-online')['hbc-null'], '1');
    t.is(value(s.errors, 'open-local-path-other-case')['size'], String(1 << 20));
    t.is(value(s.errors, 'open-current-log-numbered-name')['size'], String(64 * 1024));
    t.is(value(s.errors, 'dsa8-open-current-log')['size'], String(64 * 1024));
    // The token made with NTDSBCLI_EMU_TSL_DAYS=0 carries 0 days.
    const tsl0 = Buffer.from(value(s.errors, 'tsl0-token')['token']!, 'hex');
    t.is(tsl0.readUInt32LE(16), 0);
  },
);

wineTest(
  'errors: list variants: doc BFT values 0x22/0x23, NTDSBCLI_EMU_RESTORE_DIR, the computer override, 8-digit log names',
  async (t) => {
    const s = await session();
    const c = s.computer;
    const dir = s.errorsDsa.dir;
    t.is(
      list(s.errors, 'DsRestoreGetDatabaseLocationsW').f['data'],
      listHex([
        [BFT_NTDS_DATABASE, unc(c, `${dir}/ntds.dit`)],
        [BFT_LOG_DIR, unc(c, dir)],
        [BFT_CHECKPOINT_DIR, unc(c, dir)],
      ]),
    );
    t.is(
      list(s.errors, 'doc-DsRestoreGetDatabaseLocationsW').f['data'],
      listHex([
        [BFT_NTDS_DATABASE, unc(c, `${dir}/ntds.dit`)],
        [0x22, unc(c, dir)],
        [0x23, unc(c, dir)],
      ]),
    );
    // "C:/Restore Target/NTDS/": slashes turned, trailing separator dropped, the drive letter as an admin share.
    const target = `\\\\${c}\\C$\\Restore Target\\NTDS`;
    t.is(
      list(s.errors, 'restoredir-DsRestoreGetDatabaseLocationsW').f['data'],
      listHex([
        [BFT_NTDS_DATABASE, `${target}\\ntds.dit`],
        [BFT_LOG_DIR, target],
        [BFT_CHECKPOINT_DIR, target],
      ]),
    );
    // A restricted restore context reads the locations too.
    t.is(
      list(s.errors, 'restricted-DsRestoreGetDatabaseLocationsW').f['data'],
      list(s.errors, 'DsRestoreGetDatabaseLocationsW').f['data'],
    );
    t.is(
      list(s.errors, 'override-DsBackupGetDatabaseNamesW').f['data'],
      listHex([[BFT_NTDS_DATABASE, unc('EMUDC01', `${dir}/ntds.dit`)]]),
    );
    // Generations 0xFFFFE, 0xFFFFF (5 digits), 0x100000 (8), and edb.log as 0x100001 (8).
    const d8 = s.dsa8.dir;
    t.deepEqual(s.dsa8.logNames, ['edbFFFFE.log', 'edbFFFFF.log', 'edb00100000.log', 'edb.log']);
    t.is(
      list(s.errors, 'dsa8-DsBackupGetBackupLogsW').f['data'],
      listHex(
        ['edbFFFFE.log', 'edbFFFFF.log', 'edb00100000.log', 'edb00100001.log'].map((n): [number, string] => [
          BFT_LOG,
          unc(c, `${d8}/${n}`),
        ]),
      ),
    );
  },
);

wineTest('errors: the missing-export DLL lacks exactly DsBackupTruncateLogs (GetProcAddress NULL)', async (t) => {
  const s = await session();
  const exports = (which: string) =>
    s.errors.records.find((x) => x.type === 'exports' && x.f['dll'] === which)?.f ?? {};
  t.deepEqual(exports('self'), { dll: 'self', present: EXPORTS.join(','), missing: '' });
  t.deepEqual(exports('other'), {
    dll: 'other',
    present: EXPORTS.filter((n) => n !== 'DsBackupTruncateLogs').join(','),
    missing: 'DsBackupTruncateLogs',
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Restore

wineTest(
  'restore: offline, with the token from the backup process: prepare, locations, register, complete, end',
  async (t) => {
    const s = await session();
    ranCleanly(t, 'restore', s.restore);
    const rec = (type: string) => s.restore.records.find((x) => x.type === type)?.f ?? {};
    t.deepEqual(rec('online'), { hr: S_OK, online: '0' });
    t.is(rec('rprepare')['hr'], S_OK);
    t.is(list(s.restore, 'DsRestoreGetDatabaseLocationsW').f['hr'], S_OK);
    t.is(rec('register')['hr'], S_OK);
    t.is(rec('complete')['hr'], S_OK);
    t.is(rec('rend')['hr'], S_OK);
  },
);

wineTest('restore: DsRestoreRegisterW wrote exactly the KB 814167 values (reg query)', async (t) => {
  const s = await session();
  t.is(s.query.code, 0, s.query.stderr);
  const r = REGISTRATION;
  const key = 'HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\NTDS\\Restore in Progress';
  const byName = (a: QueriedValue, b: QueriedValue) => (a.name.toLowerCase() < b.name.toLowerCase() ? -1 : 1);
  t.deepEqual(parseRegQuery(decodeCp437(s.query.stdout)).sort(byName), [
    { key, name: 'BackupLogPath', type: 'REG_SZ', data: r.backupLog },
    { key, name: 'CheckpointFilePath', type: 'REG_SZ', data: r.checkpoint },
    { key, name: 'HighLog Number', type: 'REG_DWORD', data: '0x4' },
    { key, name: 'LogPath', type: 'REG_SZ', data: r.log },
    { key, name: 'LowLog Number', type: 'REG_DWORD', data: '0x1' },
    { key, name: 'NTDS Database recovered', type: 'REG_BINARY', data: '00' },
    { key, name: 'NTDS_RstMap', type: 'REG_MULTI_SZ', data: `${r.oldDb}\\0${r.newDb}` },
    { key, name: 'NTDS_RstMap Size', type: 'REG_DWORD', data: '0x1' },
  ]);
});

wineTest(
  'restore: the registry holds the exact types and bytes (reg export): REG_MULTI_SZ pairs with the final extra NUL',
  async (t) => {
    const s = await session();
    t.is(s.exported.code, 0, s.exported.stderr);
    const r = REGISTRATION;
    const hex = (b: Buffer) => [...b].map((x) => x.toString(16).padStart(2, '0')).join(',');
    const quoted = (v: string) => `"${v.replace(/\\/g, '\\\\')}"`;
    t.deepEqual(
      regExportEntries(s.exportedBytes).sort(),
      [
        `"BackupLogPath"=${quoted(r.backupLog)}`,
        `"CheckpointFilePath"=${quoted(r.checkpoint)}`,
        `"HighLog Number"=dword:00000004`,
        `"LogPath"=${quoted(r.log)}`,
        `"LowLog Number"=dword:00000001`,
        `"NTDS Database recovered"=hex:00`,
        `"NTDS_RstMap Size"=dword:00000001`,
        `"NTDS_RstMap"=hex(7):${hex(Buffer.from(`${r.oldDb}\0${r.newDb}\0\0`, 'utf16le'))}`,
      ].sort(),
    );
  },
);

wineTest('restore: DsRestoreRegisterComplete recorded the HRESULT the client passed', async (t) => {
  const s = await session();
  t.is(s.queryEmu.code, 0, s.queryEmu.stderr);
  t.deepEqual(
    parseRegQuery(decodeCp437(s.queryEmu.stdout)).map((v) => [v.name, v.type, v.data]),
    [['Emulator RegisterComplete HRESULT', 'REG_DWORD', '0x' + REGISTRATION.completeHr.toString(16)]],
  );
});
