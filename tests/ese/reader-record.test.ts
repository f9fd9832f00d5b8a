// Record layout on hand-built records: fixed columns with the NULL bitmap, variable columns with NULL offsets,
// tagged columns with flag bytes (multi-values, two values, separated and compressed values), text codepages.
import test from 'ava';
import { COLTYP } from '../../src/ese/reader/column-types.ts';
import { Findings } from '../../src/ese/reader/findings.ts';
import { TAGGED_FLAG, splitRecord } from '../../src/ese/reader/record.ts';
import { decodeText, decodeValue, guidString } from '../../src/ese/reader/values.ts';

const u16 = (n: number) => [n & 0xff, n >> 8];
const layout = { fixedSize: (id: number) => ({ 1: 4, 2: 2, 3: 1 })[id], largePage: false };

function record(): Uint8Array {
  const fixed = [7, 0, 0, 0, 0x2a, 0x2a, 9]; // col 1 = 7, col 2 NULL (filler), col 3 = 9
  const bitmap = [0b010];
  const varOffsets = [...u16(3), ...u16(0x8000 | 3), ...u16(5)]; // 128 = "abc", 129 NULL, 130 = "de"
  const varData = [...Buffer.from('abcde')];
  const tagged = [
    ...[...u16(256), ...u16(12)], // plain value, no flag byte
    ...[...u16(257), ...u16(0x4000 | 14)], // multi-valued: flag byte, two u16 offsets, then values
    ...[...u16(258), ...u16(0x4000 | 22)], // separated: a 4-byte long-value id
  ];
  const taggedData = [0x11, 0x22, TAGGED_FLAG.multiValues, ...u16(4), ...u16(5), 0xaa, 0xbb, 0xcc];
  const separated = [TAGGED_FLAG.separated, 1, 0, 0, 0];
  const head = [3, 130, ...u16(4 + fixed.length + bitmap.length)];
  return Uint8Array.from([
    ...head,
    ...fixed,
    ...bitmap,
    ...varOffsets,
    ...varData,
    ...tagged,
    ...taggedData,
    ...separated,
  ]);
}

test('fixed, variable and tagged columns, NULLs, multi-values and separated values', (t) => {
  const findings = new Findings();
  const cols = splitRecord(record(), layout, findings, 1);
  const simple = cols.map((c) => [c.id, c.values.map((v) => [...v.bytes].join(',') + (v.separated ? ' sep' : ''))]);
  t.deepEqual(simple, [
    [1, ['7,0,0,0']],
    [3, ['9']],
    [128, ['97,98,99']],
    [130, ['100,101']],
    [256, ['17,34']],
    [257, ['170', '187,204']],
    [258, ['1,0,0,0 sep']],
  ]);
  t.deepEqual(findings.list, []);
});

test('a record whose offsets run past its end is a bad-record finding, not an exception', (t) => {
  for (let cut = 0; cut < record().byteLength; cut++) {
    const findings = new Findings();
    t.notThrows(() => splitRecord(record().subarray(0, cut), layout, findings, 1));
  }
  const findings = new Findings();
  splitRecord(record().subarray(0, 12), layout, findings, 1);
  t.deepEqual(
    findings.list.map((f) => f.code),
    ['bad-record'],
  );
});

test('compressed and two-value flags are recognised', (t) => {
  const rec = Uint8Array.from([0, 0, ...u16(4), ...u16(256), ...u16(0x4000 | 8), ...u16(257), ...u16(0x4000 | 11)]);
  const tail = [TAGGED_FLAG.compressed, 0x18, 0x00, TAGGED_FLAG.twoValues, 1, 0x41, 0x42, 0x43];
  const cols = splitRecord(Uint8Array.from([...rec, ...tail]), layout, new Findings(), 1);
  t.true(cols[0]!.values[0]!.compressed);
  t.deepEqual(
    cols[1]!.values.map((v) => Buffer.from(v.bytes).toString()),
    ['A', 'BC'],
  );
});

test('typed values: integers, currency, GUID and text codepages', (t) => {
  t.is(decodeValue({ type: COLTYP.short, codepage: 0 }, Uint8Array.from([0xc7, 0xfa])), -1337);
  t.is(decodeValue({ type: COLTYP.currency, codepage: 0 }, new Uint8Array(8).fill(0xff)), -1n);
  t.is(decodeValue({ type: COLTYP.long, codepage: 0 }, Uint8Array.from([1, 2])), null, 'wrong size');
  const guid = Uint8Array.from([
    0xf1, 0x0a, 0x36, 0x3f, 0x66, 0x67, 0xdc, 0x46, 0x9a, 0xf2, 13, 0xac, 0xf2, 0x95, 0xc2, 0xa1,
  ]);
  t.is(guidString(guid), '3f360af1-6766-46dc-9af2-0dacf295c2a1');
  t.is(decodeText(Uint8Array.from([0x41, 0, 0xe9, 0]), 1200), 'Aé');
  t.is(decodeText(Uint8Array.from([0x80, 0x41]), 1252), '€A');
  t.is(decodeText(Uint8Array.from([0x41]), 1200), null, 'odd UTF-16 length');
});
