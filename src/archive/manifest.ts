// The manifest: everything a restore, a verify or a retention script needs to know about an archive, stored as
// the archive's last entry and, in plaintext without secrets, as the sidecar `<archive>.manifest.json`.
import type { CompressionType } from './compression.ts';
import type { FileRole } from './layout.ts';
import { ARCHIVE_FORMAT, ARCHIVE_FORMAT_VERSION } from './layout.ts';
import type { Finding } from '../logs/findings.ts';
import type { RequiredSource } from '../logs/analyze.ts';
import type { SignatureSummary } from '../ese/report.ts';
import { summarizeSignature } from '../ese/report.ts';
import { type ParsedDatabaseHeader, dbStateName } from '../ese/database-header.ts';
import { type ParsedLogHeader, logVersionText } from '../ese/log-header.ts';
import type { ParsedCheckpoint } from '../ese/checkpoint.ts';
import { logTimeToIso } from '../ese/structs.ts';
import type { PageStats } from '../ese/page-scanner.ts';
import type { ParsedHeaderFile } from '../ese/read.ts';
import type { EncryptionRecord } from './encryption.ts';

export interface DatabaseEseSummary {
  kind: 'database';
  state: string;
  stateCode: number;
  pageSize: number;
  format: string;
  signDb: SignatureSummary;
  signLog: SignatureSummary;
  logRequired: { low: number; high: number };
  logCommitted: number;
  osVersion: string;
  dbtime: string;
  /** Page checksums of every database page, checked while the file was archived. */
  pages?: PageStats | null;
}
export interface LogEseSummary {
  kind: 'log';
  generation: number;
  signLog: SignatureSummary;
  tmCreate: string | null;
  tmPrevGen: string | null;
  format: string;
}
export interface CheckpointEseSummary {
  kind: 'checkpoint';
  generation: number;
  signLog: SignatureSummary;
}
export type EseSummary = DatabaseEseSummary | LogEseSummary | CheckpointEseSummary;

export interface ManifestFile {
  entry: string;
  role: FileRole;
  originalPath: string;
  originalPathUnc: string | null;
  size: number;
  sha256: string;
  mtime: string | null;
  ese: EseSummary | null;
}

export interface RecordedPath {
  path: string;
  unc: string | null;
}

/** What identifies a backup; shared by the first entry and the manifest. */
export interface ArchiveIdentity {
  format: typeof ARCHIVE_FORMAT;
  formatVersion: typeof ARCHIVE_FORMAT_VERSION;
  tool: { name: 'adbackup'; version: string };
  backupId: string;
  label: string | null;
  createdAt: string;
}

export interface Manifest extends ArchiveIdentity {
  completedAt: string;
  source: {
    type: 'folder' | 'api';
    computer: string;
    paths: { database: RecordedPath; logs: RecordedPath; checkpoint: RecordedPath | null };
    /** Source-specific facts, e.g. the backup API's database locations at backup time. */
    extra?: Record<string, unknown>;
  };
  compression: { type: CompressionType; level: number | null };
  /** age encryption at rest: public keys only (absent in archives older than encryption). */
  encryption?: EncryptionRecord | null;
  files: ManifestFile[];
  database: DatabaseEseSummary;
  logRange: {
    low: number;
    high: number;
    count: number;
    signLog: SignatureSummary | null;
    required: { low: number; high: number; source: RequiredSource } | null;
    /** LowLog/HighLog Number a restore registers (the numbered logs of the range). */
    registration: { lowLog: number; highLog: number } | null;
    restorable: boolean;
  };
  findings: Finding[];
  allowUnrestorable: boolean;
  allowCorruptPages?: boolean;
  tombstoneLifetimeDays: number;
  expiresAt: string;
}

/** The first entry: enough to recognise the archive and its origin without reading further. */
export interface ArchiveHeaderDoc extends ArchiveIdentity {
  source: { type: 'folder' | 'api'; computer: string };
}

/** The sidecar adds what only exists once the archive file is complete. */
export interface Sidecar extends Manifest {
  archive: { name: string; size: number; sha256: string };
}

export function databaseSummary(p: ParsedDatabaseHeader): DatabaseEseSummary {
  const h = p.header;
  return {
    kind: 'database',
    state: dbStateName(h.dbState),
    stateCode: h.dbState,
    pageSize: p.pageSize,
    format: `0x${h.version.toString(16)},${h.daeUpdateMajor},${h.daeUpdateMinor}`,
    signDb: summarizeSignature(h.signDb),
    signLog: summarizeSignature(h.signLog),
    logRequired: { low: h.genMinRequired, high: h.genMaxRequired },
    logCommitted: h.genMaxCommitted,
    osVersion: `${h.osMajorVersion}.${h.osMinorVersion}.${h.osBuildNumber} SP ${h.osServicePack}`,
    dbtime: h.dbtimeDirtied.toString(),
  };
}

export function logSummary(p: ParsedLogHeader): LogEseSummary {
  const h = p.header;
  return { kind: 'log', generation: h.generation, signLog: summarizeSignature(h.signLog), tmCreate: logTimeToIso(h.tmCreate), tmPrevGen: logTimeToIso(h.tmPrevGen), format: logVersionText(h) };
}

export function checkpointSummary(p: ParsedCheckpoint): CheckpointEseSummary {
  return { kind: 'checkpoint', generation: p.checkpoint.lgposCheckpoint.generation, signLog: summarizeSignature(p.checkpoint.signLog) };
}

export function eseSummary(f: ParsedHeaderFile): EseSummary {
  return f.kind === 'database' ? databaseSummary(f.database) : f.kind === 'log' ? logSummary(f.log) : checkpointSummary(f.checkpoint);
}

export function expiryOf(createdAt: string, tombstoneLifetimeDays: number): string {
  return new Date(Date.parse(createdAt) + tombstoneLifetimeDays * 86_400_000).toISOString();
}
