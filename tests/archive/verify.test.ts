import test from 'ava';
import { readFile, rm, stat, writeFile, mkdir, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { makeDsaFolder } from '../fixtures/synthetic-dsa.ts';
import { tempDir } from '../support/temp.ts';
import { adbackup } from '../support/cli.ts';
import { sh } from '../support/tools.ts';
import { Prng } from '../fixtures/prng.ts';
import { verifyArchive } from '../../src/archive/verify.ts';
import { inspectArchive } from '../../src/archive/inspect.ts';
import { TAR_END, tarHeader, tarPadding } from '../../src/archive/tar.ts';
import * as v from '../../src/protocol/generated/validators.js';

const small = { databaseBytes: 1024 * 1024, logFileBytes: 64 * 1024, logs: 3 };

async function backup(t: import('ava').ExecutionContext, compression: 'zstd' | 'gzip' | 'none') {
  const dir = await tempDir(t);
  const f = await makeDsaFolder(join(dir, 'NTDS'), { ...small, state: 'dirty' });
  const archive = join(dir, `a${{ zstd: '.tar.zst', gzip: '.tar.gz', none: '.tar' }[compression]}`);
  const r = await adbackup(['backup'], {
    source: { type: 'folder', path: f.dir, computer: 'DC01' },
    destination: { path: archive },
    compression: { type: compression },
  });
  if (r.code !== 0) throw new Error(r.stdout);
  const names = (r.json.manifest.files as { entry: string }[])
    .map((x) => x.entry)
    .concat(['adbackup.json', 'SHA256SUMS', 'manifest.json']);
  return { dir, archive, names };
}

test('a good archive verifies: exit 0, every entry listed, log range re-derived from the archived headers', async (t) => {
  const { archive } = await backup(t, 'zstd');
  const r = await adbackup(['verify'], { archive });
  t.is(r.code, 0, r.stdout);
  t.true(v.verifyResponse(r.json), JSON.stringify(v.verifyResponse.errors));
  t.true(r.json.ok);
  t.deepEqual(r.json.findings, []);
  t.like(r.json.logRange, { low: 1, high: 4, count: 4, restorable: true });
  t.is(r.json.entries.length, 1 + 4 + 1);
});

for (const compression of ['zstd', 'gzip', 'none'] as const) {
  test(`every single flipped byte (${compression}) is detected and the damaged entry named; with and without the sidecar`, async (t) => {
    const { dir, archive, names } = await backup(t, compression);
    const bytes = await readFile(archive);
    const sidecar = await readFile(archive + '.manifest.json');
    const rng = new Prng(compression.length);
    const positions = new Set([
      0,
      1,
      100,
      511,
      512,
      bytes.length >> 1,
      bytes.length - 1,
      bytes.length - 5,
      bytes.length - 600,
    ]);
    while (positions.size < 40) positions.add(rng.below(bytes.length));
    const target = archive.replace(/^(.*)\/a\./, '$1/damaged.');
    let n = 0;
    for (const pos of positions) {
      const bad = Buffer.from(bytes);
      bad[pos]! ^= 1 << rng.below(8);
      await writeFile(target, bad);
      const withSidecar = n++ % 2 === 0;
      if (withSidecar) await writeFile(target + '.manifest.json', sidecar);
      else await rm(target + '.manifest.json', { force: true });
      const r = await verifyArchive(target);
      if (r.ok && !withSidecar && compression === 'gzip') {
        // gzip's blind spot: the unused high bits of a member's last deflate byte are ignored by every inflater
        // (isDeflatePadding); only the sidecar's whole-file hash sees such a flip. Prove that it does.
        t.log(
          `gzip flip at ${pos} of ${bytes.length} bytes seen only with the sidecar (deflate padding: ${isDeflatePadding(bytes, pos)})`,
        );
        await writeFile(target + '.manifest.json', sidecar);
        t.false((await verifyArchive(target)).ok, `flip at ${pos} went unnoticed even with the sidecar`);
        continue;
      }
      t.false(r.ok, `flip at ${pos} of ${bytes.length} bytes (sidecar: ${withSidecar}) went unnoticed`);
      const errors = r.findings.filter((f) => f.severity === 'error');
      const named = errors.some(
        (f) =>
          (f.entry !== undefined && names.includes(f.entry)) ||
          names.some((nm) => f.message.includes(`'${nm}'`)) ||
          f.code === 'archive-hash-mismatch',
      );
      t.true(named, `flip at ${pos}: ${JSON.stringify(errors)}`);
    }
  });
}

test('truncation anywhere is detected (exit 3 through the CLI)', async (t) => {
  const { dir, archive } = await backup(t, 'zstd');
  const bytes = await readFile(archive);
  const target = join(dir, 'cut.tar.zst');
  for (const keep of [10, 600, bytes.length >> 2, bytes.length >> 1, bytes.length - 20, bytes.length - 1]) {
    await writeFile(target, bytes.subarray(0, keep));
    const r = await adbackup(['verify'], { archive: target });
    t.is(r.code, 3, `cut at ${keep}: ${r.stdout}`);
  }
  await writeFile(target, '');
  t.is((await adbackup(['verify'], { archive: target })).code, 3, 'an empty file');
});

/** Whether `pos` is the last deflate byte of a gzip member (the byte before its 8-byte trailer). */
function isDeflatePadding(gz: Buffer, pos: number): boolean {
  const starts: number[] = [];
  for (let i = 0; i + 9 < gz.length; i++)
    if (gz[i] === 0x1f && gz[i + 1] === 0x8b && gz[i + 2] === 8 && gz[i + 3] === 2 && gz[i + 9] === 255) starts.push(i);
  return starts
    .slice(1)
    .concat([gz.length])
    .some((end) => pos === end - 9);
}

async function handMade(dir: string, file: string, entries: { name: string; data: string }[]): Promise<string> {
  const parts: Buffer[] = [];
  for (const e of entries) {
    const d = Buffer.from(e.data);
    parts.push(tarHeader({ name: e.name, size: d.length, mtime: new Date(0), mode: 0o600 }), d, tarPadding(d.length));
  }
  parts.push(TAR_END);
  const p = join(dir, file);
  await writeFile(p, Buffer.concat(parts));
  return p;
}

test('malicious archives are refused: .. and absolute names, duplicates, symlinks, hard links, unknown entries', async (t) => {
  const dir = await tempDir(t);
  const head = { name: 'adbackup.json', data: '{"format":"adbackup-archive"}' };
  const cases: [string, string][] = [
    [await handMade(dir, 'dotdot.tar', [head, { name: '../evil', data: 'x' }]), 'entry-name-unsafe'],
    [await handMade(dir, 'abs.tar', [head, { name: '/etc/cron.d/x', data: 'x' }]), 'entry-name-unsafe'],
    [await handMade(dir, 'nested.tar', [head, { name: 'logs/../../x', data: 'x' }]), 'entry-name-unsafe'],
    [
      await handMade(dir, 'dup.tar', [head, { name: 'logs/edb.log', data: 'a' }, { name: 'logs/edb.log', data: 'b' }]),
      'entry-duplicate',
    ],
    [await handMade(dir, 'extra.tar', [head, { name: 'evil.exe', data: 'MZ' }]), 'entry-unexpected'],
  ];
  const src = join(dir, 'src');
  await mkdir(join(src, 'logs'), { recursive: true });
  await writeFile(join(src, 'adbackup.json'), '{}');
  await symlink('/etc/passwd', join(src, 'logs', 'edb.log'));
  await sh(`tar --format=posix -cf '${dir}/sym.tar' -C '${src}' adbackup.json logs/edb.log`);
  cases.push([join(dir, 'sym.tar'), 'archive-damaged']);
  await writeFile(join(src, 'logs', 'real.log'), 'x');
  await sh(
    `ln '${src}/logs/real.log' '${src}/logs/hard.log' && tar --format=posix -cf '${dir}/hard.tar' -C '${src}' adbackup.json logs/real.log logs/hard.log`,
  );
  cases.push([join(dir, 'hard.tar'), 'archive-damaged']);
  for (const [archive, code] of cases) {
    const r = await adbackup(['verify'], { archive });
    t.is(r.code, 3, `${archive}: ${r.stdout}`);
    t.true(
      r.json.findings.some((f: { code: string }) => f.code === code),
      `${archive}: ${JSON.stringify(r.json.findings)}`,
    );
  }
});

test('not an archive at all -> exit 3 ARCHIVE_FORMAT_UNKNOWN; missing -> exit 5', async (t) => {
  const dir = await tempDir(t);
  await writeFile(join(dir, 'x.bin'), 'hello world, not a tar');
  t.is((await adbackup(['verify'], { archive: join(dir, 'x.bin') })).json.error.code, 'ARCHIVE_FORMAT_UNKNOWN');
  t.is((await adbackup(['verify'], { archive: join(dir, 'none') })).code, 5);
});

test('inspect reads the sidecar, or the archive when the sidecar is gone', async (t) => {
  const { archive } = await backup(t, 'gzip');
  const a = await adbackup(['inspect'], { archive });
  t.is(a.code, 0, a.stdout);
  t.true(v.inspectResponse(a.json), JSON.stringify(v.inspectResponse.errors));
  t.like(a.json, {
    from: 'sidecar',
    computer: 'DC01',
    expired: false,
    tombstoneLifetimeDays: 180,
    logRange: { low: 1, high: 4 },
  });
  await rm(archive + '.manifest.json');
  const b = await adbackup(['inspect'], { archive });
  t.is(b.code, 0, b.stdout);
  t.is(b.json.from, 'archive');
  t.is(b.json.backupId, a.json.backupId);
  const later = await inspectArchive(archive, new Date(Date.parse(a.json.createdAt) + 181 * 86_400_000));
  t.true(later.expired);
  t.is(later.size, (await stat(archive)).size);
});

test('verify warns about an expired backup without failing it', async (t) => {
  const { archive } = await backup(t, 'zstd');
  const r = await verifyArchive(archive, { now: () => new Date(Date.now() + 200 * 86_400_000) });
  t.true(r.ok);
  t.true(r.findings.some((f) => f.code === 'backup-expired' && f.severity === 'warning'));
});
