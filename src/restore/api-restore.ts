// Restore through the Directory Restore API, in the documented order (src/platform/ntdsbcli/API.md §5): the
// directory service must be offline; DsRestorePrepare with the expiry token stored at backup;
// DsRestoreGetDatabaseLocations (where the files go; on failure, back where they came from); DsRestoreRegister; copy
// the files; DsRestoreRegisterComplete with S_OK or the failure; DsRestoreEnd, always.
import { AppError } from '../errors.ts';
import { pathApi } from '../backup/paths.ts';
import type { RegValue } from '../registry/values.ts';
import { nextSteps } from './next-steps.ts';
import type { AgeKeyring } from '../archive/age/keyring.ts';
import { entryFileName } from '../archive/layout.ts';
import { PARTIAL_SUFFIX } from '../archive/publish.ts';
import { type RestoreAction, type RestorePorts, type RestoreResult, createFolders, isDirectory, moveAside, planMoveAside, receiptFolder, receiptOf, registeredRange, shelfLife, verifiedManifest, verifyAndStage } from './restore.ts';
import { writeReceipt } from './receipt.ts';
import { readManifestEntry } from '../archive/manifest-entry.ts';
import { RESTORE_IN_PROGRESS_KEY } from '../registry/restore-plan.ts';

/** The part of the API a restore uses (ntdsbcli's binding satisfies it; tests fake it). */
export interface RestoreApi {
  isOnline(server: string): boolean;
  restorePrepare(server: string, token: Buffer | null): unknown;
  databaseLocations(hbc: unknown): { kind: string; path: string }[];
  restoreRegister(hbc: unknown, r: { checkpointPath: string; logPath: string; map: { original: string; new: string }[]; backupLogPath: string; genLow: number; genHigh: number }): void;
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

export async function runApiRestore(
  opts: ApiRestoreOptions,
  ports: Pick<RestorePorts, 'now' | 'signal' | 'progress'> & { api: RestoreApi; server: string; computer: string; toLocal(unc: string): string },
): Promise<RestoreResult> {
  const now = ports.now();
  // A plan verifies the whole archive; a restore plans from a decompress-only read (the expiry token is needed before
  // anything else) and verifies in the same pass that writes the files.
  const { manifest, token } = opts.plan ? await verifiedManifest(opts, ports, now) : await readManifestEntry(opts.archive, opts.keyring);
  const { warnings, expired } = shelfLife(manifest, opts, now);
  if (!token) {
    throw new AppError('Precondition', 'NO_EXPIRY_TOKEN', 'this archive holds no expiry token (it was not made through the backup API): restore it with "target": {"type": "files"}');
  }
  const registered = registeredRange(manifest);
  if (ports.api.isOnline(ports.server)) {
    throw new AppError('Precondition', 'NTDS_ONLINE', 'the directory service is running: restore in Directory Services Restore Mode (bcdedit /set {default} safeboot dsrepair, then restart)');
  }
  const hbc = ports.api.restorePrepare(ports.server, token);
  try {
    let locations: { kind: string; path: string }[] = [];
    try {
      locations = ports.api.databaseLocations(hbc);
    } catch {
      // documented: when this fails, restore to the original backup source directory
    }
    const unc = {
      database: locations.find((l) => l.kind === 'database')?.path ?? manifest.source.paths.database.unc ?? manifest.source.paths.database.path,
      logDir: locations.find((l) => l.kind === 'log-dir')?.path ?? manifest.source.paths.logs.unc ?? manifest.source.paths.logs.path,
      checkpointDir: locations.find((l) => l.kind === 'checkpoint-dir')?.path ?? manifest.source.paths.logs.unc ?? manifest.source.paths.logs.path,
    };
    const local = { database: ports.toLocal(unc.database), logDir: ports.toLocal(unc.logDir), checkpointDir: ports.toLocal(unc.checkpointDir) };
    const place = (p: string) => ({ logical: p, physical: p });
    const t = { database: place(local.database), logFolder: place(local.logDir), backupLogFolder: place(local.logDir), checkpointFolder: place(local.checkpointDir) };
    for (const f of new Set([pathApi(local.database).dirname(local.database), local.logDir, local.checkpointDir])) {
      if (!(await isDirectory(f))) throw new AppError('Precondition', 'TARGET_FOLDER_MISSING', `the folder '${f}' that DsRestoreGetDatabaseLocations names does not exist`, { target: f });
    }
    const writes = new Map<string, string>();
    const writeActions: RestoreAction[] = [];
    for (const f of manifest.files) {
      const to = f.role === 'database' ? local.database : f.role === 'log' ? pathApi(local.logDir).join(local.logDir, entryFileName(f.entry)) : null;
      if (to === null) continue;
      writes.set(f.entry, to);
      writeActions.push({ action: 'write', entry: f.entry, to, size: f.size, sha256: f.sha256 });
    }
    const actions: RestoreAction[] = [...(await planMoveAside(t, [...writes.values()], now)), ...writeActions];
    const original = manifest.source.paths.database.unc ?? manifest.source.paths.database.path;
    const registration = { checkpointPath: unc.checkpointDir, logPath: unc.logDir, map: [{ original, new: unc.database }], backupLogPath: unc.logDir, genLow: registered.low, genHigh: registered.high };
    const result: RestoreResult = {
      archive: opts.archive,
      backupId: manifest.backupId,
      method: 'restore-in-progress',
      plan: !!opts.plan,
      expired,
      expiredOverride: expired,
      targets: { database: local.database, logPath: local.logDir, backupLogPath: local.logDir, checkpointFilePath: local.checkpointDir, root: null },
      actions,
      registry: describeRegistration(registration),
      registryWrittenTo: [],
      before: null,
      receipt: null,
      warnings,
      nextSteps: [],
    };
    if (original.toLowerCase() !== unc.database.toLowerCase()) warnings.push(`the database goes to ${unc.database}, not where it was backed up (${original}); the restore map records the move`);
    if (opts.plan) {
      result.nextSteps = nextSteps({ plan: true, method: 'restore-in-progress', relocated: false, registryWrittenTo: [], expired, restoreMode: true });
      return result;
    }
    const aside = new Set<string>();
    await createFolders(actions, opts.archive);
    await moveAside(actions, opts.archive, aside, (a) => a.from.endsWith(PARTIAL_SUFFIX));
    const staged = await verifyAndStage(opts.archive, manifest, writes, ports, now, opts.keyring);
    ports.api.restoreRegister(hbc, registration);
    try {
      await moveAside(actions, opts.archive, aside, (a) => !a.from.endsWith(PARTIAL_SUFFIX));
      await staged.commit();
    } catch (err) {
      // The directory service then refuses to start until a valid database is restored (documented behaviour).
      ports.api.restoreRegisterComplete(hbc, E_FAIL);
      throw err;
    }
    ports.api.restoreRegisterComplete(hbc, 0);
    result.registryWrittenTo.push('DsRestoreRegister');
    result.receipt = await writeReceipt(await receiptFolder(actions, t, now), receiptOf(result, manifest, t, staged.sha256, now));
    result.nextSteps = nextSteps({ plan: false, method: 'restore-in-progress', relocated: false, registryWrittenTo: ['DsRestoreRegister'], expired, restoreMode: true });
    return result;
  } finally {
    ports.api.restoreEnd(hbc);
  }
}

/** What DsRestoreRegister records, in the same shape as the file-level plan, for the result. */
function describeRegistration(r: { checkpointPath: string; logPath: string; map: { original: string; new: string }[]; backupLogPath: string; genLow: number; genHigh: number }): RegValue[] {
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
