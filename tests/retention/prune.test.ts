import test from 'ava';
import { access, mkdtemp, open, readdir, rm, writeFile, copyFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AGES, COMPUTERS, NOW, copyBackups, makeBackups } from './generated-backups.ts';
import { tempDir } from '../support/temp.ts';
import { prune, type PruneRequest } from '../../src/retention/prune.ts';
import { AppError } from '../../src/errors.ts';

let base: string;
let generated: string;
let archives: Map<string, string>;

test.before(async () => {
  base = await mkdtemp(join(tmpdir(), 'adbackup-retention-'));
  generated = join(base, 'backups');
  archives = await makeBackups(generated, base);
});
test.after.always(() => rm(base, { recursive: true, force: true }));

const exists = (p: string) =>
  access(p).then(
    () => true,
    () => false,
  );

async function setup(t: import('ava').ExecutionContext) {
  const folder = join(await tempDir(t), 'backups');
  return { folder, paths: await copyBackups(generated, folder, archives) };
}

/** Runs prune on a copy; returns which ages of each DC are left on disk (archive and sidecar both, or neither). */
async function survivors(t: import('ava').ExecutionContext, rules: Omit<PruneRequest, 'folder'>, damage?: string) {
  const { folder, paths } = await setup(t);
  if (damage) await flipByte(paths.get(damage)!);
  const result = await prune({ folder, ...rules }, { now: () => NOW });
  const left: Record<string, number[]> = {};
  for (const c of COMPUTERS) {
    left[c] = [];
    for (const age of AGES) {
      const a = paths.get(`${c}/${age}`)!;
      const [hasArchive, hasSidecar] = [await exists(a), await exists(a + '.manifest.json')];
      t.is(hasArchive, hasSidecar, `${c}/${age}: archive and sidecar go together`);
      if (hasArchive) left[c]!.push(age);
    }
  }
  return { left, result, folder, paths };
}

async function flipByte(path: string) {
  const h = await open(path, 'r+');
  const b = Buffer.alloc(1);
  await h.read(b, 0, 1, 700);
  b[0] = b[0]! ^ 0xff;
  await h.write(b, 0, 1, 700);
  await h.close();
}

const every = (ages: number[]) => Object.fromEntries(COMPUTERS.map((c) => [c, ages]));

test('keepLast keeps the N newest of each DC', async (t) => {
  const { left, result } = await survivors(t, { keepLast: 3 });
  t.deepEqual(left, every([1, 2, 5]));
  t.is(result.removedCount, 15);
  t.true(result.items.filter((i) => i.action === 'removed').every((i) => i.reasons.includes('beyond-keep-last')));
});

test('keepDays keeps what is younger than D days', async (t) => {
  const { left } = await survivors(t, { keepDays: 7 });
  t.deepEqual(left, every([1, 2, 5]));
});

test('expired removes exactly the backups past their shelf life', async (t) => {
  const { left, result } = await survivors(t, { expired: true });
  t.deepEqual(left, every([1, 2, 5, 10, 30, 45]));
  t.true(result.items.filter((i) => i.action === 'kept').every((i) => i.reasons.join() !== ''));
});

test('keep rules are a union; expired removes even what a keep rule would keep', async (t) => {
  t.deepEqual((await survivors(t, { keepLast: 2, keepDays: 20 })).left, every([1, 2, 5, 10]));
  t.deepEqual((await survivors(t, { keepLast: 7, expired: true })).left, every([1, 2, 5, 10, 30, 45]));
});

test('keepLast 0 still keeps the newest good backup of every DC', async (t) => {
  const { left, result } = await survivors(t, { keepLast: 0, keepDays: 0, expired: true });
  t.deepEqual(left, every([1]));
  for (const c of result.computers) t.is(c.newestGood, result.items.find((i) => i.computer === c.computer)!.archive);
  t.true(result.items.filter((i) => i.action === 'kept').every((i) => i.reasons[0] === 'newest-good'));
});

test('a damaged newest backup: the newest good one is kept, the damaged one is left for a person', async (t) => {
  const { left, result } = await survivors(t, { keepLast: 0 }, 'DC02/1');
  t.deepEqual(left, { DC01: [1], DC02: [1, 2], DC03: [1] });
  const damaged = result.items.find((i) => i.computer === 'DC02' && i.reasons.includes('sidecar-hash-mismatch'))!;
  t.is(damaged.action, 'kept');
  t.is(damaged.error?.code, 'ARCHIVE_HASH_MISMATCH');
  t.regex(result.computers.find((c) => c.computer === 'DC02')!.newestGood!, /DC02-ntds-20260929T/);
});

