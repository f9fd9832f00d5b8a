// LGFILEHDR, the 4096-byte transaction log header (log.hxx; FORMAT.md §4.1). One copy only, at offset 0.
import { type Decoded, ansi, decode, encode, hex32, i32, isAllZero, u16, u32, u64, u8, viewOf } from './fields.ts';
import { lgpos, logtime, signature } from './structs.ts';
import { headerChecksum, sealHeader, storedChecksum } from './checksum.ts';
import { type AttachedDatabase, readAttachList, writeAttachList } from './attach-info.ts';
import { EseHeaderError } from './errors.ts';
import { FILE_TYPES, fileTypeName } from './file-types.ts';

export const LOG_HEADER_SIZE = 4096;
export const FILETYPE_LOG = 3;
const ATTACH_OFFSET = 671;
const ATTACH_SIZE = 2048;

export const LOG_HEADER_LAYOUT = {
  checksum: [0, u32],
  generation: [4, i32],
  sectorSize: [8, u16],
  headerSectors: [10, u16],
  fileSectors: [12, u16],
  pageSizeField: [14, u16],
  tmCreate: [16, logtime],
  tmPrevGen: [24, logtime],
  versionMajor: [32, u32],
  versionMinor: [36, u32],
  versionUpdateMajor: [40, u32],
  signLog: [44, signature],
  systemPath: [72, ansi(261)],
  logFilePath: [333, ansi(261)],
  dbmsFlags: [594, u8],
  sessionsMax: [595, u32],
  openTablesMax: [599, u32],
  versionPagesMax: [603, u32],
  cursorsMax: [607, u32],
  logBuffers: [611, u32],
  logFileSizeParam: [615, u32],
  cacheSizeMax: [619, u32],
  lgFlags: [639, u8],
  lgposCheckpoint: [640, lgpos],
  versionUpdateMinor: [648, u32],
  diskSectorSizeMismatch: [652, u8],
  checksumPrevLogAllSegments: [653, u64],
  efvEngineCurrent: [661, u32],
  fileType: [667, u32],
} as const;

export type LogHeaderFields = Decoded<typeof LOG_HEADER_LAYOUT>;
export interface LogHeader extends LogHeaderFields {
  attached: AttachedDatabase[];
}

export const LG_FLAGS = { usingReserveLog: 0x01, circularLogging: 0x02, circularLoggingPast: 0x04 } as const;

export function logFileSize(h: Pick<LogHeader, 'sectorSize' | 'fileSectors'>): number {
  return h.sectorSize * h.fileSectors;
}

export function logVersionText(
  h: Pick<LogHeader, 'versionMajor' | 'versionMinor' | 'versionUpdateMajor' | 'versionUpdateMinor'>,
): string {
  return `${h.versionMajor}.${h.versionMinor}.${h.versionUpdateMajor}.${h.versionUpdateMinor}`;
}

export interface ParsedLogHeader {
  header: LogHeader;
  checksum: number;
}

export function parseLogHeader(buf: Uint8Array, fileSize: number = buf.byteLength): ParsedLogHeader {
  if (fileSize === 0) throw new EseHeaderError('ESE_TRUNCATED', 'the log file is empty', { fileSize });
  const block = buf.subarray(0, LOG_HEADER_SIZE);
  if (isAllZero(block)) {
    throw new EseHeaderError(
      'ESE_UNUSED',
      'every byte of the log header is zero: an unused (reserve or temporary) log',
      { fileSize },
    );
  }
  if (block.byteLength < LOG_HEADER_SIZE) {
    throw new EseHeaderError(
      'ESE_TRUNCATED',
      `the file is ${fileSize} bytes, shorter than the ${LOG_HEADER_SIZE}-byte log header`,
      { fileSize },
    );
  }
  const v = viewOf(block);
  const fileType = v.getUint32(667, true);
  if (fileType !== 0 && fileType !== FILETYPE_LOG) {
    const known = FILE_TYPES[fileType] !== undefined;
    throw new EseHeaderError(
      known ? 'ESE_WRONG_FILE_TYPE' : 'ESE_BAD_MAGIC',
      known ? `this is an ESE ${fileTypeName(fileType)} file, not a log` : `not an ESE log: file type ${fileType}`,
      { fileType },
    );
  }
  const stored = storedChecksum(block);
  const computed = headerChecksum(block);
  if (stored !== computed) {
    throw new EseHeaderError(
      'ESE_CHECKSUM_MISMATCH',
      `log header checksum mismatch: stored ${hex32(stored)}, computed ${hex32(computed)}`,
      {
        stored: hex32(stored),
        computed: hex32(computed),
        copies: ['header'],
      },
    );
  }
  const fields = decode(LOG_HEADER_LAYOUT, v);
  const attached = readAttachList(block.subarray(ATTACH_OFFSET, ATTACH_OFFSET + ATTACH_SIZE));
  return { header: { ...fields, attached }, checksum: stored };
}

/** A 4096-byte log header block, checksum sealed. The caller pads the file to `sectorSize * fileSectors`. */
export function writeLogHeader(header: LogHeader): Uint8Array {
  const block = new Uint8Array(LOG_HEADER_SIZE);
  const { attached, ...fields } = header;
  encode(LOG_HEADER_LAYOUT, fields, viewOf(block));
  writeAttachList(block.subarray(ATTACH_OFFSET, ATTACH_OFFSET + ATTACH_SIZE), attached);
  sealHeader(block);
  return block;
}

export function blankLogHeader(): LogHeader {
  return { ...decode(LOG_HEADER_LAYOUT, viewOf(new Uint8Array(LOG_HEADER_SIZE))), attached: [] };
}
