import test from 'ava';
import { analyzeLogSet, type LogEntry } from '../../src/logs/analyze.ts';
import type { FindingCode } from '../../src/logs/findings.ts';
import { blankCheckpoint } from '../../src/ese/checkpoint.ts';
import { database, header, logSet, SIGN, tm } from '../support/log-sets.ts';

const codes = (r: { findings: { code: FindingCode }[] }) => r.findings.map((f) => f.code).sort();
const without = (set: LogEntry[], gen: number) => set.filter((e) => e.header?.generation !== gen);

test('one generation: a lone edb.log', (t) => {
  const r = analyzeLogSet(logSet(1, 1));
  t.like(r, { low: 1, high: 1, count: 1, restorable: true });
  t.deepEqual(r.findings, []);
  t.is(r.signLog?.random, SIGN.random);
});

test('two generations', (t) => {
  t.like(analyzeLogSet(logSet(7, 8), database()), { low: 7, high: 8, count: 2, restorable: true });
});

test('300 generations', (t) => {
  const r = analyzeLogSet(
    logSet(1, 300),
    database({ dbState: 2, genMinRequired: 290, genMaxRequired: 300, genMaxCommitted: 300 }),
  );
  t.like(r, { low: 1, high: 300, count: 300, restorable: true, available: { low: 1, high: 300, count: 300 } });
  t.deepEqual(r.required, { low: 290, high: 300, source: 'dirty' });
  t.deepEqual(r.findings, []);
});

test('past 0x100000: 5-digit names give way to 8-digit names and the range runs across', (t) => {
  const set = logSet(0xffffd, 0x100003);
  t.deepEqual(
    set.map((e) => e.name),
    [
      'edbFFFFD.log',
      'edbFFFFE.log',
      'edbFFFFF.log',
      'edb00100000.log',
      'edb00100001.log',
      'edb00100002.log',
      'edb.log',
    ],
  );
  const r = analyzeLogSet(
    set,
    database({ dbState: 2, genMinRequired: 0xfffff, genMaxRequired: 0x100003, genMaxCommitted: 0x100003 }),
  );
  t.like(r, { low: 0xffffd, high: 0x100003, count: 7, restorable: true });
});

test('8-digit names for small generations are read the same', (t) => {
  const set: LogEntry[] = [1, 2].map((g) => ({
    name: `edb0000000${g}.log`,
    fileSize: 65536,
    header: header(g),
    problem: null,
  }));
  set.push({ name: 'edb.log', fileSize: 65536, header: header(3), problem: null });
  t.like(analyzeLogSet(set), { low: 1, high: 3, count: 3, restorable: true });
});

test('the range is the contiguous run ending at the newest log; an older gap in a clean set only warns', (t) => {
  const r = analyzeLogSet(without(logSet(1, 10), 4), database());
  t.like(r, { low: 5, high: 10, count: 6, restorable: true, available: { low: 1, high: 10, count: 9 } });
  t.deepEqual(
    r.findings.map((f) => [f.code, f.severity]),
    [['log-gap', 'warning']],
  );
  t.deepEqual(r.findings[0]!.ranges, [{ low: 4, high: 4 }]);
});

test('a gap inside the required range: the gap and the missing required log are errors', (t) => {
  const r = analyzeLogSet(
    without(logSet(1, 10), 8),
    database({ dbState: 2, genMinRequired: 7, genMaxRequired: 10, genMaxCommitted: 10 }),
  );
  t.false(r.restorable);
  t.deepEqual(codes(r), ['database-required-log-missing', 'log-gap']);
  t.true(r.findings.every((f) => f.severity === 'error'));
  t.deepEqual(r.findings.find((f) => f.code === 'database-required-log-missing')!.ranges, [{ low: 8, high: 8 }]);
});

test('a gap below the required range is harmless and left out', (t) => {
  const r = analyzeLogSet(
    without(logSet(1, 10), 3),
    database({ dbState: 2, genMinRequired: 6, genMaxRequired: 10, genMaxCommitted: 10 }),
  );
  t.true(r.restorable);
  t.like(r, { low: 4, high: 10 });
  t.is(r.findings[0]!.severity, 'warning');
});

test('required logs older than the oldest present', (t) => {
  const r = analyzeLogSet(
    logSet(5, 9),
    database({ dbState: 2, genMinRequired: 3, genMaxRequired: 9, genMaxCommitted: 9 }),
  );
  t.deepEqual(codes(r), ['database-required-log-missing']);
  t.deepEqual(r.findings[0]!.ranges, [{ low: 3, high: 4 }]);
});

