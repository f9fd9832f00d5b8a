// Offline restore: plan from the manifest, enforce its shelf life, check the machine (restore mode, database not in
// use), then one pass over the archive that verifies everything and writes the database and logs under .partial
// names; only when all of it verified are the replaced files moved into sibling pre-restore-<UTC> folders and the
// new ones renamed into place (fsync'd); then the restore is registered (KB 814167) through a registry port.
import { AppError } from '../errors.ts';
import type { Manifest } from '../archive/manifest.ts';
import { verifyArchive } from '../archive/verify.ts';
import { pathApi } from '../paths.ts';
import { RESTORE_IN_PROGRESS_KEY } from '../registry/restore-plan.ts';
import type { RestoreMethod } from '../logs/restore-method.ts';
import type { RestoreModeAnswer, RestorePorts } from './ports.ts';
import { type FilesTarget, type PathStyle, type RestoreTargets, resolveTargets } from './targets.ts';
import { destinationOf, foreignLogs, registeredRange, registrationFor, selectMethod } from './method-plan.ts';
import { type RegistryBefore, readRegistryBefore } from './receipt.ts';
import { nextSteps } from './next-steps.ts';
import type { AgeKeyring } from '../archive/age/keyring.ts';
import { type RestoreAction, isDirectory, planFileActions } from './actions.ts';
import { type RestoreResult, restoreResult, writeRestoreReceipt } from './result.ts';
import {
  keyed,
  planningManifest,
  shelfLife,
  stageRestore,
  throwUnlessVerified,
  verifiedManifest,
} from './verified-archive.ts';

export type { RestorePorts, RestoreResult };

export interface RestoreOptions {
  archive: string;
  target: FilesTarget & { type: 'files'; createFolders?: boolean; restoreCheckpoint?: boolean };
  registry?: { pathStyle?: PathStyle; keepDatabaseEpoch?: boolean; newDatabaseGuid?: string };
  /** Force a registration; refused when the archive cannot support it. Default: the archive's own restoreMethod. */
  method?: RestoreMethod;
  plan?: boolean;
  allowExpired?: boolean;
  /** Identities / passphrase of an encrypted archive. */
  keyring?: AgeKeyring;
  /** An offline Windows volume (src/restore/offline.ts): where each of the DC's paths is written, and its hive. */
  volume?: { root: string; hive: string; physical(logical: string): string };
}

export async function runRestore(opts: RestoreOptions, ports: RestorePorts): Promise<RestoreResult> {
  if (ports.registryWriters.length === 0 && !opts.plan) {
    throw new AppError(
      'InvalidRequest',
      'REGISTRATION_REQUIRED',
      'a restore must be registered (Restore in Progress), or NTDS would start on the old invocation ID (USN rollback): give registry.regFile or registry.apply, or use plan',
    );
  }
  const now = ports.now();
  const stage = { planning: true };
  try {
    return await restoreFrom(opts, ports, now, stage);
  } catch (err) {
    // Planning trusts the manifest before the pass proves it. When that manifest breaks the planning (an unsafe entry
    // name, a recorded path that climbs out), the full verification names what is wrong with the archive.
    if (stage.planning && !opts.plan && err instanceof AppError && err.category === 'Integrity')
      throwUnlessVerified(opts.archive, await verifyArchive(opts.archive, keyed(opts.keyring)));
    throw err;
  }
}

async function restoreFrom(
  opts: RestoreOptions,
  ports: RestorePorts,
  now: Date,
  stage: { planning: boolean },
): Promise<RestoreResult> {
  const planned = await planRestore(opts, ports, now);
  const { result, manifest, targets, mode } = planned;
  const steps = (registryWrittenTo: string[]) =>
    nextSteps({
      plan: !!opts.plan,
      method: result.method,
      relocated: targets.relocated,
      registryWrittenTo,
      expired: result.expired,
      restoreMode: mode.inRestoreMode,
      offline: opts.volume !== undefined,
    });
  if (opts.plan) {
    result.nextSteps = steps([]);
    return result;
  }
  for (const w of ports.registryWriters) await w.check?.();
  stage.planning = false;
  const staged = await stageRestore(opts.archive, manifest, planned, ports, now, opts.keyring);
  await staged.commit();
  try {
    for (const w of ports.registryWriters) {
      await w.apply(result.registry);
      result.registryWrittenTo.push(w.description);
    }
  } finally {
    // The receipt says what happened even when a registry write failed half-way.
    result.receipt = await writeRestoreReceipt(result, manifest, targets, staged.sha256, now);
  }
  result.nextSteps = steps(result.registryWrittenTo);
  return result;
}

interface PlannedRestore {
  result: RestoreResult;
  manifest: Manifest;
  targets: RestoreTargets;
  mode: RestoreModeAnswer;
  actions: RestoreAction[];
  writes: Map<string, string>;
}

/**
 * A plan proves the whole archive first and changes nothing. A restore plans from the manifest as the sidecar (or a
 * read of the archive) gives it, then verifies and writes in one pass: every file lands under a .partial name and
 * only becomes real once the whole archive has verified and holds exactly the manifest that was planned from.
 */
