// Damaged pages must give findings, never exceptions: fast-check mutates bytes of basic.edb's data pages, reseals
// their checksums (so the damage reaches the page, B-tree and record parsers instead of stopping at the checksum)
// and reads every table.
import test from 'ava';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { sealPage } from '../../src/ese/page-checksum.ts';
import { EseDatabase } from '../../src/ese/reader/database.ts';
import { haveShared, realDatabaseFixture } from '../support/shared.ts';

const maybe = haveShared || process.env['CI'] ? test : test.skip;
const PAGE = 4096;

function readAll(db: EseDatabase): number {
  let rows = 0;
  for (const table of db.tables) for (const _ of db.rows(table)) rows++;
  return rows;
}

maybe('a sound basic.edb reads with no findings', (t) => {
  const db = EseDatabase.fromBytes(new Uint8Array(gunzipSync(readFileSync(realDatabaseFixture))));
  t.is(readAll(db), 87 + 87 + 7 + 7 + 2);
  t.deepEqual(db.findings.list, []);
});

maybe('mutated pages give findings, not exceptions', (t) => {
  const original = new Uint8Array(gunzipSync(readFileSync(realDatabaseFixture)));
  // Only pages in use: most of a small database is blank pages no tree reaches.
  const used: number[] = [];
  for (let pgno = 1; pgno <= original.byteLength / PAGE - 2; pgno++) {
    const page = original.subarray((pgno + 1) * PAGE, (pgno + 2) * PAGE);
    if (page.some((b) => b !== 0)) used.push(pgno);
  }
  const mutation = fc.record({
    pgno: fc.constantFrom(...used),
    edits: fc.array(fc.tuple(fc.nat(PAGE - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }),
    reseal: fc.boolean(),
  });
  let withFindings = 0;
  fc.assert(
    fc.property(mutation, ({ pgno, edits, reseal }) => {
      const file = Uint8Array.from(original);
      const page = file.subarray((pgno + 1) * PAGE, (pgno + 2) * PAGE);
      for (const [at, value] of edits) page[at] = value;
      if (reseal) sealPage(new Uint32Array(page.buffer, page.byteOffset, PAGE / 4), pgno);
      const db = EseDatabase.fromBytes(file);
      readAll(db);
      if (db.findings.count > 0) withFindings++;
      for (const f of db.findings.list) t.regex(f.code, /^[a-z-]+$/);
    }),
    { numRuns: 300, seed: 20 },
  );
  t.true(withFindings > 50, `${withFindings} of 300 mutations were noticed`);
});
