// Neither fixture holds an ESE-compressed value, so this marks one compressed in a copy of the 2012 R2 ntds.dit:
// the reader must name it ("unsupported-compression") and leave the value out, never return the raw bytes.
import test from 'ava';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { sealPage } from '../../src/ese/page-checksum.ts';
import { leafEntries } from '../../src/ese/reader/btree.ts';
import { EseDatabase } from '../../src/ese/reader/database.ts';
import { TAGGED_FLAG, splitRecord } from '../../src/ese/reader/record.ts';
import { haveShared, sharedDir } from '../support/shared.ts';

const maybe = haveShared || process.env['CI'] ? test : test.skip;

maybe('a value flagged compressed is a finding and is left out of the row', (t) => {
  const file = new Uint8Array(gunzipSync(readFileSync(join(sharedDir, 'fixtures', 'ntds-2012r2.dit.gz'))));
  const db = EseDatabase.fromBytes(file);
  const table = db.table('datatable')!;
  const sizes = new Map(table.columns.map((c) => [c.id, c.size]));
  const layout = { fixedSize: (id: number) => sizes.get(id), largePage: false };
  // The first separated single value: its flag byte sits just before the long-value id.
  let target: { pgno: number; at: number; column: string } | undefined;
  for (const e of leafEntries(db.source, table.fdp, db.findings)) {
    const col = splitRecord(e.data, layout, db.findings, e.pgno).find(
      (c) => c.values.length === 1 && c.values[0]!.separated,
    );
    if (col === undefined) continue;
    const name = table.columns.find((c) => c.id === col.id)!.name;
    target = { pgno: e.pgno, at: col.values[0]!.bytes.byteOffset - 1, column: name };
    break;
  }
  t.truthy(target);
  const { pgno, at, column } = target!;
  const page = file.subarray((pgno + 1) * 8192, (pgno + 2) * 8192);
  t.is(page[at]! & TAGGED_FLAG.separated, TAGGED_FLAG.separated);
  page[at]! |= TAGGED_FLAG.compressed;
  sealPage(new Uint32Array(page.buffer, page.byteOffset, 2048), pgno);

  const damaged = EseDatabase.fromBytes(file);
  let withColumn = 0;
  for (const row of damaged.rows(damaged.table('datatable')!)) if (row[column] !== undefined) withColumn++;
  t.deepEqual(
    damaged.findings.list.map((f) => [f.code, f.pgno]),
    [['unsupported-compression', pgno]],
  );
  let before = 0;
  for (const row of db.rows(table)) if (row[column] !== undefined) before++;
  t.is(withColumn, before - 1, 'only that one value is left out');
});
