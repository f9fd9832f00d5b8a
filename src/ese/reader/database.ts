// The reader's entry point: open a database file, list its tables from the catalog, and iterate a table's rows
// as typed values. Read-only and streaming: rows are produced one at a time from pages read on demand.
import type { ParsedDatabaseHeader } from '../database-header.ts';
import { compareKeys, countLeafEntries, lastEntry, leafEntries, prefixEntries, seek, type Entry } from './btree.ts';
import { readCatalog, type ColumnDef, type TableDef } from './catalog.ts';
import { isLongType } from './column-types.ts';
import { Findings } from './findings.ts';
import { readLongValue } from './long-value.ts';
import { filePageSource, bufferPageSource, type PageSource } from './page-source.ts';
import { isLargePage } from './page.ts';
import { splitRecord, type RawValue } from './record.ts';
import { decodeValue, type EseValue } from './values.ts';

/**
 * A row: column name → value; NULL columns are absent. A column holding several values (or flagged multi-valued in
 * the catalog) gives an array: AD's tagged columns are not flagged, so one row may give a value, another an array.
 */
export type Row = Record<string, EseValue | EseValue[]>;

export class EseDatabase {
  readonly findings = new Findings();
  readonly tables: TableDef[];
  readonly source: PageSource;
  readonly header: ParsedDatabaseHeader;

  private constructor(opened: { source: PageSource; header: ParsedDatabaseHeader }) {
    this.source = opened.source;
    this.header = opened.header;
    this.tables = readCatalog(this.source, this.findings);
  }

  static openFile(path: string): EseDatabase {
    return new EseDatabase(filePageSource(path));
  }

  static fromBytes(file: Uint8Array): EseDatabase {
    return new EseDatabase(bufferPageSource(file));
  }

  /**
   * Over any page source (an archived database's, say); the database owns it from here and closes it in close().
   * If the catalog cannot be read the source is closed before the error is thrown.
   */
  static fromSource(opened: { source: PageSource; header: ParsedDatabaseHeader }): EseDatabase {
    try {
      return new EseDatabase(opened);
    } catch (err) {
      opened.source.close();
      throw err;
    }
  }

  table(name: string): TableDef | undefined {
    return this.tables.find((t) => t.name === name);
  }

  /**
   * The table's rows in primary-key order. `keep`, when given, selects the columns to decode: the others are
   * skipped before their bytes are read (long values included), so a caller can keep secrets out of memory.
   */
  *rows(table: TableDef, keep?: (col: ColumnDef) => boolean): Generator<Row> {
    const decode = this.recordDecoder(table, keep);
    // Transient leaves: every value is decoded into new memory before the next entry is read.
    const opts = { objid: table.objid, table: table.name, transient: true };
    for (const e of leafEntries(this.source, table.fdp, this.findings, opts)) yield decode(e);
  }

  /**
   * The row whose primary key is exactly `key` (a normalised key, keys.ts), found by one descent of the table's
   * B-tree: a handful of pages however large the table.
   */
  rowByKey(table: TableDef, key: Uint8Array, keep?: (col: ColumnDef) => boolean): Row | undefined {
    const first = seek(this.source, table.fdp, key, this.findings).next();
    if (first.done || compareKeys(first.value.key, key) !== 0) return undefined;
    return this.recordDecoder(table, keep)(first.value);
  }

  /**
   * The rows whose primary keys start with `prefix` (a normalised key, keys.ts), in key order: one descent, then
   * the leaves the prefix spans.
   */
  *rowsByPrefix(table: TableDef, prefix: Uint8Array, keep?: (col: ColumnDef) => boolean): Generator<Row> {
    const decode = this.recordDecoder(table, keep);
    for (const e of prefixEntries(this.source, table.fdp, prefix, this.findings)) yield decode(e);
  }

  /** The entries of a table's index whose keys start with `prefix`; an entry's data is its row's primary key. */
  *indexEntries(table: TableDef, index: string, prefix: Uint8Array): Generator<Entry> {
    const def = table.indexes.find((i) => i.name === index);
    if (def !== undefined) yield* prefixEntries(this.source, def.fdp, prefix, this.findings);
  }

  /** The entry of a table's index with the highest key (undefined when the index is absent or empty). */
  lastIndexEntry(table: TableDef, index: string): Entry | undefined {
    const def = table.indexes.find((i) => i.name === index);
    return def === undefined ? undefined : lastEntry(this.source, def.fdp, this.findings);
  }

  private recordDecoder(table: TableDef, keep?: (col: ColumnDef) => boolean): (e: Entry) => Row {
    const byId = new Map(table.columns.map((c) => [c.id, c]));
    const layout = { fixedSize: (id: number) => byId.get(id)?.size, largePage: isLargePage(this.source.pageSize) };
    return (e) => {
      const row: Row = {};
      for (const raw of splitRecord(e.data, layout, this.findings, e.pgno)) {
        const col = byId.get(raw.id);
        if (col === undefined) {
          const message = `record holds column ${raw.id}, not in the catalog`;
          this.findings.add({ code: 'unknown-column', message, pgno: e.pgno, table: table.name });
          continue;
        }
        if (keep !== undefined && !keep(col)) continue;
        const values = raw.values.map((v) => this.value(table, col, v, e.pgno));
        const kept = values.filter((v): v is EseValue => v !== null);
        if (kept.length !== values.length) continue;
        if (kept.length === 1 && !(col.flags & COLUMN_FLAG_MULTIVALUED)) row[col.name] = kept[0]!;
        else row[col.name] = kept;
      }
      return row;
    };
  }

  rowCount(table: TableDef): number {
    return countLeafEntries(this.source, table.fdp, this.findings, { objid: table.objid, table: table.name });
  }

  private value(table: TableDef, col: ColumnDef, raw: RawValue, pgno: number): EseValue | null {
    const where = { pgno, table: table.name };
    if (raw.compressed) {
      const message = `column ${col.name} holds an ESE-compressed value`;
      this.findings.add({ code: 'unsupported-compression', message, ...where });
      return null;
    }
    let bytes: Uint8Array | null = raw.bytes;
    if (raw.separated) {
      if (table.longValueFdp === undefined) {
        const message = `column ${col.name} refers to a long value but the table has no long-value tree`;
        this.findings.add({ code: 'long-value-missing', message, ...where });
        return null;
      }
      bytes = readLongValue(this.source, table.longValueFdp, raw.bytes, this.findings, table.name);
      if (bytes === null) return null;
    }
    let value = decodeValue(col, bytes);
    if (value === raw.bytes) value = raw.bytes.slice(); // binary: a copy, as the page's buffer is reused
    if (value === null) {
      const message = `column ${col.name}: ${bytes.byteLength} bytes are not a valid ${col.type}${isLongType(col.type) ? ' (long)' : ''}`;
      this.findings.add({ code: 'bad-record', message, ...where });
    }
    return value;
  }

  close(): void {
    this.source.close();
  }
}

/** JET_bitColumnMultiValued: the column may hold several values, so it is always returned as an array. */
export const COLUMN_FLAG_MULTIVALUED = 0x400;
