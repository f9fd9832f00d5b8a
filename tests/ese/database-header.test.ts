import test from 'ava';
import { EseHeaderError } from '../../src/ese/errors.ts';
import {
  DB_HEADER_LAYOUT,
  PAGE_SIZES,
  parseDatabaseHeader,
  writeDatabaseHeader,
} from '../../src/ese/database-header.ts';
import { sealHeader } from '../../src/ese/checksum.ts';
import { richDatabaseHeader, withoutChecksum } from '../support/headers.ts';

test('the layout covers the documented 748-byte struct and names no overlapping bytes', (t) => {
  const used = new Set<number>();
  for (const [name, [offset, codec]] of Object.entries(DB_HEADER_LAYOUT)) {
    for (let b = offset; b < offset + codec.size; b++) {
      t.false(used.has(b), `${name} overlaps at byte ${b}`);
      used.add(b);
    }
  }
  t.is(Math.max(...used) + 1, 748);
});

for (const pageSize of PAGE_SIZES) {
  test(`round trip: every field survives write and parse with ${pageSize}-byte pages`, (t) => {
    const h = richDatabaseHeader(pageSize);
    const bytes = writeDatabaseHeader(h);
    t.is(bytes.length, 2 * pageSize);
    const p = parseDatabaseHeader(bytes);
    t.is(p.pageSize, pageSize);
    t.is(p.election.elected, 'primary');
    t.true(p.election.identical);
    t.deepEqual(withoutChecksum(p.header), withoutChecksum(h));
  });
}

test('4 KiB pages may be stored as page size 0 (the default) and are detected', (t) => {
  const p = parseDatabaseHeader(writeDatabaseHeader({ ...richDatabaseHeader(4096), pageSizeField: 0 }));
  t.is(p.pageSize, 4096);
});

test('every single flipped byte of page 0 is detected; the shadow copy then serves', (t) => {
  const good = writeDatabaseHeader(richDatabaseHeader(8192));
  let detected = 0;
  for (let i = 0; i < 8192; i++) {
    const bad = new Uint8Array(good);
    bad[i]! ^= 0x01;
    const p = parseDatabaseHeader(bad);
    if (
      p.election.elected === 'shadow' &&
      !p.election.primary.good &&
      /primary header page is damaged/.test(p.warnings.join())
    )
      detected++;
  }
  t.is(detected, 8192);
});

test('the same byte damaged in both copies is a checksum mismatch naming both copies', (t) => {
  const bytes = writeDatabaseHeader(richDatabaseHeader(8192));
  bytes[1000]! ^= 0x80;
  bytes[8192 + 1000]! ^= 0x80;
  const err = t.throws(() => parseDatabaseHeader(bytes), { instanceOf: EseHeaderError });
  t.is(err.problem, 'ESE_CHECKSUM_MISMATCH');
  t.regex(err.message, /primary copy .*page 0.*shadow copy .*page 1/);
  t.deepEqual(err.details?.['copies'], ['primary', 'shadow']);
});

test('a damaged shadow with a good primary is reported but the primary is used', (t) => {
  const bytes = writeDatabaseHeader(richDatabaseHeader(8192));
  bytes[8192 + 5000]! ^= 0x02;
  const p = parseDatabaseHeader(bytes);
  t.is(p.election.elected, 'primary');
  t.regex(p.warnings.join(), /shadow header page is damaged/);
});

test('two valid but different copies: ESE keeps the primary and we say so', (t) => {
  const a = writeDatabaseHeader(richDatabaseHeader(8192));
  const b = writeDatabaseHeader({ ...richDatabaseHeader(8192), dbState: 2 });
  const mixed = new Uint8Array(16384);
  mixed.set(a.subarray(0, 8192));
  mixed.set(b.subarray(8192), 8192);
  const p = parseDatabaseHeader(mixed);
  t.is(p.election.elected, 'primary');
  t.false(p.election.identical);
  t.is(p.header.dbState, richDatabaseHeader(8192).dbState);
  t.regex(p.warnings.join(), /both valid but differ/);
});

test('specific errors: empty, all-zero, truncated, bad magic, unsupported page size', (t) => {
  const problem = (bytes: Uint8Array, size = bytes.length) =>
    t.throws(() => parseDatabaseHeader(bytes, size), { instanceOf: EseHeaderError }).problem;
  t.is(problem(new Uint8Array(0)), 'ESE_TRUNCATED');
  t.is(problem(new Uint8Array(65536)), 'ESE_UNUSED');
  const full = writeDatabaseHeader(richDatabaseHeader(8192));
  t.is(problem(full.subarray(0, 5000)), 'ESE_TRUNCATED');
  const notEse = new Uint8Array(16384).fill(0x41);
  t.is(problem(notEse), 'ESE_BAD_MAGIC');
  const odd = new Uint8Array(16384);
  odd.set(full.subarray(0, 8192));
  new DataView(odd.buffer).setUint32(236, 12288, true);
  sealHeader(odd.subarray(0, 8192));
  t.is(problem(odd), 'ESE_UNSUPPORTED_PAGE_SIZE');
});

test('a missing shadow page (file cut after page 0) still parses, with a truncation warning', (t) => {
  const full = writeDatabaseHeader(richDatabaseHeader(8192));
  const p = parseDatabaseHeader(full.subarray(0, 8192));
  t.is(p.election.elected, 'primary');
  t.regex(p.warnings.join(), /shadow header page .* is missing/);
});
