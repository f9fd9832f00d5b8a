// The result of a restore, file or API, built in one place, and the receipt restore-status reads after the restart.
import type { Manifest } from '../archive/manifest.ts';
import type { RestoreMethod } from '../logs/restore-method.ts';
import type { RegChange } from '../registry/values.ts';
import { TOOL_VERSION } from '../version.ts';
import { type RestoreAction, receiptFolder } from './actions.ts';
import { RECEIPT_FORMAT, type RegistryBefore, type RestoreReceipt, writeReceipt } from './receipt.ts';
import type { RestoreTargets } from './targets.ts';

export interface RestoreResult {
  archive: string;
  backupId: string;
  /** The registration: restore-in-progress (KB 814167) or database-restored-from-backup. */
  method: RestoreMethod;
  plan: boolean;
  expired: boolean;
  expiredOverride: boolean;
  targets: {
    database: string;
    logPath: string;
    backupLogPath: string;
    checkpointFilePath: string;
    root: string | null;
    /** An offline restore: the SYSTEM hive the registration went into. */
    hive?: string;
  };
  actions: RestoreAction[];
  registry: RegChange[];
  registryWrittenTo: string[];
  /** What the registry held before the restore (null where it could not be read). */
  before: RegistryBefore | null;
  /** The receipt restore-status reads (null for a plan). */
  receipt: string | null;
  warnings: string[];
  nextSteps: string[];
}

export interface ResultInput {
  archive: string;
  manifest: Manifest;
  method: RestoreMethod;
  plan: boolean;
  expired: boolean;
  targets: RestoreResult['targets'];
  actions: RestoreAction[];
  registry: RegChange[];
  before: RegistryBefore | null;
  warnings: string[];
}

/** The result before anything is written: no registry written, no receipt, the next steps still to come. */
export function restoreResult(i: ResultInput): RestoreResult {
  return {
    archive: i.archive,
    backupId: i.manifest.backupId,
    method: i.method,
    plan: i.plan,
    expired: i.expired,
    expiredOverride: i.expired,
    targets: i.targets,
    actions: i.actions,
    registry: i.registry,
    registryWrittenTo: [],
    before: i.before,
    receipt: null,
    warnings: i.warnings,
    nextSteps: [],
  };
}

/** Writes the receipt into this run's pre-restore folder beside the database; returns its path. */
export async function writeRestoreReceipt(
  r: RestoreResult,
  m: Manifest,
  t: Pick<RestoreTargets, 'database'>,
  archiveSha256: string | null,
  now: Date,
): Promise<string> {
  return writeReceipt(await receiptFolder(r.actions, t, now), receiptOf(r, m, t, archiveSha256, now));
}

function receiptOf(
  r: RestoreResult,
  m: Manifest,
  t: Pick<RestoreTargets, 'database'>,
  archiveSha256: string | null,
  now: Date,
): RestoreReceipt {
  const db = m.files.find((f) => f.role === 'database')!;
  return {
    format: RECEIPT_FORMAT,
    formatVersion: 1,
    tool: { name: 'adbackup', version: TOOL_VERSION },
    restoredAt: now.toISOString(),
    archive: {
      path: r.archive,
      backupId: m.backupId,
      sha256: archiveSha256,
      createdAt: m.createdAt,
      computer: m.source.computer,
    },
    method: r.method,
    database: { path: t.database.physical, logical: t.database.logical, signDb: m.database.signDb, sha256: db.sha256 },
    targets: {
      database: r.targets.database,
      logPath: r.targets.logPath,
      backupLogPath: r.targets.backupLogPath,
      checkpointFilePath: r.targets.checkpointFilePath,
    },
    written: r.actions.flatMap((a) =>
      a.action === 'write' ? [{ entry: a.entry, to: a.to, size: a.size, sha256: a.sha256 }] : [],
    ),
    movedAside: r.actions.flatMap((a) => (a.action === 'move-aside' ? [{ from: a.from, to: a.to }] : [])),
    registry: { values: r.registry, writtenTo: r.registryWrittenTo },
    before: r.before,
  };
}
