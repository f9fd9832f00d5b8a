// `adbackup tables` on a real database: row counts through the catalog, a schema-conforming response, exit 3 with
// findings for a damaged page, and a structured error for a file that is no database.
import test from 'ava';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import * as v from '../../src/protocol/generated/validators.js';
import { adbackup } from '../support/cli.ts';
import { haveShared, ntdsFixture, realDatabaseFixture } from '../support/shared.ts';
import { tempDir } from '../support/temp.ts';

const maybe = haveShared || process.env['CI'] ? test : test.skip;

maybe('tables of basic.edb: every table with its row count, exit 0', async (t) => {
  const path = join(await tempDir(t), 'basic.edb');
  writeFileSync(path, gunzipSync(readFileSync(realDatabaseFixture)));
  const r = await adbackup(['tables'], { path });
  t.is(r.code, 0, r.stdout + r.stderr);
  t.true(v.tablesResponse(r.json), JSON.stringify(v.tablesResponse.errors));
  const rows = Object.fromEntries((r.json as any).tables.map((x: any) => [x.name, x.rows]));
  t.deepEqual(rows, { MSysObjects: 87, MSysObjectsShadow: 87, MSysObjids: 7, MSysLocales: 7, basic: 2 });
  t.deepEqual((r.json as any).findings, []);
});

maybe('a damaged table page: exit 3, the document lists the finding', async (t) => {
  const file = gunzipSync(readFileSync(realDatabaseFixture));
  const basicRoot = 31; // the "basic" table's root page (catalog)
  file[(basicRoot + 2) * 4096 - 100]! ^= 0xff; // not resealed: the checksum no longer matches
  const path = join(await tempDir(t), 'damaged.edb');
  writeFileSync(path, file);
  const r = await adbackup(['tables'], { path });
  t.is(r.code, 3, r.stdout + r.stderr);
  const json = r.json as any;
  t.deepEqual(
    json.findings.map((f: any) => [f.code, f.pgno]),
    [['page-checksum', basicRoot]],
  );
  t.is(json.tables.find((x: any) => x.name === 'basic').rows, 0);
});

test('tables of a file that is no database: a structured error, not a crash', async (t) => {
  const path = join(await tempDir(t), 'not.edb');
  writeFileSync(path, Buffer.alloc(65536, 7));
  const r = await adbackup(['tables'], { path });
  t.not(r.code, 0);
  t.regex(JSON.stringify(r.json ?? r.stderr), /ESE_/);
});

maybe('tables with deep: the template ntds.dit checks clean, exit 0, schema-conforming', async (t) => {
  const path = join(await tempDir(t), 'ntds.dit');
  writeFileSync(path, gunzipSync(readFileSync(ntdsFixture)));
  const r = await adbackup(['tables'], { path, deep: true });
  t.is(r.code, 0, r.stdout + r.stderr);
  t.true(v.tablesResponse(r.json), JSON.stringify(v.tablesResponse.errors));
  t.like((r.json as any).check, { ok: true, directory: true, counts: {} });
  t.deepEqual((r.json as any).findings, []);
});

maybe('tables with deep on a damaged page: exit 3, the check names and counts it', async (t) => {
  const file = gunzipSync(readFileSync(realDatabaseFixture));
  file[(31 + 2) * 4096 - 100]! ^= 0xff; // the "basic" table's root, not resealed
  const path = join(await tempDir(t), 'damaged.edb');
  writeFileSync(path, file);
  const r = await adbackup(['tables'], { path, deep: true });
  t.is(r.code, 3, r.stdout + r.stderr);
  t.true(v.tablesResponse(r.json), JSON.stringify(v.tablesResponse.errors));
  t.like((r.json as any).check, { ok: false, directory: false, counts: { 'page-checksum': 1 } });
});