test('plan removes nothing and names exactly what a real run removes', async (t) => {
  const { folder } = await setup(t);
  const before = (await readdir(folder)).sort();
  const planned = await prune({ folder, keepLast: 2, expired: true, plan: true }, { now: () => NOW });
  t.deepEqual((await readdir(folder)).sort(), before);
  const real = await prune({ folder, keepLast: 2, expired: true }, { now: () => NOW });
  const names = (r: typeof planned, action: string) => r.items.filter((i) => i.action === action).map((i) => i.archive);
  t.deepEqual(names(planned, 'would-remove'), names(real, 'removed'));
  t.is(real.removedCount, 18);
  t.is(
    real.removedBytes,
    real.items.filter((i) => i.action === 'removed').reduce((n, i) => n + i.size, 0),
  );
});

test('files that are not ours are listed as skipped and never touched', async (t) => {
  const { folder, paths } = await setup(t);
  const foreign = join(folder, 'foreign.tar.zst');
  await writeFile(foreign, 'not a backup of ours');
  const running = join(folder, 'DC01-ntds-20261001T000000Z.tar.zst.partial');
  await writeFile(running, 'a backup still being written');
  // A sidecar copied beside another file of a different size: they do not belong together.
  const renamed = join(folder, 'other.tar.zst');
  await writeFile(renamed, 'short');
  await copyFile(paths.get('DC03/89')! + '.manifest.json', renamed + '.manifest.json');
  const r = await prune({ folder, keepLast: 0, expired: true }, { now: () => NOW });
  t.deepEqual(
    r.skipped.map((s) => [s.path, s.reason]),
    [
      [running, 'work-file'],
      [foreign, 'no-sidecar'],
      [renamed, 'sidecar-size-mismatch'],
    ],
  );
  for (const p of [foreign, running, renamed, renamed + '.manifest.json']) t.true(await exists(p), p);
});

test('computers limits the prune to those DCs; only limits it to a confirmed list', async (t) => {
  const { folder, paths } = await setup(t);
  const r = await prune({ folder, keepLast: 1, computers: ['dc03'] }, { now: () => NOW });
  t.deepEqual(
    r.computers.map((c) => c.computer),
    ['DC03'],
  );
  t.is(r.removedCount, 7);
  t.true(await exists(paths.get('DC01/89')!));
  const confirmed = [paths.get('DC01/89')!, paths.get('DC01/1')!];
  const o = await prune({ folder, keepLast: 1, only: confirmed }, { now: () => NOW });
  t.deepEqual(
    o.items.filter((i) => i.action === 'removed').map((i) => i.archive),
    [paths.get('DC01/89')!],
  );
  t.true(
    o.items
      .filter((i) => i.action === 'kept' && i.computer !== 'DC03')
      .some((i) => i.reasons.includes('not-confirmed')),
  );
  t.true(await exists(paths.get('DC01/1')!), 'the newest good one stays even when confirmed');
});

test('a prune without a rule is refused before anything is read', async (t) => {
  const e = await t.throwsAsync(prune({ folder: '/nonexistent' }, { now: () => NOW }));
  t.true(e instanceof AppError);
  t.is((e as AppError).code, 'NO_RETENTION_RULE');
  const missing = await t.throwsAsync(prune({ folder: '/nonexistent-folder', keepLast: 1 }, { now: () => NOW }));
  t.is((missing as AppError).code, 'FILE_NOT_FOUND');
});

test('a hash this process computed while writing is used instead of reading the archive again', async (t) => {
  const { folder, paths } = await setup(t);
  const newest = paths.get('DC01/1')!;
  // A wrong hash handed in for the newest backup: were it read again, the newest would be good.
  const r = await prune(
    { folder, keepLast: 0, computers: ['DC01'], plan: true },
    { now: () => NOW, hashed: new Map([[newest, '0'.repeat(64)]]) },
  );
  t.is(r.computers[0]!.newestGood, paths.get('DC01/2')!);
});
