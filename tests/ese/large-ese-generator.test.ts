// The large-database generator (tests/fixtures/large-ese.ts) feeds the reader's memory benchmark, so it must write
// a database a real ESE client reads: libesedb's esedbexport must export its tables with the generator's row count
// and values, and our reader must agree with both, without a finding.
import test from 'ava';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { checkPage } from '../../src/ese/page-checksum.ts';
import { EseDatabase, type Row } from '../../src/ese/reader/database.ts';
import { LABELS, ROWS, largeEseLabel, largeEseRow, writeLargeEse } from '../fixtures/large-ese.ts';
import { tempDir } from '../support/temp.ts';
import { asEsedbexport, exportTables, haveEsedbexport } from './support/esedbexport.ts';

const maybe = haveEsedbexport() || process.env['CI'] ? test : test.skip;

/** The generator's row as our reader returns it: NULL columns absent. */
function expectedRow(i: number): Row {
  const { Data, Note, ...fixed } = largeEseRow(i);
  return { ...fixed, ...(Data === undefined ? {} : { Data }), ...(Note === undefined ? {} : { Note }) };
}

maybe(
  'a generated database: esedbexport, our reader and the generator agree on every table, row and value',
  async (t) => {
    const dir = await tempDir(t, 'large-ese-');
    const file = join(dir, 'bench.edb');
    // A small fan-out gives a three-level tree (root, two branch levels, leaves) in a few MiB.
    const gen = writeLargeEse(file, 6 * 2 ** 20, { fanOut: 20 });
    t.is(statSync(file).size, 6 * 2 ** 20);
    t.is(gen.shape.levels.length, 3, 'leaves and two branch levels below the root');
    t.true(gen.rows > 25_000);

    const exported = exportTables(file, dir);
    t.deepEqual([...exported.keys()].sort(), [LABELS.name, ROWS.name]);
    const db = EseDatabase.openFile(file);
    try {
      t.deepEqual(db.tables.map((x) => x.name).sort(), [LABELS.name, ROWS.name]);
      const table = db.table(ROWS.name)!;
      const theirs = exported.get(ROWS.name)!;
      t.deepEqual(theirs.columns, ['RowId', 'Value', 'Name', 'Data', 'Note']);
      t.is(theirs.rows.length, gen.rows, 'esedbexport: the generated row count');
      t.is(db.rowCount(table), gen.rows, 'our reader: the generated row count');
      const cols = theirs.columns.map((c) => table.columns.find((x) => x.name === c)!);
      let i = 0;
      const wrong: string[] = [];
      for (const row of db.rows(table)) {
        const cells = theirs.rows[i]!;
        if (!t.deepEqual(row, expectedRow(i), `row ${i}: the generator's values`)) break;
        cols.forEach((col, c) => {
          if (asEsedbexport(col, row[col.name]) !== cells[c]) wrong.push(`row ${i} column ${col.name}`);
        });
        i++;
      }
      t.is(i, gen.rows);
      t.deepEqual(wrong.slice(0, 10), [], `${wrong.length} values differ from esedbexport's`);
      const labels = exported.get(LABELS.name)!;
      const ours = [...db.rows(db.table(LABELS.name)!)];
      t.deepEqual(
        ours,
        Array.from({ length: LABELS.rows }, (_, k) => largeEseLabel(k)),
      );
      t.deepEqual(
        labels.rows,
        ours.map((l) => [String(l['LabelId']), l['Label']]),
      );
      t.deepEqual(db.findings.list, [], 'no findings: every page sound');
    } finally {
      db.close();
    }
  },
);

test('a generated database: every page is blank or carries a good new-format checksum', async (t) => {
  const dir = await tempDir(t, 'large-ese-');
  const file = join(dir, 'bench.edb');
  const gen = writeLargeEse(file, 2 * 2 ** 20);
  const bytes = new Uint8Array(readFileSync(file));
  const counts = { good: 0, blank: 0, corrupt: 0 };
  for (let pgno = 1; pgno <= gen.shape.dataPages; pgno++) {
    const page = new Uint32Array(bytes.buffer, (pgno + 1) * 8192, 2048);
    const check = checkPage(page, pgno);
    counts[check.status]++;
    if (check.status === 'good') t.is(check.format, 'new');
  }
  t.is(counts.corrupt, 0);
  t.is(
    counts.good,
    5 + gen.shape.levels.reduce((a, b) => a + b, 0),
    'db root, catalog and shadow, two table roots, the tree',
  );
  t.is(gen.rows, gen.shape.leaves * ROWS.rowsPerLeaf);
});

test('rows keep their values once the walk has moved on: leaves are read into a reused buffer', async (t) => {
  const dir = await tempDir(t, 'large-ese-');
  const file = join(dir, 'bench.edb');
  const gen = writeLargeEse(file, 2 * 2 ** 20);
  const db = EseDatabase.openFile(file);
  try {
    const rows = [...db.rows(db.table(ROWS.name)!)]; // every page read before any row is checked
    t.is(rows.length, gen.rows);
    const wrong = rows.filter((row, i) => !isDeepStrictEqual(row, expectedRow(i))).length;
    t.is(wrong, 0, 'every Data (binary) value is its own copy, not a view of a page read later');
  } finally {
    db.close();
  }
});
