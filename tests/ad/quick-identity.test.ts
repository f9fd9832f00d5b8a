// The quick identity (a few rows found by key) must say exactly what the full pass over the datatable says, on
// the template database and on a synthetic forest with a domain, a DSA, functional levels and a tombstone
// lifetime; and on the template it must read a small, fixed number of pages.
import test from 'ava';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { AdDirectory } from '../../src/ad/directory.ts';
import { readIdentity } from '../../src/ad/identity.ts';
import { quickIdentity } from '../../src/ad/quick-identity.ts';
import { EseDatabase } from '../../src/ese/reader/database.ts';
import { CachedPageSource } from '../../src/ese/reader/page-source.ts';
import { parseDatabaseHeader, HEADER_PROBE_BYTES } from '../../src/ese/database-header.ts';
import { longKey, longLongKey, readLongKey, readLongLongKey } from '../../src/ese/reader/keys.ts';
import { haveNtds, ntdsFixture } from '../support/shared.ts';
import fc from 'fast-check';
import { seek } from '../../src/ese/reader/btree.ts';
import { sealPage } from '../../src/ese/page-checksum.ts';
import { syntheticForest, unpackNtds } from './support.ts';
import { rewriteLinkBase } from './rewrite.ts';

const maybe = haveNtds || process.env['CI'] ? test : test.skip;
const ntds = unpackNtds(test);

test('normalised Long and LongLong keys: 0x7F, big-endian, sign bit flipped, so byte order is numeric order', (t) => {
  t.is(Buffer.from(longKey(1)).toString('hex'), '7f80000001');
  t.is(Buffer.from(longKey(-1)).toString('hex'), '7f7fffffff');
  t.is(Buffer.from(longLongKey(1994n)).toString('hex'), '7f80000000000007ca');
  for (const n of [-2147483648, -5, 0, 1, 1721, 2147483647]) t.is(readLongKey(longKey(n)), n);
  for (const n of [-(2n ** 63n), -1n, 0n, 2n ** 63n - 1n]) t.is(readLongLongKey(longLongKey(n)), n);
  const sorted = [-3, -1, 0, 2, 300].map(longKey);
  t.true(sorted.every((k, i) => i === 0 || Buffer.compare(sorted[i - 1]!, k) < 0));
  t.is(readLongKey(Uint8Array.from([0, 0x80, 0, 0, 1])), undefined, 'a NULL segment');
});

maybe('the template: the DNT keys the datatable holds are the ones longKey makes', (t) => {
  const db = EseDatabase.openFile(ntds());
  try {
    const table = db.table('datatable')!;
    let n = 0;
    for (const row of db.rows(table, (c) => c.name === 'DNT_col')) {
      if (n++ % 97 !== 0) continue;
      t.is(
        db.rowByKey(table, longKey(row['DNT_col'] as number), (c) => c.name === 'DNT_col')?.['DNT_col'],
        row['DNT_col'],
      );
    }
    t.is(db.rowByKey(table, longKey(3)), undefined, 'DNT 3 is not in the template');
    t.is(db.rowByKey(table, longKey(999999)), undefined);
    t.deepEqual(db.findings.list, []);
  } finally {
    db.close();
  }
});

maybe('the template: quick identity equals the full pass, from a few dozen pages', (t) => {
  const dir = AdDirectory.open(ntds());
  const full = readIdentity(dir);
  dir.close();
  const file = gunzipSync(readFileSync(ntdsFixture));
  const pages = new Set<number>();
  const source = new CachedPageSource(8192, file.byteLength, (buf, pos) => {
    pages.add(pos / 8192 - 1);
    buf.set(file.subarray(pos, pos + buf.byteLength));
    return buf.byteLength;
  });
  const db = EseDatabase.fromSource({
    source,
    header: parseDatabaseHeader(file.subarray(0, HEADER_PROBE_BYTES), file.byteLength),
  });
  const catalogPages = pages.size;
  t.deepEqual(quickIdentity(db), full);
  t.deepEqual(db.findings.list, []);
  const identityPages = pages.size - catalogPages;
  t.true(identityPages <= 40, `${identityPages} pages beyond the catalog`);
  t.log(`catalog ${catalogPages} pages, identity ${identityPages} more, of ${source.pageCount}`);
});

