// The deep check of a database file's structure: every B-tree of every table (the data tree with each record split
// into columns, each secondary index, the long-value tree) walked to its leaves, and the catalog held to its own
// rules (root pages inside the file; names and column ids unique). Every problem is a finding counted by code,
// never an exception: a damaged file must still be checked as far as it can be read.
import { leafEntries } from './btree.ts';
import type { TableDef } from './catalog.ts';
import type { EseDatabase } from './database.ts';
import type { Findings } from './findings.ts';

export interface TreeCheck {
  name: string;
  entries: number;
}

export interface TableCheck {
  name: string;
  rows: number;
  indexes: TreeCheck[];
  /** Entries of the long-value tree (roots and chunks), when the table has one. */
  longValueEntries?: number;
}

export function checkTables(db: EseDatabase): TableCheck[] {
  checkCatalog(db.tables, db.source.pageCount, db.findings);
  return db.tables.map((t) => checkTable(db, t));
}

function checkTable(db: EseDatabase, table: TableDef): TableCheck {
  let rows = 0;
  // keep() refuses every column: records are still split (a bad layout is a finding) but nothing is decoded.
  for (const _ of db.rows(table, () => false)) rows++;
  const count = (root: number, objid: number) => {
    let n = 0;
    for (const _ of leafEntries(db.source, root, db.findings, { objid, table: table.name })) n++;
    return n;
  };
  // The primary index is the table's own tree (same root page): walked once, above.
  const indexes = table.indexes
    .filter((i) => i.fdp !== table.fdp && inFile(i.fdp, db.source.pageCount))
    .map((i) => ({ name: i.name, entries: count(i.fdp, i.objid) }));
  const lv = table.longValueFdp;
  const longValueEntries =
    lv === undefined || !inFile(lv, db.source.pageCount) ? undefined : count(lv, table.longValueObjid ?? 0);
  return { name: table.name, rows, indexes, ...(longValueEntries === undefined ? {} : { longValueEntries }) };
}

function inFile(pgno: number, pageCount: number): boolean {
  return pgno >= 1 && pgno <= pageCount;
}

export function checkCatalog(tables: TableDef[], pageCount: number, findings: Findings): void {
  const outside = (what: string, pgno: number, table: string) => {
    if (inFile(pgno, pageCount)) return;
    findings.add({
      code: 'catalog-page-out-of-range',
      message: `${what} has its root at page ${pgno}, outside 1..${pageCount}`,
      table,
    });
  };
  duplicates(
    tables.map((t) => t.name),
    'table',
    findings,
  );
  for (const t of tables) {
    outside(`table ${t.name}`, t.fdp, t.name);
    for (const i of t.indexes) outside(`index ${i.name}`, i.fdp, t.name);
    if (t.longValueFdp !== undefined) outside('the long-value tree', t.longValueFdp, t.name);
    duplicates(
      t.columns.map((c) => c.name),
      `column of ${t.name}`,
      findings,
      t.name,
    );
    duplicates(
      t.indexes.map((i) => i.name),
      `index of ${t.name}`,
      findings,
      t.name,
    );
    const ids = new Set<number>();
    for (const { id } of t.columns) {
      if (ids.has(id))
        findings.add({
          code: 'catalog-duplicate-id',
          message: `two columns of ${t.name} have id ${id}`,
          table: t.name,
        });
      ids.add(id);
    }
  }
}

function duplicates(names: string[], what: string, findings: Findings, table?: string): void {
  const seen = new Set<string>();
  for (const n of names) {
    const key = n.toLowerCase();
    if (seen.has(key)) {
      const message = `two of ${what} are named "${n}"`;
      findings.add({ code: 'catalog-duplicate-name', message, ...(table === undefined ? {} : { table }) });
    }
    seen.add(key);
  }
}
