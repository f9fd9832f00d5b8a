// DBFILEHDR, the 748-byte database header (daedef.hxx; FORMAT.md §3). Page 0 holds it, page 1 a shadow
// copy; each is a whole page whose checksum covers every byte of the page.
import { type Decoded, decode, encode, hex32, i32, isAllZero, u32, u64, viewOf } from './fields.ts';
import { bkinfo, lgpos, logtime, signature } from './structs.ts';
import { sealHeader } from './checksum.ts';
import { type Election, checkCopy, elect } from './shadowed.ts';
import { EseHeaderError } from './errors.ts';
import { FILE_TYPES, fileTypeName } from './file-types.ts';

export const DB_MAGIC = 0x89abcdef;
export const DB_VERSION = 0x620;
export const FILETYPE_DATABASE = 1;
export const FILETYPE_OFFSET = 667;
export const DB_HEADER_SIZE = 748;
/** Page sizes ESE accepts (FValidCbPage); the header's 0 means the 4 KiB default. */
export const PAGE_SIZES = [2048, 4096, 8192, 16384, 32768] as const;
export const MAX_PAGE_SIZE = 32768;

export const DB_HEADER_LAYOUT = {
  checksum: [0, u32],
  magic: [4, u32],
  version: [8, u32],
  attrib: [12, i32],
  dbtimeDirtied: [16, u64],
  signDb: [24, signature],
  dbState: [52, u32],
  lgposConsistent: [56, lgpos],
  logtimeConsistent: [64, logtime],
  logtimeAttach: [72, logtime],
  lgposAttach: [80, lgpos],
  logtimeDetach: [88, logtime],
  lgposDetach: [96, lgpos],
  dbid: [104, u32],
  signLog: [108, signature],
  bkinfoFullPrev: [136, bkinfo],
  bkinfoIncPrev: [160, bkinfo],
  bkinfoFullCur: [184, bkinfo],
  dbFlags: [208, u32],
  objidLast: [212, u32],
  osMajorVersion: [216, u32],
  osMinorVersion: [220, u32],
  osBuildNumber: [224, u32],
  osServicePack: [228, i32],
  daeUpdateMajor: [232, u32],
  pageSizeField: [236, u32],
  repairCount: [240, u32],
  logtimeRepair: [244, logtime],
  dbtimeLastScrub: [280, u64],
  logtimeScrub: [288, logtime],
  genMinRequired: [296, i32],
  genMaxRequired: [300, i32],
  cpgUpgrade55Format: [304, i32],
  cpgUpgradeFreePages: [308, i32],
  cpgUpgradeSpaceMapPages: [312, i32],
  bkinfoSnapshotCur: [316, bkinfo],
  createVersion: [340, u32],
  createUpdate: [344, u32],
  logtimeGenMaxCreate: [348, logtime],
  bkinfoTypeFullPrev: [356, u32],
  bkinfoTypeIncPrev: [360, u32],
  repairCountOld: [364, u32],
  eccFixSuccess: [368, u32],
  logtimeEccFixSuccess: [372, logtime],
  eccFixSuccessOld: [380, u32],
  eccFixFail: [384, u32],
  logtimeEccFixFail: [388, logtime],
  eccFixFailOld: [396, u32],
  badChecksum: [400, u32],
  logtimeBadChecksum: [404, logtime],
  badChecksumOld: [412, u32],
  genMaxCommitted: [416, i32],
  bkinfoCopyPrev: [420, bkinfo],
  bkinfoDiffPrev: [444, bkinfo],
  bkinfoTypeCopyPrev: [468, u32],
  bkinfoTypeDiffPrev: [472, u32],
  incrementalReseedCount: [476, u32],
  logtimeIncrementalReseed: [480, logtime],
  incrementalReseedCountOld: [488, u32],
  pagePatchCount: [492, u32],
  logtimePagePatch: [496, logtime],
  pagePatchCountOld: [504, u32],
  sortVersion: [508, u64],
  logtimeDbscanPrev: [516, logtime],
  logtimeDbscanStart: [524, logtime],
  pgnoDbscanHighestContinuous: [532, u32],
  genRecovering: [536, i32],
  extendCount: [540, u32],
  logtimeLastExtend: [544, logtime],
  shrinkCount: [552, u32],
  logtimeLastShrink: [556, logtime],
  logtimeLastReAttach: [564, logtime],
  lgposLastReAttach: [572, lgpos],
  trimCount: [580, u32],
  signDbHdrFlush: [584, signature],
  signFlushMapHdrFlush: [612, signature],
  genMinConsistent: [640, i32],
  daeUpdateMinor: [644, u32],
  efvMaxBinAttachDiagnostic: [648, u32],
  pgnoDbscanHighest: [652, u32],
  lgposLastResize: [656, lgpos],
  fileType: [FILETYPE_OFFSET, u32],
  logtimeGenMaxRequired: [672, logtime],
  genPreRedoMinConsistent: [680, i32],
  genPreRedoMinRequired: [684, i32],
  signRbsHdrFlush: [688, signature],
  revertCount: [716, u32],
  logtimeRevertFrom: [720, logtime],
  logtimeRevertTo: [728, logtime],
  revertPageCount: [736, u32],
  lgposCommitBeforeRevert: [740, lgpos],
} as const;

