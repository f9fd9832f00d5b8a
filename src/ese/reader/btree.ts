// B-tree walks (FORMAT.md §9.3). Branch pages hold (key, child page) entries, leaf pages (key, record). Keys are
// prefix-compressed: an entry flagged "common key" starts with the number of bytes it shares with the page's key
// prefix (tag 0 of a non-root page); its own bytes follow. Walks are depth-first with the path as the only state
// plus one bit per page of the file to catch cycles, so memory stays small however large the tree.
import { Findings } from './findings.ts';
import { PAGE_FLAG, TAG_FLAG, isLargePage, parsePageHeader, readTag, tagSpan } from './page.ts';
import type { PageHeader, TagSpan } from './page.ts';
import type { PageSource } from './page-source.ts';
import { startsWith } from './keys.ts';

export interface Entry {
  key: Uint8Array;
  /** What follows the key: a record on a leaf, a child page number on a branch. */
  data: Uint8Array;
  pgno: number;
}

/** Real ESE trees are a handful of levels deep; anything deeper is a loop or damage. */
const MAX_DEPTH = 16;

interface LoadedPage {
  header: PageHeader;
  entries: Entry[];
}

/** A page read and checked, its tags not yet split: leaves of a count need no more. */
interface ReadPage {
  page: Uint8Array;
  header: PageHeader;
  /** The key prefix (tag 0) of a non-root page; empty on a root, whose tag 0 is its space header. */
  prefix: Uint8Array;
}

/** With `scratch`, a page not in the cache is read into it; a branch page is then copied, as the walk keeps it. */
function readPage(source: PageSource, pgno: number, findings: Findings, scratch?: Uint8Array): ReadPage | null {
  let page = scratch && source.pageInto ? source.pageInto(pgno, scratch, findings) : source.page(pgno, findings);
  if (page === null) return null;
  if (page === scratch && !(page[36]! & PAGE_FLAG.leaf)) page = page.slice();
  const header = parsePageHeader(page, pgno);
  if (header.tagCount === 0 || 4 * header.tagCount > page.byteLength) {
    findings.add({ code: 'bad-tag', message: `page ${pgno} announces ${header.tagCount} tags`, pgno });
    return null;
  }
  const tag0 = readTag(page, pgno, 0, findings);
  const prefix = tag0 === null || header.flags & PAGE_FLAG.root ? new Uint8Array(0) : tag0.data;
  return { page, header, prefix };
}

/** Calls `each` with every live tag of the page that holds a well-formed entry; the others become findings. */
function forEachEntry(p: ReadPage, findings: Findings, each: (data: Uint8Array, flags: number) => void): void {
  const { page, header, prefix } = p;
  for (let i = 1; i < header.tagCount; i++) {
    const tag = readTag(page, header.pgno, i, findings);
    if (tag === null || tag.flags & TAG_FLAG.defunct) continue;
    if (keyBounds(tag.data, tag.flags, prefix) === null) {
      const pgno = header.pgno;
      findings.add({ code: 'bad-entry', message: `entry ${i} of page ${pgno} is shorter than its key`, pgno });
      continue;
    }
    each(tag.data, tag.flags);
  }
}

/** Splits a page into entries with their full keys; tag 0 is the page prefix (or the root's space header). */
export function loadPage(source: PageSource, pgno: number, findings: Findings): LoadedPage | null {
  const p = readPage(source, pgno, findings);
  return p === null ? null : { header: p.header, entries: entriesOf(p, findings) };
}

/** Where the entry's own key bytes lie and how much of the prefix it shares; null when they do not fit. */
function keyBounds(
  d: Uint8Array,
  flags: number,
  prefix: Uint8Array,
): { common: number; at: number; end: number } | null {
  let at = 0;
  let common = 0;
  if (flags & TAG_FLAG.commonKey) {
    if (d.byteLength < 2) return null;
    common = d[0]! | (d[1]! << 8);
    at = 2;
  }
  if (d.byteLength < at + 2) return null;
  const local = d[at]! | (d[at + 1]! << 8);
  at += 2;
  if (d.byteLength < at + local || common > prefix.byteLength) return null;
  return { common, at, end: at + local };
}

function splitEntry(d: Uint8Array, flags: number, prefix: Uint8Array): Omit<Entry, 'pgno'> | null {
  const bounds = keyBounds(d, flags, prefix);
  if (bounds === null) return null;
  const { common, at, end } = bounds;
  const key = new Uint8Array(common + end - at);
  key.set(prefix.subarray(0, common));
  key.set(d.subarray(at, end), common);
  return { key, data: d.subarray(end) };
}

