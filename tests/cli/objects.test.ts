// `adbackup objects` through the bundle on the 2012 R2 ntds.dit template: filters, paging, a schema-conforming
// response, and structured errors for a bad cursor and a database that is not a directory.
import test from 'ava';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import * as v from '../../src/protocol/generated/validators.js';
import { unpackNtds } from '../ad/support.ts';
import { adbackup } from '../support/cli.ts';
import { haveNtds, haveShared, realDatabaseFixture } from '../support/shared.ts';
import { tempDir } from '../support/temp.ts';

const maybe = haveNtds || process.env['CI'] ? test : test.skip;
const ntds = unpackNtds(test);

maybe('objects with filters, paged by cursor until the last page', async (t) => {
  const request = { path: ntds(), base: 'CN=Schema,O=Boot', objectClass: 'attributeSchema', name: 'user*', limit: 5 };
  const names: string[] = [];
  let pages = 0;
  let cursor: string | undefined;
  for (let page = 0; page < 10; page++) {
    const r = await adbackup(['objects'], { ...request, ...(cursor === undefined ? {} : { cursor }) });
    t.is(r.code, 0, r.stdout + r.stderr);
    t.true(v.objectsResponse(r.json), JSON.stringify(v.objectsResponse.errors));
    const json = r.json as any;
    t.true(json.objects.length <= 5);
    pages++;
    names.push(...json.objects.map((o: any) => o.name));
    for (const o of json.objects)
      t.deepEqual(Object.keys(o).sort(), [
        'distinguishedName',
        'name',
        'objectClass',
        'objectGUID',
        'uSNChanged',
        'whenChanged',
      ]);
    cursor = json.nextCursor;
    if (cursor === undefined) break;
  }
  t.is(pages, 3, '12 attributeSchema objects named user*, 5 a page');
  t.deepEqual(names, [
    'User-Account-Control',
    'User-Cert',
    'User-Comment',
    'User-Parameters',
    'User-Password',
    'userClass',
    'userPKCS12',
    'User-Principal-Name',
    'User-Shared-Folder',
    'User-Shared-Folder-Other',
    'User-SMIME-Certificate',
    'User-Workstations',
  ]);
});

maybe('objects: chosen attributes, changedSinceUsn and the deleted filter', async (t) => {
  const base = { path: ntds(), attributes: ['distinguishedName', 'lDAPDisplayName', 'uSNChanged'], limit: 10000 };
  const all = (await adbackup(['objects'], base)).json as any;
  t.is(all.objects.length, 1741);
  t.is(all.nextCursor, undefined);
  const recent = (await adbackup(['objects'], { ...base, changedSinceUsn: 1000 })).json as any;
  t.true(recent.objects.length > 0 && recent.objects.length < all.objects.length);
  for (const o of recent.objects) t.true(o.uSNChanged > 1000);
  const deleted = (await adbackup(['objects'], { ...base, deleted: 'only' })).json as any;
  t.deepEqual(deleted.objects, [], 'the template holds no deleted objects');
  const cn = all.objects.find((o: any) => o.distinguishedName === 'CN=Common-Name,CN=Schema,O=Boot');
  t.is(cn.lDAPDisplayName, 'cn');
});

maybe('objects: linked attributes named in the request come from the link table', async (t) => {
  const req = { path: ntds(), name: 'Boot*', attributes: ['distinguishedName', 'hasMasterNCs', 'masteredBy'] };
  const r = (await adbackup(['objects'], req)).json as any;
  const byDn = new Map(r.objects.map((o: any) => [o.distinguishedName, o]));
  t.deepEqual(byDn.get('CN=BootMachine,O=Boot'), {
    distinguishedName: 'CN=BootMachine,O=Boot',
    hasMasterNCs: ['O=Boot'],
  });
  t.deepEqual(byDn.get('O=Boot'), { distinguishedName: 'O=Boot', masteredBy: ['CN=BootMachine,O=Boot'] });
});

maybe('a damaged datatable page: exit 3 with the finding, no objects', async (t) => {
  const file = readFileSync(ntds());
  const tables = (await adbackup(['tables'], { path: ntds() })).json as any;
  const root = tables.tables.find((x: any) => x.name === 'datatable').rootPage;
  file[(root + 2) * 8192 - 100]! ^= 0xff; // 8 KiB pages; not resealed, so the checksum no longer matches
  const path = join(await tempDir(t), 'damaged.dit');
  writeFileSync(path, file);
  const r = await adbackup(['objects'], { path });
  t.is(r.code, 3, r.stdout + r.stderr);
  const json = r.json as any;
  t.deepEqual(
    json.findings.map((f: any) => [f.code, f.pgno]),
    [['page-checksum', root]],
  );
  t.deepEqual(json.objects, []);
});

maybe('objects: a cursor it did not hand out is a request error (exit 2)', async (t) => {
  const r = await adbackup(['objects'], { path: ntds(), cursor: 'page 7' });
  t.is(r.code, 2, r.stdout + r.stderr);
  t.regex(JSON.stringify(r.json), /BAD_CURSOR/);
});

(haveShared || process.env['CI'] ? test : test.skip)(
  'objects of an ESE database without a datatable: exit 2',
  async (t) => {
    const path = join(await tempDir(t), 'basic.edb');
    writeFileSync(path, gunzipSync(readFileSync(realDatabaseFixture)));
    const r = await adbackup(['objects'], { path });
    t.is(r.code, 2, r.stdout + r.stderr);
    t.regex(JSON.stringify(r.json), /NOT_A_DIRECTORY_DATABASE/);
  },
);