export type DatabaseHeader = Decoded<typeof DB_HEADER_LAYOUT>;

/** JET_dbstate values and the words esentutl prints for them (dbdump.cxx). */
export const DB_STATES: Record<number, string> = {
  1: 'Just Created',
  2: 'Dirty Shutdown',
  3: 'Clean Shutdown',
  4: 'Being Converted',
  5: 'Force Detach Replay Error',
  6: 'Incremental Reseed In Progress',
  7: 'Dirty and Patched Shutdown',
  8: 'Database Revert in Progress',
};

export function dbStateName(state: number): string {
  return DB_STATES[state] ?? `Illegal (${state})`;
}

export function effectivePageSize(h: Pick<DatabaseHeader, 'pageSizeField'>): number {
  return h.pageSizeField === 0 ? 4096 : h.pageSizeField;
}

export interface ParsedDatabaseHeader {
  header: DatabaseHeader;
  pageSize: number;
  election: Election;
  /** Things that do not stop ESE from opening the file but an admin should know. */
  warnings: string[];
}

/** Bytes to read from the start of a file to parse any header kind: primary + shadow of the largest page. */
export const HEADER_PROBE_BYTES = 2 * MAX_PAGE_SIZE;

/**
 * Parses the database header from the first bytes of a file (`HEADER_PROBE_BYTES` or the whole file if shorter).
 * `fileSize`, when known, lets truncation be told apart from a short read.
 */
export function parseDatabaseHeader(buf: Uint8Array, fileSize: number = buf.byteLength): ParsedDatabaseHeader {
  // A copy counts only if it is a database header of exactly this page size: a 4 KiB log or checkpoint
  // header also checksums correctly over 4096 bytes, so magic and file type must agree as well.
  const election = elect(buf, PAGE_SIZES, (block, size) => {
    const v = viewOf(block);
    const fileType = v.getUint32(FILETYPE_OFFSET, true);
    return (
      v.getUint32(4, true) === DB_MAGIC &&
      (fileType === FILETYPE_DATABASE || fileType === 0) &&
      effectivePageSize({ pageSizeField: v.getUint32(236, true) }) === size
    );
  });
  if (election === null) throw diagnose(buf, fileSize);
  const block = buf.subarray(election.elected === 'primary' ? 0 : election.blockSize);
  const header = decode(DB_HEADER_LAYOUT, viewOf(block));
  const warnings: string[] = [];
  const { primary, shadow, blockSize } = election;
  if (!shadow.present) warnings.push(`shadow header page (offset ${blockSize}) is missing: the file is truncated`);
  else if (!primary.good)
    warnings.push(
      `primary header page is damaged (checksum stored ${hex32(primary.storedChecksum!)}, computed ${hex32(primary.computedChecksum!)}); the shadow copy was used`,
    );
  else if (!shadow.good)
    warnings.push(
      `shadow header page is damaged (checksum stored ${hex32(shadow.storedChecksum!)}, computed ${hex32(shadow.computedChecksum!)})`,
    );
  else if (!election.identical)
    warnings.push('primary and shadow header pages are both valid but differ; ESE uses the primary');
  if (fileSize % blockSize !== 0)
    warnings.push(`file size ${fileSize} is not a multiple of the page size ${blockSize}`);
  return { header, pageSize: blockSize, election, warnings };
}

