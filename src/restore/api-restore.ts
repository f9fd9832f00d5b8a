// Restore through the Directory Restore API, in the documented order (src/platform/ntdsbcli/API.md §5): the
// directory service must be offline; DsRestorePrepare with the expiry token stored at backup;
// DsRestoreGetDatabaseLocations (where the files go; on failure, back where they came from); DsRestoreRegister; copy
// the files; DsRestoreRegisterComplete with S_OK or the failure; DsRestoreEnd, always.
import { AppError } from '../errors.ts';
import { pathApi } from '../paths.ts';
import type { Manifest } from '../archive/manifest.ts';
import type { RegValue } from '../registry/values.ts';
import { nextSteps } from './next-steps.ts';
import type { AgeKeyring } from '../archive/age/keyring.ts';
import { entryFileName } from '../archive/layout.ts';
import { readManifestEntry } from '../archive/manifest-entry.ts';
import { RESTORE_IN_PROGRESS_KEY } from '../registry/restore-plan.ts';
import type { RestorePorts } from './ports.ts';
import { isDirectory, planFileActions } from './actions.ts';
import { registeredRange } from './method-plan.ts';
import { type RestoreResult, restoreResult, writeRestoreReceipt } from './result.ts';
import { shelfLife, stageRestore, verifiedManifest } from './verified-archive.ts';

/** The part of the API a restore uses (ntdsbcli's binding satisfies it; tests fake it). */
export interface RestoreApi {
  isOnline(server: string): boolean;
  restorePrepare(server: string, token: Buffer | null): unknown;
  databaseLocations(hbc: unknown): { kind: string; path: string }[];
  restoreRegister(hbc: unknown, r: Registration): void;
  restoreRegisterComplete(hbc: unknown, hr: number): void;
  restoreEnd(hbc: unknown): void;
}

export interface ApiRestoreOptions {
  archive: string;
  plan?: boolean;
  allowExpired?: boolean;
  keyring?: AgeKeyring;
}

/** E_FAIL: what DsRestoreRegisterComplete is told when copying the files failed. */
const E_FAIL = 0x80004005 | 0;

type ApiPorts = Pick<RestorePorts, 'now' | 'signal' | 'progress'> & {
  api: RestoreApi;
  server: string;
  computer: string;
  toLocal(unc: string): string;
};

/** What DsRestoreRegister is given. */
export interface Registration {
  checkpointPath: string;
  logPath: string;
  map: { original: string; new: string }[];
  backupLogPath: string;
  genLow: number;
  genHigh: number;
}

export async function runApiRestore(opts: ApiRestoreOptions, ports: ApiPorts): Promise<RestoreResult> {
  const now = ports.now();
  // A plan verifies the whole archive; a restore plans from a decompress-only read (the expiry token is needed before
  // anything else) and verifies in the same pass that writes the files.
  const { manifest, token } = opts.plan
    ? await verifiedManifest(opts, ports, now)
    : await readManifestEntry(opts.archive, opts.keyring);
  const shelf = shelfLife(manifest, opts, now);
  if (!token) {
    throw new AppError(
      'Precondition',
      'NO_EXPIRY_TOKEN',
      'this archive holds no expiry token (it was not made through the backup API): restore it with "target": {"type": "files"}',
    );
  }
  const registered = registeredRange(manifest);
  if (ports.api.isOnline(ports.server)) {
    throw new AppError(
      'Precondition',
      'NTDS_ONLINE',
      'the directory service is running: restore in Directory Services Restore Mode (bcdedit /set {default} safeboot dsrepair, then restart)',
    );
  }
  const hbc = ports.api.restorePrepare(ports.server, token);
  try {
    const planned = await planApiRestore(
      opts,
      manifest,
      locations(ports.api, hbc, manifest, ports.toLocal),
      registered,
      shelf,
      now,
    );
    if (opts.plan) {
      planned.result.nextSteps = apiNextSteps(true, [], shelf.expired);
      return planned.result;
    }
    return await carryOut(opts, manifest, planned, hbc, ports, now);
  } finally {
    ports.api.restoreEnd(hbc);
  }
}

interface Locations {
  unc: { database: string; logDir: string; checkpointDir: string };
  local: { database: string; logDir: string; checkpointDir: string };
}

/** Where DsRestoreGetDatabaseLocations puts the files; when it fails (documented), back where they came from. */
function locations(api: RestoreApi, hbc: unknown, manifest: Manifest, toLocal: (unc: string) => string): Locations {
  let found: { kind: string; path: string }[] = [];
  try {
    found = api.databaseLocations(hbc);
  } catch {
    // documented: when this fails, restore to the original backup source directory
  }
  const paths = manifest.source.paths;
  const unc = {
    database: found.find((l) => l.kind === 'database')?.path ?? paths.database.unc ?? paths.database.path,
    logDir: found.find((l) => l.kind === 'log-dir')?.path ?? paths.logs.unc ?? paths.logs.path,
    checkpointDir: found.find((l) => l.kind === 'checkpoint-dir')?.path ?? paths.logs.unc ?? paths.logs.path,
  };
  return {
    unc,
    local: { database: toLocal(unc.database), logDir: toLocal(unc.logDir), checkpointDir: toLocal(unc.checkpointDir) },
  };
}

