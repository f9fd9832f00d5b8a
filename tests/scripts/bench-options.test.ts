import test from 'ava';
import { parseBenchArgs } from '../../scripts/bench/options.ts';
import { TARGETS, formatJudged, judge } from '../../scripts/bench/targets.ts';

test('the bench options default to 1 and 8 GiB, one run, no check', (t) => {
  t.deepEqual(parseBenchArgs([]), {
    sizes: [1, 8],
    runs: 1,
    keep: false,
    check: false,
    startupOnly: false,
    readerSizes: [0.25, 1, 4],
    readerOnly: false,
    help: false,
  });
});

test('the reader step takes its own sizes, and can run alone', (t) => {
  const o = parseBenchArgs(['--reader-sizes', '0.5,2', '--reader-only']);
  t.deepEqual(o.readerSizes, [0.5, 2]);
  t.deepEqual(o.sizes, [1, 8], '--sizes untouched');
  t.true(o.readerOnly);
  t.throws(() => parseBenchArgs(['--reader-sizes', '0']), { message: /--reader-sizes/ });
  t.true(judge('flat', 1.2, TARGETS.readerFlat).met);
  t.false(judge('flat', 1.21, TARGETS.readerFlat).met);
});

test('the bench reads sizes, runs and flags', (t) => {
  const o = parseBenchArgs(['--sizes', '0.25,1', '--runs', '3', '--check', '--keep', '--startup-only']);
  t.deepEqual(o.sizes, [0.25, 1]);
  t.is(o.runs, 3);
  t.true(o.check && o.keep && o.startupOnly);
  t.true(parseBenchArgs(['--help']).help);
});

test('an unknown option or a bad value is an error, not a default run', (t) => {
  t.throws(() => parseBenchArgs(['--sise', '1']), { message: /unknown option '--sise'/ });
  t.throws(() => parseBenchArgs(['-x']), { message: /unknown option/ });
  t.throws(() => parseBenchArgs(['--runs']), { message: /needs a value/ });
  t.throws(() => parseBenchArgs(['--runs', '0']), { message: /--runs/ });
  t.throws(() => parseBenchArgs(['--sizes', '1,x']), { message: /--sizes/ });
});

test('a ratio is judged against its target in the right direction', (t) => {
  t.true(judge('backup', 1.0, TARGETS.backup).met);
  t.false(judge('backup', 1.01, TARGETS.backup).met);
  t.true(judge('verify', 0.9, TARGETS.verify).met);
  t.false(judge('verify', 0.89, TARGETS.verify).met);
  t.false(judge('rss', 151, TARGETS.peakRss).met);
  const line = formatJudged(judge('start-up', 1.5, TARGETS.startup));
  t.regex(line, /1\.50×\s+target ≤ 1\.2×\s+MISSED/);
  t.regex(formatJudged(judge('rss', 140, TARGETS.peakRss)), /140 MiB\s+target ≤ 150 MiB\s+met/);
});
