// The catalog (MSysObjects, rooted at data page 4): one row per table, column, index, long-value tree and
// callback. Its own columns are fixed by the engine, so the reader knows their layout before reading it.
import { leafEntries } from './btree.ts';
import { fixedTypeSize } from './column-types.ts';
import type { Findings } from './findings.ts';
import type { PageSource } from './page-source.ts';
import { isLargePage } from './page.ts';
import { splitRecord, type RawColumn } from './record.ts';

export const CATALOG_ROOT = 4;
const CATALOG_FIXED_SIZES = [4, 2, 4, 4, 4, 4, 4, 1, 2, 4, 2, 4]; // ids 1..12, ObjidTable … LVChunkMax
const CATALOG_TYPE = { table: 1, column: 2, index: 3, longValue: 4, callback: 5 } as const;

export interface ColumnDef {
  id: number;
  name: string;
  type: number;
  /** Declared size in bytes (fixed types: the type's size; text/binary: the maximum). */
  size: number;
  codepage: number;
  flags: number;
}

export interface IndexDef {
  name: string;
  objid: number;
  fdp: number;
}

export interface TableDef {
  name: string;
  objid: number;
  fdp: number;
  columns: ColumnDef[];
  indexes: IndexDef[];
  /** Root page of the table's long-value tree, when it has one. */
  longValueFdp?: number;
  longValueObjid?: number;
}

interface CatalogRow {
  objidTable: number;
  type: number;
  id: number;
  coltypOrFdp: number;
  spaceUsage: number;
  flags: number;
  pagesOrLocale: number;
  name: string;
}

function catalogRow(cols: RawColumn[]): CatalogRow | null {
  const get = (id: number) => cols.find((c) => c.id === id)?.values[0]?.bytes;
  const int = (id: number) => {
    const b = get(id);
    if (b === undefined) return 0;
    const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
    return b.byteLength === 2 ? v.getInt16(0, true) : b.byteLength === 4 ? v.getInt32(0, true) : 0;
  };
  const name = get(128);
  if (get(1) === undefined || get(2) === undefined || name === undefined) return null;
  return {
    objidTable: int(1),
    type: int(2),
    id: int(3),
    coltypOrFdp: int(4),
    spaceUsage: int(5),
    flags: int(6),
    pagesOrLocale: int(7),
    name: new TextDecoder('latin1').decode(name),
  };
}

/** Reads every catalog row into table definitions, in catalog order. */
export function readCatalog(source: PageSource, findings: Findings): TableDef[] {
  const layout = { fixedSize: (id: number) => CATALOG_FIXED_SIZES[id - 1], largePage: isLargePage(source.pageSize) };
  const tables = new Map<number, TableDef>();
  for (const e of leafEntries(source, CATALOG_ROOT, findings, { table: 'MSysObjects' })) {
    const row = catalogRow(splitRecord(e.data, layout, findings, e.pgno));
    if (row === null) {
      findings.add({ code: 'bad-catalog', message: 'catalog row without object id, type or name', pgno: e.pgno });
      continue;
    }
    addRow(tables, row, findings, e.pgno);
  }
  return [...tables.values()];
}

function addRow(tables: Map<number, TableDef>, row: CatalogRow, findings: Findings, pgno: number): void {
  if (row.type === CATALOG_TYPE.table) {
    tables.set(row.objidTable, { name: row.name, objid: row.id, fdp: row.coltypOrFdp, columns: [], indexes: [] });
    return;
  }
  const table = tables.get(row.objidTable);
  if (table === undefined) {
    const message = `catalog row "${row.name}" (type ${row.type}) names unknown table ${row.objidTable}`;
    findings.add({ code: 'bad-catalog', message, pgno });
    return;
  }
  if (row.type === CATALOG_TYPE.column) {
    const size = fixedTypeSize(row.coltypOrFdp) ?? row.spaceUsage;
    const column = { id: row.id, name: row.name, type: row.coltypOrFdp, size, codepage: row.pagesOrLocale };
    table.columns.push({ ...column, flags: row.flags });
  } else if (row.type === CATALOG_TYPE.index) {
    table.indexes.push({ name: row.name, objid: row.id, fdp: row.coltypOrFdp });
  } else if (row.type === CATALOG_TYPE.longValue) {
    table.longValueFdp = row.coltypOrFdp;
    table.longValueObjid = row.id;
  }
}