test('a synthetic forest: quick identity equals the full pass', (t) => {
  const db = syntheticForest();
  const full = readIdentity(new AdDirectory(db));
  const quick = quickIdentity(db);
  t.deepEqual(quick, full);
  const cfg = 'CN=Configuration,DC=contoso,DC=com';
  t.like(full, {
    dsaDn: `CN=NTDS Settings,CN=DC1,CN=Servers,CN=Default-First-Site-Name,CN=Sites,${cfg}`,
    invocationId: '13121110-1514-1716-1819-1a1b1c1d1e1f',
    domainDn: 'DC=contoso,DC=com',
    configurationDn: cfg,
    schemaDn: `CN=Schema,${cfg}`,
    schemaObjectVersion: 88,
    tombstoneLifetimeDays: 365,
    domainFunctionalLevel: 6,
    forestFunctionalLevel: 7,
    dcFunctionalLevel: 7,
    highestUsn: 4242,
    usnReserved: 81920,
  });
  t.deepEqual(
    full.namingContexts.map((nc) => `${nc.dn}${nc.writable ? '' : ' (read-only)'}`),
    [
      'DC=contoso,DC=com',
      cfg,
      `CN=Schema,${cfg}`,
      'DC=DomainDnsZones,DC=contoso,DC=com',
      'DC=ForestDnsZones,DC=contoso,DC=com',
      'DC=other (read-only)',
    ],
    'held contexts only: the uninstantiated DC=child is a subordinate reference',
  );
});

maybe('damaged pages on the way: the quick identity gives findings or less, never an exception', (t) => {
  const original = new Uint8Array(gunzipSync(readFileSync(ntdsFixture)));
  const probe = EseDatabase.fromBytes(original);
  const pages = new Set<number>();
  pages.add(probe.table('datatable')!.fdp);
  const source = probe.source;
  const table = probe.table('datatable')!;
  for (const dnt of [4, 7]) {
    const e = seek(source, table.fdp, longKey(dnt), probe.findings).next().value;
    if (e) pages.add(e.pgno);
  }
  fc.assert(
    fc.property(
      fc.constantFrom(...pages, 4, 1057),
      fc.array(fc.tuple(fc.nat(8191), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 16 }),
      (pgno, edits) => {
        const file = Uint8Array.from(original);
        for (const [at, value] of edits) file[(pgno + 1) * 8192 + at] = value;
        sealPage(new Uint32Array(file.buffer, (pgno + 1) * 8192, 2048), pgno);
        const db = EseDatabase.fromBytes(file);
        t.notThrows(() => quickIdentity(db));
        for (const f of db.findings.list) t.regex(f.code, /^[a-z-]+$/);
      },
    ),
    { numRuns: 30, seed: 7 },
  );
});

test('not an AD database: no identity', (t) => {
  t.is(quickIdentity({ table: () => undefined } as never), undefined);
});

maybe("the DSA's linked NC attributes are read from link_table: a msDS-HasDomainNCs link names the domain", (t) => {
  // The template's hasMasterNCs link (link_base 38) made a msDS-HasDomainNCs one (linkID 2026, link_base 1013).
  const file = new Uint8Array(readFileSync(ntds()));
  t.is(rewriteLinkBase(file, 38, 1013), 1);
  const before = quickIdentity(EseDatabase.fromBytes(new Uint8Array(readFileSync(ntds()))))!;
  t.is(before.domainDn, undefined, 'the template names no domain');
  const db = EseDatabase.fromBytes(file);
  const quick = quickIdentity(db)!;
  t.is(quick.domainDn, 'O=Boot');
  t.deepEqual(quick, readIdentity(new AdDirectory(EseDatabase.fromBytes(file))));
  t.deepEqual(db.findings.list, []);
});
