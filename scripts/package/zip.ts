// A deterministic zip writer for the module packages (scripts/package-module.ts): the same entries give the same
// bytes, because every entry carries one fixed time and a mode derived only from "is it executable", and entries are
// written in the order given. Deflate (zlib, level 9) unless storing is smaller. No zip64: a package over 4 GiB is an
// error. Unix "version made by" with the mode in the external attributes, as NuGet writes on Linux, so an extractor
// that applies modes (.NET's ZipFile on Unix) keeps the Linux executable executable.
import { crc32, deflateRawSync } from 'node:zlib';

export interface ZipEntry {
  /** The entry name: a relative path with forward slashes. */
  name: string;
  data: Buffer;
  executable?: boolean;
}

const LOCAL_HEADER = 0x04034b50;
const CENTRAL_HEADER = 0x02014b50;
const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const MADE_BY_UNIX = (3 << 8) | 20;
const NEEDED = 20;
const MAX32 = 0xffffffff;

/** The MS-DOS time and date fields of a UTC instant (2-second resolution; the zip format has no time zone). */
export function dosDateTime(at: Date): { time: number; date: number } {
  const year = at.getUTCFullYear();
  if (year < 1980 || year > 2107) throw new RangeError(`zip: ${at.toISOString()} cannot be an MS-DOS date (1980-2107)`);
  return {
    time: (at.getUTCHours() << 11) | (at.getUTCMinutes() << 5) | (at.getUTCSeconds() >> 1),
    date: ((year - 1980) << 9) | ((at.getUTCMonth() + 1) << 5) | at.getUTCDate(),
  };
}

interface Written {
  name: Buffer;
  crc: number;
  method: number;
  compressedSize: number;
  size: number;
  offset: number;
  mode: number;
}

function compress(data: Buffer): { method: number; body: Buffer } {
  const deflated = deflateRawSync(data, { level: 9 });
  return deflated.length < data.length ? { method: 8, body: deflated } : { method: 0, body: data };
}

function localHeader(w: Written, at: { time: number; date: number }): Buffer {
  const h = Buffer.alloc(30);
  h.writeUInt32LE(LOCAL_HEADER, 0);
  h.writeUInt16LE(NEEDED, 4);
  h.writeUInt16LE(0, 6); // flags: ASCII names (checked), sizes known up front
  h.writeUInt16LE(w.method, 8);
  h.writeUInt16LE(at.time, 10);
  h.writeUInt16LE(at.date, 12);
  h.writeUInt32LE(w.crc, 14);
  h.writeUInt32LE(w.compressedSize, 18);
  h.writeUInt32LE(w.size, 22);
  h.writeUInt16LE(w.name.length, 26);
  h.writeUInt16LE(0, 28);
  return Buffer.concat([h, w.name]);
}

function centralHeader(w: Written, at: { time: number; date: number }): Buffer {
  const h = Buffer.alloc(46);
  h.writeUInt32LE(CENTRAL_HEADER, 0);
  h.writeUInt16LE(MADE_BY_UNIX, 4);
  h.writeUInt16LE(NEEDED, 6);
  h.writeUInt16LE(0, 8);
  h.writeUInt16LE(w.method, 10);
  h.writeUInt16LE(at.time, 12);
  h.writeUInt16LE(at.date, 14);
  h.writeUInt32LE(w.crc, 16);
  h.writeUInt32LE(w.compressedSize, 20);
  h.writeUInt32LE(w.size, 24);
  h.writeUInt16LE(w.name.length, 28);
  // extra length, comment length, disk number, internal attributes: 0
  h.writeUInt32LE((w.mode << 16) >>> 0, 38);
  h.writeUInt32LE(w.offset, 42);
  return Buffer.concat([h, w.name]);
}

/** The zip file of these entries, in this order, every one dated `at`. */
export function writeZip(entries: ZipEntry[], at: Date): Buffer {
  const dos = dosDateTime(at);
  const seen = new Set<string>();
  const parts: Buffer[] = [];
  const written: Written[] = [];
  let offset = 0;
  for (const e of entries) {
    if (!/^[\x21-\x7e]+$/.test(e.name) || e.name.startsWith('/') || e.name.includes('\\'))
      throw new Error(`zip: entry name ${JSON.stringify(e.name)} is not a relative ASCII path with forward slashes`);
    if (seen.has(e.name.toLowerCase()))
      throw new Error(`zip: two entries named ${e.name} (names are case-insensitive)`);
    seen.add(e.name.toLowerCase());
    const { method, body } = compress(e.data);
    const w: Written = {
      name: Buffer.from(e.name, 'ascii'),
      crc: crc32(e.data),
      method,
      compressedSize: body.length,
      size: e.data.length,
      offset,
      mode: e.executable ? 0o100755 : 0o100644,
    };
    if (w.size > MAX32 || w.compressedSize > MAX32 || offset > MAX32) throw new Error(`zip: ${e.name} needs zip64`);
    const header = localHeader(w, dos);
    parts.push(header, body);
    offset += header.length + body.length;
    written.push(w);
  }
  const central = Buffer.concat(written.map((w) => centralHeader(w, dos)));
  if (offset > MAX32) throw new Error('zip: the archive needs zip64');
  const end = Buffer.alloc(22);
  end.writeUInt32LE(END_OF_CENTRAL_DIRECTORY, 0);
  end.writeUInt16LE(written.length, 8);
  end.writeUInt16LE(written.length, 10);
  end.writeUInt32LE(central.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, central, end]);
}

export interface ZipListing {
  name: string;
  size: number;
  compressedSize: number;
  mode: number;
  time: number;
  date: number;
  method: number;
  crc: number;
  /** Where the entry's local header starts. */
  offset: number;
}

/** The central directory of a zip file this module wrote (no zip64, no comment): what the package holds. */
export function listZip(zip: Buffer): ZipListing[] {
  const endAt = zip.length - 22;
  if (endAt < 0 || zip.readUInt32LE(endAt) !== END_OF_CENTRAL_DIRECTORY)
    throw new Error('zip: no end of central directory');
  const count = zip.readUInt16LE(endAt + 10);
  let at = zip.readUInt32LE(endAt + 16);
  const out: ZipListing[] = [];
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(at) !== CENTRAL_HEADER) throw new Error(`zip: central header ${i} is damaged`);
    const nameLength = zip.readUInt16LE(at + 28);
    const skip = zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
    out.push({
      name: zip.toString('ascii', at + 46, at + 46 + nameLength),
      size: zip.readUInt32LE(at + 24),
      compressedSize: zip.readUInt32LE(at + 20),
      mode: zip.readUInt32LE(at + 38) >>> 16,
      time: zip.readUInt16LE(at + 12),
      date: zip.readUInt16LE(at + 14),
      method: zip.readUInt16LE(at + 10),
      crc: zip.readUInt32LE(at + 16),
      offset: zip.readUInt32LE(at + 42),
    });
    at += 46 + nameLength + skip;
  }
  return out;
}
