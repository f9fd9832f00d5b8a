// CHECKPOINT (edb.chk), 4096 bytes written twice: primary at 0, shadow at 4096 (log.hxx; FORMAT.md §5).
import { type Decoded, ansi, decode, encode, hex32, isAllZero, u32, u8, viewOf } from './fields.ts';
import { lgpos, logtime, signature } from './structs.ts';
import { sealHeader } from './checksum.ts';
import { type Election, checkCopy, elect } from './shadowed.ts';
import { type AttachedDatabase, readAttachList, writeAttachList } from './attach-info.ts';
import { EseHeaderError } from './errors.ts';
import { FILE_TYPES, fileTypeName } from './file-types.ts';

export const CHECKPOINT_SIZE = 4096;
export const FILETYPE_CHECKPOINT = 4;
const ATTACH_OFFSET = 679;
const ATTACH_SIZE = 2048;

export const CHECKPOINT_LAYOUT = {
  checksum: [0, u32],
  lgposLastFullBackupCheckpoint: [4, lgpos],
  lgposCheckpoint: [12, lgpos],
  signLog: [20, signature],
  systemPath: [48, ansi(261)],
  logFilePath: [309, ansi(261)],
  dbmsFlags: [570, u8],
  sessionsMax: [571, u32],
  openTablesMax: [575, u32],
  versionPagesMax: [579, u32],
  cursorsMax: [583, u32],
  logBuffers: [587, u32],
  logFileSizeParam: [591, u32],
  cacheSizeMax: [595, u32],
  lgposFullBackup: [615, lgpos],
  logtimeFullBackup: [623, logtime],
  lgposIncBackup: [631, lgpos],
  logtimeIncBackup: [639, logtime],
  version: [647, u8],
  lgposDbConsistency: [648, lgpos],
  fileType: [667, u32],
} as const;

export type CheckpointFields = Decoded<typeof CHECKPOINT_LAYOUT>;
export interface Checkpoint extends CheckpointFields {
  attached: AttachedDatabase[];
}

export interface ParsedCheckpoint {
  checkpoint: Checkpoint;
  election: Election;
  warnings: string[];
}

export function parseCheckpoint(buf: Uint8Array, fileSize: number = buf.byteLength): ParsedCheckpoint {
  const election = elect(buf, [CHECKPOINT_SIZE], (block) => {
    const ft = viewOf(block).getUint32(667, true);
    return ft === FILETYPE_CHECKPOINT || ft === 0;
  });
  if (election === null) throw diagnose(buf, fileSize);
  const block = buf.subarray(
    election.elected === 'primary' ? 0 : CHECKPOINT_SIZE,
    (election.elected === 'primary' ? 1 : 2) * CHECKPOINT_SIZE,
  );
  const fields = decode(CHECKPOINT_LAYOUT, viewOf(block));
  const warnings: string[] = [];
  const { primary, shadow } = election;
  if (!shadow.present) warnings.push('shadow copy (offset 4096) is missing: the file is truncated');
  else if (!primary.good)
    warnings.push(
      `primary copy is damaged (checksum stored ${hex32(primary.storedChecksum!)}, computed ${hex32(primary.computedChecksum!)}); the shadow copy was used`,
    );
  else if (!shadow.good)
    warnings.push(
      `shadow copy is damaged (checksum stored ${hex32(shadow.storedChecksum!)}, computed ${hex32(shadow.computedChecksum!)})`,
    );
  else if (!election.identical)
    warnings.push('primary and shadow copies are both valid but differ; ESE uses the primary');
  return {
    checkpoint: { ...fields, attached: readAttachList(block.subarray(ATTACH_OFFSET, ATTACH_OFFSET + ATTACH_SIZE)) },
    election,
    warnings,
  };
}

function diagnose(buf: Uint8Array, fileSize: number): EseHeaderError {
  if (fileSize === 0) return new EseHeaderError('ESE_TRUNCATED', 'the checkpoint file is empty', { fileSize });
  if (isAllZero(buf))
    return new EseHeaderError('ESE_UNUSED', 'every byte of the checkpoint is zero: the file was never written', {
      fileSize,
    });
  if (buf.byteLength < CHECKPOINT_SIZE) {
    return new EseHeaderError(
      'ESE_TRUNCATED',
      `the file is ${fileSize} bytes, shorter than the ${CHECKPOINT_SIZE}-byte checkpoint`,
      { fileSize },
    );
  }
  const ft = viewOf(buf).getUint32(667, true);
  if (ft !== 0 && ft !== FILETYPE_CHECKPOINT && FILE_TYPES[ft] !== undefined) {
    return new EseHeaderError('ESE_WRONG_FILE_TYPE', `this is an ESE ${fileTypeName(ft)} file, not a checkpoint`, {
      fileType: ft,
    });
  }
  const p = checkCopy(buf, 0, CHECKPOINT_SIZE, () => true);
  const s = checkCopy(buf, CHECKPOINT_SIZE, CHECKPOINT_SIZE, () => true);
  const text = (c: typeof p) =>
    c.present ? `stored ${hex32(c.storedChecksum!)}, computed ${hex32(c.computedChecksum!)}` : 'missing';
  return new EseHeaderError(
    'ESE_CHECKSUM_MISMATCH',
    `checkpoint checksum mismatch in the primary copy (${text(p)}) and the shadow copy (${text(s)})`,
    {
      primary: text(p),
      shadow: text(s),
      copies: ['primary', 'shadow'],
    },
  );
}

/** Both copies, 8192 bytes, as ESE writes them. */
export function writeCheckpoint(cp: Checkpoint): Uint8Array {
  const out = new Uint8Array(2 * CHECKPOINT_SIZE);
  const block = out.subarray(0, CHECKPOINT_SIZE);
  const { attached, ...fields } = cp;
  encode(CHECKPOINT_LAYOUT, fields, viewOf(block));
  writeAttachList(block.subarray(ATTACH_OFFSET, ATTACH_OFFSET + ATTACH_SIZE), attached);
  sealHeader(block);
  out.copyWithin(CHECKPOINT_SIZE, 0, CHECKPOINT_SIZE);
  return out;
}

export function blankCheckpoint(): Checkpoint {
  return { ...decode(CHECKPOINT_LAYOUT, viewOf(new Uint8Array(CHECKPOINT_SIZE))), attached: [] };
}
