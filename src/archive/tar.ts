// Our own small POSIX tar codec (ustar + the PAX 'path' and 'size' records) instead of tar-stream: tar-stream
// silently skips the padding bytes after each entry's data and hands out hard links, symlinks and devices, so a
// flipped padding byte or a planted link would pass `verify`. This reader is strict by design: every header
// byte is covered by the checksum (whose own field must have GNU's exact "6 digits, NUL, space" form), padding
// and the end-of-archive blocks must be zero, only plain regular files are accepted, and the stream must end
// with the two zero blocks. Together with a hash of each entry's data, any single flipped byte and any
// truncation of an uncompressed archive is detected.
//
// The writer emits what GNU tar lists and extracts: one ustar header per file, preceded by a PAX extended header
// ('x') when the name does not fit ustar or the size does not fit 11 octal digits (ntds.dit can exceed 8 GiB).
// The reader streams: entry data passes through as subarrays of the source's chunks, and memory stays bounded
// whatever the entry size.

import { AppError } from '../errors.ts';
import { isAdopted, release } from '../owned-buffer.ts';

export interface TarFileHeader {
  name: string;
  size: number;
  mtime: Date;
  mode: number;
}

export interface TarEntry {
  header: TarFileHeader;
  /** offset of its first header block (including any PAX header) in the uncompressed stream */
  offset: number;
  /**
   * the data, exactly header.size bytes, in chunks; must be consumed (or is drained automatically when the iteration
   * moves on)
   */
  body: AsyncIterable<Buffer>;
}

export const BLOCK = 512;
/** Largest size the 12-byte ustar size field holds in octal: 8 GiB - 1. */
const MAX_USTAR_SIZE = 0o77777777777;
/** Largest mtime (seconds) that fits 11 octal digits; beyond it (or before 1970) mtime is written base-256. */
const MAX_USTAR_TIME = 0o77777777777;
/** Our PAX headers hold a path and a size; GNU adds times. Anything near this is not an archive of ours. */
const MAX_PAX_BYTES = 1 << 20;

const MAGIC = Buffer.from('ustar\x0000', 'latin1'); // magic "ustar\0" then version "00"
const ZERO_SLICE = Buffer.alloc(64 * 1024);
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** End-of-archive marker: two 512-byte zero blocks. */
export const TAR_END: Buffer = Buffer.alloc(2 * BLOCK);

// ---------------------------------------------------------------------------------------------------------------
// Writing

/** Header field offsets and lengths (POSIX ustar). */
const F = {
  name: [0, 100],
  mode: [100, 8],
  uid: [108, 8],
  gid: [116, 8],
  size: [124, 12],
  mtime: [136, 12],
  chksum: [148, 8],
  typeflag: [156, 1],
  linkname: [157, 100],
  magic: [257, 8],
  uname: [265, 32],
  gname: [297, 32],
  devmajor: [329, 8],
  devminor: [337, 8],
  prefix: [345, 155],
} as const;

function writeError(message: string, name: string): AppError {
  return new AppError('Internal', 'TAR_WRITE_INVALID', message, { target: name });
}

/**
 * Header block(s) for one regular file: a POSIX ustar header (magic "ustar\0", version "00", typeflag '0', uid/gid 0,
 * uname/gname "root", mode given, mtime seconds, checksum per POSIX). When the name does not fit ustar (longer than
 * 100 bytes and not splittable into prefix/name, or non-ASCII) or size > 0o77777777777 (8 GiB - 1), a PAX extended
 * header ('x' entry named "PaxHeaders/<basename>", records "path=" and/or "size=" in the exact "<len> key=value\n"
 * form) precedes it, and the ustar size field then holds 0 for oversize.
 */
