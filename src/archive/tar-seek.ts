// The entries of an uncompressed, unencrypted tar found by positional reads: each header is read and checked as
// readTar checks it, then the walk jumps over the entry's data instead of streaming it. Used to read a member in
// place (an archived ntds.dit of many GiB) without reading, or copying, the bytes before it.
import { readSync } from 'node:fs';
import { AppError } from '../errors.ts';
import { BLOCK, type Pax, firstNonZero, padLength, parseHeader, parsePax } from './tar.ts';

export interface SeekEntry {
  name: string;
  size: number;
  /** Offset of the entry's first data byte in the file. */
  dataOffset: number;
}

function truncated(at: number, target?: string): AppError {
  return new AppError('Integrity', 'TAR_TRUNCATED', `tar archive is truncated at offset ${at}`, {
    target,
    details: { offset: at },
  });
}

function readExactly(fd: number, length: number, position: number, fileSize: number): Buffer {
  if (position + length > fileSize) throw truncated(fileSize);
  const buf = Buffer.alloc(length);
  let got = 0;
  while (got < length) {
    const n = readSync(fd, buf, got, length - got, position + got);
    if (n === 0) throw truncated(position + got);
    got += n;
  }
  return buf;
}

/** Every regular-file entry of the tar file open as `fd`, in order, up to the end-of-archive marker. */
export function* seekTarEntries(fd: number, fileSize: number): Generator<SeekEntry> {
  let at = 0;
  let pax: Pax | undefined;
  for (;;) {
    const block = readExactly(fd, BLOCK, at, fileSize);
    if (firstNonZero(block) === -1) {
      if (pax) throw new AppError('Integrity', 'TAR_PAX_INVALID', `PAX header at ${pax.offset} precedes the end`);
      return;
    }
    const h = parseHeader(block, at, pax?.path);
    if (h.typeflag === 0x78 /* 'x' */) {
      if (pax) throw new AppError('Integrity', 'TAR_PAX_INVALID', `PAX header at ${pax.offset} is followed by another`);
      pax = parsePax(readExactly(fd, h.size, at + BLOCK, fileSize), at + BLOCK, at);
      at += BLOCK + h.size + padLength(h.size);
      continue;
    }
    const size = pax?.size ?? h.size;
    const dataOffset = at + BLOCK;
    if (dataOffset + size > fileSize) throw truncated(fileSize, h.name);
    pax = undefined;
    yield { name: h.name, size, dataOffset };
    at = dataOffset + size + padLength(size);
  }
}

/** Reads a whole (small) entry found by seekTarEntries. */
export function readSeekEntry(fd: number, entry: SeekEntry, fileSize: number): Buffer {
  return readExactly(fd, entry.size, entry.dataOffset, fileSize);
}
