// `adbackup compare` through the bundle on the 2012 R2 ntds.dit template: a schema-conforming response, exit 0
// whether or not the databases differ (the differences count says), exit 3 when a side is damaged, structured errors.
import test from 'ava';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import * as v from '../../src/protocol/generated/validators.js';
import { AdDirectory } from '../../src/ad/directory.ts';
import { rewriteValues, utf16 } from '../ad/rewrite.ts';
import { unpackNtds } from '../ad/support.ts';
import { adbackup } from '../support/cli.ts';
import { haveNtds, haveShared, realDatabaseFixture } from '../support/shared.ts';
import { tempDir } from '../support/temp.ts';

const maybe = haveNtds || process.env['CI'] ? test : test.skip;
const ntds = unpackNtds(test);

function dntOf(path: string, dn: string): number {
  const dir = AdDirectory.open(path);
  try {
    for (const { dnt, object } of dir.objects()) if (object['distinguishedName'] === dn) return dnt;
  } finally {
    dir.close();
  }
  throw new Error(`${dn} not found`);
}

maybe('compare: identical databases give 0 differences, a rewritten value one change; exit 0 both', async (t) => {
  const same = await adbackup(['compare'], { left: { path: ntds() }, right: { path: ntds() } });
  t.is(same.code, 0, same.stdout + same.stderr);
  t.true(v.compareResponse(same.json), JSON.stringify(v.compareResponse.errors));
  t.like(same.json, { differences: 0, left: { objects: 1741 }, right: { objects: 1741 } });

  const file = new Uint8Array(readFileSync(ntds()));
  const dnt = dntOf(ntds(), 'CN=Common-Name,CN=Schema,O=Boot');
  rewriteValues(file, [{ dnt, column: 'ATTm131266', replace: () => utf16.encode('Common_Name') }]);
  const path = join(await tempDir(t), 'changed.dit');
  writeFileSync(path, file);
  const r = await adbackup(['compare'], { left: { path: ntds() }, right: { path } });
  t.is(r.code, 0, r.stdout + r.stderr);
  t.true(v.compareResponse(r.json), JSON.stringify(v.compareResponse.errors));
  const json = r.json as any;
  t.is(json.differences, 1);
  t.deepEqual(json.changed[0].attributes, [
    { name: 'adminDisplayName', left: ['Common-Name'], right: ['Common_Name'] },
  ]);
});

maybe('compare: a missing side is an IO error (exit 5); an extra property a request error (exit 2)', async (t) => {
  const missing = await adbackup(['compare'], { left: { path: ntds() }, right: { path: `${ntds()}.missing` } });
  t.is(missing.code, 5, missing.stdout + missing.stderr);
  t.regex(JSON.stringify(missing.json), /FILE_NOT_FOUND/);
  const bad = await adbackup(['compare'], { left: { path: ntds() }, right: { path: ntds() }, base: 'O=Boot' });
  t.is(bad.code, 2, bad.stdout + bad.stderr);
});

(haveShared || process.env['CI'] ? test : test.skip)(
  'compare with an ESE database that is no directory: exit 2',
  async (t) => {
    const path = join(await tempDir(t), 'basic.edb');
    writeFileSync(path, gunzipSync(readFileSync(realDatabaseFixture)));
    const r = await adbackup(['compare'], { left: { path }, right: { path } });
    t.is(r.code, 2, r.stdout + r.stderr);
    t.regex(JSON.stringify(r.json), /NOT_A_DIRECTORY_DATABASE/);
  },
);
