// The manifest of a new archive, assembled from what the backup stages produced. Pure: no I/O, no clock; the caller
// seals it (sealManifest) and writes it as the archive's last entry.
import { createHash } from 'node:crypto';
import { ARCHIVE_FORMAT, ARCHIVE_FORMAT_VERSION } from './layout.ts';
import { type ArchiveHeaderDoc, type Manifest, type ManifestFile, databaseSummary, expiryOf } from './manifest.ts';
import type { EncryptionRecord } from './encryption.ts';
import type { DatabaseIdentity } from '../database-identity.ts';
import type { ParsedDatabaseHeader } from '../ese/database-header.ts';
import type { PageStats } from '../ese/page-scanner.ts';
import type { LogSetAnalysis } from '../logs/analyze.ts';

export interface ManifestParts {
  /** The first entry, and its text exactly as archived (the manifest carries its hash). */
  header: ArchiveHeaderDoc;
  headerText: string;
  completedAt: string;
  paths: Manifest['source']['paths'];
  extra?: Record<string, unknown>;
  compression: Manifest['compression'];
  encryption: EncryptionRecord | null;
  /** With their ESE summaries. */
  files: ManifestFile[];
  database: ParsedDatabaseHeader;
  pages: PageStats | null;
  /** The log-set analysis of the archived bytes. */
  logs: LogSetAnalysis;
  allowUnrestorable: boolean;
  allowCorruptPages: boolean;
  tombstoneLifetimeDays: number;
  identity?: DatabaseIdentity | null;
}

export function buildManifest(p: ManifestParts): Manifest {
  const { header, logs: a } = p;
  return {
    format: ARCHIVE_FORMAT,
    formatVersion: ARCHIVE_FORMAT_VERSION,
    tool: header.tool,
    backupId: header.backupId,
    label: header.label,
    createdAt: header.createdAt,
    completedAt: p.completedAt,
    source: {
      type: header.source.type,
      computer: header.source.computer,
      paths: p.paths,
      ...(p.extra ? { extra: p.extra } : {}),
    },
    compression: p.compression,
    encryption: p.encryption,
    files: p.files,
    database: { ...databaseSummary(p.database), pages: p.pages },
    logRange: {
      low: a.low,
      high: a.high,
      count: a.count,
      signLog: a.signLog,
      required: a.required,
      registration: a.registration,
      restorable: a.restorable,
      restoreMethod: a.restoreMethod,
      restoreMethods: a.restoreMethods,
    },
    findings: a.findings,
    allowUnrestorable: p.allowUnrestorable,
    allowCorruptPages: p.allowCorruptPages,
    tombstoneLifetimeDays: p.tombstoneLifetimeDays,
    expiresAt: expiryOf(header.createdAt, p.tombstoneLifetimeDays),
    ...(p.identity ? { identity: p.identity } : {}),
    headerSha256: createHash('sha256').update(p.headerText).digest('hex'),
  };
}
