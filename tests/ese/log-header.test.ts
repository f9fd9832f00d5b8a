import test from 'ava';
import { EseHeaderError } from '../../src/ese/errors.ts';
import { LOG_HEADER_LAYOUT, parseLogHeader, writeLogHeader } from '../../src/ese/log-header.ts';
import { writeDatabaseHeader } from '../../src/ese/database-header.ts';
import { sealHeader } from '../../src/ese/checksum.ts';
import { richDatabaseHeader, richLogHeader, withoutChecksum } from '../support/headers.ts';

test('the log layout ends before the attach list at 671', (t) => {
  const end = Math.max(...Object.values(LOG_HEADER_LAYOUT).map(([o, c]) => o + c.size));
  t.is(end, 671);
});

test('round trip: every log header field and the attach list survive', (t) => {
  const h = richLogHeader();
  const p = parseLogHeader(writeLogHeader(h));
  t.deepEqual(withoutChecksum(p.header), withoutChecksum(h));
  t.is(p.header.attached.length, 2);
  t.is(p.header.attached[0]!.path, 'C:\\Windows\\NTDS\\ntds0.dit');
  t.false(p.header.attached[1]!.unicode, 'an ANSI name is read as such');
});

test('every single flipped byte of the 4096-byte log header is detected', (t) => {
  const good = writeLogHeader(richLogHeader());
  let detected = 0;
  for (let i = 0; i < 4096; i++) {
    const bad = new Uint8Array(good);
    bad[i]! ^= 0x10;
    try {
      parseLogHeader(bad);
    } catch (err) {
      if (err instanceof EseHeaderError) detected++;
    }
  }
  t.is(detected, 4096);
});

test('an all-zero log is unused, not corrupt', (t) => {
  const err = t.throws(() => parseLogHeader(new Uint8Array(8192)), { instanceOf: EseHeaderError });
  t.is(err.problem, 'ESE_UNUSED');
});

test('truncated, empty, wrong-kind and damaged logs get their own errors', (t) => {
  const problem = (b: Uint8Array, size = b.length) =>
    t.throws(() => parseLogHeader(b, size), { instanceOf: EseHeaderError }).problem;
  const good = writeLogHeader(richLogHeader());
  t.is(problem(new Uint8Array(0)), 'ESE_TRUNCATED');
  t.is(problem(good.subarray(0, 1000), 1000), 'ESE_TRUNCATED');
  t.is(problem(writeDatabaseHeader(richDatabaseHeader(8192))), 'ESE_WRONG_FILE_TYPE');
  const damaged = new Uint8Array(good);
  damaged[300]! ^= 1;
  const err = t.throws(() => parseLogHeader(damaged), { instanceOf: EseHeaderError });
  t.is(err.problem, 'ESE_CHECKSUM_MISMATCH');
  t.regex(err.message, /stored 0x[0-9a-f]{8}, computed 0x[0-9a-f]{8}/);
});

test('legacy logs with file type 0 are accepted, as ESE does', (t) => {
  const b = writeLogHeader({ ...richLogHeader(), fileType: 0 });
  sealHeader(b);
  t.is(parseLogHeader(b).header.fileType, 0);
});
