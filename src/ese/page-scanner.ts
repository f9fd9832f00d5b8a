// Checks every database page while the bytes stream past (backup, verify): no second read. Pages may straddle the
// chunks of the stream; the page size comes from the database header at the start of the stream.
import { HEADER_PROBE_BYTES, parseDatabaseHeader } from './database-header.ts';
import { type PageCheck, checkPage } from './page-checksum.ts';

export interface PageStats {
  pageSize: number;
  pages: number;
  good: number;
  blank: number;
  corrupt: number;
  /** The first corrupt pages (at most 20), with ESE's diagnosis where it has one. */
  corruptPages: PageCheck[];
  /** Bytes after the last whole page (a database file is whole pages). */
  trailingBytes: number;
}

const MAX_LISTED = 20;

export class PageScanner {
  private pageSize = 0;
  private readonly head: Uint8Array = new Uint8Array(HEADER_PROBE_BYTES);
  private headLen = 0;
  private pos = 0; // bytes of the file seen
  private scratch = new Uint32Array(0);
  private scratchFill = 0; // bytes of the current page gathered in scratch
  private disabled = false;
  readonly stats: PageStats = {
    pageSize: 0,
    pages: 0,
    good: 0,
    blank: 0,
    corrupt: 0,
    corruptPages: [],
    trailingBytes: 0,
  };

  add(chunk: Uint8Array): void {
    if (this.disabled) return;
    let data = chunk;
    if (this.pageSize === 0) {
      const take = Math.min(data.length, this.head.length - this.headLen);
      this.head.set(data.subarray(0, take), this.headLen);
      this.headLen += take;
      if (this.headLen < this.head.length) return;
      this.start(this.head.length);
      if (this.disabled) return;
      // Replay what the header buffer holds beyond the two header pages, then carry on with the rest of the chunk.
      this.pos = 2 * this.pageSize;
      this.consume(this.head.subarray(2 * this.pageSize, this.headLen));
      data = data.subarray(take);
    }
    this.consume(data);
  }

  finish(): PageStats | null {
    if (this.disabled) return null;
    if (this.pageSize === 0) {
      this.start(this.headLen);
      if (this.disabled) return null;
      this.pos = 2 * this.pageSize;
      this.consume(this.head.subarray(Math.min(2 * this.pageSize, this.headLen), this.headLen));
    }
    this.stats.trailingBytes = this.scratchFill;
    return this.stats;
  }

  private start(available: number): void {
    try {
      this.pageSize = parseDatabaseHeader(this.head.subarray(0, available), available).pageSize;
    } catch {
      this.disabled = true; // a damaged header is reported by the header checks; pages cannot be located
      return;
    }
    this.stats.pageSize = this.pageSize;
    this.scratch = new Uint32Array(this.pageSize / 4);
  }

  private consume(data: Uint8Array): void {
    const size = this.pageSize;
    let off = 0;
    while (off < data.length) {
      if (this.scratchFill === 0 && data.length - off >= size && (data.byteOffset + off) % 4 === 0) {
        this.check(new Uint32Array(data.buffer, data.byteOffset + off, size / 4)); // in place: no copy
        off += size;
        continue;
      }
      const take = Math.min(size - this.scratchFill, data.length - off);
      new Uint8Array(this.scratch.buffer).set(data.subarray(off, off + take), this.scratchFill);
      this.scratchFill += take;
      off += take;
      if (this.scratchFill === size) {
        this.check(this.scratch);
        this.scratchFill = 0;
      }
    }
  }

  private check(words: Uint32Array): void {
    const pgno = this.pos / this.pageSize - 1;
    this.pos += this.pageSize;
    const r = checkPage(words, pgno);
    this.stats.pages++;
    this.stats[r.status]++;
    if (r.status === 'corrupt' && this.stats.corruptPages.length < MAX_LISTED) this.stats.corruptPages.push(r);
  }
}
