// Malicious archives, refused by verify AND by restore, with restore writing nothing anywhere: each variant is a
// real backup re-packed with one planted thing and every hash that covers it made consistent again (SHA256SUMS,
// the manifest, its seal), so that only the planted thing itself can give it away. Planted: `..` and absolute
// names, a backslash, a drive letter, NUL in a PAX path, a PAX path override, symlinks, hard links, devices, a
// FIFO, huge declared sizes, duplicate entries, a recorded path climbing out with `..`. Last, an archive swapped
// for a planted one between restore's verify pass and its reading of the manifest.
import test from 'ava';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeDsaFolder } from '../fixtures/synthetic-dsa.ts';
import { tempDir } from '../support/temp.ts';
import { adbackup } from '../support/cli.ts';
import { snapshotTree } from '../support/tree.ts';
import { runBackup } from '../../src/backup/backup.ts';
import { createFolderSource } from '../../src/platform/folder-source.ts';
import { probeArchive, readArchive } from '../../src/archive/read-archive.ts';
import { TAR_END, tarHeader, tarPadding } from '../../src/archive/tar.ts';
import { type Manifest, sealManifest } from '../../src/archive/manifest.ts';
import { formatSha256Sums } from '../../src/archive/sha256sums.ts';
import { runRestore } from '../../src/restore/restore.ts';
import { MemoryRegistry } from '../../src/registry/writers.ts';
import { AppError } from '../../src/errors.ts';
import { problemWith } from './support.ts';

const NTDS = 'C:\\Windows\\NTDS';
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

interface Entry {
  name: string;
  data: Buffer;
  /** Raw header block(s) instead of ours: typeflag, link name, declared size, PAX records. */
  raw?: { typeflag?: string; linkname?: string; size?: number; pax?: Buffer };
}

/** One ustar header block, checksummed as tar does; fields not given are left as our writer writes them. */
function rawHeader(name: string, size: number, typeflag: string, linkname = ''): Buffer {
  const b = Buffer.alloc(512);
  b.write(name.slice(0, 100), 0, 'latin1');
  b.write('0000600\0', 100, 'latin1');
  b.write('0000000\0', 108, 'latin1');
  b.write('0000000\0', 116, 'latin1');
  b.write(size.toString(8).padStart(11, '0') + '\0', 124, 'latin1');
  b.write('00000000000\0', 136, 'latin1');
  b.write(typeflag, 156, 'latin1');
  b.write(linkname, 157, 'latin1');
  b.write('ustar\x0000', 257, 'latin1');
  b.fill(0x20, 148, 156);
  let sum = 0;
  for (const x of b) sum += x;
  b.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'latin1');
  return b;
}

function paxRecords(records: Record<string, string>): Buffer {
  return Buffer.concat(
    Object.entries(records).map(([k, v]) => {
      const rest = Buffer.from(` ${k}=${v}\n`, 'utf8');
      let len = rest.length + 1;
      while (String(len).length + rest.length !== len) len = String(len).length + rest.length;
      return Buffer.concat([Buffer.from(String(len)), rest]);
    }),
  );
}

function pack(entries: Entry[]): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    if (!e.raw) {
      parts.push(
        tarHeader({ name: e.name, size: e.data.length, mtime: new Date(0), mode: 0o600 }),
        e.data,
        tarPadding(e.data.length),
      );
      continue;
    }
    if (e.raw.pax)
      parts.push(rawHeader('PaxHeaders/x', e.raw.pax.length, 'x'), e.raw.pax, tarPadding(e.raw.pax.length));
    parts.push(
      rawHeader(e.name, e.raw.size ?? e.data.length, e.raw.typeflag ?? '0', e.raw.linkname),
      e.data,
      tarPadding(e.data.length),
    );
  }
  parts.push(TAR_END);
  return Buffer.concat(parts);
}