export function tarHeader(h: TarFileHeader): Buffer {
  const { name, size, mtime, mode } = h;
  if (name.length === 0 || name.includes('\0'))
    throw writeError('a tar entry name must be non-empty and free of NUL', name);
  if (/[\uD800-\uDFFF]/u.test(name)) throw writeError('a tar entry name must be well-formed Unicode', name);
  if (!Number.isSafeInteger(size) || size < 0) throw writeError(`invalid tar entry size ${size}`, name);
  if (!Number.isInteger(mode) || mode < 0 || mode > 0o7777777) throw writeError(`invalid tar entry mode ${mode}`, name);
  const ms = mtime.getTime();
  if (!Number.isFinite(ms)) throw writeError('invalid tar entry mtime', name);
  const seconds = Math.floor(ms / 1000);

  const records: Buffer[] = [];
  let fields = /^[\x01-\x7f]*$/.test(name) ? splitUstarName(name) : null;
  if (fields === null) {
    records.push(paxRecord('path', name));
    // What a reader without PAX support would see; ours ignores it (the PAX path wins).
    const fallback = name.replace(/[^\x01-\x7f]/gu, '_');
    fields = splitUstarName(fallback) ?? { prefix: '', name: fallback.slice(0, 100) };
  }
  const oversize = size > MAX_USTAR_SIZE;
  if (oversize) records.push(paxRecord('size', String(size)));

  const file = ustarBlock(fields.name, fields.prefix, mode, oversize ? 0 : size, seconds, '0');
  if (records.length === 0) return file;
  const pax = Buffer.concat(records);
  const paxHead = ustarBlock(paxHeaderName(name), '', 0o644, pax.length, seconds, 'x');
  return Buffer.concat([paxHead, pax, tarPadding(pax.length), file]);
}

/** Zero bytes to pad `size` data bytes to a 512 boundary (possibly empty). */
export function tarPadding(size: number): Buffer {
  return Buffer.alloc(padLength(size));
}

export function padLength(size: number): number {
  return (BLOCK - (size % BLOCK)) % BLOCK;
}

/** ustar name/prefix for an ASCII name, or null when it does not fit. */
function splitUstarName(name: string): { prefix: string; name: string } | null {
  if (name.length <= 100) return { prefix: '', name };
  // prefix + '/' + rest, prefix at most 155 bytes, rest 1..100 bytes.
  for (let i = name.length - 101; i <= 155 && i < name.length - 1; i++) {
    if (i > 0 && name[i] === '/') return { prefix: name.slice(0, i), name: name.slice(i + 1) };
  }
  return null;
}

function paxHeaderName(name: string): string {
  const base = name.replace(/\/+$/, '').split('/').pop() || 'entry';
  return ('PaxHeaders/' + base.replace(/[^\x01-\x7f]/gu, '_')).slice(0, 100);
}

/** One "<len> key=value\n" record; len counts the whole record, its own digits included. */
function paxRecord(key: string, value: string): Buffer {
  const rest = Buffer.from(` ${key}=${value}\n`, 'utf8');
  let len = rest.length + 1;
  while (String(len).length + rest.length !== len) len = String(len).length + rest.length;
  return Buffer.concat([Buffer.from(String(len), 'latin1'), rest]);
}

function ustarBlock(
  name: string,
  prefix: string,
  mode: number,
  size: number,
  seconds: number,
  typeflag: string,
): Buffer {
  const b = Buffer.alloc(BLOCK);
  b.write(name, F.name[0], F.name[1], 'latin1');
  writeOctal(b, F.mode, mode);
  writeOctal(b, F.uid, 0);
  writeOctal(b, F.gid, 0);
  writeOctal(b, F.size, size);
  if (seconds >= 0 && seconds <= MAX_USTAR_TIME) writeOctal(b, F.mtime, seconds);
  else writeBase256(b, F.mtime, seconds);
  b.write(typeflag, F.typeflag[0], 1, 'latin1');
  MAGIC.copy(b, F.magic[0]);
  b.write('root', F.uname[0], 'latin1');
  b.write('root', F.gname[0], 'latin1');
  writeOctal(b, F.devmajor, 0);
  writeOctal(b, F.devminor, 0);
  b.write(prefix, F.prefix[0], F.prefix[1], 'latin1');
  // Checksum: the unsigned byte sum with the field itself taken as spaces, written as 6 octal digits, NUL, space.
  b.fill(0x20, F.chksum[0], F.chksum[0] + F.chksum[1]);
  const sum = byteSum(b);
  b.write(sum.toString(8).padStart(6, '0') + '\0', F.chksum[0], 7, 'latin1');
  return b;
}

/** Zero-padded octal digits filling all but the last byte, then NUL. */
function writeOctal(b: Buffer, [offset, length]: readonly [number, number], value: number): void {
  const digits = value.toString(8).padStart(length - 1, '0');
  if (digits.length > length - 1)
    throw new AppError('Internal', 'TAR_WRITE_INVALID', `${value} does not fit a ${length}-byte tar field`);
  b.write(digits + '\0', offset, length, 'latin1');
}

