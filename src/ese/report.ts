// Admin-facing summaries of parsed headers: the fields and wording of `esentutl /mh /ml /mk`, as JSON.
import { hex32 } from './fields.ts';
import {
  type BkInfo,
  type Lgpos,
  type LogTime,
  type Signature,
  formatLgpos,
  formatSignature,
  isNullLgpos,
  logTimeToIso,
} from './structs.ts';
import { type ParsedDatabaseHeader, dbStateName } from './database-header.ts';
import { LG_FLAGS, type ParsedLogHeader, logFileSize, logVersionText } from './log-header.ts';
import type { ParsedCheckpoint } from './checkpoint.ts';
import type { AttachedDatabase } from './attach-info.ts';
import type { ParsedHeaderFile } from './read.ts';

export interface SignatureSummary {
  random: number;
  created: string | null;
  computer: string;
  text: string;
}

export function summarizeSignature(s: Signature): SignatureSummary {
  return { random: s.random >>> 0, created: logTimeToIso(s.created), computer: s.computer, text: formatSignature(s) };
}

export interface PositionSummary {
  lgpos: string;
  generation: number;
  time: string | null;
}

function position(p: Lgpos, t: LogTime | null): PositionSummary {
  return { lgpos: formatLgpos(p), generation: p.generation, time: logTimeToIso(t) };
}

const BKINFO_TYPES: Record<number, string> = { 0: 'streaming', 1: 'VSS (OS snapshot)', 2: 'snapshot', 3: 'surrogate' };

export interface BackupSummary {
  logGenerations: string;
  genLow: number;
  genHigh: number;
  mark: string;
  time: string | null;
  type?: string;
}

function backup(b: BkInfo, type?: number): BackupSummary | null {
  if (isNullLgpos(b.mark) && b.genLow === 0 && b.genHigh === 0 && b.markTime === null) return null;
  const s: BackupSummary = {
    logGenerations: `${b.genLow}-${b.genHigh}`,
    genLow: b.genLow,
    genHigh: b.genHigh,
    mark: formatLgpos(b.mark),
    time: logTimeToIso(b.markTime),
  };
  if (type !== undefined) s.type = BKINFO_TYPES[type] ?? `type ${type}`;
  return s;
}

export function summarizeDatabase(p: ParsedDatabaseHeader) {
  const h = p.header;
  return {
    state: dbStateName(h.dbState),
    stateCode: h.dbState,
    pageSize: p.pageSize,
    format: {
      text: `0x${h.version.toString(16)},${h.daeUpdateMajor},${h.daeUpdateMinor}`,
      version: h.version,
      updateMajor: h.daeUpdateMajor,
      updateMinor: h.daeUpdateMinor,
      engineFormatVersion: h.efvMaxBinAttachDiagnostic,
    },
    created: {
      text: `0x${h.createVersion.toString(16)},${h.createUpdate}`,
      version: h.createVersion,
      update: h.createUpdate,
    },
    dbtime: h.dbtimeDirtied.toString(),
    signDb: summarizeSignature(h.signDb),
    signLog: summarizeSignature(h.signLog),
    logRequired: { low: h.genMinRequired, high: h.genMaxRequired, text: `${h.genMinRequired}-${h.genMaxRequired}` },
    logCommitted: { low: 0, high: h.genMaxCommitted, text: `0-${h.genMaxCommitted}` },
    logConsistent: h.genMinConsistent,
    logRecovering: h.genRecovering,
    lastConsistent: position(h.lgposConsistent, h.logtimeConsistent),
    lastAttach: position(h.lgposAttach, h.logtimeAttach),
    lastDetach: position(h.lgposDetach, h.logtimeDetach),
    lastReAttach: position(h.lgposLastReAttach, h.logtimeLastReAttach),
    osVersion: {
      major: h.osMajorVersion,
      minor: h.osMinorVersion,
      build: h.osBuildNumber,
      servicePack: h.osServicePack,
      text: `${h.osMajorVersion}.${h.osMinorVersion}.${h.osBuildNumber} SP ${h.osServicePack}`,
    },
    shadowed: (h.dbFlags & 0x1) === 0,
    repairCount: h.repairCount,
    eccFixSuccess: h.eccFixSuccess,
    eccFixFail: h.eccFixFail,
    badChecksum: h.badChecksum,
    backups: {
      previousFull: backup(h.bkinfoFullPrev, h.bkinfoTypeFullPrev),
      previousIncremental: backup(h.bkinfoIncPrev, h.bkinfoTypeIncPrev),
      previousCopy: backup(h.bkinfoCopyPrev, h.bkinfoTypeCopyPrev),
      previousDifferential: backup(h.bkinfoDiffPrev, h.bkinfoTypeDiffPrev),
      currentFull: backup(h.bkinfoFullCur),
      currentSnapshot: backup(h.bkinfoSnapshotCur),
    },
    headerCopy: {
      checksum: hex32(h.checksum),
      elected: p.election.elected,
      primaryValid: p.election.primary.good,
      shadowValid: p.election.shadow.good,
      identical: p.election.identical,
    },
  };
}

