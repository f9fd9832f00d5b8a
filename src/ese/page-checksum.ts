// Database page checksums (FORMAT.md §7): the "new" XOR+ECC format chosen per page by flag 0x2000 (pages
// ≤ 8 KiB as one block; 16/32 KiB pages as 4 blocks with three extra checksums in PGHDR2), the old XOR format, blank
// (all-zero) pages, and ESE's single-bit diagnosis. Written over 32-bit words: this runs over every byte of a
// multi-GiB ntds.dit inside the backup pass.

export const NEW_CHECKSUM_FLAG = 0x2000;
const FLAGS_OFFSET = 36;

export type PageStatus = 'good' | 'blank' | 'corrupt';

export interface PageCheck {
  pgno: number;
  status: PageStatus;
  format?: 'new' | 'old';
  /** For a correctable single flipped bit: its byte and bit within the page, as ESE would report it. */
  singleBit?: { byte: number; bit: number };
  /** When only the XOR half differs by a page number: the page this content belongs to. */
  contentOfPage?: number;
}

/** Parity of each byte value. */
const PARITY8 = Uint8Array.from({ length: 256 }, (_, b) => {
  let p = 0;
  for (let v = b; v; v >>= 1) p ^= v & 1;
  return p;
});

function parity32(w: number): number {
  w ^= w >>> 16;
  w ^= w >>> 8;
  w ^= w >>> 4;
  w ^= w >>> 2;
  w ^= w >>> 1;
  return w & 1;
}

/** XOR (column parity) and ECC of one block; `headerBlock` treats words 0-1 (the checksum) as zero. */
function blockChecksum(
  words: Uint32Array,
  from: number,
  count: number,
  headerBlock: boolean,
): { xor: number; ecc: number } {
  let col = 0;
  let p = 0;
  const end = from + count;
  for (let j = from + (headerBlock ? 2 : 0); j < end; j++) {
    const w = words[j]!;
    col ^= w;
    // Branch-free: the parity of w is random, so a branch on it would be mispredicted half the time.
    const x = w ^ (w >>> 16);
    p ^= (j - from) & -PARITY8[(x ^ (x >>> 8)) & 0xff]!;
  }
  col >>>= 0;
  let r = 0;
  for (let c = 0; c < 32; c++) if ((col >>> c) & 1) r ^= c;
  const M = count * 32 - 1;
  const lo = ((p << 5) | r) & M;
  const hi = (lo ^ (parity32(col) ? M : 0)) & M;
  return { xor: col, ecc: ((hi << 16) | lo) >>> 0 };
}

function isBlank(words: Uint32Array): boolean {
  for (let i = 0; i < words.length; i++) if (words[i] !== 0) return false;
  return true;
}

/** The stored and computed (XOR, ECC) pairs of each block of a new-format page. */
function newFormatBlocks(
  page: Uint32Array,
  pgno: number,
): { stored: [number, number]; computed: [number, number]; blockWords: number }[] {
  const words = page.length;
  // ≤8 KiB one block; 16 KiB: 4 KiB; 32 KiB: 8 KiB
  const blockWords = words <= 2048 ? words : words === 4096 ? 1024 : 2048;
  const blocks = words / blockWords;
  const out: { stored: [number, number]; computed: [number, number]; blockWords: number }[] = [];
  for (let b = 0; b < blocks; b++) {
    const { xor, ecc } = blockChecksum(page, b * blockWords, blockWords, b === 0);
    // Block 0's checksum at words 0-1; blocks 1-3 at page offsets 40/48/56 (words 10-15).
    const at = b === 0 ? 0 : 8 + 2 * b;
    out.push({ stored: [page[at]!, page[at + 1]!], computed: [(xor ^ pgno) >>> 0, ecc], blockWords });
  }
  return out;
}

/**
 * Classifies one database page (pgno ≥ 1; its bytes at file offset (pgno + 1) * pageSize). `page` must be 4-byte
 * aligned (a Uint32Array view over the page).
 */
export function checkPage(page: Uint32Array, pgno: number): PageCheck {
  if (isBlank(page)) return { pgno, status: 'blank' };
  const flags = page[FLAGS_OFFSET / 4]!;
  if ((flags & NEW_CHECKSUM_FLAG) === 0) {
    // Old format: seed ^ XOR of words 1..n-1 (the pgno word included) in bytes 0-3, the pgno in bytes 4-7.
    let c = 0x89abcdef;
    for (let i = 1; i < page.length; i++) c ^= page[i]!;
    return c >>> 0 === page[0] && page[1] === pgno
      ? { pgno, status: 'good', format: 'old' }
      : { pgno, status: 'corrupt', format: 'old' };
  }
  const blocks = newFormatBlocks(page, pgno);
  if (blocks.every((b) => b.stored[0] === b.computed[0] && b.stored[1] === b.computed[1])) {
    // Large pages also carry their own number after the checksums (PGHDR2.pgno at offset 64).
    if (page.length > 2048 && page[16] !== pgno) return { pgno, status: 'corrupt', format: 'new' };
    return { pgno, status: 'good', format: 'new' };
  }
  const result: PageCheck = { pgno, status: 'corrupt', format: 'new' };
  // ESE's diagnosis (checksum.cxx FECCErrorIsCorrectable): one block differing by a correctable single bit.
  const bad = blocks
    .map((b, i) => ({ b, i }))
    .filter(({ b }) => b.stored[0] !== b.computed[0] || b.stored[1] !== b.computed[1]);
  if (bad.length === 1) {
    const { b, i } = bad[0]!;
    const M = b.blockWords * 32 - 1;
    const dE = (b.stored[1] ^ b.computed[1]) >>> 0;
    const dX = (b.stored[0] ^ b.computed[0]) >>> 0;
    if (dE === 0 && dX !== 0) result.contentOfPage = (dX ^ pgno) >>> 0;
    else if ((((dE >>> 16) ^ dE) & M) === M && dX !== 0 && (dX & (dX - 1)) === 0) {
      const bitInBlock = dE & 0xffff;
      const bitInPage = i * b.blockWords * 32 + bitInBlock;
      if (bitInBlock < b.blockWords * 32 && bitInPage !== FLAGS_OFFSET * 8 + 13)
        result.singleBit = { byte: bitInPage >>> 3, bit: bitInPage & 7 };
    }
  }
  return result;
}

/** Computes and stores a new-format checksum (and, for large pages, the block checksums and PGHDR2.pgno). */
export function sealPage(page: Uint32Array, pgno: number): void {
  page[FLAGS_OFFSET / 4] = (page[FLAGS_OFFSET / 4]! | NEW_CHECKSUM_FLAG) >>> 0;
  if (page.length > 2048) page[16] = pgno;
  const words = page.length;
  const blockWords = words <= 2048 ? words : words === 4096 ? 1024 : 2048;
  // Blocks 1-3 first: block 0's checksum covers their stored checksums.
  for (let b = words / blockWords - 1; b >= 0; b--) {
    const { xor, ecc } = blockChecksum(page, b * blockWords, blockWords, b === 0);
    const at = b === 0 ? 0 : 8 + 2 * b;
    page[at] = (xor ^ pgno) >>> 0;
    page[at + 1] = ecc;
  }
}
