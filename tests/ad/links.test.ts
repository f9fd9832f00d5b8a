// Linked attributes from link_table. The 2012 R2 template holds two link rows, both from its DSA
// (CN=BootMachine,O=Boot) to O=Boot: hasMasterNCs (linkID 76) and msDS-hasMasterNCs (2036), whose back links are
// masteredBy (77) and msDs-masteredBy (2037). The rule for removed values is tested on a double: the template's
// link records end before link_deltime, so it cannot be set in place.
import test from 'ava';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { compareDatabases } from '../../src/ad/compare.ts';
import { AdDirectory, type AdObject } from '../../src/ad/directory.ts';
import { LinkReader } from '../../src/ad/links.ts';
import { queryDirectory } from '../../src/ad/query.ts';
import { AdSchema } from '../../src/ad/schema.ts';
import type { TableDef } from '../../src/ese/reader/catalog.ts';
import type { EseDatabase, Row } from '../../src/ese/reader/database.ts';
import { longKey, readLongKey } from '../../src/ese/reader/keys.ts';
import { haveNtds } from '../support/shared.ts';
import { rewriteLinkBase } from './rewrite.ts';
import { unpackNtds } from './support.ts';

const maybe = haveNtds || process.env['CI'] ? test : test.skip;
const ntds = unpackNtds(test);
const DSA = 'CN=BootMachine,O=Boot';

function withDirectory<T>(path: string, f: (dir: AdDirectory) => T): T {
  const dir = AdDirectory.open(path);
  try {
    return f(dir);
  } finally {
    dir.close();
  }
}

function allObjects(dir: AdDirectory, attributes?: string[]): Map<string, AdObject> {
  const objects = [...dir.objects(0, attributes ? { attributes } : {})];
  return new Map(objects.map(({ object }) => [String(object['distinguishedName']), object]));
}

maybe("'*' returns each link under its LDAP name, as the DN of an existing object, with the back link", (t) => {
  withDirectory(ntds(), (dir) => {
    const objects = allObjects(dir, ['*']);
    t.deepEqual(objects.get(DSA)?.['hasMasterNCs'], ['O=Boot']);
    t.deepEqual(objects.get(DSA)?.['msDS-hasMasterNCs'], ['O=Boot']);
    t.deepEqual(objects.get('O=Boot')?.['masteredBy'], [DSA]);
    t.deepEqual(objects.get('O=Boot')?.['msDs-masteredBy'], [DSA]);
    let forward = 0;
    for (const [dn, object] of objects) {
      for (const [name, values] of Object.entries(object)) {
        const linkId = dir.schema.attributeByName(name)?.linkId;
        if (linkId === undefined || !Array.isArray(values)) continue;
        for (const v of values) t.true(objects.has(String(v)), `${name} of ${dn}: ${v} is an object`);
        if (linkId % 2 === 1) continue;
        const back = dir.schema.attributeByLinkId(linkId + 1)!.name;
        for (const v of values) t.deepEqual(objects.get(String(v))?.[back], [dn], `${back} of ${v}`);
        forward += values.length;
      }
    }
    t.is(forward, 2); // the template's two link rows
  });
});

maybe('only the linked attributes named are read; without names, none', (t) => {
  withDirectory(ntds(), (dir) => {
    const named = allObjects(dir, ['distinguishedName', 'HASMASTERNCS']);
    t.deepEqual(named.get(DSA)?.['hasMasterNCs'], ['O=Boot']);
    t.is(named.get(DSA)?.['msDS-hasMasterNCs'], undefined);
    t.is(named.get('O=Boot')?.['masteredBy'], undefined);
    const plain = allObjects(dir);
    t.is(plain.get(DSA)?.['hasMasterNCs'], undefined);
    t.truthy(plain.get(DSA)?.['objectGUID']);
  });
});

maybe('objects with the default attributes reads nothing of link_table; asking for memberOf does', (t) => {
  withDirectory(ntds(), (dir) => {
    let linkReads = 0;
    const db = dir.db;
    const { rowsByPrefix, indexEntries, rowByKey } = db;
    const count = (table: TableDef) => {
      if (table.name === 'link_table') linkReads++;
    };
    db.rowsByPrefix = (table, ...rest) => (count(table), rowsByPrefix.call(db, table, ...rest));
    db.indexEntries = (table, ...rest) => (count(table), indexEntries.call(db, table, ...rest));
    db.rowByKey = (table, ...rest) => (count(table), rowByKey.call(db, table, ...rest));
    const page = queryDirectory(dir, { limit: 2000 });
    t.is(page.objects.length, 1741);
    t.is(linkReads, 0);
    const withLinks = queryDirectory(dir, { attributes: ['distinguishedName', 'memberOf'], limit: 2000 });
    t.is(withLinks.objects.length, 1741);
    t.true(linkReads >= 2 * 1741, `${linkReads} link reads`);
    // the filter is applied before links are read
    linkReads = 0;
    const one = queryDirectory(dir, { name: 'BootMachine', attributes: ['*'] });
    t.deepEqual(one.objects[0]?.['hasMasterNCs'], ['O=Boot']);
    t.is(linkReads, 1 + 1); // one seek for its forward links, one for its back links
  });
});