function attachedSummary(list: AttachedDatabase[]) {
  return list.map((a) => ({
    dbid: a.dbid,
    path: a.path,
    signDb: summarizeSignature(a.signDb),
    lgposAttach: formatLgpos(a.lgposAttach),
    lgposConsistent: formatLgpos(a.lgposConsistent),
  }));
}

export function summarizeLog(p: ParsedLogHeader, fileSize: number) {
  const h = p.header;
  return {
    generation: h.generation,
    format: {
      text: logVersionText(h),
      major: h.versionMajor,
      minor: h.versionMinor,
      updateMajor: h.versionUpdateMajor,
      updateMinor: h.versionUpdateMinor,
    },
    signLog: summarizeSignature(h.signLog),
    tmCreate: logTimeToIso(h.tmCreate),
    tmPrevGen: logTimeToIso(h.tmPrevGen),
    sectorSize: h.sectorSize,
    headerSectors: h.headerSectors,
    fileSectors: h.fileSectors,
    expectedFileSize: logFileSize(h),
    fileSize,
    pageSize: h.pageSizeField === 0 ? 4096 : h.pageSizeField,
    checkpoint: formatLgpos(h.lgposCheckpoint),
    circularLogging: (h.lgFlags & LG_FLAGS.circularLogging) !== 0,
    usingReserveLog: (h.lgFlags & LG_FLAGS.usingReserveLog) !== 0,
    engineFormatVersion: h.efvEngineCurrent,
    checksum: hex32(h.checksum),
    attached: attachedSummary(h.attached),
  };
}

export function summarizeCheckpoint(p: ParsedCheckpoint) {
  const c = p.checkpoint;
  return {
    checkpoint: formatLgpos(c.lgposCheckpoint),
    generation: c.lgposCheckpoint.generation,
    lastFullBackupCheckpoint: formatLgpos(c.lgposLastFullBackupCheckpoint),
    dbConsistency: formatLgpos(c.lgposDbConsistency),
    fullBackup: position(c.lgposFullBackup, c.logtimeFullBackup),
    incrementalBackup: position(c.lgposIncBackup, c.logtimeIncBackup),
    signLog: summarizeSignature(c.signLog),
    version: c.version,
    headerCopy: {
      checksum: hex32(c.checksum),
      elected: p.election.elected,
      primaryValid: p.election.primary.good,
      shadowValid: p.election.shadow.good,
      identical: p.election.identical,
    },
    attached: attachedSummary(c.attached),
  };
}

export function summarizeHeaderFile(f: ParsedHeaderFile) {
  switch (f.kind) {
    case 'database':
      return {
        kind: f.kind,
        fileSize: f.fileSize,
        warnings: f.database.warnings,
        summary: summarizeDatabase(f.database),
        fields: f.database.header,
      };
    case 'log':
      return {
        kind: f.kind,
        fileSize: f.fileSize,
        warnings: logWarnings(f.log, f.fileSize),
        summary: summarizeLog(f.log, f.fileSize),
        fields: f.log.header,
      };
    case 'checkpoint':
      return {
        kind: f.kind,
        fileSize: f.fileSize,
        warnings: f.checkpoint.warnings,
        summary: summarizeCheckpoint(f.checkpoint),
        fields: f.checkpoint.checkpoint,
      };
  }
}

function logWarnings(p: ParsedLogHeader, fileSize: number): string[] {
  const expected = logFileSize(p.header);
  return fileSize === expected
    ? []
    : [
        `file size ${fileSize} differs from the ${expected} bytes the header announces (${p.header.fileSectors} × ${p.header.sectorSize}): truncated or padded`,
      ];
}
