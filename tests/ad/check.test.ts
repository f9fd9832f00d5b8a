// The deep check: the template database passes clean; a datatable row whose parent was rewritten to a DNT that
// does not exist (checksum resealed, so only the cross-reference check can see it) is a named, counted finding;
// damaged pages give findings, never exceptions.
import test from 'ava';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { checkDatabase } from '../../src/ad/check.ts';
import { leafEntries } from '../../src/ese/reader/btree.ts';
import { checkCatalog } from '../../src/ese/reader/check.ts';
import { EseDatabase } from '../../src/ese/reader/database.ts';
import { Findings } from '../../src/ese/reader/findings.ts';
import { checkPage, sealPage } from '../../src/ese/page-checksum.ts';
import { haveNtds, ntdsFixture } from '../support/shared.ts';

const maybe = haveNtds || process.env['CI'] ? test : test.skip;
const PAGE = 8192;
let template: Uint8Array | undefined;
const ntds = () => (template ??= new Uint8Array(gunzipSync(readFileSync(ntdsFixture))));

maybe('the template database passes the deep check clean', (t) => {
  const db = EseDatabase.fromBytes(ntds());
  const r = checkDatabase(db);
  t.true(r.ok);
  t.true(r.directory);
  t.deepEqual(r.counts, {});
  const datatable = r.tables.find((x) => x.name === 'datatable')!;
  t.is(datatable.rows, 1743);
  const indexes = db.table('datatable')!.indexes;
  t.is(indexes.length, 176);
  t.is(datatable.indexes.length, 175, 'every secondary index walked (the primary one is the table tree)');
  t.true(datatable.longValueEntries! > 0);
});

maybe("a row's PDNT rewritten to a DNT that does not exist: ad-parent-missing, counted once", (t) => {
  const file = Uint8Array.from(ntds());
  const db = EseDatabase.fromBytes(file);
  const table = db.table('datatable')!;
  // DNT 1721's record: DNT_col (fixed id 1, 4 bytes) then PDNT_col (id 2) after the 4-byte record header.
  const entry = [...leafEntries(db.source, table.fdp, db.findings)].find(
    (e) => Buffer.from(e.key).toString('hex') === '7f800006b9',
  )!;
  const at = (entry.pgno + 1) * PAGE + entry.data.byteOffset + 8;
  const view = new DataView(file.buffer);
  t.is(view.getInt32(at, true), 5, 'the parent the template holds');
  view.setInt32(at, 999_999, true);
  const page = new Uint32Array(file.buffer, (entry.pgno + 1) * PAGE, PAGE / 4);
  t.is(checkPage(page, entry.pgno).status, 'corrupt');
  sealPage(page, entry.pgno);
  t.is(checkPage(page, entry.pgno).status, 'good', 'resealed: the page itself is sound');
  const r = checkDatabase(EseDatabase.fromBytes(file));
  t.false(r.ok);
  t.deepEqual(r.counts, { 'ad-parent-missing': 1 });
  t.like(r.findings[0], { code: 'ad-parent-missing', table: 'datatable' });
  t.regex(r.findings[0]!.message, /row 1721 names parent 999999/);
});

maybe('sd_table without a descriptor some rows hold: ad-sd-missing, once per id', (t) => {
  const file = Uint8Array.from(ntds());
  const db = EseDatabase.fromBytes(file);
  const table = db.table('sd_table')!;
  const entry = [...leafEntries(db.source, table.fdp, db.findings)].at(-1)!; // sd_id 3
  const at = (entry.pgno + 1) * PAGE + entry.data.byteOffset + 4; // sd_id: fixed column 1, 8 bytes
  const view = new DataView(file.buffer);
  t.is(view.getBigInt64(at, true), 3n);
  view.setBigInt64(at, 33n, true);
  sealPage(new Uint32Array(file.buffer, (entry.pgno + 1) * PAGE, PAGE / 4), entry.pgno);
  const r = checkDatabase(EseDatabase.fromBytes(file));
  t.deepEqual(r.counts, { 'ad-sd-missing': 1 });
  t.regex(r.findings[0]!.message, /holds security descriptor 3, which is not in sd_table/);
});

maybe('a link whose link_DNT names no row: ad-link-missing', (t) => {
  const file = Uint8Array.from(ntds());
  const db = EseDatabase.fromBytes(file);
  const table = db.table('link_table')!;
  const entry = [...leafEntries(db.source, table.fdp, db.findings)][0]!;
  const at = (entry.pgno + 1) * PAGE + entry.data.byteOffset + 4; // link_DNT: fixed column 1
  new DataView(file.buffer).setInt32(at, 777_777, true);
  sealPage(new Uint32Array(file.buffer, (entry.pgno + 1) * PAGE, PAGE / 4), entry.pgno);
  const r = checkDatabase(EseDatabase.fromBytes(file));
  t.deepEqual(r.counts, { 'ad-link-missing': 1 });
  t.regex(r.findings[0]!.message, /link_DNT is 777777, which is not in the datatable/);
});

test('catalog rules: a root page outside the file, duplicate names and column ids', (t) => {
  const findings = new Findings();
  const col = (id: number, name: string) => ({ id, name, type: 4, size: 4, codepage: 0, flags: 0 });
  const table = (name: string, fdp: number) => ({
    name,
    objid: 9,
    fdp,
    columns: [col(1, 'a'), col(1, 'b'), col(2, 'A')],
    indexes: [{ name: 'i', objid: 10, fdp: 500 }],
  });
  checkCatalog([table('t', 5), table('T', 6)], 100, findings);
  t.deepEqual(findings.counts, {
    'catalog-duplicate-name': 3, // the table, then column "A" in each table
    'catalog-page-out-of-range': 2, // index i of each table
    'catalog-duplicate-id': 2,
  });
});

maybe('fuzzed pages of the template: findings, never exceptions', (t) => {
  const original = ntds();
  const db = EseDatabase.fromBytes(original);
  const pages = new Set<number>();
  for (const name of ['datatable', 'link_table', 'sd_table', 'hiddentable']) {
    const table = db.table(name)!;
    for (const e of leafEntries(db.source, table.fdp, db.findings)) pages.add(e.pgno);
  }
  pages.add(4); // the catalog's root
  let noticed = 0;
  fc.assert(
    fc.property(
      fc.constantFrom(...pages),
      fc.array(fc.tuple(fc.nat(PAGE - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 16 }),
      (pgno, edits) => {
        const file = Uint8Array.from(original);
        const page = file.subarray((pgno + 1) * PAGE, (pgno + 2) * PAGE);
        for (const [at, value] of edits) page[at] = value;
        sealPage(new Uint32Array(file.buffer, (pgno + 1) * PAGE, PAGE / 4), pgno);
        const r = checkDatabase(EseDatabase.fromBytes(file));
        if (!r.ok) noticed++;
        for (const f of r.findings) t.regex(f.code, /^[a-z-]+$/);
      },
    ),
    { numRuns: 25, seed: 20 },
  );
  t.true(noticed > 5, `${noticed} of 25 mutations were noticed`);
});
