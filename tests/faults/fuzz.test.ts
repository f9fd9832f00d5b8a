// Input fuzzing of the JSON protocol (fast-check): generated requests for every command — schema-shaped ones with
// wrong types, extra and missing properties, huge and odd strings, paths to nonexistent and odd files (devices, a
// FIFO, a symlink loop, folders, a real DSA folder and real archives), random JSON values, deep nesting — then
// random argv and raw stdin bytes. Every outcome must be a structured error with its documented exit code or a
// result matching the response schema; never exit 1, never a stack trace. Most run in this process through
// runCli (fast); a sample goes through the real executable. Paths a run may write to all lie in a temp folder.
import test from 'ava';
import fc from 'fast-check';
import { spawn } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { openSync, closeSync, constants as fsConstants } from 'node:fs';
import { join } from 'node:path';
import { makeDsaFolder } from '../fixtures/synthetic-dsa.ts';
import { adbackup, bundle } from '../support/cli.ts';
import { projectRoot } from '../support/shared.ts';
import { runBackup } from '../../src/backup/backup.ts';
import { createFolderSource } from '../../src/platform/folder-source.ts';
import { allowTime, problemWith, runInProcess, scale, seedFor } from './support.ts';

const COMMANDS = [
  'backup',
  'verify',
  'inspect',
  'restore',
  'restore-map',
  'log-range',
  'header',
  'pages',
  'schema',
  'version',
  'tables',
  'objects',
  'compare',
] as const;
const IN_PROCESS = scale(2000, 10_000);
const SPAWNED = scale(50, 300);
const HANG_MS = 20_000;

interface Pool {
  tmp: string;
  read: string[];
  write: string[];
  roots: string[];
  archives: string[];
  fifo: string;
}

async function makePool(tmp: string): Promise<Pool> {
  const f = await makeDsaFolder(join(tmp, 'dsa'), {
    databaseBytes: 256 * 1024,
    logFileBytes: 64 * 1024,
    logs: 3,
    state: 'dirty',
  });
  const env = { now: () => new Date(), progress: () => {} };
  const winArchive = join(tmp, 'archives', 'win.tar.zst');
  const posixArchive = join(tmp, 'archives', 'posix.tar.gz');
  await runBackup(
    createFolderSource({
      path: f.dir,
      computer: 'DC01',
      recordAs: { databasePath: 'C:\\Windows\\NTDS\\ntds.dit', logPath: 'C:\\Windows\\NTDS' },
    }),
    { destination: { path: winArchive } },
    env,
  );
  // Its own copy of the DSA folder: a restore without a root writes back where the backup says the files were.
  const g = await makeDsaFolder(join(tmp, 'dsa-posix'), {
    databaseBytes: 256 * 1024,
    logFileBytes: 64 * 1024,
    logs: 3,
  });
  await runBackup(
    createFolderSource({ path: g.dir }),
    { destination: { path: posixArchive }, compression: { type: 'gzip' } },
    env,
  );
  const text = join(tmp, 'text.json');
  await writeFile(text, '{"not": "a request for anything"}');
  await writeFile(join(tmp, 'empty'), '');
  const fifo = join(tmp, 'fifo');
  execFileSync('mkfifo', [fifo]);
  await symlink(join(tmp, 'loop'), join(tmp, 'loop'));
  await symlink(join(tmp, 'nowhere'), join(tmp, 'dangling'));
  await mkdir(join(tmp, 'root', 'C', 'Windows', 'NTDS'), { recursive: true });
  await mkdir(join(tmp, 'out'), { recursive: true });
  const read = [
    f.dir,
    f.databasePath,
    f.logPath,
    f.checkpointPath,
    join(f.logPath, 'edb.log'),
    join(f.logPath, 'edbres00001.jrs'),
    winArchive,
    posixArchive,
    winArchive + '.manifest.json',
    text,
    join(tmp, 'empty'),
    fifo,
    join(tmp, 'loop'),
    join(tmp, 'dangling'),
    tmp,
    join(tmp, 'missing'),
    '/dev/null',
    '/dev/zero',
    '/',
    '/proc/self/status',
    '/nonexistent/x',
    '.',
    '..',
    'relative.json',
    'C:\\Windows\\NTDS\\ntds.dit',
    '\\\\DC01\\C$\\Windows\\NTDS',
    '\\\\?\\GLOBALROOT\\Device\\HarddiskVolumeShadowCopy1\\Windows\\NTDS',
  ];
  const write = [
    join(tmp, 'out'),
    join(tmp, 'out', 'a.tar.zst'),
    join(tmp, 'out', 'b.tar'),
    join(tmp, 'out', 'r.reg'),
    fifo,
    tmp,
    text,
    join(tmp, 'missing-dir', 'x', 'a.tar.gz'),
    'relative-out.tar',
    '',
  ];
  const roots = [
    join(tmp, 'root'),
    join(tmp, 'root2'),
    text,
    'relative-root',
    'C:\\fuzz-root',
    '\\\\srv\\share',
    join(tmp, 'root', '..', 'root'),
  ];
  return { tmp, read, write, roots, archives: [winArchive, posixArchive], fifo };
}

