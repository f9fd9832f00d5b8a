// Rewrites attribute values of a real ntds.dit in place, as a changed database would hold them: the value's bytes
// inside its datatable leaf page are replaced by as many other bytes, and the page's checksum is sealed again.
// Only values stored in the record itself (neither separated into the long-value tree nor compressed) qualify.
import { readFileSync, writeFileSync } from 'node:fs';
import { AdDirectory } from '../../src/ad/directory.ts';
import { leafEntries } from '../../src/ese/reader/btree.ts';
import { EseDatabase } from '../../src/ese/reader/database.ts';
import { isLargePage } from '../../src/ese/reader/page.ts';
import { splitRecord } from '../../src/ese/reader/record.ts';
import { sealPage } from '../../src/ese/page-checksum.ts';

export interface Rewrite {
  dnt: number;
  /** The datatable column, e.g. ATTm131266. */
  column: string;
  /** The new value for the old one; must keep its length. */
  replace(old: Uint8Array): Uint8Array;
}

/** Applies the rewrites to `file` (a whole database file in memory) and returns the pages it sealed again. */
export function rewriteValues(file: Uint8Array, rewrites: Rewrite[]): number[] {
  const db = EseDatabase.fromBytes(file);
  const table = db.table('datatable')!;
  const ids = new Map(table.columns.map((c) => [c.name, c.id]));
  const byId = new Map(table.columns.map((c) => [c.id, c]));
  const dntId = ids.get('DNT_col')!;
  const layout = { fixedSize: (id: number) => byId.get(id)?.size, largePage: isLargePage(db.source.pageSize) };
  const size = db.source.pageSize;
  const pages = new Set<number>();
  let done = 0;
  for (const e of leafEntries(db.source, table.fdp, db.findings, { objid: table.objid })) {
    const columns = splitRecord(e.data, layout, db.findings, e.pgno);
    const dntBytes = columns.find((c) => c.id === dntId)?.values[0]?.bytes;
    if (dntBytes === undefined) continue;
    const dnt = new DataView(dntBytes.buffer, dntBytes.byteOffset, 4).getInt32(0, true);
    for (const rw of rewrites.filter((r) => r.dnt === dnt)) {
      const raw = columns.find((c) => c.id === ids.get(rw.column))?.values;
      if (raw?.length !== 1 || raw[0]!.separated || raw[0]!.compressed)
        throw new Error(`DNT ${dnt} ${rw.column}: not one value stored in the record`);
      const old = raw[0]!.bytes;
      const next = rw.replace(old);
      if (next.byteLength !== old.byteLength) throw new Error('a rewrite must keep the length');
      // The page source hands out a copy of the page: the value's offset in it is its offset in the file's page.
      file.set(next, (e.pgno + 1) * size + old.byteOffset);
      pages.add(e.pgno);
      done++;
    }
  }
  db.close();
  if (done !== rewrites.length) throw new Error(`${done} of ${rewrites.length} values found`);
  for (const pgno of pages) sealPage(new Uint32Array(file.buffer, file.byteOffset + (pgno + 1) * size, size / 4), pgno);
  return [...pages];
}

/** UTF-16LE text, as the Unicode string columns hold it. */
export const utf16 = {
  encode: (s: string) => new Uint8Array(Buffer.from(s, 'utf16le')),
  decode: (b: Uint8Array) => Buffer.from(b).toString('utf16le'),
};

/** DN → the attributes rewriteSchemaCopy changes there (in the 2012 R2 template), each value reversed. */
export const SCHEMA_EDITS: Record<string, string[]> = {
  'CN=Common-Name,CN=Schema,O=Boot': ['adminDisplayName'],
  'CN=Description,CN=Schema,O=Boot': ['adminDisplayName'],
  'CN=User,CN=Schema,O=Boot': ['adminDisplayName', 'adminDescription'],
};

/**
 * Copies a database to `destination` with the SCHEMA_EDITS values reversed in place ("User" becomes "resU") and
 * the pages sealed again. Returns the rewritten pages.
 */
export function rewriteSchemaCopy(source: string, destination: string): number[] {
  const reverse = (b: Uint8Array) => utf16.encode([...utf16.decode(b)].reverse().join(''));
  const dir = AdDirectory.open(source);
  const rewrites: Rewrite[] = [];
  try {
    for (const { dnt, object } of dir.objects()) {
      for (const name of SCHEMA_EDITS[String(object['distinguishedName'])] ?? [])
        rewrites.push({ dnt, column: `ATTm${dir.schema.attributeByName(name)!.attrtyp}`, replace: reverse });
    }
  } finally {
    dir.close();
  }
  const file = new Uint8Array(readFileSync(source));
  const pages = rewriteValues(file, rewrites);
  writeFileSync(destination, file);
  return pages;
}

/**
 * Rewrites in place the link_base of the link_table rows that hold `from` (the record's fixed column 3, after
 * link_DNT and backlink_DNT) and seals their pages again: the same two rows, now values of another attribute.
 * The keys keep the old link_base, which the reader does not use for values. Returns how many rows changed.
 */
export function rewriteLinkBase(file: Uint8Array, from: number, to: number): number {
  const db = EseDatabase.fromBytes(file);
  const table = db.table('link_table')!;
  const size = db.source.pageSize;
  const pages = new Set<number>();
  let done = 0;
  for (const e of leafEntries(db.source, table.fdp, db.findings, { objid: table.objid })) {
    const view = new DataView(e.data.buffer, e.data.byteOffset, e.data.byteLength);
    if (e.data[0]! < 3 || view.getInt32(12, true) !== from) continue;
    new DataView(file.buffer, file.byteOffset).setInt32((e.pgno + 1) * size + e.data.byteOffset + 12, to, true);
    pages.add(e.pgno);
    done++;
  }
  db.close();
  for (const pgno of pages) sealPage(new Uint32Array(file.buffer, file.byteOffset + (pgno + 1) * size, size / 4), pgno);
  return done;
}
