// The deep check of an ntds.dit: the ESE structure (src/ese/reader/check.ts), then the directory's own
// cross-references: every row's parent (PDNT_col) exists, every link_table row joins two existing rows, and every
// security descriptor id a row holds is in sd_table. Memory: one bit per possible DNT and a set of sd ids.
import type { ColumnDef } from '../ese/reader/catalog.ts';
import { checkTables, type TableCheck } from '../ese/reader/check.ts';
import type { EseDatabase } from '../ese/reader/database.ts';
import { tablesOf, type TablesReport } from '../ese/reader/list-tables.ts';
import type { Finding, FindingCode } from '../ese/reader/findings.ts';
import { parseColumnName } from './prefix-table.ts';

export interface DeepCheckReport {
  ok: boolean;
  tables: TableCheck[];
  /** Whether the directory's cross-references were checked (the file has a datatable). */
  directory: boolean;
  /** Every finding counted by code, beyond the list's cap too. */
  counts: Partial<Record<FindingCode, number>>;
  findings: Finding[];
  findingsDropped: number;
}

const NO_PARENT = new Set([0]);
const NT_SECURITY_DESCRIPTOR = 131353; // 1.2.840.113556.1.2.281

/**
 * The `tables` listing with the deep check (request option deep): the check's walk gives the row counts, and its
 * findings are the listing's own (the `check` keeps their counts by code).
 */
export function checkedTables(
  db: EseDatabase,
): TablesReport & { check: Omit<DeepCheckReport, 'findings' | 'findingsDropped'> } {
  const { findings: _f, findingsDropped: _d, ...check } = checkDatabase(db);
  return { ...tablesOf(db, (_t, i) => check.tables[i]!.rows), check };
}

export function checkDatabase(db: EseDatabase): DeepCheckReport {
  const tables = checkTables(db);
  const directory = db.table('datatable') !== undefined;
  if (directory) checkDirectory(db);
  const { list, dropped, counts, count } = db.findings;
  return { ok: count === 0, tables, directory, counts: { ...counts }, findings: list, findingsDropped: dropped };
}

/** A set of DNTs as a growing bitmap: DNTs are dense row numbers. */
class DntSet {
  private bits = new Uint8Array(1024);
  add(n: number): void {
    if (n < 0) return;
    if (n >>> 3 >= this.bits.byteLength) {
      const grown = new Uint8Array(Math.max(this.bits.byteLength * 2, (n >>> 3) + 1));
      grown.set(this.bits);
      this.bits = grown;
    }
    this.bits[n >>> 3]! |= 1 << (n & 7);
  }
  has(n: number): boolean {
    return n >= 0 && (n >>> 3 < this.bits.byteLength ? (this.bits[n >>> 3]! >> (n & 7)) & 1 : 0) === 1;
  }
}

function checkDirectory(db: EseDatabase): void {
  const table = db.table('datatable')!;
  // Only nTSecurityDescriptor is single-instanced into sd_table (an 8-byte id); other attributes of the security
  // descriptor syntax (the template has five) hold their descriptor inline.
  const sdColumns = table.columns
    .filter((c) => parseColumnName(c.name)?.attrtyp === NT_SECURITY_DESCRIPTOR)
    .map((c) => c.name);
  const keep = (c: ColumnDef) => c.name === 'DNT_col' || c.name === 'PDNT_col' || sdColumns.includes(c.name);
  const dnts = new DntSet();
  const parents: number[] = []; // (dnt, pdnt) pairs: a parent may come after its child in DNT order
  const sdRefs = new Map<bigint, number>(); // sd id -> a DNT that holds it
  for (const row of db.rows(table, keep)) {
    const dnt = row['DNT_col'];
    if (typeof dnt !== 'number') continue;
    dnts.add(dnt);
    const pdnt = row['PDNT_col'];
    if (typeof pdnt === 'number' && !NO_PARENT.has(pdnt)) parents.push(dnt, pdnt);
    for (const c of sdColumns) {
      const v = row[c];
      if (v instanceof Uint8Array && v.byteLength === 8 && !sdRefs.has(sdId(v))) sdRefs.set(sdId(v), dnt);
    }
  }
  for (let i = 0; i < parents.length; i += 2) {
    if (dnts.has(parents[i + 1]!)) continue;
    const message = `row ${parents[i]} names parent ${parents[i + 1]}, which is not in the datatable`;
    db.findings.add({ code: 'ad-parent-missing', message, table: 'datatable' });
  }
  checkLinks(db, dnts);
  checkDescriptors(db, sdRefs);
}

function sdId(v: Uint8Array): bigint {
  return new DataView(v.buffer, v.byteOffset, 8).getBigUint64(0, true);
}

function checkLinks(db: EseDatabase, dnts: DntSet): void {
  const links = db.table('link_table');
  if (links === undefined) return;
  const keep = (c: ColumnDef) => c.name === 'link_DNT' || c.name === 'backlink_DNT';
  for (const row of db.rows(links, keep)) {
    for (const c of ['link_DNT', 'backlink_DNT']) {
      const v = row[c];
      if (typeof v !== 'number' || dnts.has(v)) continue;
      const message = `a link row's ${c} is ${v}, which is not in the datatable`;
      db.findings.add({ code: 'ad-link-missing', message, table: 'link_table' });
    }
  }
}

function checkDescriptors(db: EseDatabase, refs: Map<bigint, number>): void {
  const sd = db.table('sd_table');
  if (sd === undefined || refs.size === 0) return;
  for (const row of db.rows(sd, (c) => c.name === 'sd_id')) {
    const id = row['sd_id'];
    if (typeof id === 'bigint') refs.delete(id);
  }
  for (const [id, dnt] of refs) {
    const message = `row ${dnt} holds security descriptor ${id}, which is not in sd_table`;
    db.findings.add({ code: 'ad-sd-missing', message, table: 'datatable' });
  }
}
