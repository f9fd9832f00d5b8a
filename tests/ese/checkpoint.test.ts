import test from 'ava';
import { EseHeaderError } from '../../src/ese/errors.ts';
import { parseCheckpoint, writeCheckpoint } from '../../src/ese/checkpoint.ts';
import { writeLogHeader } from '../../src/ese/log-header.ts';
import { richCheckpoint, richLogHeader, withoutChecksum } from '../support/headers.ts';

test('round trip: every checkpoint field and its attach list survive; two identical copies', (t) => {
  const c = richCheckpoint();
  const bytes = writeCheckpoint(c);
  t.is(bytes.length, 8192);
  t.deepEqual([...bytes.subarray(0, 4096)], [...bytes.subarray(4096)]);
  const p = parseCheckpoint(bytes);
  t.deepEqual(withoutChecksum(p.checkpoint), withoutChecksum(c));
  t.is(p.checkpoint.attached.length, 3);
  t.true(p.election.identical);
});

test('every flipped byte of the primary copy is detected and the shadow serves', (t) => {
  const good = writeCheckpoint(richCheckpoint());
  let served = 0;
  for (let i = 0; i < 4096; i++) {
    const bad = new Uint8Array(good);
    bad[i]! ^= 0x04;
    const p = parseCheckpoint(bad);
    if (p.election.elected === 'shadow' && /primary copy is damaged/.test(p.warnings.join())) served++;
  }
  t.is(served, 4096);
});

test('both copies damaged: checksum mismatch naming both', (t) => {
  const b = writeCheckpoint(richCheckpoint());
  b[100]! ^= 1;
  b[4096 + 2000]! ^= 1;
  const err = t.throws(() => parseCheckpoint(b), { instanceOf: EseHeaderError });
  t.is(err.problem, 'ESE_CHECKSUM_MISMATCH');
  t.regex(err.message, /primary copy .* shadow copy/);
});

test('a log header is not mistaken for a checkpoint even though its checksum is valid', (t) => {
  const err = t.throws(() => parseCheckpoint(writeLogHeader(richLogHeader())), { instanceOf: EseHeaderError });
  t.is(err.problem, 'ESE_WRONG_FILE_TYPE');
});

test('short and all-zero checkpoints', (t) => {
  t.is(t.throws(() => parseCheckpoint(new Uint8Array(8192)), { instanceOf: EseHeaderError }).problem, 'ESE_UNUSED');
  t.is(
    t.throws(() => parseCheckpoint(writeCheckpoint(richCheckpoint()).subarray(0, 3000)), { instanceOf: EseHeaderError })
      .problem,
    'ESE_TRUNCATED',
  );
});
