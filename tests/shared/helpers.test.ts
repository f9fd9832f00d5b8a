import test from 'ava';
import { progressThrottle, PROGRESS_INTERVAL_MS } from '../../src/progress.ts';
import { compactUtc } from '../../src/compact-time.ts';

test('progressThrottle opens at once, then at most once per interval', (t) => {
  let now = 10_000;
  const due = progressThrottle(PROGRESS_INTERVAL_MS, () => now);
  t.true(due(), 'the first event goes out');
  now += PROGRESS_INTERVAL_MS - 1;
  t.false(due(), 'not before the interval has passed');
  now += 1;
  t.true(due(), 'again once it has');
  t.false(due(), 'and not twice at the same time');
});

test('compactUtc: sortable UTC to the second, safe in a file name', (t) => {
  t.is(compactUtc(new Date('2026-03-01T12:04:05.123Z')), '20260301T120405Z');
  t.regex(compactUtc(new Date()), /^\d{8}T\d{6}Z$/);
});