/** The good archive's entries, re-packed with `plant` applied, SHA256SUMS and the sealed manifest made to agree. */
function repack(entries: Entry[], plant: (data: Entry[], manifest: Manifest) => void): Buffer {
  const manifest = JSON.parse(entries.find((e) => e.name === 'manifest.json')!.data.toString('utf8')) as Manifest;
  const data = entries.filter(
    (e) => e.name !== 'manifest.json' && e.name !== 'SHA256SUMS' && e.name !== 'adbackup.json',
  );
  plant(data, manifest);
  const files = data.map((e) => {
    const known = manifest.files.find((f) => f.entry === e.name);
    return { ...(known ?? manifest.files[1]!), entry: e.name, size: e.data.length, sha256: sha(e.data) };
  });
  manifest.files = files;
  const sums = { name: 'SHA256SUMS', data: Buffer.from(formatSha256Sums(files)) };
  const head = entries.find((e) => e.name === 'adbackup.json')!;
  return pack([head, ...data, sums, { name: 'manifest.json', data: Buffer.from(sealManifest(manifest)) }]);
}

async function setup(t: import('ava').ExecutionContext) {
  const dir = await tempDir(t);
  const f = await makeDsaFolder(join(dir, 'snapshot'), {
    databaseBytes: 512 * 1024,
    logFileBytes: 64 * 1024,
    logs: 3,
    state: 'dirty',
  });
  const archive = join(dir, 'good.tar');
  const source = createFolderSource({
    path: f.dir,
    computer: 'DC01',
    recordAs: { databasePath: `${NTDS}\\ntds.dit`, logPath: NTDS },
  });
  await runBackup(
    source,
    { destination: { path: archive }, compression: { type: 'none' } },
    { now: () => new Date(), progress: () => {} },
  );
  const entries: Entry[] = [];
  await readArchive(await probeArchive(archive), async (e) => {
    const parts: Buffer[] = [];
    for await (const c of e.body) parts.push(Buffer.from(c));
    entries.push({ name: e.header.name, data: Buffer.concat(parts) });
  });
  return { dir, archive, entries };
}

test('planted archives are refused by verify and by restore, which writes nothing anywhere', async (t) => {
  const { dir, archive, entries } = await setup(t);
  const outside = join(dir, 'outside');
  await mkdir(outside);
  const log = (name: string, data = 'x'): Entry => ({ name, data: Buffer.from(data) });
  const variants: [string, (d: Entry[], m: Manifest) => void][] = [
    ['.. in a name', (d) => d.push(log('logs/../../../outside/evil.log'))],
    ['.. as the file name', (d) => d.push(log('logs/..'))],
    ['absolute name', (d) => d.push(log(`${outside}/evil.log`))],
    ['backslash climbing out', (d) => d.push(log('logs/..\\..\\..\\outside\\evil.log'))],
    ['drive letter', (d) => d.push(log('C:/evil.log'))],
    [
      'NUL in a PAX path',
      (d) =>
        d.push({
          name: 'logs/edb00009.log',
          data: Buffer.from('x'),
          raw: { pax: paxRecords({ path: 'logs/edb\u0000.log' }) },
        }),
    ],
    [
      'PAX path override climbing out',
      (d) =>
        d.push({
          name: 'logs/edb00009.log',
          data: Buffer.from('x'),
          raw: { pax: paxRecords({ path: '../../outside/evil.log' }) },
        }),
    ],
    [
      'symlink',
      (d) =>
        d.push({ name: 'logs/edb00009.log', data: Buffer.alloc(0), raw: { typeflag: '2', linkname: '/etc/passwd' } }),
    ],
    [
      'hard link',
      (d) =>
        d.push({ name: 'logs/edb00009.log', data: Buffer.alloc(0), raw: { typeflag: '1', linkname: 'ntds/ntds.dit' } }),
    ],
    ['character device', (d) => d.push({ name: 'logs/edb00009.log', data: Buffer.alloc(0), raw: { typeflag: '3' } })],
    ['block device', (d) => d.push({ name: 'logs/edb00009.log', data: Buffer.alloc(0), raw: { typeflag: '4' } })],
    ['FIFO', (d) => d.push({ name: 'logs/edb00009.log', data: Buffer.alloc(0), raw: { typeflag: '6' } })],
    [
      'huge declared size (8 GiB - 1)',
      (d) => d.push({ name: 'logs/edb00009.log', data: Buffer.from('x'), raw: { size: 0o77777777777 } }),
    ],
    [
      'huge PAX size',
      (d) =>
        d.push({
          name: 'logs/edb00009.log',
          data: Buffer.from('x'),
          raw: { pax: paxRecords({ size: String(2 ** 52) }) },
        }),
    ],
    ['duplicate entry', (d) => d.push({ name: d[1]!.name, data: Buffer.from('other bytes') })],
    [
      'a recorded database path climbing out',
      (_d, m) => (m.source.paths.database.path = `${NTDS}\\..\\..\\..\\outside\\ntds.dit`),
    ],
    ['a recorded log folder climbing out', (_d, m) => (m.source.paths.logs.path = 'C:\\..\\outside')],
    ['an original path with a control character', (_d, m) => (m.files[0]!.originalPath = `${NTDS}\\ntds\u0007.dit`)],
  ];
  for (const [i, [what, plant]] of variants.entries()) {
    const bad = join(dir, `bad${i}.tar`);
    await writeFile(bad, repack(entries, plant));
    const v = await adbackup(['verify'], { archive: bad });
    t.is(v.code, 3, `${what}: verify ${v.stdout.slice(0, 400)}`);
    t.is(problemWith('verify', v), null, what);
    t.false(v.json?.ok ?? false, what);

    const root = join(dir, `root${i}`);
    const live = join(root, 'C', 'Windows', 'NTDS');
    await mkdir(live, { recursive: true });
    await writeFile(join(live, 'ntds.dit'), 'old database');
    const before = await snapshotTree(dir);
    const r = await adbackup(['restore'], {
      archive: bad,
      target: { type: 'files', root },
      registry: { regFile: join(dir, `r${i}.reg`) },
    });
    t.is(r.code, 3, `${what}: restore ${r.stdout.slice(0, 400)}`);
    t.is(r.json?.error?.code, 'ARCHIVE_INVALID', what);
    t.is(problemWith('restore', r), null, what);
    t.deepEqual(await snapshotTree(dir), before, `${what}: restore changed nothing, inside the root or out`);
  }
  t.false(existsSync(join(outside, 'evil.log')));
  t.true((await adbackup(['verify'], { archive })).json.ok, 'the unplanted archive verifies');
});