interface ApiPlan {
  result: RestoreResult;
  registration: Registration;
  targets: { database: { logical: string; physical: string } };
  writes: Map<string, string>;
}

async function planApiRestore(
  opts: ApiRestoreOptions,
  manifest: Manifest,
  at: Locations,
  registered: { low: number; high: number },
  shelf: { warnings: string[]; expired: boolean },
  now: Date,
): Promise<ApiPlan> {
  const { unc, local } = at;
  const place = (p: string) => ({ logical: p, physical: p });
  const t = {
    database: place(local.database),
    logFolder: place(local.logDir),
    backupLogFolder: place(local.logDir),
    checkpointFolder: place(local.checkpointDir),
  };
  await requireFolders(local);
  const destination = (f: Manifest['files'][number]) =>
    f.role === 'database'
      ? local.database
      : f.role === 'log'
        ? pathApi(local.logDir).join(local.logDir, entryFileName(f.entry))
        : null;
  const { writes, actions } = await planFileActions(t, manifest, destination, now);
  const original = manifest.source.paths.database.unc ?? manifest.source.paths.database.path;
  const registration = apiRegistration(unc, original, registered);
  const { warnings, expired } = shelf;
  const targets = {
    database: local.database,
    logPath: local.logDir,
    backupLogPath: local.logDir,
    checkpointFilePath: local.checkpointDir,
    root: null,
  };
  const result = restoreResult({
    archive: opts.archive,
    manifest,
    method: 'restore-in-progress',
    plan: !!opts.plan,
    expired,
    targets,
    actions,
    registry: describeRegistration(registration),
    before: null,
    warnings,
  });
  if (original.toLowerCase() !== unc.database.toLowerCase())
    warnings.push(
      `the database goes to ${unc.database}, not where it was backed up (${original}); the restore map records the move`,
    );
  return { result, registration, targets: t, writes };
}

/** The folders DsRestoreGetDatabaseLocations names must exist: the API restore creates none. */
async function requireFolders(local: Locations['local']): Promise<void> {
  for (const f of new Set([pathApi(local.database).dirname(local.database), local.logDir, local.checkpointDir])) {
    if (!(await isDirectory(f)))
      throw new AppError(
        'Precondition',
        'TARGET_FOLDER_MISSING',
        `the folder '${f}' that DsRestoreGetDatabaseLocations names does not exist`,
        { target: f },
      );
  }
}

/** What DsRestoreRegister is given: the API's (UNC) locations, the restore map and the generations registered. */
function apiRegistration(
  unc: Locations['unc'],
  original: string,
  registered: { low: number; high: number },
): Registration {
  return {
    checkpointPath: unc.checkpointDir,
    logPath: unc.logDir,
    map: [{ original, new: unc.database }],
    backupLogPath: unc.logDir,
    genLow: registered.low,
    genHigh: registered.high,
  };
}

/** Stage and verify, register, put the files in place, and tell the API whether that worked. */
async function carryOut(
  opts: ApiRestoreOptions,
  manifest: Manifest,
  planned: ApiPlan,
  hbc: unknown,
  ports: ApiPorts,
  now: Date,
): Promise<RestoreResult> {
  const { result } = planned;
  const staged = await stageRestore(
    opts.archive,
    manifest,
    { actions: result.actions, writes: planned.writes },
    ports,
    now,
    opts.keyring,
  );
  ports.api.restoreRegister(hbc, planned.registration);
  try {
    await staged.commit();
  } catch (err) {
    // The directory service then refuses to start until a valid database is restored (documented behaviour).
    ports.api.restoreRegisterComplete(hbc, E_FAIL);
    throw err;
  }
  ports.api.restoreRegisterComplete(hbc, 0);
  result.registryWrittenTo.push('DsRestoreRegister');
  result.receipt = await writeRestoreReceipt(result, manifest, planned.targets, staged.sha256, now);
  result.nextSteps = apiNextSteps(false, ['DsRestoreRegister'], result.expired);
  return result;
}

function apiNextSteps(plan: boolean, registryWrittenTo: string[], expired: boolean): string[] {
  return nextSteps({
    plan,
    method: 'restore-in-progress',
    relocated: false,
    registryWrittenTo,
    expired,
    restoreMode: true,
  });
}

/** What DsRestoreRegister records, in the same shape as the file-level plan, for the result. */
function describeRegistration(r: Registration): RegValue[] {
  const k = RESTORE_IN_PROGRESS_KEY;
  return [
    { key: k, name: 'BackupLogPath', type: 'REG_SZ', value: r.backupLogPath },
    { key: k, name: 'CheckpointFilePath', type: 'REG_SZ', value: r.checkpointPath },
    { key: k, name: 'LogPath', type: 'REG_SZ', value: r.logPath },
    { key: k, name: 'LowLog Number', type: 'REG_DWORD', value: r.genLow },
    { key: k, name: 'HighLog Number', type: 'REG_DWORD', value: r.genHigh },
    { key: k, name: 'NTDS_RstMap Size', type: 'REG_DWORD', value: r.map.length },
    { key: k, name: 'NTDS_RstMap', type: 'REG_MULTI_SZ', value: r.map.flatMap((m) => [m.original, m.new]) },
  ];
}