/** Explains, as specifically as the bytes allow, why no header copy was acceptable. */
function diagnose(buf: Uint8Array, fileSize: number): EseHeaderError {
  if (fileSize === 0) return new EseHeaderError('ESE_TRUNCATED', 'the file is empty', { fileSize });
  if (isAllZero(buf)) {
    return new EseHeaderError('ESE_UNUSED', 'every byte of the header area is zero: the file was never written', {
      fileSize,
    });
  }
  if (buf.byteLength < 8)
    return new EseHeaderError('ESE_TRUNCATED', `the file is ${fileSize} bytes, shorter than a header`, { fileSize });
  const v = viewOf(buf);
  const magic = v.getUint32(4, true);
  const shadowMagic = PAGE_SIZES.some((s) => s + 8 <= buf.byteLength && v.getUint32(s + 4, true) === DB_MAGIC);
  if (magic !== DB_MAGIC && !shadowMagic) {
    const ft = buf.byteLength >= FILETYPE_OFFSET + 4 ? v.getUint32(FILETYPE_OFFSET, true) : 0;
    if (ft > 1 && FILE_TYPES[ft] !== undefined) {
      return new EseHeaderError('ESE_WRONG_FILE_TYPE', `this is an ESE ${fileTypeName(ft)} file, not a database`, {
        fileType: ft,
      });
    }
    return new EseHeaderError(
      'ESE_BAD_MAGIC',
      `not an ESE database: magic ${hex32(magic)}, expected ${hex32(DB_MAGIC)}`,
      { magic },
    );
  }
  const declared = buf.byteLength >= 240 ? effectivePageSize({ pageSizeField: v.getUint32(236, true) }) : 0;
  if (!(PAGE_SIZES as readonly number[]).includes(declared)) {
    return new EseHeaderError(
      'ESE_UNSUPPORTED_PAGE_SIZE',
      `page size ${declared} is not one ESE supports (${PAGE_SIZES.join(', ')})`,
      { pageSize: declared },
    );
  }
  if (fileSize < declared || buf.byteLength < declared) {
    return new EseHeaderError(
      'ESE_TRUNCATED',
      `the file is ${fileSize} bytes, shorter than its ${declared}-byte header page`,
      { fileSize, pageSize: declared },
    );
  }
  const describe = (c: ReturnType<typeof checkCopy>) =>
    c.present ? { stored: hex32(c.storedChecksum!), computed: hex32(c.computedChecksum!) } : { missing: true };
  const p = checkCopy(buf, 0, declared, () => true);
  const s = checkCopy(buf, declared, declared, () => true);
  return new EseHeaderError(
    'ESE_CHECKSUM_MISMATCH',
    `database header checksum mismatch in the primary copy (page 0${p.present ? `: stored ${hex32(p.storedChecksum!)}, computed ${hex32(p.computedChecksum!)}` : ''}) and the shadow copy (page 1${s.present ? `: stored ${hex32(s.storedChecksum!)}, computed ${hex32(s.computedChecksum!)}` : ': missing'})`,
    { pageSize: declared, primary: describe(p), shadow: describe(s), copies: ['primary', 'shadow'] },
  );
}

/** Writes the header into page 0 and its identical shadow into page 1 of a new `2 * pageSize` buffer. */
export function writeDatabaseHeader(header: DatabaseHeader, template?: Uint8Array): Uint8Array {
  const pageSize = effectivePageSize(header);
  if (!(PAGE_SIZES as readonly number[]).includes(pageSize)) throw new RangeError(`unsupported page size ${pageSize}`);
  const out = new Uint8Array(2 * pageSize);
  if (template) out.set(template.subarray(0, pageSize));
  const page = out.subarray(0, pageSize);
  encode(DB_HEADER_LAYOUT, header, viewOf(page));
  sealHeader(page);
  out.copyWithin(pageSize, 0, pageSize);
  return out;
}

/** Every field zero (as ESE zero-fills a header before setting it); a starting point for writers. */
export function blankDatabaseHeader(): DatabaseHeader {
  return decode(DB_HEADER_LAYOUT, viewOf(new Uint8Array(DB_HEADER_SIZE)));
}