function requestArbitrary(p: Pool): fc.Arbitrary<{ command: string; text: string; argv: string[] }> {
  const odd = fc.oneof(
    fc.string(),
    fc.string({ unit: 'grapheme', maxLength: 40 }),
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.string().map((s) => `/tmp/${s}\u0000x`),
    fc.integer({ min: 1, max: 5 }).map((k) => 'é𝄞\\/'.repeat(k * 20_000)),
    fc.constantFrom('', ' ', '\u202e', '\ufeff', 'CON', 'NUL:', 'a\\..\\..\\b', '../../../../etc/passwd'),
  );
  const anything = fc.jsonValue({ maxDepth: 3 });
  const field = <T>(good: fc.Arbitrary<T>) =>
    fc.oneof(
      { weight: 30, arbitrary: good as fc.Arbitrary<unknown> },
      { weight: 1, arbitrary: anything },
      { weight: 1, arbitrary: odd },
    );
  // Each property present or not; now and then an extra one.
  const obj = (fields: Record<string, fc.Arbitrary<unknown>>, required: string[] = []) =>
    fc
      .tuple(
        fc.record(Object.fromEntries(Object.entries(fields).map(([k, a]) => [k, field(a)])), {
          requiredKeys: required,
        }),
        fc.oneof(
          { weight: 25, arbitrary: fc.constant(null) },
          { weight: 1, arbitrary: fc.tuple(fc.string({ maxLength: 12 }), anything) },
        ),
      )
      .map(([o, extra]) => (extra ? { ...o, [extra[0]]: extra[1] } : o));
  const readPath = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...p.read) }, { weight: 1, arbitrary: odd });
  const safeName = fc.string({ maxLength: 30 }).map((s) => s.replace(/\.\./g, '_').replace(/\0/g, ''));
  const writePath = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...p.write) },
    { weight: 2, arbitrary: safeName.map((s) => join(p.tmp, 'out', s)) },
  );
  const archive = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...p.archives) },
    { weight: 1, arbitrary: readPath },
  );
  const targetPath = fc.oneof(
    safeName.map((s) => join(p.tmp, 'root', s)),
    fc.constantFrom(
      'D:\\NTDS\\ntds.dit',
      'C:\\Windows\\NTDS',
      'relative\\ntds.dit',
      'C:\\Windows\\..\\..\\etc',
      join(p.tmp, 'root', 'db', 'ntds.dit'),
    ),
  );
  const computer = fc.oneof(fc.constantFrom('DC01', 'dc-02'), fc.string({ maxLength: 70 }));
  const bool = fc.boolean();
  // A database to read: a file, or an archive (in place, or streamed into a sealed scratch file in the temp folder).
  const dbSource = fc.oneof(
    obj({ path: readPath }, ['path']),
    obj({ archive, member: fc.constantFrom('ntds/ntds.dit', 'ntds/edb.log', 'x'), spillDirectory: writePath }, [
      'archive',
    ]),
  );
  const objectsQuery = obj({
    base: fc.oneof(fc.constantFrom('O=Boot', 'CN=Schema,O=Boot', ''), fc.string({ maxLength: 30 })),
    objectClass: fc.constantFrom('top', 'attributeSchema', 'x'),
    name: fc.oneof(fc.constantFrom('*', '?', 'C*N', '[', '\\'), fc.string({ maxLength: 10 })),
    deleted: fc.constantFrom('include', 'only', 'exclude', 'x'),
    changedSinceUsn: fc.integer({ min: -1, max: 2 ** 40 }),
    attributes: fc.array(fc.constantFrom('*', 'cn', 'unicodePwd', 'objectSid', 'x'), { maxLength: 3 }),
    limit: fc.integer({ min: -1, max: 20_000 }),
    cursor: fc.oneof(fc.constantFrom('dnt:0', 'dnt:99999999999', 'dnt:-1', 'x'), fc.string({ maxLength: 12 })),
  });
  const shaped: Record<(typeof COMMANDS)[number], fc.Arbitrary<unknown>> = {
    header: obj({ path: readPath, kind: fc.constantFrom('auto', 'database', 'log', 'checkpoint', 'other') }, ['path']),
    pages: obj({ path: readPath }, ['path']),
    'log-range': obj({
      logPath: readPath,
      files: fc.array(readPath, { maxLength: 4 }),
      databasePath: readPath,
      checkpointPath: readPath,
      baseName: fc.constantFrom('edb', 'EDB', 'res', 'ab'),
    }),
    verify: obj({ archive }, ['archive']),
    inspect: obj({ archive }, ['archive']),
    'restore-map': obj(
      { pairs: fc.array(obj({ original: targetPath, new: targetPath }, ['original', 'new']), { maxLength: 18 }) },
      ['pairs'],
    ),
    schema: obj({
      command: fc.oneof(fc.constantFrom(...COMMANDS, 'error', '__proto__', 'constructor', 'toString'), fc.string()),
    }),
    version: obj({}),
    tables: dbSource,
    objects: fc.tuple(dbSource, objectsQuery).map(([a, b]) => ({ ...(a as object), ...(b as object) })),
    compare: obj(
      {
        left: dbSource,
        right: dbSource,
        attributes: fc.array(fc.string({ maxLength: 12 }), { maxLength: 3 }),
        ignore: fc.array(fc.constantFrom('whenChanged', 'repsFrom', ''), { maxLength: 3 }),
        limit: fc.integer({ min: -1, max: 2_000_000 }),
        includeValues: bool,
      },
      ['left', 'right'],
    ),
    backup: obj(
      {
        source: fc.oneof(
          {
            weight: 4,
            arbitrary: obj(
              {
                type: fc.constant('folder'),
                path: readPath,
                databasePath: readPath,
                logPath: readPath,
                checkpointPath: readPath,
                computer,
                baseName: fc.constantFrom('edb', 'xyz'),
                recordAs: obj({ databasePath: targetPath, logPath: targetPath, checkpointPath: targetPath }),
              },
              ['type'],
            ),
          },
          { weight: 1, arbitrary: obj({ type: fc.constant('api'), server: computer, truncateLogs: bool }, ['type']) },
        ),
        destination: fc.oneof(
          obj({ path: writePath }, ['path']),
          obj(
            {
              directory: writePath,
              nameTemplate: fc.oneof(
                fc.constantFrom('{computer}-{time}', '../{computer}', '{label}', '', '{date}/x'),
                fc.string(),
              ),
            },
            ['directory'],
          ),
        ),
        compression: obj({
          type: fc.constantFrom('zstd', 'gzip', 'none', 'lz4'),
          level: fc.integer({ min: -1, max: 25 }),
        }),
        label: fc.string({ maxLength: 20 }),
        tombstoneLifetimeDays: fc.integer({ min: -1, max: 100_000 }),
        overwrite: bool,
        allowUnrestorable: bool,
        allowCorruptPages: bool,
      },
      ['source', 'destination'],
    ),
    restore: obj(
      {
        archive,
        target: fc.oneof(
          {
            weight: 4,
            arbitrary: obj(
              {
                type: fc.constant('files'),
                root: fc.constantFrom(...p.roots),
                databasePath: targetPath,
                logPath: targetPath,
                backupLogPath: targetPath,
                checkpointPath: targetPath,
                computer,
                createFolders: bool,
                restoreCheckpoint: bool,
              },
              ['type'],
            ),
          },
          { weight: 1, arbitrary: obj({ type: fc.constant('api'), server: computer }, ['type']) },
        ),
        registry: obj({
          regFile: writePath,
          overwriteRegFile: bool,
          apply: bool,
          pathStyle: fc.constantFrom('unc', 'local', 'x'),
        }),
        plan: bool,
        allowExpired: bool,
      },
      ['archive', 'target'],
    ),
  };
  // Deep nesting as text: the value itself would be too deep for fast-check to print.
  const deep = fc
    .tuple(fc.integer({ min: 1, max: 20_000 }), fc.boolean())
    .map(([n, arrays]) => (arrays ? '['.repeat(n) + ']'.repeat(n) : '{"a":'.repeat(n) + '1' + '}'.repeat(n)));
  const flags = fc.subarray(['--pretty', '--progress']);
  return fc.constantFrom(...COMMANDS).chain((command) =>
    fc.record({
      command: fc.constant(command),
      text: fc.oneof(
        { weight: 20, arbitrary: shaped[command].map((r) => JSON.stringify(r)) },
        { weight: 2, arbitrary: anything.map((r) => JSON.stringify(r)) },
        { weight: 1, arbitrary: deep },
      ),
      argv: flags.map((f) => [command, ...f]),
    }),
  );
}

