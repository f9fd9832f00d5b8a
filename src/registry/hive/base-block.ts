// The base block: the first 4096 bytes of a primary hive file (see FORMAT.md beside this file; sources: libyal
// "Windows NT Registry File (REGF) format", M. Suhanov "Windows registry file format specification", hivex notes).
//
//   0x000 "regf"   0x004 primary sequence number   0x008 secondary sequence number   0x00C last written (FILETIME)
//   0x014 major version (1)   0x018 minor version (3..6)   0x01C file type (0 = primary; logs are 1, 2, 6)
//   0x020 file format (1 = direct memory load)   0x024 root key cell offset   0x028 hive bins data size
//   0x02C clustering factor (1)   0x030 file name (UTF-16LE, 64 bytes)   0x1FC checksum of bytes 0x000..0x1FB
//
// A writer increments the primary sequence number, writes, then sets the secondary one equal: unequal numbers mean
// a write did not finish, and the newest state is in the transaction logs (SYSTEM.LOG1/.LOG2); so does a bad
// checksum. Such a hive is refused here: replaying the logs is not implemented, and writing over it would lose what
// they hold. Log entries beside a clean hive are ignored by Windows (Suhanov, "Dirty state of a hive"), so a clean
// hive written here with higher sequence numbers does not get old log entries replayed over it.
import { hex, hiveError } from './errors.ts';

export const BASE_BLOCK_SIZE = 0x1000;
const CHECKSUM_AT = 0x1fc;

export interface BaseBlock {
  primarySequence: number;
  secondarySequence: number;
  lastWritten: bigint;
  major: number;
  minor: number;
  rootCell: number;
  binsSize: number;
}

/** XOR of the 127 little-endian dwords before it; 0 is stored as 1 and 0xFFFFFFFF as 0xFFFFFFFE. */
export function baseBlockChecksum(block: Uint8Array): number {
  const b = Buffer.from(block.buffer, block.byteOffset, CHECKSUM_AT);
  let sum = 0;
  for (let i = 0; i < CHECKSUM_AT; i += 4) sum = (sum ^ b.readUInt32LE(i)) >>> 0;
  if (sum === 0) return 1;
  if (sum === 0xffffffff) return 0xfffffffe;
  return sum;
}

const HOW_TO_CLEAN =
  'its transaction logs (.LOG1/.LOG2 beside it) hold changes not yet written into it. Start that Windows once and shut it down cleanly, or load and unload the hive on a Windows machine (reg load HKLM\\Offline <file>, then reg unload HKLM\\Offline), then try again';

/** Reads and checks the base block; refuses what this reader cannot read or must not write. */
export function readBaseBlock(file: Buffer, target?: string): BaseBlock {
  if (file.length < BASE_BLOCK_SIZE)
    throw hiveError('Integrity', 'HIVE_TRUNCATED', target, `${file.length} bytes: shorter than a base block (4096)`);
  if (file.toString('latin1', 0, 4) !== 'regf')
    throw hiveError('Integrity', 'HIVE_BAD_SIGNATURE', target, 'not a registry hive (no "regf" signature)');
  const bb: BaseBlock = {
    primarySequence: file.readUInt32LE(0x04),
    secondarySequence: file.readUInt32LE(0x08),
    lastWritten: file.readBigUInt64LE(0x0c),
    major: file.readUInt32LE(0x14),
    minor: file.readUInt32LE(0x18),
    rootCell: file.readUInt32LE(0x24),
    binsSize: file.readUInt32LE(0x28),
  };
  const fileType = file.readUInt32LE(0x1c);
  if (fileType !== 0)
    throw hiveError('Precondition', 'HIVE_NOT_PRIMARY', target, `file type ${fileType}: a transaction log, not a hive`);
  if (bb.primarySequence !== bb.secondarySequence) {
    throw hiveError('Precondition', 'HIVE_DIRTY', target, `the hive was not cleanly written: ${HOW_TO_CLEAN}`, {
      primarySequence: bb.primarySequence,
      secondarySequence: bb.secondarySequence,
    });
  }
  const stored = file.readUInt32LE(CHECKSUM_AT);
  const computed = baseBlockChecksum(file);
  if (stored !== computed) {
    // Windows counts a bad checksum as dirty too, and rebuilds the base block from a log: the same cure applies.
    throw hiveError(
      'Integrity',
      'HIVE_BAD_CHECKSUM',
      target,
      `base block checksum ${hex(stored)}, computed ${hex(computed)}; if the hive comes from a Windows that did not shut down cleanly, ${HOW_TO_CLEAN}`,
      { stored, computed },
    );
  }
  checkVersion(bb, file.readUInt32LE(0x20), target);
  checkSizes(bb, file.length, target);
  return bb;
}

function checkVersion(bb: BaseBlock, format: number, target?: string): void {
  if (bb.major !== 1 || bb.minor < 3 || bb.minor > 6 || format !== 1) {
    throw hiveError(
      'Precondition',
      'HIVE_UNSUPPORTED',
      target,
      `format version ${bb.major}.${bb.minor} (file format ${format}): only 1.3 to 1.6, file format 1, are supported`,
    );
  }
}

function checkSizes(bb: BaseBlock, fileLength: number, target?: string): void {
  if (bb.binsSize === 0 || bb.binsSize % 0x1000 !== 0)
    throw hiveError(
      'Integrity',
      'HIVE_CORRUPT',
      target,
      `hive bins data size ${hex(bb.binsSize)} is not a multiple of 4096`,
    );
  if (BASE_BLOCK_SIZE + bb.binsSize > fileLength) {
    throw hiveError(
      'Integrity',
      'HIVE_TRUNCATED',
      target,
      `the base block announces ${bb.binsSize} bytes of hive bins, the file holds ${fileLength - BASE_BLOCK_SIZE}`,
    );
  }
  if (bb.rootCell >= bb.binsSize || bb.rootCell % 8 !== 0)
    throw hiveError(
      'Integrity',
      'HIVE_CORRUPT',
      target,
      `root key offset ${hex(bb.rootCell)} is not a cell in the hive`,
    );
}

/**
 * Stamps a base block for a complete, clean write: both sequence numbers one higher than before (so a log written
 * against the old file no longer applies), the new size and time, the checksum.
 */
export function stampBaseBlock(file: Buffer, binsSize: number, time: bigint): void {
  const next = (file.readUInt32LE(0x04) + 1) >>> 0;
  file.writeUInt32LE(next, 0x04);
  file.writeUInt32LE(next, 0x08);
  file.writeBigUInt64LE(time, 0x0c);
  file.writeUInt32LE(binsSize, 0x28);
  file.writeUInt32LE(baseBlockChecksum(file), CHECKSUM_AT);
}

/** 100-ns intervals since 1601-01-01 UTC. */
export function fileTime(date: Date): bigint {
  return (BigInt(date.getTime()) + 11_644_473_600_000n) * 10_000n;
}

export function fromFileTime(ft: bigint): Date {
  return new Date(Number(ft / 10_000n - 11_644_473_600_000n));
}
