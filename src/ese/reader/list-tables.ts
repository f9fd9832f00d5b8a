// `adbackup tables`: the tables of a database (a file's or an archived one's) with their row counts, read through
// the catalog. Read-only and streaming; structural problems are listed as findings rather than stopping the count.
import type { TableDef } from './catalog.ts';
import type { EseDatabase } from './database.ts';
import type { Finding } from './findings.ts';

export interface TableSummary {
  name: string;
  objectId: number;
  rootPage: number;
  columns: number;
  indexes: number;
  longValueRootPage?: number;
  rows: number;
}

export interface TablesReport {
  pageSize: number;
  tables: TableSummary[];
  findings: Finding[];
  /** Findings beyond the list's cap, counted only. */
  findingsDropped: number;
}

/**
 * The tables of an open database (a file's or an archived one's); the caller closes it. `rows` gives a table's row
 * count when a walk already made it (the deep check), so that the tables are not walked twice.
 */
export function tablesOf(
  db: EseDatabase,
  rows: (table: TableDef, i: number) => number = (t) => db.rowCount(t),
): TablesReport {
  const tables = db.tables.map((t, i) => ({
    name: t.name,
    objectId: t.objid,
    rootPage: t.fdp,
    columns: t.columns.length,
    indexes: t.indexes.length,
    ...(t.longValueFdp === undefined ? {} : { longValueRootPage: t.longValueFdp }),
    rows: rows(t, i),
  }));
  const { list, dropped } = db.findings;
  return { pageSize: db.source.pageSize, tables, findings: list, findingsDropped: dropped };
}
