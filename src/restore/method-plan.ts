// What each registration means for a file-level restore: which method applies, where each archived file goes, and
// the registry values. restore-in-progress (KB 814167): numbered logs to BackupLogPath, edb.log to LogPath, the
// checkpoint only on request (ESE's restore ignores it; LowLog acts as the checkpoint). database-restored-from-backup:
// the database with the logs and checkpoint of its own log sequence back where NTDS keeps them, for ESE's ordinary
// start to replay; logs of another sequence are never written (ESE would refuse a foreign signature).
import { AppError } from '../errors.ts';
import { type Manifest, type ManifestFile, manifestRestoreMethods } from '../archive/manifest.ts';
import { entryFileName } from '../archive/layout.ts';
import { pathApi } from '../paths.ts';
import type { RestoreMethod } from '../logs/restore-method.ts';
import { classifyLogName } from '../logs/names.ts';
import { databaseRestoredPlan, restoreRegistryPlan } from '../registry/restore-plan.ts';
import type { RegChange } from '../registry/values.ts';
import { type PathStyle, type RestoreTargets, registryPath } from './targets.ts';

/** The archive's method, or the requested one when the archive supports it. */
export function selectMethod(m: Manifest, requested: RestoreMethod | undefined, archive: string): RestoreMethod {
  const choice = manifestRestoreMethods(m);
  const why = (method: RestoreMethod) => choice.unsupported.find((u) => u.method === method)?.reason ?? 'not supported';
  if (requested !== undefined) {
    if (choice.supported.includes(requested)) return requested;
    throw new AppError(
      'Precondition',
      'RESTORE_METHOD_UNSUPPORTED',
      `this backup cannot be restored through ${requested}: ${why(requested)}`,
      {
        target: archive,
        details: { supported: choice.supported },
      },
    );
  }
  if (choice.method === null) {
    const reasons = choice.unsupported.map((u) => `${u.method}: ${u.reason}`).join('; ');
    throw new AppError(
      'Precondition',
      'RESTORE_METHOD_UNSUPPORTED',
      `no registration can restore this backup (${reasons})`,
      { target: archive },
    );
  }
  return choice.method;
}

/** Whether an archived log or checkpoint belongs to the database's own log sequence (same signLog). */
function ofDatabaseSequence(f: ManifestFile, m: Manifest): boolean {
  const sig = f.ese && f.ese.kind !== 'database' ? f.ese.signLog : null;
  return sig !== null && sig.random === m.database.signLog.random && sig.text === m.database.signLog.text;
}

/** Where one archived file goes under `method`, or null when the restore leaves it in the archive. */
export function destinationOf(
  f: ManifestFile,
  m: Manifest,
  t: RestoreTargets,
  method: RestoreMethod,
  restoreCheckpoint: boolean,
): string | null {
  const name = entryFileName(f.entry);
  const into = (folder: string) => pathApi(folder).join(folder, name);
  if (f.role === 'database') return t.database.physical;
  if (method === 'database-restored-from-backup') {
    if ((f.role === 'log' || f.role === 'checkpoint') && ofDatabaseSequence(f, m))
      return into(f.role === 'log' ? t.logFolder.physical : t.checkpointFolder.physical);
    return null;
  }
  // The current log is the log folder's own, replayed after the backup set; numbered logs are the backup set.
  if (f.role === 'log')
    return into(classifyLogName(name).role === 'current' ? t.logFolder.physical : t.backupLogFolder.physical);
  if (f.role === 'checkpoint' && restoreCheckpoint) return into(t.checkpointFolder.physical);
  return null;
}

/** The logs a database-restored-from-backup restore leaves out: another sequence's, which ESE would refuse. */
export function foreignLogs(m: Manifest, method: RestoreMethod): string[] {
  if (method !== 'database-restored-from-backup') return [];
  return m.files
    .filter((f) => (f.role === 'log' || f.role === 'checkpoint') && !ofDatabaseSequence(f, m))
    .map((f) => f.entry);
}

export interface RegistrationInput {
  method: RestoreMethod;
  manifest: Manifest;
  targets: RestoreTargets;
  style: PathStyle;
  registered: { low: number; high: number } | null;
  keepDatabaseEpoch?: boolean;
  newDatabaseGuid?: string;
}

/** The registry changes of the registration. */
export function registrationFor(i: RegistrationInput): RegChange[] {
  if (i.method === 'database-restored-from-backup')
    return databaseRestoredPlan({ ...(i.keepDatabaseEpoch ? { keepDatabaseEpoch: true } : {}) });
  const t = i.targets;
  const reg = (p: string) => registryPath(p, i.style, t.computer);
  return restoreRegistryPlan({
    backupLogPath: reg(t.backupLogFolder.logical),
    checkpointFilePath: reg(t.checkpointFolder.logical),
    logPath: reg(t.logFolder.logical),
    lowLog: i.registered!.low,
    highLog: i.registered!.high,
    restoreMap: [
      { original: registryPath(t.originalDatabase, i.style, i.manifest.source.computer), new: reg(t.database.logical) },
    ],
    ...(i.newDatabaseGuid ? { newDatabaseGuid: i.newDatabaseGuid } : {}),
  });
}

/**
 * LowLog/HighLog as ESE's restore reads them: it opens generations LowLog…HighLog in BackupLogPath by their numbered
 * names (edbXXXXX.log) and only then takes the current edb.log from LogPath as HighLog + 1
 * (ErrLGIRSTCheckSignaturesLogSequence). So HighLog is the newest numbered log, and edb.log is restored as the
 * current log, not as part of the backup set.
 */
export function registeredRange(m: Manifest): { low: number; high: number } {
  const numbered = m.files
    .filter((f) => f.role === 'log' && classifyLogName(f.entry.slice(f.entry.indexOf('/') + 1)).role === 'numbered')
    .map((f) => classifyLogName(f.entry.slice(f.entry.indexOf('/') + 1)).generation!)
    .filter((g) => g >= m.logRange.low && g <= m.logRange.high);
  if (numbered.length === 0) {
    throw new AppError(
      'Precondition',
      'NO_BACKUP_LOGS',
      'the archive holds no closed (numbered) log: ESE replays a restored database from logs named edbXXXXX.log, so this backup cannot be registered as a restore. Take the backup after a log roll (or through the backup API, which rolls the log).',
    );
  }
  return { low: Math.min(...numbered), high: Math.max(...numbered) };
}
