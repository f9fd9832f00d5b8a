// Reading any ESE header file from disk: kind detection by the file-type field every header carries at 667.
import { open, stat } from 'node:fs/promises';
import { fsError } from '../errors.ts';
import { EseHeaderError } from './errors.ts';
import { isAllZero, viewOf } from './fields.ts';
import {
  DB_MAGIC,
  FILETYPE_DATABASE,
  FILETYPE_OFFSET,
  HEADER_PROBE_BYTES,
  type ParsedDatabaseHeader,
  parseDatabaseHeader,
} from './database-header.ts';
import { FILETYPE_LOG, type ParsedLogHeader, parseLogHeader } from './log-header.ts';
import { FILETYPE_CHECKPOINT, type ParsedCheckpoint, parseCheckpoint } from './checkpoint.ts';
import { FILE_TYPES, fileTypeName } from './file-types.ts';
import { requireRegularFile } from '../regular-file.ts';

export type HeaderKind = 'database' | 'log' | 'checkpoint';

export type ParsedHeaderFile =
  | { kind: 'database'; fileSize: number; database: ParsedDatabaseHeader }
  | { kind: 'log'; fileSize: number; log: ParsedLogHeader }
  | { kind: 'checkpoint'; fileSize: number; checkpoint: ParsedCheckpoint };

export interface HeaderProbe {
  bytes: Uint8Array;
  fileSize: number;
}

/** Reads the first bytes of a file, enough for any header kind and its shadow. */
export async function readHeaderProbe(path: string, length = HEADER_PROBE_BYTES): Promise<HeaderProbe> {
  let fh;
  try {
    // stat before open: opening a FIFO would wait for a writer forever.
    const named = await stat(path);
    requireRegularFile(named);
    fh = await open(path, 'r');
    const st = await fh.stat();
    requireRegularFile(st);
    const bytes = new Uint8Array(Math.min(length, st.size));
    let got = 0;
    while (got < bytes.byteLength) {
      const { bytesRead } = await fh.read(bytes, got, bytes.byteLength - got, got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    return { bytes: bytes.subarray(0, got), fileSize: st.size };
  } catch (err) {
    throw fsError(err, path, 'read');
  } finally {
    await fh?.close();
  }
}

/** The header kind from the bytes: the file type at 667 of the primary copy, else of a shadow copy. */
export function detectKind(bytes: Uint8Array, fileSize: number): HeaderKind {
  if (fileSize === 0 || bytes.byteLength === 0)
    throw new EseHeaderError('ESE_TRUNCATED', 'the file is empty', { fileSize });
  if (isAllZero(bytes)) {
    throw new EseHeaderError(
      'ESE_UNUSED',
      'every byte of the header area is zero: an unused (reserve or temporary) file',
      { fileSize },
    );
  }
  const v = viewOf(bytes);
  const at = (o: number) => (o + 4 <= bytes.byteLength ? v.getUint32(o, true) : -1);
  // The shadow copies sit one block further: 4096 for a checkpoint, one page for a database.
  for (const base of [0, 2048, 4096, 8192, 16384, 32768]) {
    const ft = at(base + FILETYPE_OFFSET);
    if (ft === FILETYPE_DATABASE) return 'database';
    if (ft === FILETYPE_LOG) return 'log';
    if (ft === FILETYPE_CHECKPOINT) return 'checkpoint';
    if (ft === 0 && base === 0) return at(4) === DB_MAGIC ? 'database' : 'log'; // pre-filetype files; logs accept 0
    if (base === 0 && ft > 0 && FILE_TYPES[ft] !== undefined) {
      throw new EseHeaderError(
        'ESE_WRONG_FILE_TYPE',
        `an ESE ${fileTypeName(ft)} file is not a database, log or checkpoint`,
        { fileType: ft },
      );
    }
  }
  if (at(4) === DB_MAGIC) return 'database';
  if (bytes.byteLength < 672)
    throw new EseHeaderError('ESE_TRUNCATED', `the file is ${fileSize} bytes, shorter than any ESE header`, {
      fileSize,
    });
  throw new EseHeaderError(
    'ESE_BAD_MAGIC',
    'not an ESE database, log or checkpoint file (no known file type or magic)',
    { fileSize },
  );
}

export function parseHeaderBytes(bytes: Uint8Array, fileSize: number, kind?: HeaderKind): ParsedHeaderFile {
  const k = kind ?? detectKind(bytes, fileSize);
  switch (k) {
    case 'database':
      return { kind: k, fileSize, database: parseDatabaseHeader(bytes, fileSize) };
    case 'log':
      return { kind: k, fileSize, log: parseLogHeader(bytes, fileSize) };
    case 'checkpoint':
      return { kind: k, fileSize, checkpoint: parseCheckpoint(bytes, fileSize) };
  }
}

export async function readHeaderFile(path: string, kind?: HeaderKind): Promise<ParsedHeaderFile> {
  const probe = await readHeaderProbe(path);
  try {
    return parseHeaderBytes(probe.bytes, probe.fileSize, kind);
  } catch (err) {
    if (err instanceof EseHeaderError && err.target === undefined) {
      throw new EseHeaderError(err.problem, `${path}: ${err.message}`, err.details ?? {}, path);
    }
    throw err;
  }
}
