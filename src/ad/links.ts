// Linked attributes ([MS-ADTS] "linked attributes": member/memberOf, manager/directReports, hasMasterNCs, …) are
// not columns of an object's datatable row: each value is a row of link_table joining the object that holds the
// forward link (link_DNT) to its target (backlink_DNT), with link_base = linkID / 2. An object's values are found
// by two prefix seeks: its forward links by the table's primary key (link_DNT, link_base, backlink_DNT, link_data),
// its back links by backlink_index (backlink_DNT, link_base, link_DNT), whose entries hold the row's primary key.
import type { ColumnDef, TableDef } from '../ese/reader/catalog.ts';
import type { EseDatabase, Row } from '../ese/reader/database.ts';
import { longKey } from '../ese/reader/keys.ts';
import type { AdSchema } from './schema.ts';

const COLUMNS = new Set(['link_DNT', 'backlink_DNT', 'link_base', 'link_deltime', 'link_deactivetime', 'link_data']);
const keep = (c: ColumnDef) => COLUMNS.has(c.name);
const BACKLINK_INDEX = 'backlink_index';

/** Which linked attributes to read, by lower-case LDAP name; 'all' for every one ('*'). */
export type LinkSelection = 'all' | Set<string>;

/**
 * The linked attributes a request's attribute list names, or undefined when it names none, so that a request
 * without them reads nothing of link_table.
 */
export function linkSelection(schema: AdSchema, attributes: readonly string[] | undefined): LinkSelection | undefined {
  if (attributes === undefined) return undefined;
  if (attributes.includes('*')) return 'all';
  const names = attributes.filter((a) => schema.attributeByName(a)?.linkId !== undefined).map((a) => a.toLowerCase());
  return names.length === 0 ? undefined : new Set(names);
}

export class LinkReader {
  private readonly table: TableDef | undefined;
  private readonly db: EseDatabase;
  private readonly schema: AdSchema;
  private readonly dnOf: (dnt: number) => string | undefined;

  constructor(db: EseDatabase, schema: AdSchema, dnOf: (dnt: number) => string | undefined) {
    this.db = db;
    this.schema = schema;
    this.dnOf = dnOf;
    this.table = db.table('link_table');
  }

  /** The object's linked values by attribute name: forward links, then back links, each in key order. */
  valuesOf(dnt: number, wanted: LinkSelection): Map<string, string[]> {
    const out = new Map<string, string[]>();
    if (this.table === undefined) return out;
    const table = this.table;
    const add = (row: Row, back: boolean) => {
      if (isRemoved(row) || typeof row['link_base'] !== 'number') return;
      const linkId = row['link_base'] * 2 + (back ? 1 : 0);
      const name = this.schema.attributeByLinkId(linkId)?.name ?? `linkID:${linkId}`;
      if (wanted !== 'all' && !wanted.has(name.toLowerCase())) return;
      const target = row[back ? 'link_DNT' : 'backlink_DNT'];
      if (typeof target !== 'number') return;
      const list = out.get(name) ?? [];
      list.push(this.value(target, back ? undefined : row['link_data']));
      out.set(name, list);
    };
    const key = longKey(dnt);
    for (const row of this.db.rowsByPrefix(table, key, keep)) add(row, false);
    for (const e of this.db.indexEntries(table, BACKLINK_INDEX, key)) {
      const row = this.db.rowByKey(table, e.data, keep);
      if (row !== undefined) add(row, true);
    }
    return out;
  }

  /**
   * A DN, or for a forward DN-Binary / DN-String link (link_data set) LDAP's DN-Binary form
   * `B:<hex digits>:<hex>:<DN>` with link_data's bytes as hex (FORMAT.md §6 says what is not verified about them).
   * Back links are plain DNs whatever the forward link's syntax.
   */
  private value(target: number, data: Row[string] | undefined): string {
    const dn = this.dnOf(target) ?? `<DNT=${target}>`;
    if (!(data instanceof Uint8Array) || data.byteLength === 0) return dn;
    const hex = Buffer.from(data).toString('hex').toUpperCase();
    return `B:${hex.length}:${hex}:${dn}`;
  }
}

/**
 * A value that is no longer present: link_deltime set makes it an absent value of linked-value replication
 * (kept for replication until garbage collection), link_deactivetime a deactivated link of a deleted object
 * (Recycle Bin). LDAP returns neither without a control, so neither is returned here.
 */
/** A value removed (link_deltime: an absent value kept for replication) or deactivated (its object deleted). */
export function isRemoved(row: Row): boolean {
  const set = (v: Row[string] | undefined) => v !== undefined && v !== 0n && v !== 0;
  return set(row['link_deltime']) || set(row['link_deactivetime']);
}