test('an archive swapped between planning and the one verify-and-write pass: refused, nothing written', async (t) => {
  const { dir, archive, entries } = await setup(t);
  // Without the sidecar the restore plans from a read of the archive's manifest; the swap happens after that read
  // (in the restore-mode probe), so only the pass sees the new file.
  await rm(archive + '.manifest.json');
  const planted = join(dir, 'planted.tar');
  await writeFile(
    planted,
    repack(entries, (d) => d.push({ name: 'logs/..', data: Buffer.from('x') })),
  );
  const f2 = await makeDsaFolder(join(dir, 'other'), {
    databaseBytes: 512 * 1024,
    logFileBytes: 64 * 1024,
    logs: 3,
    state: 'dirty',
  });
  const other = join(dir, 'other.tar'); // a valid backup of the same layout, another backup id
  await runBackup(
    createFolderSource({
      path: f2.dir,
      computer: 'DC01',
      recordAs: { databasePath: `${NTDS}\\ntds.dit`, logPath: NTDS },
    }),
    { destination: { path: other }, compression: { type: 'none' } },
    { now: () => new Date(), progress: () => {} },
  );
  await rm(other + '.manifest.json');
  const root = join(dir, 'root');
  await mkdir(join(root, 'C', 'Windows', 'NTDS'), { recursive: true });
  for (const [swapIn, code] of [
    [other, 'ARCHIVE_CHANGED'],
    [planted, 'ARCHIVE_INVALID'],
  ] as const) {
    const original = await readFile(archive);
    const before = await snapshotTree(root);
    const err = await t.throwsAsync(
      runRestore(
        { archive, target: { type: 'files', root } },
        {
          environment: {
            restoreMode: async () => {
              await rename(swapIn, archive);
              return { inRestoreMode: true, detail: 'DSRM' };
            },
            fileInUse: async () => false,
          },
          registryWriters: [new MemoryRegistry()],
          nativeStyle: 'posix',
          now: () => new Date(),
          progress: () => {},
        },
      ),
      { instanceOf: AppError },
    );
    t.is(err.code, code);
    t.deepEqual(await snapshotTree(root), before, `${code}: nothing written`);
    await writeFile(archive, original);
  }
});
