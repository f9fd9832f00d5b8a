// Reads database pages on demand through a small LRU cache, so a walk over a 50 GiB ntds.dit holds only a few
// pages in memory. Data page n (counting from 1) starts at (n + 1) × pageSize: two header pages come first.
import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { HEADER_PROBE_BYTES, parseDatabaseHeader, type ParsedDatabaseHeader } from '../database-header.ts';
import { checkPage } from '../page-checksum.ts';
import type { Findings } from './findings.ts';
import { requireRegularFile } from '../../regular-file.ts';

export interface PageSource {
  readonly pageSize: number;
  readonly pageCount: number;
  /** The page's bytes, or null (with a finding) when it cannot be trusted. */
  page(pgno: number, findings: Findings): Uint8Array | null;
  /**
   * The same page read into `into` (a page-sized buffer the caller reuses) and checked, without entering the cache:
   * for a walk that reads each leaf once and keeps nothing of it. A cached page is returned as it is.
   */
  pageInto?(pgno: number, into: Uint8Array, findings: Findings): Uint8Array | null;
  close(): void;
}

const CACHE_PAGES = 64;

/** A page source over any positional reader (a file, or a buffer in tests). */
export class CachedPageSource implements PageSource {
  private readonly cache = new Map<number, Uint8Array | null>();
  readonly pageCount: number;
  readonly pageSize: number;
  private readonly readAt: (buf: Uint8Array, position: number) => number;
  private readonly onClose: () => void;
  private closed = false;
  constructor(
    pageSize: number,
    fileSize: number,
    readAt: (buf: Uint8Array, position: number) => number,
    onClose: () => void = () => {},
  ) {
    this.pageSize = pageSize;
    this.readAt = readAt;
    this.onClose = onClose;
    this.pageCount = Math.max(0, Math.floor(fileSize / pageSize) - 2);
  }

  page(pgno: number, findings: Findings): Uint8Array | null {
    const hit = this.cache.get(pgno);
    if (hit !== undefined) {
      this.cache.delete(pgno); // re-insert: Map order is the LRU order
      this.cache.set(pgno, hit);
      return hit;
    }
    const page = this.load(pgno, findings);
    this.remember(pgno, page);
    return page;
  }

  private remember(pgno: number, page: Uint8Array | null): void {
    this.cache.set(pgno, page);
    if (this.cache.size > CACHE_PAGES) this.cache.delete(this.cache.keys().next().value!);
  }

  pageInto(pgno: number, into: Uint8Array, findings: Findings): Uint8Array | null {
    if (into.byteLength !== this.pageSize || into.byteOffset % 4 !== 0)
      throw new RangeError(`pageInto needs a 4-byte aligned buffer of ${this.pageSize} bytes`);
    const hit = this.cache.get(pgno);
    if (hit !== undefined) return hit;
    const page = this.load(pgno, findings, into);
    if (page === null) this.remember(pgno, null); // a bad page is reported once per walk and the next, as page() does
    return page;
  }

  private load(pgno: number, findings: Findings, buf: Uint8Array = new Uint8Array(this.pageSize)): Uint8Array | null {
    if (pgno < 1 || pgno > this.pageCount) {
      findings.add({ code: 'page-out-of-range', message: `page ${pgno} is outside 1..${this.pageCount}`, pgno });
      return null;
    }
    if (this.readAt(buf, (pgno + 1) * this.pageSize) !== this.pageSize) {
      findings.add({ code: 'page-out-of-range', message: `page ${pgno} could not be read whole`, pgno });
      return null;
    }
    const check = checkPage(new Uint32Array(buf.buffer, buf.byteOffset, this.pageSize / 4), pgno);
    if (check.status === 'blank') {
      findings.add({ code: 'page-blank', message: `page ${pgno} is blank (all zero)`, pgno });
      return null;
    }
    if (check.status === 'corrupt') {
      findings.add({ code: 'page-checksum', message: `page ${pgno} fails its checksum`, pgno });
      return null;
    }
    return buf;
  }

  /** Idempotent: a database and the directory over it may both close the same source. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.cache.clear();
    this.onClose();
  }
}

export function bufferPageSource(file: Uint8Array): { source: PageSource; header: ParsedDatabaseHeader } {
  const header = parseDatabaseHeader(file.subarray(0, HEADER_PROBE_BYTES), file.byteLength);
  const readAt = (buf: Uint8Array, pos: number) => {
    const part = file.subarray(pos, pos + buf.byteLength);
    buf.set(part);
    return part.byteLength;
  };
  return { source: new CachedPageSource(header.pageSize, file.byteLength, readAt), header };
}

export function filePageSource(path: string): { source: PageSource; header: ParsedDatabaseHeader } {
  // stat before open: opening a FIFO would wait for a writer forever (and this read is synchronous).
  requireRegularFile(statSync(path));
  const fd = openSync(path, 'r');
  try {
    const st = fstatSync(fd);
    requireRegularFile(st);
    const size = st.size;
    const probe = new Uint8Array(Math.min(size, HEADER_PROBE_BYTES));
    readSync(fd, probe, 0, probe.byteLength, 0);
    const header = parseDatabaseHeader(probe, size);
    const readAt = (buf: Uint8Array, pos: number) => readSync(fd, buf, 0, buf.byteLength, pos);
    return { source: new CachedPageSource(header.pageSize, size, readAt, () => closeSync(fd)), header };
  } catch (e) {
    closeSync(fd);
    throw e;
  }
}