/** GNU base-256: big-endian two's complement with the top bit of the first byte set. */
function writeBase256(b: Buffer, [offset, length]: readonly [number, number], value: number): void {
  const bits = BigInt(length * 8 - 1);
  let v = BigInt(value);
  if (v < 0n) v += 1n << bits;
  for (let i = length - 1; i >= 0; i--) {
    b[offset + i] = Number(v & 0xffn);
    v >>= 8n;
  }
  b[offset] = b[offset]! | 0x80;
}

function byteSum(b: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < b.length; i++) sum += b[i]!;
  return sum;
}

// ---------------------------------------------------------------------------------------------------------------
// Reading

const EMPTY_CHUNK = Buffer.alloc(0);

function integrity(code: string, message: string, offset: number, target?: string): AppError {
  return new AppError('Integrity', code, message, { target, details: { offset } });
}

/**
 * Pulls bytes from the source; hands out subarrays of its chunks whenever a request lies inside one chunk. With
 * `releaseConsumed` it lets go of each chunk (owned-buffer.ts) as it moves to the next: a view `next` gave is then
 * valid until the next call, and one kept longer must be retained; `read` copies what it returns from such a chunk.
 */
class ByteReader {
  #it: AsyncIterator<Uint8Array>;
  #chunk: Buffer = Buffer.alloc(0);
  #pos = 0;
  #done = false;
  readonly #releaseConsumed: boolean;
  /** Stream offset of the next unread byte (= bytes consumed so far). */
  offset = 0;

  constructor(source: AsyncIterable<Uint8Array>, releaseConsumed: boolean) {
    this.#it = source[Symbol.asyncIterator]();
    this.#releaseConsumed = releaseConsumed;
  }

  #letGo(): void {
    if (this.#releaseConsumed) release(this.#chunk);
    this.#chunk = EMPTY_CHUNK;
    this.#pos = 0;
  }

  async #fill(): Promise<boolean> {
    while (this.#pos >= this.#chunk.length) {
      if (this.#done) return false;
      this.#letGo();
      const r = await this.#it.next();
      if (r.done) {
        this.#done = true;
        return false;
      }
      const c = r.value;
      this.#chunk = Buffer.isBuffer(c) ? c : Buffer.from(c.buffer, c.byteOffset, c.byteLength);
      this.#pos = 0;
    }
    return true;
  }