export interface WalkOptions {
  /** The tree's object id: pages stamped with another belong to another tree. */
  objid?: number;
  table?: string;
  /**
   * Leaves are read into one reused buffer: an entry's `data` is valid only until the next entry is asked for, so the
   * caller must copy what it keeps. Spares V8 a fresh 8 KiB buffer per page, which it frees late.
   */
  transient?: boolean;
}

/** Yields every leaf entry of the tree rooted at `root`, in key order. */
export function* leafEntries(
  source: PageSource,
  root: number,
  findings: Findings,
  opts: WalkOptions = {},
): Generator<Entry> {
  const scratch = opts.transient ? new Uint8Array(source.pageSize) : undefined;
  for (const leaf of leafPages(source, root, findings, opts, scratch)) yield* entriesOf(leaf, findings);
}

/**
 * The number of leaf entries, counted without building their keys: `tables` counts every row of a 50 GiB file,
 * and an object per row is garbage that makes V8 grow its young generation (peak RSS rising with the file's size).
 */
export function countLeafEntries(source: PageSource, root: number, findings: Findings, opts: WalkOptions = {}): number {
  let n = 0;
  // Each leaf is read into one reused buffer: a fresh 8 KiB buffer per page is external memory V8 frees late.
  const scratch = new Uint8Array(source.pageSize);
  for (const leaf of leafPages(source, root, findings, opts, scratch)) n += countEntries(leaf, findings);
  return n;
}

/** What forEachEntry would call `each` for, counted without an object per tag (the same checks, the same findings). */
function countEntries(p: ReadPage, findings: Findings): number {
  const { page, header, prefix } = p;
  // On large pages the entry's second byte carries the tag flags in its top bits (readTag clears them).
  const b1mask = isLargePage(page.byteLength) ? 0x1f : 0xff;
  const span: TagSpan = { start: 0, size: 0, flags: 0 };
  let n = 0;
  for (let i = 1; i < header.tagCount; i++) {
    if (!tagSpan(page, header.pgno, i, findings, span) || span.flags & TAG_FLAG.defunct) continue;
    const { start, flags } = span;
    const end = start + span.size;
    let keyAt = start;
    let common = 0;
    let fits = true;
    if (flags & TAG_FLAG.commonKey) {
      fits = end >= start + 2;
      if (fits) common = page[start]! | ((page[start + 1]! & b1mask) << 8);
      keyAt = start + 2;
    }
    if (fits && end >= keyAt + 2) {
      const local = page[keyAt]! | ((keyAt === start ? page[keyAt + 1]! & b1mask : page[keyAt + 1]!) << 8);
      fits = end >= keyAt + 2 + local && common <= prefix.byteLength;
    } else fits = false;
    if (fits) n++;
    else {
      const pgno = header.pgno;
      findings.add({ code: 'bad-entry', message: `entry ${i} of page ${pgno} is shorter than its key`, pgno });
    }
  }
  return n;
}

function entriesOf(p: ReadPage, findings: Findings): Entry[] {
  const entries: Entry[] = [];
  const pgno = p.header.pgno;
  forEachEntry(p, findings, (data, flags) => entries.push({ ...splitEntry(data, flags, p.prefix)!, pgno }));
  return entries;
}

/** Every leaf page of the tree in key order; with `scratch`, a leaf is valid only until the next one is asked for. */
function leafPages(
  source: PageSource,
  root: number,
  findings: Findings,
  opts: WalkOptions,
  scratch?: Uint8Array,
): Generator<ReadPage> {
  const seen = new Uint8Array((source.pageCount >>> 3) + 2);
  return walk(source, root, 0, seen, findings, { ...opts, scratch });
}

