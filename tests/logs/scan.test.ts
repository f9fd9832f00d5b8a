import test from 'ava';
import { join } from 'node:path';
import { scanLogSet } from '../../src/logs/scan.ts';
import { AppError } from '../../src/errors.ts';
import { EseHeaderError } from '../../src/ese/errors.ts';
import { type Breakage, makeDsaFolder } from '../fixtures/synthetic-dsa.ts';
import { tempDir } from '../support/temp.ts';

const small = { databaseBytes: 256 * 1024, logFileBytes: 64 * 1024, logs: 5 };

test('a clean synthetic folder: the whole set, no findings, checkpoint found beside the logs', async (t) => {
  const f = await makeDsaFolder(await tempDir(t), small);
  const r = await scanLogSet({ logPath: f.logPath, databasePath: f.databasePath });
  t.like(r, { low: f.expected.low, high: f.expected.high, count: f.expected.count, restorable: true, required: null });
  t.deepEqual(r.findings, []);
  t.is(r.checkpoint?.generation, f.expected.checkpointGeneration);
  t.is(r.database?.state, 'Clean Shutdown');
  t.deepEqual(
    r.files.filter((x) => x.role === 'reserve').map((x) => x.status),
    ['unused', 'unused'],
  );
});

test('a dirty synthetic folder with logs in their own folder', async (t) => {
  const f = await makeDsaFolder(await tempDir(t), { ...small, state: 'dirty', separateLogFolder: true });
  t.not(f.logPath, f.dir);
  const r = await scanLogSet({ logPath: f.logPath, databasePath: f.databasePath });
  t.like(r, { low: 1, high: 6, restorable: true });
  t.deepEqual(r.required, { ...f.expected.required!, source: 'dirty' });
});

test('an explicit file list, as the backup API returns logs', async (t) => {
  const f = await makeDsaFolder(await tempDir(t), small);
  const r = await scanLogSet({ files: f.logNames.slice(2).map((n) => join(f.logPath, n)) });
  t.like(r, { low: 3, high: 6, count: 4, restorable: true });
});

test('generations past 0xFFFFF on disk, named with 5 then 8 digits', async (t) => {
  const f = await makeDsaFolder(await tempDir(t), { ...small, firstGeneration: 0xffffe, logs: 4, state: 'dirty' });
  t.deepEqual(f.logNames, ['edbFFFFE.log', 'edbFFFFF.log', 'edb00100000.log', 'edb00100001.log', 'edb.log']);
  const r = await scanLogSet({ logPath: f.logPath, databasePath: f.databasePath });
  t.like(r, { low: 0xffffe, high: 0x100002, count: 5, restorable: true });
});

const variants: [Breakage, 'clean' | 'dirty', string][] = [
  ['gap', 'dirty', 'log-gap'],
  ['missing-required-log', 'dirty', 'database-required-log-missing'],
  ['wrong-signature', 'clean', 'log-signature-mismatch'],
  ['not-contiguous', 'clean', 'log-not-contiguous'],
  ['bad-checksum', 'clean', 'log-header-invalid'],
  ['truncated-header', 'clean', 'log-header-invalid'],
  ['checkpoint-wrong-signature', 'clean', 'checkpoint-signature-mismatch'],
];
for (const [breakage, state, code] of variants) {
  test(`broken variant '${breakage}' yields ${code}`, async (t) => {
    const f = await makeDsaFolder(await tempDir(t), { ...small, state, breakage: [breakage] });
    const r = await scanLogSet({ logPath: f.logPath, databasePath: f.databasePath });
    t.false(r.restorable);
    const hit = r.findings.find((x) => x.code === code);
    t.truthy(hit, JSON.stringify(r.findings));
    t.is(hit!.severity, 'error');
  });
}

test('a damaged database header fails the scan with the specific integrity error', async (t) => {
  const f = await makeDsaFolder(await tempDir(t), { ...small, breakage: ['database-bad-checksum'] });
  const err = await t.throwsAsync(scanLogSet({ logPath: f.logPath, databasePath: f.databasePath }), {
    instanceOf: EseHeaderError,
  });
  t.is(err.problem, 'ESE_CHECKSUM_MISMATCH');
});

test('only page 0 damaged: the shadow serves and the scan goes on', async (t) => {
  const f = await makeDsaFolder(await tempDir(t), { ...small, breakage: ['database-primary-damaged'] });
  const r = await scanLogSet({ logPath: f.logPath, databasePath: f.databasePath });
  t.true(r.restorable);
  t.is(r.database?.headerCopy.elected, 'shadow');
});

test('a missing log folder is an IO error naming it', async (t) => {
  const dir = await tempDir(t);
  const err = await t.throwsAsync(scanLogSet({ logPath: join(dir, 'nope') }), { instanceOf: AppError });
  t.is(err.category, 'IO');
  t.is(err.target, join(dir, 'nope'));
});