  /** Between 1 and `max` bytes without copying, or null at the end of the stream. */
  async next(max: number): Promise<Buffer | null> {
    if (!(await this.#fill())) return null;
    const n = Math.min(max, this.#chunk.length - this.#pos);
    const out = this.#chunk.subarray(this.#pos, this.#pos + n);
    this.#pos += n;
    this.offset += n;
    return out;
  }

  /** Exactly `n` bytes, or fewer when the stream ends first. Copies only when the bytes span chunks. */
  async read(n: number): Promise<Buffer> {
    if (n === 0) return Buffer.alloc(0);
    const first = await this.next(n);
    if (first === null) return Buffer.alloc(0);
    if (first.length === n) return this.#releaseConsumed && isAdopted(first) ? Buffer.from(first) : first;
    const parts = [first];
    let got = first.length;
    while (got < n) {
      const part = await this.next(n - got);
      if (part === null) break;
      parts.push(part);
      got += part.length;
    }
    return Buffer.concat(parts, got);
  }

  async close(): Promise<void> {
    this.#letGo();
    if (this.#done) return;
    this.#done = true;
    try {
      await this.#it.return?.();
    } catch {
      // The source's own clean-up failure must not mask the error (or the result) of reading.
    }
  }
}

/** Index of the first non-zero byte, or -1. memcmp-speed for the common all-zero case. */
export function firstNonZero(b: Uint8Array): number {
  const buf = Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  for (let start = 0; start < buf.length; start += ZERO_SLICE.length) {
    const part = buf.subarray(start, start + ZERO_SLICE.length);
    if (part.equals(ZERO_SLICE.subarray(0, part.length))) continue;
    for (let i = 0; i < part.length; i++) if (part[i] !== 0) return start + i;
  }
  return -1;
}

export interface RawHeader {
  name: string;
  typeflag: number;
  mode: number;
  size: number;
  mtime: number;
}

function isOctalDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x37;
}

/** The checksum field must be exactly what we (and GNU) write: 6 octal digits, NUL, space. */
function checkChecksum(block: Buffer, at: number): void {
  const [off] = F.chksum;
  let stored = 0;
  let wellFormed = block[off + 6] === 0 && block[off + 7] === 0x20;
  for (let i = 0; i < 6; i++) {
    const c = block[off + i]!;
    if (!isOctalDigit(c)) wellFormed = false;
    stored = stored * 8 + (c - 0x30);
  }
  if (!wellFormed) {
    throw integrity(
      'TAR_HEADER_CHECKSUM',
      `tar header at offset ${at} has a malformed checksum field (not a tar archive, or damaged)`,
      at,
    );
  }
  let sum = 8 * 0x20;
  for (let i = 0; i < BLOCK; i++) if (i < off || i >= off + 8) sum += block[i]!;
  if (sum !== stored) {
    throw integrity(
      'TAR_HEADER_CHECKSUM',
      `tar header at offset ${at} is damaged: checksum ${stored.toString(8)} stored, ${sum.toString(8)} computed`,
      at,
    );
  }
}

/** A NUL-terminated (or field-filling) name field, strictly UTF-8. */
function nameField(block: Buffer, [offset, length]: readonly [number, number], at: number): string {
  const field = block.subarray(offset, offset + length);
  const end = field.indexOf(0);
  try {
    return utf8.decode(end === -1 ? field : field.subarray(0, end));
  } catch {
    throw integrity('TAR_HEADER_INVALID', `tar header at offset ${at} has a name that is not valid UTF-8`, at);
  }
}

/** Octal (optional leading spaces, digits, then NUL/space to the end of the field) or GNU base-256. */
function numericField(block: Buffer, field: keyof typeof F, at: number, target: string): number {
  const [offset, length] = F[field];
  const f = block.subarray(offset, offset + length);
  const invalid = (why: string) =>
    integrity('TAR_HEADER_INVALID', `tar header at offset ${at} has an invalid ${field} field: ${why}`, at, target);
  if (f[0]! & 0x80) {
    if (f[0] !== 0x80 && f[0] !== 0xff) throw invalid('bad base-256 lead byte');
    let v = BigInt(f[0]! & 0x7f);
    for (let i = 1; i < length; i++) v = (v << 8n) | BigInt(f[i]!);
    const bits = BigInt(length * 8 - 1);
    if (v >> (bits - 1n)) v -= 1n << bits;
    if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER))
      throw invalid('base-256 value out of range');
    return Number(v);
  }
  let i = 0;
  while (i < length && f[i] === 0x20) i++;
  const start = i;
  let v = 0;
  while (i < length && isOctalDigit(f[i]!)) v = v * 8 + (f[i++]! - 0x30);
  if (i === start) throw invalid('no octal digits');
  for (; i < length; i++) if (f[i] !== 0 && f[i] !== 0x20) throw invalid('not octal, or not NUL/space terminated');
  return v;
}

/** One header block's fields, strictly checked (exported for tar-seek.ts's positional walk). */
export function parseHeader(block: Buffer, at: number, paxPath: string | undefined): RawHeader {
  checkChecksum(block, at);
  const short = nameField(block, F.name, at);
  const prefix = nameField(block, F.prefix, at);
  const name = paxPath ?? (prefix === '' ? short : `${prefix}/${short}`);
  if (!block.subarray(F.magic[0], F.magic[0] + F.magic[1]).equals(MAGIC)) {
    throw integrity(
      'TAR_HEADER_MAGIC',
      `tar header at offset ${at} is not a POSIX ustar header (magic "ustar\\0" "00" expected)`,
      at,
      name,
    );
  }
  const typeflag = block[F.typeflag[0]]!;
  const t = String.fromCharCode(typeflag);
  if (t === '1' || t === '2') {
    throw integrity(
      'TAR_LINK',
      `tar entry '${name}' at offset ${at} is a ${t === '1' ? 'hard link' : 'symbolic link'}; only regular files are accepted`,
      at,
      name,
    );
  }
  if (t === '3' || t === '4' || t === '6') {
    const kind = t === '3' ? 'character device' : t === '4' ? 'block device' : 'FIFO';
    throw integrity(
      'TAR_DEVICE',
      `tar entry '${name}' at offset ${at} is a ${kind}; only regular files are accepted`,
      at,
      name,
    );
  }
  if (t !== '0' && t !== '\0' && t !== 'x') {
    const kind = t === '5' ? 'a directory' : t === 'g' ? 'a global PAX header' : `of type ${JSON.stringify(t)}`;
    throw integrity(
      'TAR_UNSUPPORTED_TYPE',
      `tar entry '${name}' at offset ${at} is ${kind}; only regular files are accepted`,
      at,
      name,
    );
  }
  const mode = numericField(block, 'mode', at, name);
  numericField(block, 'uid', at, name);
  numericField(block, 'gid', at, name);
  const size = numericField(block, 'size', at, name);
  const mtime = numericField(block, 'mtime', at, name);
  if (size < 0) throw integrity('TAR_HEADER_INVALID', `tar header at offset ${at} has a negative size`, at, name);
  return { name, typeflag, mode, size, mtime };
}

export interface Pax {
  offset: number;
  path?: string;
  size?: number;
}

/** Strict "<len> key=value\n" records filling the data exactly. */
export function parsePax(data: Buffer, dataOffset: number, headerOffset: number): Pax {
  const out: Pax = { offset: headerOffset };
  const invalid = (why: string, at: number) =>
    integrity('TAR_PAX_INVALID', `PAX extended header at offset ${headerOffset} is invalid: ${why}`, dataOffset + at);
  let i = 0;
  while (i < data.length) {
    let j = i;
    while (j < data.length && j - i < 8 && data[j]! >= 0x30 && data[j]! <= 0x39) j++;
    if (j === i || data[j] !== 0x20 || data[i] === 0x30)
      throw invalid('record length is not a decimal number followed by a space', i);
    const len = Number(data.toString('latin1', i, j));
    const end = i + len;
    if (len < j - i + 4 || end > data.length) throw invalid(`record length ${len} does not fit`, i);
    if (data[end - 1] !== 0x0a) throw invalid('record does not end with a newline where its length says', i);
    const record = data.subarray(j + 1, end - 1);
    const eq = record.indexOf(0x3d);
    if (eq <= 0) throw invalid('record is not key=value', i);
    let key: string;
    let value: string;
    try {
      key = utf8.decode(record.subarray(0, eq));
      value = utf8.decode(record.subarray(eq + 1));
    } catch {
      throw invalid('record is not valid UTF-8', i);
    }
    if (key === 'path') {
      if (value === '') throw invalid('empty path', i);
      out.path = value;
    } else if (key === 'size') {
      if (!/^(0|[1-9][0-9]*)$/.test(value) || !Number.isSafeInteger(Number(value)))
        throw invalid(`bad size ${JSON.stringify(value)}`, i);
      out.size = Number(value);
    } else if (key.startsWith('GNU.sparse.')) {
      throw integrity(
        'TAR_UNSUPPORTED_TYPE',
        `PAX extended header at offset ${headerOffset} describes a sparse file; only plain regular files are accepted`,
        headerOffset,
        out.path,
      );
    }
    // Other keys (GNU's mtime/atime/ctime, uid, uname, …) are ignored.
    i = end;
  }
  return out;
}

/** Reads and checks the zero padding after `size` data bytes. */
async function readPadding(r: ByteReader, size: number, target: string | undefined): Promise<void> {
  const n = padLength(size);
  if (n === 0) return;
  const start = r.offset;
  const pad = await r.read(n);
  if (pad.length < n) {
    throw integrity(
      'TAR_TRUNCATED',
      `tar archive is truncated at offset ${r.offset}, in the padding after ${target ? `'${target}'` : 'a PAX header'}`,
      r.offset,
      target,
    );
  }
  const nz = firstNonZero(pad);
  if (nz !== -1) {
    throw integrity(
      'TAR_PADDING_NONZERO',
      `tar padding after ${target ? `'${target}'` : 'a PAX header'} has a non-zero byte at offset ${start + nz}`,
      start + nz,
      target,
    );
  }
}

/**
 * Strict streaming reader over uncompressed tar bytes (any chunking, e.g. 1 byte at a time or 4 MiB). Yields regular
 * files only. `releaseConsumed`: see ByteReader (a body chunk is then valid until the next one is asked for).
 */
export async function* readTar(
  source: AsyncIterable<Uint8Array>,
  options: { releaseConsumed?: boolean } = {},
): AsyncGenerator<TarEntry> {
  const r = new ByteReader(source, options.releaseConsumed ?? false);
  try {
    let pax: Pax | undefined;
    for (;;) {
      const at = r.offset;
      const block = await readHeaderBlock(r, pax);
      if (firstNonZero(block) === -1) {
        if (pax)
          throw integrity(
            'TAR_PAX_INVALID',
            `PAX extended header at offset ${pax.offset} is followed by the end of the archive, not a file header`,
            at,
            pax.path,
          );
        return await readEnd(r, at);
      }
      const h = parseHeader(block, at, pax?.path);
      if (h.typeflag === 0x78 /* 'x' */) {
        pax = await readPaxHeader(r, h.size, at, pax);
        continue;
      }
      const header: TarFileHeader = {
        name: h.name,
        size: pax?.size ?? h.size,
        mtime: new Date(h.mtime * 1000),
        mode: h.mode,
      };
      const offset = pax?.offset ?? at;
      pax = undefined;
      const entry = new Body(r, header.name, header.size);
      yield { header, offset, body: entry };
      await entry.drain();
      await readPadding(r, header.size, header.name);
    }
  } finally {
    await r.close();
  }
}

/** The next 512-byte header block; a short one is a truncated archive. */
async function readHeaderBlock(r: ByteReader, pax: Pax | undefined): Promise<Buffer> {
  const block = await r.read(BLOCK);
  if (block.length === BLOCK) return block;
  const where = pax
    ? 'after a PAX extended header'
    : block.length === 0
      ? 'where a header or the end-of-archive marker was expected'
      : 'inside a header';
  throw integrity('TAR_TRUNCATED', `tar archive is truncated at offset ${r.offset}, ${where}`, r.offset, pax?.path);
}

/** After the first zero block at `at`: the second one, then nothing but zeros to the end of the stream. */
async function readEnd(r: ByteReader, at: number): Promise<void> {
  const second = await r.read(BLOCK);
  if (second.length < BLOCK) {
    throw integrity(
      'TAR_TRUNCATED',
      `tar archive is truncated at offset ${r.offset}: the end-of-archive marker needs two zero blocks`,
      r.offset,
    );
  }
  const nz = firstNonZero(second);
  if (nz !== -1) {
    throw integrity(
      'TAR_TRAILING_DATA',
      `a lone zero block at offset ${at} is followed by data (non-zero byte at offset ${at + BLOCK + nz})`,
      at + BLOCK + nz,
    );
  }
  for (;;) {
    const start = r.offset;
    const chunk = await r.next(Number.MAX_SAFE_INTEGER);
    if (chunk === null) return;
    const z = firstNonZero(chunk);
    if (z !== -1)
      throw integrity(
        'TAR_TRAILING_DATA',
        `non-zero byte at offset ${start + z} after the end-of-archive marker`,
        start + z,
      );
  }
}

/** A PAX extended header ('x') of `size` bytes at `at`: one at most before each file header, and of sane size. */
async function readPaxHeader(r: ByteReader, size: number, at: number, pending: Pax | undefined): Promise<Pax> {
  if (pending)
    throw integrity(
      'TAR_PAX_INVALID',
      `PAX extended header at offset ${pending.offset} is followed by another PAX header at ${at}`,
      at,
      pending.path,
    );
  if (size > MAX_PAX_BYTES)
    throw integrity('TAR_PAX_INVALID', `PAX extended header at offset ${at} is implausibly large (${size} bytes)`, at);
  const data = await r.read(size);
  if (data.length < size)
    throw integrity(
      'TAR_TRUNCATED',
      `tar archive is truncated at offset ${r.offset}, inside a PAX extended header`,
      r.offset,
    );
  const pax = parsePax(data, at + BLOCK, at);
  await readPadding(r, size, undefined);
  return pax;
}

/** One entry's data: yields exactly `size` bytes; whatever the consumer leaves is drained when the reader moves on. */
class Body implements AsyncIterable<Buffer> {
  #r: ByteReader;
  #name: string;
  #remaining: number;
  /** Bytes the reader drained because the consumer moved on without them. */
  #skipped = 0;

  constructor(r: ByteReader, name: string, size: number) {
    this.#r = r;
    this.#name = name;
    this.#remaining = size;
  }

  async #chunk(): Promise<Buffer> {
    const c = await this.#r.next(this.#remaining);
    if (c === null) {
      throw integrity(
        'TAR_TRUNCATED',
        `tar archive is truncated at offset ${this.#r.offset}, inside the data of '${this.#name}' (${this.#remaining} bytes missing)`,
        this.#r.offset,
        this.#name,
      );
    }
    this.#remaining -= c.length;
    return c;
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Buffer> {
    for (;;) {
      if (this.#skipped > 0) {
        throw new AppError(
          'Internal',
          'TAR_BODY_STALE',
          `the data of tar entry '${this.#name}' was read after the reader moved on`,
          { target: this.#name },
        );
      }
      if (this.#remaining === 0) return;
      yield await this.#chunk();
    }
  }

  async drain(): Promise<void> {
    while (this.#remaining > 0) this.#skipped += (await this.#chunk()).length;
  }
}
