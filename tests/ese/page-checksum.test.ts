import test from 'ava';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { checkPage, sealPage, NEW_CHECKSUM_FLAG } from '../../src/ese/page-checksum.ts';
import { haveNtds, haveShared, ntdsFixture, realDatabaseFixture } from '../support/shared.ts';
import { Prng } from '../fixtures/prng.ts';

const maybe = haveShared || process.env['CI'] ? test : test.skip;

function pagesOf(file: Uint8Array, size: number) {
  const ab = new Uint8Array(file).buffer;
  return Array.from({ length: file.length / size - 2 }, (_, i) => ({
    pgno: i + 1,
    words: new Uint32Array(ab, (i + 2) * size, size / 4),
  }));
}

maybe('the real ESE database: every page good or blank, none corrupt', (t) => {
  const file = gunzipSync(readFileSync(realDatabaseFixture));
  const counts = { good: 0, blank: 0, corrupt: 0 };
  for (const p of pagesOf(file, 4096)) counts[checkPage(p.words, p.pgno).status]++;
  t.deepEqual(counts, { good: 23, blank: 231, corrupt: 0 });
});

maybe('single flipped bits in real pages are found, and located to the byte and bit as ESE reports them', (t) => {
  const file = gunzipSync(readFileSync(realDatabaseFixture));
  const nonBlank = pagesOf(file, 4096).filter((p) => checkPage(p.words, p.pgno).status === 'good');
  const rng = new Prng(5);
  for (let n = 0; n < 200; n++) {
    const p = nonBlank[rng.below(nonBlank.length)]!;
    const copy = new Uint32Array(p.words);
    const bit = 64 + rng.below(4096 * 8 - 64); // outside the stored checksum itself
    copy[bit >>> 5]! ^= 1 << (bit & 31);
    const r = checkPage(copy, p.pgno);
    t.is(r.status, 'corrupt');
    if (bit === 36 * 8 + 13) continue; // the format flag itself: ESE will not "correct" it
    t.deepEqual(r.singleBit, { byte: bit >>> 3, bit: bit & 7 }, `page ${p.pgno} bit ${bit}`);
  }
});

maybe('content read under the wrong page number is named: "perhaps this is actually page N"', (t) => {
  const file = gunzipSync(readFileSync(realDatabaseFixture));
  const good = pagesOf(file, 4096).filter((p) => checkPage(p.words, p.pgno).status === 'good');
  const [a, b] = [good[0]!, good[1]!];
  const r = checkPage(a.words, b.pgno);
  t.is(r.status, 'corrupt');
  t.is(r.contentOfPage, a.pgno);
});

(haveNtds || process.env['CI'] ? test : test.skip)(
  'sealing an untouched page of a real ntds.dit (8 KiB pages) writes back exactly the checksum ESE stored',
  (t) => {
    const file = gunzipSync(readFileSync(ntdsFixture));
    let sealed = 0;
    for (const p of pagesOf(file, 8192)) {
      const check = checkPage(p.words, p.pgno);
      if (check.status !== 'good' || check.format !== 'new') continue;
      const copy = new Uint32Array(p.words);
      copy[0] = 0;
      copy[1] = 0;
      sealPage(copy, p.pgno);
      if (copy[0] !== p.words[0] || copy[1] !== p.words[1]) t.fail(`page ${p.pgno}`);
      sealed++;
    }
    t.is(sealed, 865, 'every good page of the template is in the new format');
  },
);

for (const size of [4096, 8192, 16384, 32768]) {
  test(`sealed ${size}-byte pages verify, and every tested flip is caught`, (t) => {
    const rng = new Prng(size);
    for (let pgno = 1; pgno <= 20; pgno++) {
      const page = new Uint32Array(size / 4);
      for (let i = 2; i < page.length; i++) if (rng.chance(0.6)) page[i] = rng.next();
      sealPage(page, pgno);
      t.like(checkPage(page, pgno), { status: 'good', format: 'new' });
      const bad = new Uint32Array(page);
      const word = rng.below(bad.length);
      bad[word]! ^= 1 << rng.below(32);
      t.is(checkPage(bad, pgno).status, 'corrupt', `${size} pgno ${pgno} word ${word}`);
    }
  });
}

test('old-format pages: seed ^ XOR in bytes 0-3 and the page number in 4-7', (t) => {
  const page = new Uint32Array(2048);
  for (let i = 2; i < page.length; i++) page[i] = (i * 2654435761) >>> 0;
  page[9]! &= ~NEW_CHECKSUM_FLAG; // flags word (offset 36): old format
  page[1] = 77;
  let c = 0x89abcdef;
  for (let i = 1; i < page.length; i++) c ^= page[i]!;
  page[0] = c >>> 0;
  t.like(checkPage(page, 77), { status: 'good', format: 'old' });
  t.is(checkPage(page, 78).status, 'corrupt', 'the page number is checked');
  page[1000]! ^= 4;
  t.is(checkPage(page, 77).status, 'corrupt');
});

test('blank means all zero: a zero page with anything set is not blank', (t) => {
  const page = new Uint32Array(2048);
  t.is(checkPage(page, 3).status, 'blank');
  page[700] = 1;
  t.is(checkPage(page, 3).status, 'corrupt');
});