maybe('compare: a link that became another attribute is a change on both ends', (t) => {
  const changed = join(dirname(ntds()), 'links-changed.dit');
  const file = new Uint8Array(readFileSync(ntds()));
  t.is(rewriteLinkBase(file, 38, 1), 1); // hasMasterNCs (linkID 76) → member (linkID 2)
  writeFileSync(changed, file);
  const r = compareDatabases({ left: { path: ntds() }, right: { path: changed } });
  t.like(r, { differences: 2, counts: { added: 0, deleted: 0, moved: 0, changed: 2 } });
  const byDn = new Map(r.changed.map((c) => [c.distinguishedName, c.attributes]));
  t.deepEqual(byDn.get(DSA), [
    { name: 'hasMasterNCs', left: ['O=Boot'], right: [] },
    { name: 'member', left: [], right: ['O=Boot'] },
  ]);
  t.deepEqual(byDn.get('O=Boot'), [
    { name: 'masteredBy', left: [DSA], right: [] },
    { name: 'memberOf', left: [], right: [DSA] },
  ]);
  const only = compareDatabases({ left: { path: ntds() }, right: { path: changed }, attributes: ['member'] });
  t.deepEqual(
    only.changed.map((c) => [c.distinguishedName, c.attributes.map((a) => a.name)]),
    [[DSA, ['member']]],
  );
});

/** A link_table double: rows as the reader gives them, seeks answered from the same rows. */
function linkDouble(rows: Row[]): EseDatabase {
  const table = { name: 'link_table', objid: 1, fdp: 1, columns: [], indexes: [] } as TableDef;
  const key = (r: Row) => Uint8Array.from([...longKey(r['link_DNT'] as number), rows.indexOf(r)]);
  const double = {
    table: (name: string) => (name === 'link_table' ? table : undefined),
    *rowsByPrefix(_t: TableDef, prefix: Uint8Array) {
      yield* rows.filter((r) => r['link_DNT'] === readLongKey(prefix));
    },
    *indexEntries(_t: TableDef, index: string, prefix: Uint8Array) {
      if (index !== 'backlink_index') return;
      for (const r of rows) if (r['backlink_DNT'] === readLongKey(prefix)) yield { key: prefix, data: key(r), pgno: 0 };
    },
    rowByKey: (_t: TableDef, k: Uint8Array) => rows.find((r) => key(r).every((b, i) => b === k[i])),
  };
  return double as unknown as EseDatabase;
}

test('removed values are left out: link_deltime (absent) and link_deactivetime (deactivated) set', (t) => {
  const schema = new AdSchema();
  for (const [name, attrtyp, linkId] of [
    ['member', 31, 2],
    ['memberOf', 131174, 3],
    ['msDS-RevealedUsers', 591833, 2102],
    ['msDS-RevealedDSAs', 591834, 2103],
  ] as const)
    schema.add({ ATTm131532: name, ATTc131102: attrtyp, ATTj131122: linkId });
  const link = (from: number, to: number, base: number, more: Row = {}): Row => ({
    link_DNT: from,
    backlink_DNT: to,
    link_base: base,
    ...more,
  });
  const rows = [
    link(10, 20, 1),
    link(10, 21, 1, { link_deltime: 13300000000n }),
    link(10, 22, 1, { link_deactivetime: 13300000000n }),
    link(11, 20, 1),
    link(12, 20, 1051, { link_data: Uint8Array.from([0xab, 0x01]) }),
  ];
  const reader = new LinkReader(linkDouble(rows), schema, (d) => `CN=${d}`);
  t.deepEqual(Object.fromEntries(reader.valuesOf(10, 'all')), { member: ['CN=20'] });
  t.deepEqual(Object.fromEntries(reader.valuesOf(21, 'all')), {});
  t.deepEqual(Object.fromEntries(reader.valuesOf(20, 'all')), {
    memberOf: ['CN=10', 'CN=11'],
    'msDS-RevealedDSAs': ['CN=12'],
  });
  t.deepEqual(Object.fromEntries(reader.valuesOf(12, 'all')), { 'msDS-RevealedUsers': ['B:4:AB01:CN=20'] });
  t.deepEqual(Object.fromEntries(reader.valuesOf(20, new Set(['memberof']))), { memberOf: ['CN=10', 'CN=11'] });
});