function* walk(
  source: PageSource,
  pgno: number,
  depth: number,
  seen: Uint8Array,
  findings: Findings,
  opts: WalkOptions & { scratch?: Uint8Array | undefined },
): Generator<ReadPage> {
  const where = { pgno, ...(opts.table === undefined ? {} : { table: opts.table }) };
  if (depth > MAX_DEPTH) return findings.add({ code: 'btree-too-deep', message: `deeper than ${MAX_DEPTH}`, ...where });
  if (pgno < source.pageCount + 1 && seen[pgno >>> 3]! & (1 << (pgno & 7)))
    return findings.add({ code: 'btree-cycle', message: `page ${pgno} reached twice`, ...where });
  if (pgno < source.pageCount + 1) seen[pgno >>> 3]! |= 1 << (pgno & 7);
  const read = readPage(source, pgno, findings, opts.scratch);
  if (read === null) return;
  const { flags, objidFDP } = read.header;
  if (opts.objid !== undefined && objidFDP !== opts.objid)
    return findings.add({ code: 'page-objid-mismatch', message: `page belongs to object ${objidFDP}`, ...where });
  if (flags & PAGE_FLAG.spaceTree)
    return findings.add({ code: 'space-tree-page', message: 'space-tree page skipped', ...where });
  if (flags & PAGE_FLAG.leaf) return yield read;
  if (!(flags & PAGE_FLAG.parent))
    return findings.add({ code: 'page-bad-flags', message: `flags 0x${flags.toString(16)}`, ...where });
  for (const e of entriesOf(read, findings)) {
    const child = childOf(e, findings);
    if (child !== null) yield* walk(source, child, depth + 1, seen, findings, opts);
  }
}

function childOf(e: Entry, findings: Findings): number | null {
  if (e.data.byteLength < 4) {
    findings.add({ code: 'bad-entry', message: 'branch entry without a child page', pgno: e.pgno });
    return null;
  }
  return new DataView(e.data.buffer, e.data.byteOffset, 4).getUint32(0, true);
}

export function compareKeys(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.byteLength, b.byteLength);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.byteLength - b.byteLength;
}

/**
 * Yields leaf entries from the first key ≥ `target` onwards. Descends to the first child whose separator is not
 * below the target, then follows the leaf chain, so it is right whether separators are inclusive or exclusive.
 */
export function* seek(source: PageSource, root: number, target: Uint8Array, findings: Findings): Generator<Entry> {
  let pgno = root;
  for (let depth = 0; depth <= MAX_DEPTH; depth++) {
    const loaded = loadPage(source, pgno, findings);
    if (loaded === null) return;
    if (loaded.header.flags & PAGE_FLAG.leaf) return yield* followLeaves(source, loaded, target, findings);
    const pick = loaded.entries.find((e) => e.key.byteLength === 0 || compareKeys(e.key, target) >= 0);
    const child = pick === undefined ? null : childOf(pick, findings);
    if (child === null) return;
    pgno = child;
  }
  findings.add({ code: 'btree-too-deep', message: `seek deeper than ${MAX_DEPTH}`, pgno });
}

function* followLeaves(source: PageSource, first: LoadedPage, target: Uint8Array, findings: Findings) {
  let page: LoadedPage | null = first;
  for (let hops = 0; page !== null && hops <= source.pageCount; hops++) {
    for (const e of page.entries) if (compareKeys(e.key, target) >= 0) yield e;
    if (page.header.next === 0) return;
    page = loadPage(source, page.header.next, findings);
  }
}

/** Leaf entries whose key starts with `prefix`, in key order: a seek, then the leaf chain until the prefix ends. */
export function* prefixEntries(source: PageSource, root: number, prefix: Uint8Array, findings: Findings) {
  for (const e of seek(source, root, prefix, findings)) {
    if (!startsWith(e.key, prefix)) return;
    yield e;
  }
}

/**
 * The entry with the highest key: the last child of each branch down to a leaf. A leaf left empty by deletions
 * sends the search to its left neighbour.
 */
export function lastEntry(source: PageSource, root: number, findings: Findings): Entry | undefined {
  let pgno = root;
  for (let depth = 0; depth <= MAX_DEPTH; depth++) {
    const loaded = loadPage(source, pgno, findings);
    if (loaded === null) return undefined;
    if (loaded.header.flags & PAGE_FLAG.leaf) return lastInLeaves(source, loaded, findings);
    const last = loaded.entries.at(-1);
    const child = last === undefined ? null : childOf(last, findings);
    if (child === null) return undefined;
    pgno = child;
  }
  findings.add({ code: 'btree-too-deep', message: `descent deeper than ${MAX_DEPTH}`, pgno });
  return undefined;
}

function lastInLeaves(source: PageSource, leaf: LoadedPage, findings: Findings): Entry | undefined {
  let page: LoadedPage | null = leaf;
  for (let hops = 0; page !== null && hops <= source.pageCount; hops++) {
    const last = page.entries.at(-1);
    if (last !== undefined) return last;
    if (page.header.prev === 0) return undefined;
    page = loadPage(source, page.header.prev, findings);
  }
  return undefined;
}
