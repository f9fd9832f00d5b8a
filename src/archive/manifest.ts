// The manifest: everything a restore, a verify or a retention script needs to know about an archive, stored as
// the archive's last entry and, in plaintext without secrets, as the sidecar `<archive>.manifest.json`.
import type { CompressionType } from './compression/index.ts';
import type { FileRole } from './layout.ts';
import { ARCHIVE_FORMAT, ARCHIVE_FORMAT_VERSION } from './layout.ts';
import type { Finding } from '../logs/findings.ts';
import type { RequiredSource } from '../logs/analyze.ts';
import type { SignatureSummary } from '../ese/report.ts';
import { summarizeSignature } from '../ese/report.ts';
import { type ParsedDatabaseHeader, dbStateName } from '../ese/database-header.ts';
import { type ParsedLogHeader, logVersionText } from '../ese/log-header.ts';
import type { ParsedCheckpoint } from '../ese/checkpoint.ts';
import { createHash } from 'node:crypto';
import { logTimeToIso } from '../ese/structs.ts';
import type { PageStats } from '../ese/page-scanner.ts';
import type { ParsedHeaderFile } from '../ese/read.ts';
import type { EncryptionRecord } from './encryption.ts';
import { type MethodChoice, type RestoreMethod, chooseRestoreMethod } from '../logs/restore-method.ts';
import { classifyLogName } from '../logs/names.ts';
import type { DatabaseIdentity } from '../database-identity.ts';

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
    type: 'folder' | 'api' | 'vss';
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
    /** The registration a restore uses, and every one that would work (absent in archives made before the choice). */
    restoreMethod?: RestoreMethod | null;
    restoreMethods?: RestoreMethod[];
  };
  findings: Finding[];
  allowUnrestorable: boolean;
  allowCorruptPages?: boolean;
  tombstoneLifetimeDays: number;
  expiresAt: string;
  /** Which DC and forest the database belongs to, read from it (AD databases; absent in older archives). */
  /** The database's own account of its DC and forest (src/ad reads it; this layer only records it). */
  identity?: DatabaseIdentity;
  /** sha256 of the first entry (adbackup.json), which no other hash covers. */
  headerSha256?: string;
  /** The seal: sha256 of this manifest's own text with this value written as 64 zeros (see sealManifest). */
  manifestSha256?: string;
}

/** The first entry: enough to recognise the archive and its origin without reading further. */
export interface ArchiveHeaderDoc extends ArchiveIdentity {
  source: { type: 'folder' | 'api' | 'vss'; computer: string };
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
  return {
    kind: 'log',
    generation: h.generation,
    signLog: summarizeSignature(h.signLog),
    tmCreate: logTimeToIso(h.tmCreate),
    tmPrevGen: logTimeToIso(h.tmPrevGen),
    format: logVersionText(h),
  };
}

export function checkpointSummary(p: ParsedCheckpoint): CheckpointEseSummary {
  return {
    kind: 'checkpoint',
    generation: p.checkpoint.lgposCheckpoint.generation,
    signLog: summarizeSignature(p.checkpoint.signLog),
  };
}

export function eseSummary(f: ParsedHeaderFile): EseSummary {
  return f.kind === 'database'
    ? databaseSummary(f.database)
    : f.kind === 'log'
      ? logSummary(f.log)
      : checkpointSummary(f.checkpoint);
}

export function expiryOf(createdAt: string, tombstoneLifetimeDays: number): string {
  return new Date(Date.parse(createdAt) + tombstoneLifetimeDays * 86_400_000).toISOString();
}

const SEAL_KEY = '"manifestSha256": "';
const SEAL_ZERO = '0'.repeat(64);

/**
 * manifest.json as written: pretty JSON whose last property, manifestSha256, is the sha256 of the same text with
 * that value as 64 zeros. Nothing else in an uncompressed archive covers the manifest's own bytes: with the seal,
 * a changed byte anywhere in it is found without the sidecar.
 */
export function sealManifest(m: Manifest): string {
  const { manifestSha256: _old, ...rest } = m;
  const text = JSON.stringify({ ...rest, manifestSha256: SEAL_ZERO }, null, 2) + '\n';
  const at = text.lastIndexOf(SEAL_KEY + SEAL_ZERO) + SEAL_KEY.length;
  return text.slice(0, at) + createHash('sha256').update(text).digest('hex') + text.slice(at + 64);
}

