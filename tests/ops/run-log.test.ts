import test from 'ava';
import { readFile, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tempDir } from '../support/temp.ts';
import { appendRunRecord, type RunRecord } from '../../src/ops/run-log.ts';
import { AppError } from '../../src/errors.ts';

const record = (n: number): RunRecord => ({
  start: '2026-12-01T02:00:00.000Z',
  end: '2026-12-01T02:01:00.000Z',
  command: 'backup',
  outcome: 'success',
  computer: 'DC01',
  archive: `D:\\ADBackup\\DC01-ntds-${n}.tar.zst`,
  size: 1000 + n,
  sha256: 'ab'.repeat(32),
  errorCode: null,
  message: null,
  tool: '0.1.0',
});

test('forty runs appending at once: forty whole JSON lines, no lock left, owner-only', async (t) => {
  const log = join(await tempDir(t), 'runs.jsonl');
  await Promise.all(Array.from({ length: 40 }, (_, i) => appendRunRecord(log, record(i))));
  const lines = (await readFile(log, 'utf8')).split('\n');
  t.is(lines.pop(), '');
  t.is(lines.length, 40);
  t.deepEqual(
    lines.map((l) => (JSON.parse(l) as RunRecord).size).sort((a, b) => a! - b!),
    Array.from({ length: 40 }, (_, i) => 1000 + i),
  );
  await t.throwsAsync(stat(log + '.lock'));
  if (process.platform !== 'win32') t.is((await stat(log)).mode & 0o077, 0);
});

test('a lock left by a killed run is taken over once stale; a fresh one makes the writer wait, then give up', async (t) => {
  const dir = await tempDir(t);
  const log = join(dir, 'runs.jsonl');
  await writeFile(log + '.lock', '12345\n');
  const old = new Date(Date.now() - 60_000);
  await utimes(log + '.lock', old, old);
  await appendRunRecord(log, record(1));
  t.is((await readFile(log, 'utf8')).split('\n').length, 2);
  await writeFile(log + '.lock', '12345\n');
  let clock = Date.now();
  const e = await t.throwsAsync(appendRunRecord(log, record(2), () => (clock += 5_000)));
  t.true(e instanceof AppError);
  t.is((e as AppError).code, 'FILE_IN_USE');
  t.is((await readFile(log, 'utf8')).split('\n').length, 2, 'nothing written without the lock');
});

test('a log in a folder that does not exist: an IO error naming the file', async (t) => {
  const log = join(await tempDir(t), 'missing', 'runs.jsonl');
  const e = await t.throwsAsync(appendRunRecord(log, record(1)));
  t.is((e as AppError).category, 'IO');
});
