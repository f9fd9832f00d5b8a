// Every structural inconsistency the table reader meets becomes a named finding, never an exception: a damaged
// database must still yield what can be read, and tell the admin where it stopped trusting the bytes.

export type FindingCode =
  | 'page-out-of-range' // a page number points past the end of the file
  | 'page-blank' // a B-tree points to an all-zero page
  | 'page-checksum' // the page's checksum does not match its bytes
  | 'page-objid-mismatch' // the page belongs to another B-tree than the one being walked
  | 'page-bad-flags' // neither leaf nor branch, or a space-tree page inside a data tree
  | 'space-tree-page' // a space-tree page met where a data page was expected (skipped)
  | 'bad-tag' // a tag points outside the page's data area
  | 'bad-entry' // a B-tree entry too short for its key sizes or child pointer
  | 'btree-cycle' // a page reached twice in one walk
  | 'btree-too-deep' // more levels than any real tree has
  | 'bad-record' // a record's offsets or sizes do not fit its bytes
  | 'unknown-column' // a record holds a column the catalog does not define
  | 'bad-catalog' // a catalog row that cannot be understood
  | 'long-value-missing' // a separated long value not found in the table's long-value tree
  | 'unsupported-compression' // an ESE-compressed value this reader does not decompress
  // The deep check (check.ts):
  | 'catalog-page-out-of-range' // a table, index or long-value tree whose root page lies outside the file
  | 'catalog-duplicate-name' // two tables, or two columns or indexes of one table, with one name
  | 'catalog-duplicate-id' // two columns of one table with one column id
  // The AD cross-references (src/ad/check.ts):
  | 'ad-parent-missing' // a datatable row's PDNT_col names no existing row
  | 'ad-link-missing' // a link_table row's link_DNT or backlink_DNT names no existing row
  | 'ad-sd-missing'; // a datatable row's security descriptor id is not in sd_table

export interface Finding {
  code: FindingCode;
  message: string;
  pgno?: number;
  table?: string;
}

/** Collects findings with a cap, so a badly damaged 50 GiB file cannot exhaust memory with them. */
export class Findings {
  readonly list: Finding[] = [];
  dropped = 0;
  /** Every finding counted by code, the dropped ones included. */
  readonly counts: Partial<Record<FindingCode, number>> = {};
  private readonly max: number;
  constructor(max = 1000) {
    this.max = max;
  }
  add(f: Finding): void {
    this.counts[f.code] = (this.counts[f.code] ?? 0) + 1;
    if (this.list.length < this.max) this.list.push(f);
    else this.dropped++;
  }
  get count(): number {
    return this.list.length + this.dropped;
  }
}