const stdinArbitrary = fc.oneof(
  fc.uint8Array({ maxLength: 2048 }).map((b) => Buffer.from(b)),
  fc.string({ unit: 'binary', maxLength: 200 }).map((s) => Buffer.from(s, 'utf8')),
  fc.jsonValue().map((j) => Buffer.from('\ufeff' + JSON.stringify(j))),
  fc.constantFrom(
    Buffer.alloc(0),
    Buffer.from('\ufeff'),
    Buffer.from('\ufeff{}'),
    Buffer.from('  \n\t '),
    Buffer.from([0xef, 0xbb, 0xbf, 0x7b, 0x7d]),
    Buffer.from([0xff, 0xfe, 0x7b, 0x00, 0x7d, 0x00]),
    Buffer.from('null'),
    Buffer.from('[]'),
    Buffer.from('1e999'),
    Buffer.from('{"path": "x"}{"path": "y"}'),
    Buffer.from('{"__proto__": {"path": 1}}'),
    Buffer.from('['.repeat(200_000)),
    Buffer.from(JSON.stringify({ path: 'x'.repeat(8 << 20) })),
  ),
);

const argvArbitrary = fc.array(
  fc.oneof(
    fc.constantFrom(
      ...COMMANDS,
      '--pretty',
      '--progress',
      '--request',
      '-r',
      '--request=',
      '--help',
      '-h',
      'help',
      '-x',
      '--',
      '__proto__',
      'constructor',
      'toString',
      'hasOwnProperty',
    ),
    fc.string({ maxLength: 12 }),
  ),
  { maxLength: 4 },
);

