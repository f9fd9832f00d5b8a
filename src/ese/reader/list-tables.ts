// `adbackup tables`: the tables of a database file with their row counts, read through the catalog. Read-only and
// streaming; structural problems are listed as findings rather than stopping the count.
import { fsError } from '../../errors.ts';
import { EseDatabase } from './database.ts';
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
  path: string;
  pageSize: number;
  tables: TableSummary[];
  findings: Finding[];
  /** Findings beyond the list's cap, counted only. */
  findingsDropped: number;
}

export function listTables(path: string): TablesReport {
  let db: EseDatabase;
  try {
    db = EseDatabase.openFile(path);
  } catch (err) {
    throw fsError(err, path, 'read');
  }
  try {
    const tables = db.tables.map((t) => ({
      name: t.name,
      objectId: t.objid,
      rootPage: t.fdp,
      columns: t.columns.length,
      indexes: t.indexes.length,
      ...(t.longValueFdp === undefined ? {} : { longValueRootPage: t.longValueFdp }),
      rows: db.rowCount(t),
    }));
    const { list, dropped } = db.findings;
    return { path, pageSize: db.source.pageSize, tables, findings: list, findingsDropped: dropped };
  } finally {
    db.close();
  }
}
