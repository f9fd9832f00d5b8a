// gzip member framing (RFC 1952) around raw deflate output: the header is written here rather than by zlib.gzip so
// that it carries FHCRC, and MTIME 0 / OS 255 keep the output the same on every platform.

import zlib from 'node:zlib';

/** One gzip member (RFC 1952) around raw deflate data: FLG = FHCRC, MTIME 0, OS 255 (unknown), header CRC16. */
export function gzipMember(plain: Buffer, raw: Buffer, level: number): Buffer {
  const head = Buffer.from([0x1f, 0x8b, 8, 0x02, 0, 0, 0, 0, level === 9 ? 2 : level === 1 ? 4 : 0, 255, 0, 0]);
  head.writeUInt16LE(zlib.crc32(head.subarray(0, 10)) & 0xffff, 10);
  const tail = Buffer.alloc(8);
  tail.writeUInt32LE(zlib.crc32(plain), 0);
  tail.writeUInt32LE(plain.length >>> 0, 4);
  return Buffer.concat([head, raw, tail]);
}