let pool: Pool;
test.before(async () => {
  pool = await makePool(await mkdtemp(join(tmpdir(), 'adbackup-fuzz-')));
});
test.after.always(async () => {
  if (pool) await rm(pool.tmp, { recursive: true, force: true });
});

/** Nothing a fuzzed run does may leave a file in the working folder (relative paths resolve there). */
async function projectFiles(): Promise<string[]> {
  return (await readdir(projectRoot)).sort();
}

/** Runs in this process, failing (not hanging) when a run never ends; a run blocked on the FIFO is released. */
async function bounded(argv: string[], stdin: string) {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      try {
        closeSync(openSync(pool.fifo, fsConstants.O_WRONLY | fsConstants.O_NONBLOCK));
      } catch {
        /* no reader waiting */
      }
      reject(new Error(`no answer after ${HANG_MS} ms`));
    }, HANG_MS);
  });
  try {
    return await Promise.race([runInProcess(argv, stdin), hang]);
  } finally {
    clearTimeout(timer);
  }
}

test.serial(
  `${IN_PROCESS} generated requests across every command, in process: structured errors or valid results only`,
  async (t) => {
    allowTime(t, 240_000, 900_000);
    const before = await projectFiles();
    const codes = new Map<number, number>();
    const errors = new Map<string, number>();
    const started = Date.now();
    await fc.assert(
      fc.asyncProperty(requestArbitrary(pool), async ({ command, text, argv }) => {
        const o = await bounded(argv, text);
        codes.set(o.code, (codes.get(o.code) ?? 0) + 1);
        const problem = problemWith(command, o);
        if (!problem && o.code !== 0) {
          const e = JSON.parse(o.stdout).error;
          const key = e ? e.code : 'verify/pages findings';
          errors.set(key, (errors.get(key) ?? 0) + 1);
        }
        if (problem) throw new Error(`${argv.join(' ')} ${text.slice(0, 500)}: ${problem}`);
      }),
      { numRuns: IN_PROCESS, seed: seedFor(8001), endOnFailure: true, includeErrorInReport: true },
    );
    t.log(
      `${IN_PROCESS} requests in ${((Date.now() - started) / 1000).toFixed(1)} s; exit codes ${JSON.stringify(Object.fromEntries([...codes].sort()))}`,
    );
    t.log(`error codes: ${JSON.stringify(Object.fromEntries([...errors].sort((a, b) => b[1] - a[1])))}`);
    t.deepEqual(await projectFiles(), before, 'nothing written to the working folder');
    t.true((codes.get(0) ?? 0) > 0 && (codes.get(2) ?? 0) > 0, 'both valid and invalid requests were generated');
  },
);