test('a clean database needs no log at all', (t) => {
  const r = analyzeLogSet([], database());
  t.like(r, { low: 0, high: 0, count: 0, required: null, restorable: true });
  t.deepEqual(codes(r), ['log-set-empty']);
});

test('a dirty database with no logs cannot be restored', (t) => {
  const r = analyzeLogSet([], database({ dbState: 2, genMinRequired: 4, genMaxRequired: 5, genMaxCommitted: 5 }));
  t.deepEqual(codes(r), ['database-required-log-missing', 'log-set-empty']);
  t.false(r.restorable);
});

test('a log from another log set', (t) => {
  const set = logSet(1, 5);
  set[2]!.header = header(3, { signLog: { ...SIGN, random: 1 } });
  const r = analyzeLogSet(set);
  t.deepEqual(codes(r), ['log-signature-mismatch']);
  t.deepEqual(r.findings[0]!.files, ['edb00003.log']);
});

test('contiguity: tmPrevGen must equal the previous tmCreate', (t) => {
  const set = logSet(1, 5);
  set[3]!.header = header(4, { tmPrevGen: tm(77) });
  const r = analyzeLogSet(set);
  t.deepEqual(codes(r), ['log-not-contiguous']);
  t.deepEqual(r.findings[0]!.files, ['edb00003.log', 'edb00004.log']);
});

test('a generation present twice', (t) => {
  const set = logSet(1, 4);
  set.push({ name: 'edb00000003.log', fileSize: 65536, header: header(3), problem: null });
  const r = analyzeLogSet(set);
  t.deepEqual(codes(r), ['log-duplicate-generation']);
});

test('edb.log must be the newest generation', (t) => {
  const set = logSet(1, 4);
  set.push({ name: 'edb00009.log', fileSize: 65536, header: header(9, { tmPrevGen: null }), problem: null });
  t.true(codes(analyzeLogSet(set)).includes('log-current-not-last'));
});

test('a name that disagrees with its header generation', (t) => {
  const set = logSet(1, 4);
  set[1] = { name: 'edb00002.log', fileSize: 65536, header: header(12), problem: null };
  t.deepEqual(codes(analyzeLogSet(set)), ['log-name-generation-mismatch']);
});

test('a log whose size differs from its header (cut short)', (t) => {
  const set = logSet(1, 4);
  set[0]!.fileSize = 4096 * 3;
  t.deepEqual(codes(analyzeLogSet(set)), ['log-size-mismatch']);
});

test('unreadable log headers are errors; unused reserve logs are fine', (t) => {
  const set = logSet(1, 3);
  set[1] = {
    name: 'edb00002.log',
    fileSize: 65536,
    header: null,
    problem: { code: 'ESE_CHECKSUM_MISMATCH', message: 'log header checksum mismatch' },
  };
  set.push({
    name: 'edbres00001.jrs',
    fileSize: 65536,
    header: null,
    problem: { code: 'ESE_UNUSED', message: 'all zero' },
  });
  const r = analyzeLogSet(set);
  t.deepEqual(codes(r), ['log-header-invalid']);
  t.like(r, { low: 1, high: 3, count: 3 }, 'a damaged log still holds its place: no gap is claimed');
  t.is(r.files.find((f) => f.name === 'edbres00001.jrs')!.status, 'unused');
});

test('geometry and version warnings', (t) => {
  const set = logSet(1, 4);
  set[0]!.header = header(1, { fileSectors: 32 });
  set[0]!.fileSize = 32 * 4096;
  set[1]!.header = header(2, { versionUpdateMajor: 9 });
  const r = analyzeLogSet(set);
  t.deepEqual(codes(r), ['log-geometry-mismatch', 'log-version-regression']);
  t.true(r.restorable);
});

test('database and logs must share the log signature (error when logs are needed)', (t) => {
  const other = { ...SIGN, random: 5 };
  t.deepEqual(
    analyzeLogSet(logSet(1, 3), database({ signLog: other })).findings.map((f) => [f.code, f.severity]),
    [['database-log-signature-mismatch', 'warning']],
  );
  const dirty = analyzeLogSet(
    logSet(1, 3),
    database({ signLog: other, dbState: 2, genMinRequired: 2, genMaxRequired: 3, genMaxCommitted: 3 }),
  );
  t.deepEqual(
    dirty.findings.map((f) => [f.code, f.severity]),
    [['database-log-signature-mismatch', 'error']],
  );
});

