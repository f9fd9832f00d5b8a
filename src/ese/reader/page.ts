// One database page: its header and its tags (FORMAT.md §9.1-9.2). Pages up to 8 KiB have a 40-byte header and
// tags of 13-bit size/offset with the tag flags in the offset word; 16/32 KiB pages have an 80-byte header, 15-bit
// size/offset, and keep the tag flags in the top three bits of the first 16-bit word of the entry itself.
import type { Findings } from './findings.ts';

export const PAGE_FLAG = {
  root: 0x1,
  leaf: 0x2,
  parent: 0x4,
  empty: 0x8,
  spaceTree: 0x20,
  index: 0x40,
  longValue: 0x80,
  newRecordFormat: 0x800,
  newChecksum: 0x2000,
} as const;

export const TAG_FLAG = { variableSize: 0x1, defunct: 0x2, commonKey: 0x4 } as const;

export interface PageHeader {
  pgno: number;
  prev: number;
  next: number;
  objidFDP: number;
  /** Number of tags, tag 0 (the page's external header) included. */
  tagCount: number;
  flags: number;
}

export interface Tag {
  flags: number;
  /** The entry's bytes; on large pages the flag bits are already cleared from its first word. */
  data: Uint8Array;
}

export function isLargePage(pageSize: number): boolean {
  return pageSize > 8192;
}

export function pageHeaderSize(pageSize: number): number {
  return isLargePage(pageSize) ? 80 : 40;
}

export function parsePageHeader(page: Uint8Array, pgno: number): PageHeader {
  const v = new DataView(page.buffer, page.byteOffset, page.byteLength);
  return {
    pgno,
    prev: v.getUint32(16, true),
    next: v.getUint32(20, true),
    objidFDP: v.getUint32(24, true),
    tagCount: v.getUint16(34, true),
    flags: v.getUint32(36, true),
  };
}

/** Reads tag `i`; null (and a finding) when it does not fit inside the page's data area. */
export function readTag(page: Uint8Array, pgno: number, i: number, findings: Findings): Tag | null {
  const span: TagSpan = { start: 0, size: 0, flags: 0 };
  if (!tagSpan(page, pgno, i, findings, span)) return null;
  let data = page.subarray(span.start, span.start + span.size);
  if (isLargePage(page.byteLength) && i > 0) {
    data = Uint8Array.from(data);
    data[1]! &= 0x1f;
  }
  return { flags: span.flags, data };
}

/** Where a tag's entry lies in the page; on large pages its second byte still carries the flags in its top bits. */
export interface TagSpan {
  start: number;
  size: number;
  flags: number;
}

/**
 * Tag `i` into `out` (which a walk that only counts reuses, allocating nothing per tag); false (and a finding) when
 * it does not fit inside the page's data area.
 */
export function tagSpan(page: Uint8Array, pgno: number, i: number, findings: Findings, out: TagSpan): boolean {
  const size = page.byteLength;
  const large = isLargePage(size);
  const hdr = pageHeaderSize(size);
  const at = size - 4 * (i + 1);
  if (at < hdr) {
    findings.add({ code: 'bad-tag', message: `tag ${i} would lie inside the page header`, pgno });
    return false;
  }
  const mask = large ? 0x7fff : 0x1fff;
  const cb = (page[at]! | (page[at + 1]! << 8)) & mask;
  const w1 = page[at + 2]! | (page[at + 3]! << 8);
  const ib = w1 & mask;
  const start = hdr + ib;
  // Entries live between the header and the tag array at the page's end.
  if (start + cb > size - 4 * tagsBelow(page)) {
    findings.add({ code: 'bad-tag', message: `tag ${i} (offset ${ib}, size ${cb}) runs past the data area`, pgno });
    return false;
  }
  let flags = w1 >>> 13;
  if (large) {
    if (cb < 2 && i > 0) {
      findings.add({ code: 'bad-tag', message: `tag ${i} too short for its flag word`, pgno });
      return false;
    }
    flags = i > 0 ? page[start + 1]! >>> 5 : 0;
  }
  out.start = start;
  out.size = cb;
  out.flags = flags;
  return true;
}

/** The number of tags the header announces; the tag array lies below the page end. */
function tagsBelow(page: Uint8Array): number {
  return page[34]! | (page[35]! << 8);
}
