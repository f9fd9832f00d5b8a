// The 2012 R2 template database, unpacked once per test file into a temporary folder (never into the project).
import type { TestFn } from 'ava';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { ntdsFixture } from '../support/shared.ts';
import type { ColumnDef, TableDef } from '../../src/ese/reader/catalog.ts';
import type { EseDatabase, Row } from '../../src/ese/reader/database.ts';
import { Findings } from '../../src/ese/reader/findings.ts';
import { longKey, longLongKey, readLongKey } from '../../src/ese/reader/keys.ts';

export function unpackNtds(test: TestFn): () => string {
  let dir: string | undefined;
  test.before(() => {
    dir = mkdtempSync(join(tmpdir(), 'adbackup-ntds-'));
    writeFileSync(join(dir, 'ntds.dit'), gunzipSync(readFileSync(ntdsFixture)));
  });
  test.after.always(() => {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });
  return () => join(dir!, 'ntds.dit');
}

// A synthetic forest database as the reader's test double: datatable rows as EseDatabase gives them (ESE column
// names, raw values), with the primary-key seek, PDNT_index and the uSNChanged index answered from the same rows.
// Both identity readers run over it: AdDirectory walks its rows, quickIdentity uses its keyed calls.
type RawRow = Row;
const NAME = 'ATTm589825';
const ATTRS: [string, string, number][] = [
  ['c', 'objectClass', 0],
  ['j', 'instanceType', 131073],
  ['l', 'whenCreated', 131074],
  ['q', 'uSNCreated', 131091],
  ['q', 'uSNChanged', 131192],
  ['b', 'hasMasterNCs', 131086],
  ['b', 'hasPartialReplicaNCs', 131087],
  ['b', 'dMDLocation', 131108],
  ['j', 'tombstoneLifetime', 131126],
  ['j', 'objectVersion', 131148],
  ['k', 'invocationId', 131187],
  ['m', 'name', 589825],
  ['k', 'objectGUID', 589826],
  ['r', 'objectSid', 589970],
  ['j', 'msDS-Behavior-Version', 591283],
  ['b', 'msDS-HasDomainNCs', 591644],
  ['b', 'msDS-hasMasterNCs', 591660],
  ['c', 'attributeID', 131102],
  ['c', 'governsID', 131094],
  ['m', 'lDAPDisplayName', 131532],
  ['m', 'cn', 3],
  ['m', 'dc', 1376281],
];
const CLASSES: [string, number][] = [
  ['domainDNS', 655427],
  ['configuration', 655372],
  ['dMD', 196617],
  ['container', 196631],
  ['nTDSDSA', 655407],
];
const col = (name: string) => {
  const [syntax, , attrtyp] = ATTRS.find((a) => a[1] === name)!;
  return `ATT${syntax}${attrtyp}`;
};