test.serial(
  'random argv and raw stdin bytes (empty, BOM, UTF-16, invalid UTF-8, deep nesting, 8 MiB), in process',
  async (t) => {
    allowTime(t, 120_000, 600_000);
    await fc.assert(
      fc.asyncProperty(argvArbitrary, async (argv) => {
        const o = await bounded(argv, '{}');
        if (argv.some((a) => a === '--help' || a === '-h' || a === 'help') && o.code === 0) return; // usage text, asked for
        const command = argv.find((a) => !a.startsWith('-')) ?? null;
        const problem = problemWith(command, o);
        if (problem) throw new Error(`${JSON.stringify(argv)}: ${problem}`);
      }),
      { numRuns: scale(300, 2000), seed: seedFor(8002), endOnFailure: true, includeErrorInReport: true },
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...COMMANDS), stdinArbitrary, async (command, bytes) => {
        const o = await bounded([command], bytes.toString('utf8'));
        const problem = problemWith(command, o);
        if (problem)
          throw new Error(`${command} <${bytes.subarray(0, 40).toString('hex')}…(${bytes.length} bytes)>: ${problem}`);
      }),
      { numRuns: scale(300, 2000), seed: seedFor(8003), endOnFailure: true, includeErrorInReport: true },
    );
    t.pass();
  },
);

test.serial(
  `${SPAWNED} generated requests and raw inputs through the executable: same contract, nothing on stderr`,
  async (t) => {
    allowTime(t, 180_000, 900_000);
    const requests = fc.sample(requestArbitrary(pool), { numRuns: SPAWNED, seed: seedFor(8004) });
    const raw = fc.sample(stdinArbitrary, { numRuns: Math.ceil(SPAWNED / 5), seed: seedFor(8005) });
    for (const { command, text, argv } of requests) {
      const r = await adbackup(argv, text);
      const problem = problemWith(command, r);
      t.is(problem, null, `${argv.join(' ')} ${text.slice(0, 300)}`);
    }
    for (const bytes of raw) {
      const r = await adbackup(['header'], bytes);
      t.is(problemWith('header', r), null, `header <${bytes.subarray(0, 40).toString('hex')}… ${bytes.length} bytes>`);
    }
  },
);

test.serial(
  'an endless request (stdin from /dev/zero, or --request naming a device) is refused, not read until memory runs out',
  async (t) => {
    for (const [argv, stdinFile, code] of [
      [['header'], '/dev/zero', 'REQUEST_TOO_LARGE'],
      [['header', '--request', '/dev/zero'], '/dev/null', 'REQUEST_FILE_INVALID'],
    ] as const) {
      const r = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
        const fd = openSync(stdinFile, 'r');
        const child = spawn(process.execPath, ['--max-old-space-size=256', bundle, ...argv], {
          stdio: [fd, 'pipe', 'pipe'],
          timeout: 60_000,
        });
        closeSync(fd);
        let stdout = '';
        let stderr = '';
        child.stdout!.on('data', (d) => (stdout += d));
        child.stderr!.on('data', (d) => (stderr += d));
        child.on('close', (code) => resolve({ code, stdout, stderr }));
      });
      t.is(r.code, 2, `${argv.join(' ')} < ${stdinFile}: ${r.stdout} ${r.stderr.slice(0, 300)}`);
      t.is(JSON.parse(r.stdout).error.code, code);
      t.is(r.stderr, '');
    }
  },
);