test('page size must agree between database and logs', (t) => {
  const r = analyzeLogSet(logSet(1, 2), { ...database(), pageSize: 4096 });
  t.deepEqual(codes(r), ['database-page-size-mismatch']);
});

test('states ESE cannot simply replay are refused, not computed', (t) => {
  for (const s of [4, 5, 6, 7, 8]) {
    t.deepEqual(
      codes(analyzeLogSet(logSet(1, 2), database({ dbState: s }))),
      ['database-state-unsupported'],
      `state ${s}`,
    );
  }
  t.deepEqual(codes(analyzeLogSet(logSet(1, 2), database({ dbState: 2, genMinRequired: 0, genMaxRequired: 0 }))), [
    'database-header-inconsistent',
  ]);
});

test('committed beyond the last log only warns (durability, not consistency)', (t) => {
  const r = analyzeLogSet(
    logSet(1, 5),
    database({ dbState: 2, genMinRequired: 4, genMaxRequired: 5, genMaxCommitted: 7 }),
  );
  t.deepEqual(
    r.findings.map((f) => [f.code, f.severity]),
    [['database-committed-log-missing', 'warning']],
  );
});

test('a streaming-backup copy needs bkinfoFullCur genLow onwards; a snapshot its snapshot range', (t) => {
  const mark = { generation: 5, sector: 1, offset: 2 };
  const streaming = analyzeLogSet(
    logSet(1, 9),
    database({
      dbState: 2,
      genMinRequired: 8,
      genMaxRequired: 9,
      bkinfoFullCur: { mark, markTime: null, genLow: 5, genHigh: 0 },
    }),
  );
  t.deepEqual(streaming.required, { low: 5, high: 5, source: 'streaming-backup' });
  const snap = analyzeLogSet(
    logSet(4, 9),
    database({
      dbState: 2,
      genMinRequired: 8,
      genMaxRequired: 9,
      bkinfoSnapshotCur: { mark, markTime: null, genLow: 3, genHigh: 7 },
    }),
  );
  t.deepEqual(snap.required, { low: 3, high: 9, source: 'snapshot' });
  t.deepEqual(codes(snap), ['database-required-log-missing']);
});

test('checkpoint: signature must match; a generation outside the range warns', (t) => {
  const cp = (gen: number, random = SIGN.random) => ({
    name: 'edb.chk',
    checkpoint: {
      ...blankCheckpoint(),
      lgposCheckpoint: { generation: gen, sector: 8, offset: 0 },
      signLog: { ...SIGN, random },
    },
  });
  t.deepEqual(codes(analyzeLogSet(logSet(1, 5), null, cp(5))), []);
  t.deepEqual(codes(analyzeLogSet(logSet(1, 5), null, cp(5, 1))), ['checkpoint-signature-mismatch']);
  t.deepEqual(codes(analyzeLogSet(logSet(3, 5), null, cp(2))), ['checkpoint-generation-missing']);
});

test('findings come in a fixed order: each file, then the sequence, the database, the checkpoint', (t) => {
  const set = without(logSet(1, 10), 4);
  set[1]!.fileSize = 4096 * 3; // edb00002.log
  set[4]!.header = header(6, { signLog: { ...SIGN, random: 1 } });
  set[6]!.header = header(8, { tmPrevGen: tm(77) });
  set.push({ name: 'edb00000009.log', fileSize: 65536, header: header(9), problem: null });
  set.push({
    name: 'edbres00001.jrs',
    fileSize: 65536,
    header: null,
    problem: { code: 'ESE_CHECKSUM_MISMATCH', message: 'damaged' },
  });
  const db = {
    ...database({ dbState: 2, genMinRequired: 3, genMaxRequired: 10, genMaxCommitted: 10 }),
    pageSize: 4096,
  };
  const cp = {
    name: 'edb.chk',
    checkpoint: {
      ...blankCheckpoint(),
      lgposCheckpoint: { generation: 2, sector: 8, offset: 0 },
      signLog: { ...SIGN, random: 3 },
    },
  };
  const r = analyzeLogSet(set, db, cp);
  t.deepEqual(
    r.findings.map((f) => f.code),
    [
      'log-size-mismatch',
      'log-duplicate-generation',
      'reserve-log-invalid',
      'log-signature-mismatch',
      'log-not-contiguous',
      'database-required-log-missing',
      'log-gap',
      'database-page-size-mismatch',
      'checkpoint-signature-mismatch',
      'checkpoint-generation-missing',
    ],
  );
  t.is(r.files.find((f) => f.name === 'edb00006.log')!.status, 'invalid', 'a log of another set is marked invalid');
});