/** Whether manifest.json's bytes carry an intact seal. */
export function manifestSealIntact(text: string): boolean {
  const at = text.lastIndexOf(SEAL_KEY);
  if (at < 0) return false;
  const start = at + SEAL_KEY.length;
  const digest = text.slice(start, start + 64);
  if (!/^[0-9a-f]{64}$/.test(digest)) return false;
  return (
    createHash('sha256')
      .update(text.slice(0, start) + SEAL_ZERO + text.slice(start + 64))
      .digest('hex') === digest
  );
}

const isObject = (v: unknown): v is Record<string, any> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown) => Number.isSafeInteger(v) && (v as number) >= 0;
const isRecordedPath = (v: unknown) =>
  isObject(v) && typeof v['path'] === 'string' && (v['unc'] === null || typeof v['unc'] === 'string');

/**
 * What is wrong with the shape of a parsed manifest (or sidecar), or null: the fields verify, restore and inspect
 * rely on, with their types. A manifest is data from a file; nothing may trust its shape unchecked.
 */
export function manifestProblem(m: unknown): string | null {
  if (!isObject(m)) return 'not a JSON object';
  if (m['format'] !== ARCHIVE_FORMAT) return `format is not ${ARCHIVE_FORMAT}`;
  for (const k of ['backupId', 'createdAt', 'expiresAt'] as const)
    if (typeof m[k] !== 'string') return `${k} is not a string`;
  if (Number.isNaN(Date.parse(m['createdAt'])) || Number.isNaN(Date.parse(m['expiresAt'])))
    return 'createdAt or expiresAt is not a time';
  if (m['label'] !== null && m['label'] !== undefined && typeof m['label'] !== 'string') return 'label is not a string';
  if (!isCount(m['tombstoneLifetimeDays'])) return 'tombstoneLifetimeDays is not a count of days';
  const src = m['source'];
  if (
    !isObject(src) ||
    typeof src['computer'] !== 'string' ||
    typeof src['type'] !== 'string' ||
    !isObject(src['paths'])
  )
    return 'source is malformed';
  if (
    !isRecordedPath(src['paths']['database']) ||
    !isRecordedPath(src['paths']['logs']) ||
    !(src['paths']['checkpoint'] === null || isRecordedPath(src['paths']['checkpoint']))
  )
    return 'source.paths is malformed';
  if (!isObject(m['compression'])) return 'compression is malformed';
  if (!Array.isArray(m['files'])) return 'files is not a list';
  for (const f of m['files'] as unknown[]) {
    if (
      !isObject(f) ||
      typeof f['entry'] !== 'string' ||
      typeof f['role'] !== 'string' ||
      !isCount(f['size']) ||
      typeof f['sha256'] !== 'string' ||
      typeof f['originalPath'] !== 'string'
    ) {
      return 'a files item is malformed';
    }
  }
  const lr = m['logRange'];
  if (!isObject(lr) || !isCount(lr['low']) || !isCount(lr['high']) || !isCount(lr['count']))
    return 'logRange is malformed';
  if (m['database'] !== null && !isObject(m['database'])) return 'database is malformed';
  if (!Array.isArray(m['findings'])) return 'findings is not a list';
  return null;
}

/**
 * The restore methods of a manifest, derived from the facts it records (so archives written before the manifest named
 * its method get the same answer): the database's required-log source and the numbered logs of the range.
 */
export function manifestRestoreMethods(m: Manifest): MethodChoice {
  const lr = m.logRange;
  const registration = lr.registration !== undefined ? lr.registration : numberedLogsOf(m);
  return chooseRestoreMethod({ required: lr.required ?? null, registration });
}

function numberedLogsOf(m: Manifest): { lowLog: number; highLog: number } | null {
  const gens = m.files
    .filter((f) => f.role === 'log')
    .map((f) => classifyLogName(f.entry.slice(f.entry.indexOf('/') + 1)))
    .filter((c) => c.role === 'numbered' && c.generation! >= m.logRange.low && c.generation! <= m.logRange.high)
    .map((c) => c.generation!);
  return gens.length > 0 ? { lowLog: Math.min(...gens), highLog: Math.max(...gens) } : null;
}
