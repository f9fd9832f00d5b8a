import test from 'ava';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EseHeaderError } from '../../src/ese/errors.ts';
import { detectKind, readHeaderFile } from '../../src/ese/read.ts';
import { writeDatabaseHeader } from '../../src/ese/database-header.ts';
import { writeLogHeader } from '../../src/ese/log-header.ts';
import { writeCheckpoint } from '../../src/ese/checkpoint.ts';
import { AppError } from '../../src/errors.ts';
import { richCheckpoint, richDatabaseHeader, richLogHeader } from '../support/headers.ts';
import { tempDir } from '../support/temp.ts';

test('kind comes from the file type at 667, or from the shadow copy when the primary is wiped', (t) => {
  const db = writeDatabaseHeader(richDatabaseHeader(8192));
  t.is(detectKind(db, db.length), 'database');
  t.is(detectKind(writeLogHeader(richLogHeader()), 4096), 'log');
  const cp = writeCheckpoint(richCheckpoint());
  t.is(detectKind(cp, cp.length), 'checkpoint');
  const wiped = new Uint8Array(cp);
  wiped.fill(0x55, 0, 4096);
  t.is(detectKind(wiped, wiped.length), 'checkpoint');
});

test('an ESE flush map is named, not guessed at', (t) => {
  const b = new Uint8Array(8192);
  new DataView(b.buffer).setUint32(667, 7, true);
  const err = t.throws(() => detectKind(b, b.length), { instanceOf: EseHeaderError });
  t.is(err.problem, 'ESE_WRONG_FILE_TYPE');
  t.regex(err.message, /flush map/);
});

test('reading files: path in the error, IO errors as IO', async (t) => {
  const dir = await tempDir(t);
  const bad = join(dir, 'bad.dit');
  const b = writeDatabaseHeader(richDatabaseHeader(8192));
  b[10]! ^= 1;
  b[8192 + 10]! ^= 1;
  await writeFile(bad, b);
  const err = await t.throwsAsync(readHeaderFile(bad), { instanceOf: EseHeaderError });
  t.is(err.target, bad);
  t.true(err.message.startsWith(bad));
  const missing = await t.throwsAsync(readHeaderFile(join(dir, 'nope')), { instanceOf: AppError });
  t.is(missing.category, 'IO');
  t.is(missing.code, 'FILE_NOT_FOUND');
  const folder = await t.throwsAsync(readHeaderFile(dir), { instanceOf: AppError });
  t.is(folder.code, 'IS_A_DIRECTORY');
});
