// The reader must stream (a 50 GiB ntds.dit cannot be held in memory) and must stay out of the backup/restore path.
import test from 'ava';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { leafEntries } from '../../src/ese/reader/btree.ts';
import { readCatalog } from '../../src/ese/reader/catalog.ts';
import { Findings } from '../../src/ese/reader/findings.ts';
import { CachedPageSource } from '../../src/ese/reader/page-source.ts';
import { haveShared, projectRoot, sharedDir } from '../support/shared.ts';

const maybe = haveShared || process.env['CI'] ? test : test.skip;

maybe('rows come from pages read on demand: the first row needs only the path to the first leaf', (t) => {
  const file = gunzipSync(readFileSync(join(sharedDir, 'fixtures', 'ntds-2012r2.dit.gz')));
  let reads = 0;
  const source = new CachedPageSource(8192, file.byteLength, (buf, pos) => {
    reads++;
    buf.set(file.subarray(pos, pos + buf.byteLength));
    return buf.byteLength;
  });
  const findings = new Findings();
  const datatable = readCatalog(source, findings).find((x) => x.name === 'datatable')!;
  const before = reads;
  const rows = leafEntries(source, datatable.fdp, findings, { objid: datatable.objid });
  rows.next();
  t.true(reads - before <= 4, `${reads - before} page reads for the first row`);
  let n = 1;
  for (const _ of rows) n++;
  t.is(n, 1743);
  t.true(reads <= source.pageCount, 'the whole walk reads fewer pages than the file holds');
  t.deepEqual(findings.list, []);
});

test('src/ese imports nothing from backup, restore, cli or platform', (t) => {
  const dir = join(projectRoot, 'src', 'ese');
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
  t.true(files.includes(join('reader', 'database.ts')));
  for (const f of files) {
    const text = readFileSync(join(dir, f), 'utf8');
    t.notRegex(text, /from '(\.\.\/)+(backup|restore|cli|platform)\//, f);
  }
});
