import test from 'ava';
import { viewOf } from '../../src/ese/fields.ts';
import {
  type LogTime,
  formatLgpos,
  formatLogTime,
  lgpos,
  logTimeFromDate,
  logTimeToIso,
  logtime,
  sameSignature,
  signature,
} from '../../src/ese/structs.ts';

test('LOGTIME keeps milliseconds split over bytes 6 and 7, the UTC bit and the snapshot bit', (t) => {
  const value: LogTime = {
    year: 2026,
    month: 11,
    day: 23,
    hours: 23,
    minutes: 59,
    seconds: 58,
    milliseconds: 999,
    utc: true,
    osSnapshot: true,
  };
  const buf = new Uint8Array(8);
  logtime.write(viewOf(buf), 0, value);
  t.deepEqual([...buf], [58, 59, 23, 23, 11, 126, ((999 & 0x7f) << 1) | 1, ((999 >> 7) << 1) | 1]);
  t.deepEqual(logtime.read(viewOf(buf), 0), value);
});

test('an all-zero LOGTIME is unset (null) and prints as esentutl does', (t) => {
  t.is(logtime.read(viewOf(new Uint8Array(8)), 0), null);
  t.is(formatLogTime(null), '00/00/1900 00:00:00.000 LOC');
});

test('LOGTIME from a Date is UTC and prints MM/DD/YYYY like esentutl', (t) => {
  const lt = logTimeFromDate(new Date('2022-08-19T11:46:32.636Z'));
  t.is(formatLogTime(lt), '08/19/2022 11:46:32.636 UTC');
  t.is(logTimeToIso(lt), '2022-08-19T11:46:32.636Z');
  t.is(logTimeToIso({ ...lt, utc: false }), '2022-08-19T11:46:32.636');
});

test('LGPOS is (ib, isec, generation) on disk and prints (0xGEN,ISEC,IB) in hex', (t) => {
  const buf = new Uint8Array([0xbc, 0x01, 0x08, 0x00, 0x1a, 0x00, 0x10, 0x00]);
  const p = lgpos.read(viewOf(buf), 0);
  t.deepEqual(p, { offset: 0x1bc, sector: 8, generation: 0x10001a });
  t.is(formatLgpos(p), '(0x10001A,8,1BC)');
});

test('signatures compare on all 28 bytes, computer name included', (t) => {
  const a = { random: 7, created: logTimeFromDate(new Date(0)), computer: 'DC01' };
  t.true(sameSignature(a, { ...a }));
  t.false(sameSignature(a, { ...a, computer: 'DC02' }));
  t.false(sameSignature(a, { ...a, random: 8 }));
  const buf = new Uint8Array(28);
  signature.write(viewOf(buf), 0, { ...a, computer: 'A-VERY-LONG-COMPUTER-NAME' });
  t.is(buf[27], 0, 'the name stays NUL-terminated within its 16 bytes');
  t.is(signature.read(viewOf(buf), 0).computer, 'A-VERY-LONG-COM');
});