export function syntheticForest(): EseDatabase {
  const rows: RawRow[] = [];
  let next = 3;
  const add = (parent: number, rdnType: number | undefined, name: string, attrs: Record<string, unknown> = {}) => {
    const dnt = next++;
    const row: RawRow = { DNT_col: dnt, PDNT_col: parent, OBJ_col: 1, [NAME]: name };
    if (rdnType !== undefined) row['RDNtyp_col'] = rdnType;
    for (const [k, v] of Object.entries(attrs)) row[k === 'OBJ_col' ? k : col(k)] = v as Row[string];
    rows.push(row);
    return dnt;
  };
  rows.push({ DNT_col: 1 }, { DNT_col: 2, PDNT_col: 0, OBJ_col: 0 });
  const guid = (b: number) => Uint8Array.from({ length: 16 }, (_, i) => b + i);
  const usn = (n: number) => ({ uSNCreated: BigInt(n), uSNChanged: BigInt(n + 1) });
  const sid = Uint8Array.from([1, 4, 0, 0, 0, 0, 0, 5, 21, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 3]);
  const DC = 1376281;
  const com = add(2, DC, 'com', { OBJ_col: 0 }); // a phantom: the parent of the forest root, not held
  const domain = add(com, DC, 'contoso', {
    instanceType: 5,
    objectClass: [655427],
    objectSid: sid,
    'msDS-Behavior-Version': 6,
    ...usn(10),
  });
  const config = add(domain, 3, 'Configuration', { instanceType: 13, objectClass: [655372], ...usn(20) });
  const schema = add(config, 3, 'Schema', {
    instanceType: 13,
    objectClass: [196617],
    objectVersion: 88,
    whenCreated: 13300000000n,
    ...usn(30),
  });
  add(config, 3, 'Partitions', { 'msDS-Behavior-Version': 7, ...usn(40) });
  const services = add(config, 3, 'Services', usn(50));
  const winnt = add(services, 3, 'Windows NT', usn(60));
  add(services, 3, 'Windows Notes', usn(61)); // a sibling whose name shares the prefix
  add(winnt, 3, 'Directory Service', { tombstoneLifetime: 365, ...usn(70) });
  const sites = add(config, 3, 'Sites', usn(80));
  const site = add(sites, 3, 'Default-First-Site-Name', usn(81));
  const servers = add(site, 3, 'Servers', usn(82));
  const server = add(servers, 3, 'DC1', usn(83));
  const dz = add(domain, DC, 'DomainDnsZones', { instanceType: 5, objectClass: [655427], ...usn(90) });
  const fz = add(domain, DC, 'ForestDnsZones', { instanceType: 5, objectClass: [655427], ...usn(91) });
  const child = add(domain, DC, 'child', { instanceType: 3, objectClass: [655427], ...usn(92) }); // uninstantiated
  const gc = add(2, DC, 'other', { instanceType: 1, objectClass: [655427], objectSid: sid, ...usn(93) }); // a GC's
  const dsa = add(server, 3, 'NTDS Settings', {
    objectClass: [655407],
    invocationId: guid(0x10),
    objectGUID: guid(0x40),
    hasMasterNCs: [domain, config, schema],
    'msDS-hasMasterNCs': [domain, config, schema, dz, fz],
    hasPartialReplicaNCs: [gc],
    dMDLocation: schema,
    'msDS-HasDomainNCs': domain,
    'msDS-Behavior-Version': 7,
    ...usn(95),
  });
  void child;
  const users = add(domain, 3, 'Users', usn(100));
  add(users, 3, 'last changed', { uSNCreated: 200n, uSNChanged: 4242n });
  for (const [, name, attrtyp] of ATTRS) add(schema, 3, name, { attributeID: attrtyp, lDAPDisplayName: name });
  for (const [name, governs] of CLASSES) add(schema, 3, name, { governsID: governs, lDAPDisplayName: name });
  return keyedDouble(rows, dsa, 81920n);
}

function keyedDouble(rows: RawRow[], dsa: number, usnReserved: bigint): EseDatabase {
  const names = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const columns: ColumnDef[] = names.map((name, i) => ({ id: i + 1, name, type: 0, size: 0, codepage: 0, flags: 0 }));
  const datatable: TableDef = { name: 'datatable', objid: 8, fdp: 100, columns, indexes: [] };
  const hiddentable: TableDef = { name: 'hiddentable', objid: 9, fdp: 101, columns: [], indexes: [] };
  const pick = (row: RawRow, keep?: (c: ColumnDef) => boolean): Row =>
    Object.fromEntries(Object.entries(row).filter(([k]) => !keep || keep(columns.find((c) => c.name === k)!)));
  const byDnt = new Map(rows.map((r) => [r['DNT_col'] as number, r]));
  const entry = (key: Uint8Array, data: Uint8Array) => ({ key, data, pgno: 0 });
  const double = {
    findings: new Findings(),
    table: (name: string) => ({ datatable, hiddentable })[name],
    *rows(table: TableDef, keep?: (c: ColumnDef) => boolean) {
      if (table === hiddentable) yield { dsa_col: dsa, usn_col: usnReserved };
      else for (const r of rows) yield pick(r, keep);
    },
    rowByKey(_t: TableDef, key: Uint8Array, keep?: (c: ColumnDef) => boolean) {
      const row = byDnt.get(readLongKey(key) ?? -1);
      return row === undefined ? undefined : pick(row, keep);
    },
    *indexEntries(_t: TableDef, index: string, prefix: Uint8Array) {
      if (index !== 'PDNT_index') return;
      for (const r of rows)
        if (r['PDNT_col'] === readLongKey(prefix)) yield entry(prefix, longKey(r['DNT_col'] as number));
    },
    lastIndexEntry(_t: TableDef, index: string) {
      if (index !== 'INDEX_00020078') return undefined;
      const usns = rows.map((r) => (r[col('uSNChanged')] as bigint | undefined) ?? 0n);
      const max = usns.reduce((m, u) => (u > m ? u : m), 0n);
      return entry(longLongKey(max), new Uint8Array(0));
    },
    close: () => {},
  };
  return double as unknown as EseDatabase;
}
