import test from 'ava';
import { mkdtemp, open, rm, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DAY, NOW, copyBackups, makeBackups } from './generated-backups.ts';
import { tempDir } from '../support/temp.ts';
import { DEFAULT_THRESHOLDS, backupStatus, judge } from '../../src/retention/freshness.ts';

let base: string;
let generated: string;
let archives: Map<string, string>;

test.before(async () => {
  base = await mkdtemp(join(tmpdir(), 'adbackup-status-'));
  generated = join(base, 'backups');
  archives = await makeBackups(generated, base);
});
test.after.always(() => rm(base, { recursive: true, force: true }));

const at = (daysAfterNow: number) => () => new Date(NOW.getTime() + daysAfterNow * DAY);

test('verdicts at each age threshold (the newest backup is a day old at NOW)', async (t) => {
  const verdict = async (days: number) => (await backupStatus({ folder: generated }, { now: at(days) })).verdict;
  t.is(await verdict(0), 'Healthy');
  t.is(await verdict(0.99), 'Healthy'); // 1.99 days: not yet past 2
  t.is(await verdict(1.01), 'Warning'); // 2.01 days
  t.is(await verdict(5.99), 'Warning'); // 6.99 days
  t.is(await verdict(6.01), 'Critical'); // 7.01 days
});

test('critical within the shelf-life margin of the newest good backup', async (t) => {
  // Made with a 60-day tombstone lifetime: the newest expires 59 days after NOW.
  const r = await backupStatus({ folder: generated, shelfLifeCriticalDays: 60 }, { now: at(0) });
  t.is(r.verdict, 'Critical');
  t.regex(r.computers[0]!.reasons[0]!, /expires in 59 days/);
  t.is(r.computers[0]!.newestGood!.daysLeft, 59);
  t.is((await backupStatus({ folder: generated, shelfLifeCriticalDays: 58 }, { now: at(0) })).verdict, 'Healthy');
});

test('per DC: newest, newest good, ages; thresholds are the request’s', async (t) => {
  const r = await backupStatus({ folder: generated, warningDays: 0.5 }, { now: at(0) });
  t.deepEqual(
    r.computers.map((c) => [c.computer, c.verdict, c.backups, c.newest?.ageDays, c.newestGood?.ageDays]),
    [
      ['DC01', 'Warning', 8, 1, 1],
      ['DC02', 'Warning', 8, 1, 1],
      ['DC03', 'Warning', 8, 1, 1],
    ],
  );
  t.deepEqual(r.thresholds, { ...DEFAULT_THRESHOLDS, warningDays: 0.5 });
});

test('a damaged newest backup: the sidecar check cannot see it, the hash check can', async (t) => {
  const folder = join(await tempDir(t), 'b');
  const paths = await copyBackups(generated, folder, archives);
  const h = await open(paths.get('DC02/1')!, 'r+');
  await h.write(Buffer.from([0x5a]), 0, 1, 900);
  await h.close();
  t.is((await backupStatus({ folder }, { now: at(0) })).verdict, 'Healthy');
  const r = await backupStatus({ folder, check: 'hash' }, { now: at(0) });
  const dc02 = r.computers.find((c) => c.computer === 'DC02')!;
  t.is(dc02.verdict, 'Warning');
  t.false(dc02.newest!.good);
  t.regex(dc02.newest!.problem!, /sha256/);
  t.is(dc02.newestGood!.ageDays, 2);
  t.is(r.verdict, 'Warning');
});

test('no backups, or a named DC without one, is critical', async (t) => {
  const empty = join(await tempDir(t), 'empty');
  await mkdir(empty);
  const none = await backupStatus({ folder: empty }, { now: at(0) });
  t.is(none.verdict, 'Critical');
  t.deepEqual(none.computers, []);
  const named = await backupStatus({ folder: generated, computers: ['dc01', 'DC09'] }, { now: at(0) });
  t.deepEqual(
    named.computers.map((c) => [c.computer, c.verdict]),
    [
      ['DC01', 'Healthy'],
      ['DC09', 'Critical'],
    ],
  );
});

test('judge: the policy alone', (t) => {
  const ref = (ageDays: number, daysLeft: number) => ({
    archive: 'a',
    createdAt: '',
    expiresAt: '',
    ageDays,
    daysLeft,
  });
  t.is(judge(null, false, DEFAULT_THRESHOLDS).verdict, 'Critical');
  t.is(judge(ref(1, 100), false, DEFAULT_THRESHOLDS).verdict, 'Healthy');
  t.is(judge(ref(1, 100), true, DEFAULT_THRESHOLDS).verdict, 'Warning');
  t.is(judge(ref(2, 100), false, DEFAULT_THRESHOLDS).verdict, 'Healthy');
  t.is(judge(ref(2.01, 100), false, DEFAULT_THRESHOLDS).verdict, 'Warning');
  t.is(judge(ref(7.01, 100), false, DEFAULT_THRESHOLDS).verdict, 'Critical');
  t.is(judge(ref(1, 29.99), false, DEFAULT_THRESHOLDS).verdict, 'Critical');
  t.deepEqual(judge(ref(3, 10), true, DEFAULT_THRESHOLDS).reasons.length, 3);
});