async function planRestore(opts: RestoreOptions, ports: RestorePorts, now: Date): Promise<PlannedRestore> {
  const manifest = opts.plan
    ? (await verifiedManifest(opts, ports, now)).manifest
    : await planningManifest(opts.archive, opts.keyring);
  const { warnings, expired } = shelfLife(manifest, opts, now);
  const method = selectMethod(manifest, opts.method, opts.archive);
  const targets = resolveTargets(manifest, opts.target, ports.nativeStyle, opts.volume?.physical);
  if (targets.relocated) warnings.push(relocationWarning(targets, method));
  const mode = await checkMachine(opts, ports, targets);
  const before = ports.registryReader ? await readRegistryBefore(ports.registryReader) : null;
  warnings.push(
    ...registryWarnings(before, method),
    ...foreignLogs(manifest, method).map(
      (e) => `${e} belongs to another log sequence than the database: left in the archive`,
    ),
  );
  const folders = await foldersToCreate(targets, !!opts.target.createFolders);
  const files = await planFileActions(
    targets,
    manifest,
    (f) => destinationOf(f, manifest, targets, method, !!opts.target.restoreCheckpoint),
    now,
  );
  const actions = [...folders, ...files.actions];
  const registry = plannedRegistration(opts, manifest, targets, method);
  const paths = {
    database: targets.database.physical,
    logPath: targets.logFolder.physical,
    backupLogPath: targets.backupLogFolder.physical,
    checkpointFilePath: targets.checkpointFolder.physical,
    root: opts.target.root ?? opts.volume?.root ?? null,
    ...(opts.volume ? { hive: opts.volume.hive } : {}),
  };
  const result = restoreResult({
    archive: opts.archive,
    manifest,
    method,
    plan: !!opts.plan,
    expired,
    targets: paths,
    actions,
    registry,
    before,
    warnings,
  });
  return { result, manifest, targets, mode, actions, writes: files.writes };
}

function relocationWarning(targets: RestoreTargets, method: RestoreMethod): string {
  return (
    `the database goes to ${targets.database.logical}, not where it was backed up (${targets.originalDatabase}); ` +
    (method === 'restore-in-progress'
      ? "the restore map records the move, and NTDS's own paths must point there before restart"
      : "NTDS's own paths (NTDS\\Parameters) must point there before restart")
  );
}

/** The registry values the method registers, in the path style asked for (by default the one the backup recorded). */
function plannedRegistration(
  opts: RestoreOptions,
  manifest: Manifest,
  targets: RestoreTargets,
  method: RestoreMethod,
): ReturnType<typeof registrationFor> {
  const style: PathStyle = opts.registry?.pathStyle ?? (manifest.source.paths.database.unc ? 'unc' : 'local');
  return registrationFor({
    method,
    manifest,
    targets,
    style,
    registered: method === 'restore-in-progress' ? registeredRange(manifest) : null,
    ...(opts.registry?.keepDatabaseEpoch ? { keepDatabaseEpoch: true } : {}),
    ...(opts.registry?.newDatabaseGuid ? { newDatabaseGuid: opts.registry.newDatabaseGuid } : {}),
  });
}

/** Restore mode and a database in use: refused before anything changes (a plan only reports them). */
async function checkMachine(
  opts: RestoreOptions,
  ports: RestorePorts,
  targets: RestoreTargets,
): Promise<RestoreModeAnswer> {
  const mode = await ports.environment.restoreMode();
  if (mode.inRestoreMode === false && !opts.plan) {
    throw new AppError(
      'Precondition',
      'NOT_IN_RESTORE_MODE',
      `${mode.detail}. Restart into Directory Services Restore Mode first (bcdedit /set {default} safeboot dsrepair, then restart).`,
    );
  }
  if (await ports.environment.fileInUse(targets.database.physical)) {
    throw new AppError(
      'Precondition',
      'TARGET_IN_USE',
      `'${targets.database.physical}' is open in another process: the directory service is running on it`,
      { target: targets.database.physical },
    );
  }
  return mode;
}

/** What an earlier, unfinished registration left behind would do at the next start. */
function registryWarnings(before: RegistryBefore | null, method: RestoreMethod): string[] {
  const out: string[] = [];
  if (before?.restoreInProgress && method === 'database-restored-from-backup') {
    out.push(
      `a "Restore in Progress" key from an earlier restore exists: NTDS would run that restore at its next start. Remove it (reg delete "${RESTORE_IN_PROGRESS_KEY}" /f) before restarting.`,
    );
  }
  if (before?.databaseRestoredFromBackup && method === 'restore-in-progress') {
    out.push(
      '"Database restored from backup" is already set from an earlier restore; NTDS also takes it at its next start (a new invocation ID either way).',
    );
  }
  return out;
}

/** The target folders that do not exist yet: created when the request allows it, else refused. */
async function foldersToCreate(targets: RestoreTargets, createFolders: boolean): Promise<RestoreAction[]> {
  const actions: RestoreAction[] = [];
  for (const f of uniqueFolders(targets)) {
    if (await isDirectory(f)) continue;
    if (!createFolders) {
      throw new AppError(
        'Precondition',
        'TARGET_FOLDER_MISSING',
        `the target folder '${f}' does not exist (create it, or set target.createFolders)`,
        { target: f },
      );
    }
    actions.push({ action: 'create-folder', path: f });
  }
  return actions;
}

function uniqueFolders(t: RestoreTargets): string[] {
  const api = pathApi(t.database.physical);
  return [
    ...new Set([
      api.dirname(t.database.physical),
      t.logFolder.physical,
      t.backupLogFolder.physical,
      t.checkpointFolder.physical,
    ]),
  ];
}
