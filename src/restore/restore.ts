// Offline restore: plan from the manifest, enforce its shelf life, check the machine (restore mode, database not in
// use), then one pass over the archive that verifies everything and writes the database and logs under .partial
// names; only when all of it verified are the replaced files moved into sibling pre-restore-<UTC> folders and the
// new ones renamed into place (fsync'd); then the restore is registered (KB 814167) through a registry port.
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import type { Writable } from 'node:stream';
import { mkdir, readdir, rename, rmdir, stat } from 'node:fs/promises';
import { AppError, fsError } from '../errors.ts';
import type { Manifest, Sidecar } from '../archive/manifest.ts';
import { ENTRY_MANIFEST, entryFileName, roleOfEntry } from '../archive/layout.ts';
import { readSidecar } from '../archive/sidecar.ts';
import { manifestProblem } from '../archive/manifest.ts';
import { PARTIAL_SUFFIX, type PartialFile, createPartial } from '../archive/publish.ts';
import { probeArchive, readArchive } from '../archive/read-archive.ts';
import { type EntrySink, type EntryWriter, type VerifyResult, verifyArchive, verifyArchiveWithManifest } from '../archive/verify.ts';
import { isWindowsPath, pathApi } from '../backup/paths.ts';
import { classifyLogName } from '../logs/names.ts';
import { RESTORE_IN_PROGRESS_KEY } from '../registry/restore-plan.ts';
import type { RegChange } from '../registry/values.ts';
import type { RestoreMethod } from '../logs/restore-method.ts';
import type { RegistryReader, RegistryWriter, RestoreEnvironment, RestoreModeAnswer } from './ports.ts';
import { type FilesTarget, type PathStyle, type RestoreTargets, resolveTargets } from './targets.ts';
import { destinationOf, foreignLogs, registrationFor, selectMethod } from './method-plan.ts';
import { RECEIPT_FORMAT, type RegistryBefore, type RestoreReceipt, readRegistryBefore, writeReceipt } from './receipt.ts';
import { TOOL_VERSION } from '../version.ts';
import { nextSteps } from './next-steps.ts';
import type { AgeKeyring } from '../archive/age/keyring.ts';

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
}

export interface RestorePorts {
  environment: RestoreEnvironment;
  /** Where the registration goes (.reg file, the live registry, memory); none = plan only the values. */
  registryWriters: RegistryWriter[];
  /** The registry the registration goes into, read before it changes (for the receipt); null where none is readable. */
  registryReader?: RegistryReader | null;
  nativeStyle: 'win32' | 'posix';
  now(): Date;
  signal?: AbortSignal;
  progress(event: Record<string, unknown>): void;
}

export type RestoreAction =
  | { action: 'move-aside'; from: string; to: string }
  | { action: 'write'; entry: string; to: string; size: number; sha256: string }
  | { action: 'create-folder'; path: string };

export interface RestoreResult {
  archive: string;
  backupId: string;
  /** The registration: restore-in-progress (KB 814167) or database-restored-from-backup. */
  method: RestoreMethod;
  plan: boolean;
  expired: boolean;
  expiredOverride: boolean;
  targets: { database: string; logPath: string; backupLogPath: string; checkpointFilePath: string; root: string | null };
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

const PRE_RESTORE = 'pre-restore-';

/** pre-restore-<UTC, compact>: the folder a run sets replaced files aside in. */
export function preRestoreName(now: Date): string {
  return PRE_RESTORE + now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

/** Verify the archive (a full pass, nothing written), read its manifest and expiry token, enforce the shelf life. */
export async function verifiedManifest(
  opts: { archive: string; allowExpired?: boolean; keyring?: AgeKeyring },
  ports: { signal?: AbortSignal; progress(e: Record<string, unknown>): void },
  now: Date,
): Promise<{ manifest: Manifest; token: Buffer | null; warnings: string[]; expired: boolean }> {
  const { result, manifest } = await verifyArchiveWithManifest(opts.archive, { ...(ports.signal ? { signal: ports.signal } : {}), ...keyed(opts.keyring), progress: ports.progress, now: () => now });
  throwUnlessVerified(opts.archive, result);
  const { token } = await readManifest(opts.archive, result.backupId, opts.keyring);
  return { manifest: manifest!, token, ...shelfLife(manifest!, opts, now) };
}

const keyed = (keyring: AgeKeyring | undefined) => (keyring ? { keyring } : {});

function throwUnlessVerified(archive: string, verified: VerifyResult): void {
  if (verified.encryption && !verified.encryption.contentVerified) throw encryptedNeedsKey(archive);
  if (verified.ok) return;
  const errors = verified.findings.filter((f) => f.severity === 'error');
  throw new AppError('Integrity', 'ARCHIVE_INVALID', `the archive failed verification: ${errors.map((f) => f.message).join('; ')}`, {
    target: archive,
    details: { findings: verified.findings },
  });
}

function encryptedNeedsKey(archive: string): AppError {
  return new AppError('Precondition', 'ARCHIVE_ENCRYPTED', `'${archive}' is age-encrypted: a restore needs decryption.identityFile (or decryption.passphrase)`, { target: archive });
}

/** BACKUP_EXPIRED unless overridden; the override is carried as a warning. */
export function shelfLife(manifest: Manifest, opts: { archive: string; allowExpired?: boolean }, now: Date): { warnings: string[]; expired: boolean } {
  const warnings: string[] = [];
  const expired = Date.parse(manifest.expiresAt) <= now.getTime();
  if (expired && !opts.allowExpired) {
    throw new AppError(
      'Precondition',
      'BACKUP_EXPIRED',
      `the backup of ${manifest.createdAt} is older than its tombstone lifetime (${manifest.tombstoneLifetimeDays} days; expired ${manifest.expiresAt}). Restoring it would bring back objects whose deletion the other DCs have already forgotten (lingering objects). Override only for a forest recovery with allowExpired.`,
      { target: opts.archive },
    );
  }
  if (expired) warnings.push(`restoring a backup older than the tombstone lifetime (allowExpired): expect lingering objects; check with repadmin /removelingeringobjects after the restore`);
  return { warnings, expired };
}

export async function runRestore(opts: RestoreOptions, ports: RestorePorts): Promise<RestoreResult> {
  const now = ports.now();
  const stage = { planning: true };
  try {
    return await restoreFrom(opts, ports, now, stage);
  } catch (err) {
    // Planning trusts the manifest before the pass proves it. When that manifest breaks the planning (an unsafe entry
    // name, a recorded path that climbs out), the full verification names what is wrong with the archive.
    if (stage.planning && !opts.plan && err instanceof AppError && err.category === 'Integrity') throwUnlessVerified(opts.archive, await verifyArchive(opts.archive, keyed(opts.keyring)));
    throw err;
  }
}

async function restoreFrom(opts: RestoreOptions, ports: RestorePorts, now: Date, stage: { planning: boolean }): Promise<RestoreResult> {
  // A plan proves the whole archive first and changes nothing. A restore plans from the manifest as the sidecar (or a
  // read of the archive) gives it, then verifies and writes in one pass: every file lands under a .partial name and
  // only becomes real once the whole archive has verified and holds exactly the manifest that was planned from.
  const manifest = opts.plan ? (await verifiedManifest(opts, ports, now)).manifest : await planningManifest(opts.archive, opts.keyring);
  const { warnings, expired } = shelfLife(manifest, opts, now);
  const method = selectMethod(manifest, opts.method, opts.archive);
  const targets = resolveTargets(manifest, opts.target, ports.nativeStyle);
  if (targets.relocated) {
    warnings.push(`the database goes to ${targets.database.logical}, not where it was backed up (${targets.originalDatabase}); ` + (method === 'restore-in-progress' ? "the restore map records the move, and NTDS's own paths must point there before restart" : "NTDS's own paths (NTDS\\Parameters) must point there before restart"));
  }
  const mode = await checkMachine(opts, ports, targets);
  const before = ports.registryReader ? await readRegistryBefore(ports.registryReader) : null;
  warnings.push(...registryWarnings(before, method), ...foreignLogs(manifest, method).map((e) => `${e} belongs to another log sequence than the database: left in the archive`));
  const { actions, writes } = await planFiles(manifest, targets, method, opts, now);
  const style: PathStyle = opts.registry?.pathStyle ?? (manifest.source.paths.database.unc ? 'unc' : 'local');
  const registry = registrationFor({
    method,
    manifest,
    targets,
    style,
    registered: method === 'restore-in-progress' ? registeredRange(manifest) : null,
    ...(opts.registry?.keepDatabaseEpoch ? { keepDatabaseEpoch: true } : {}),
    ...(opts.registry?.newDatabaseGuid ? { newDatabaseGuid: opts.registry.newDatabaseGuid } : {}),
  });
  const result: RestoreResult = {
    archive: opts.archive,
    backupId: manifest.backupId,
    method,
    plan: !!opts.plan,
    expired,
    expiredOverride: expired,
    targets: {
      database: targets.database.physical,
      logPath: targets.logFolder.physical,
      backupLogPath: targets.backupLogFolder.physical,
      checkpointFilePath: targets.checkpointFolder.physical,
      root: opts.target.root ?? null,
    },
    actions,
    registry,
    registryWrittenTo: [],
    before,
    receipt: null,
    warnings,
    nextSteps: [],
  };
  const steps = (registryWrittenTo: string[]) => nextSteps({ plan: !!opts.plan, method, relocated: targets.relocated, registryWrittenTo, expired, restoreMode: mode.inRestoreMode });
  if (opts.plan) {
    result.nextSteps = steps([]);
    return result;
  }
  for (const w of ports.registryWriters) await w.check?.();
  stage.planning = false;
  const done = await stageAndCommit(opts, manifest, actions, writes, ports, now);
  try {
    for (const w of ports.registryWriters) {
      await w.apply(registry);
      result.registryWrittenTo.push(w.description);
    }
  } finally {
    // The receipt says what happened even when a registry write failed half-way.
    result.receipt = await writeReceipt(await receiptFolder(actions, targets, now), receiptOf(result, manifest, targets, done.sha256, now));
  }
  result.nextSteps = steps(result.registryWrittenTo);
  return result;
}

/** Restore mode and a database in use: refused before anything changes (a plan only reports them). */
async function checkMachine(opts: RestoreOptions, ports: RestorePorts, targets: RestoreTargets): Promise<RestoreModeAnswer> {
  const mode = await ports.environment.restoreMode();
  if (mode.inRestoreMode === false && !opts.plan) {
    throw new AppError('Precondition', 'NOT_IN_RESTORE_MODE', `${mode.detail}. Restart into Directory Services Restore Mode first (bcdedit /set {default} safeboot dsrepair, then restart).`);
  }
  if (await ports.environment.fileInUse(targets.database.physical)) {
    throw new AppError('Precondition', 'TARGET_IN_USE', `'${targets.database.physical}' is open in another process: the directory service is running on it`, { target: targets.database.physical });
  }
  return mode;
}

/** What an earlier, unfinished registration left behind would do at the next start. */
function registryWarnings(before: RegistryBefore | null, method: RestoreMethod): string[] {
  const out: string[] = [];
  if (before?.restoreInProgress && method === 'database-restored-from-backup') {
    out.push(`a "Restore in Progress" key from an earlier restore exists: NTDS would run that restore at its next start. Remove it (reg delete "${RESTORE_IN_PROGRESS_KEY}" /f) before restarting.`);
  }
  if (before?.databaseRestoredFromBackup && method === 'restore-in-progress') {
    out.push('"Database restored from backup" is already set from an earlier restore; NTDS also takes it at its next start (a new invocation ID either way).');
  }
  return out;
}

/** Folders to create, files to set aside, and where each archived file is written. */
async function planFiles(manifest: Manifest, targets: RestoreTargets, method: RestoreMethod, opts: RestoreOptions, now: Date): Promise<{ actions: RestoreAction[]; writes: Map<string, string> }> {
  const actions: RestoreAction[] = [];
  for (const f of uniqueFolders(targets)) {
    if (await isDirectory(f)) continue;
    if (!opts.target.createFolders) {
      throw new AppError('Precondition', 'TARGET_FOLDER_MISSING', `the target folder '${f}' does not exist (create it, or set target.createFolders)`, { target: f });
    }
    actions.push({ action: 'create-folder', path: f });
  }
  const writes = new Map<string, string>();
  const writeActions: RestoreAction[] = [];
  for (const f of manifest.files) {
    const to = destinationOf(f, manifest, targets, method, !!opts.target.restoreCheckpoint);
    if (to === null) continue;
    writes.set(f.entry, to);
    writeActions.push({ action: 'write', entry: f.entry, to, size: f.size, sha256: f.sha256 });
  }
  actions.push(...(await planMoveAside(targets, [...writes.values()], now)), ...writeActions);
  return { actions, writes };
}

/**
 * From here on the disk changes. Nothing is deleted: new files land under .partial names (a killed run's .partial
 * is set aside first), and only once everything verified do replaced files move aside and new ones into place.
 */
async function stageAndCommit(opts: RestoreOptions, manifest: Manifest, actions: RestoreAction[], writes: Map<string, string>, ports: RestorePorts, now: Date): Promise<{ sha256: string | null }> {
  const aside = new Set<string>();
  const created = await createFolders(actions, opts.archive);
  let staged: Awaited<ReturnType<typeof verifyAndStage>>;
  try {
    await moveAside(actions, opts.archive, aside, (a) => a.from.endsWith(PARTIAL_SUFFIX));
    staged = await verifyAndStage(opts.archive, manifest, writes, ports, now, opts.keyring);
  } catch (err) {
    await removeCreatedFolders(created);
    throw err;
  }
  await moveAside(actions, opts.archive, aside, (a) => !a.from.endsWith(PARTIAL_SUFFIX));
  await staged.commit();
  return { sha256: staged.sha256 };
}

/** The database folder's pre-restore folder of this run (a new one when nothing there was set aside). */
export async function receiptFolder(actions: readonly RestoreAction[], targets: Pick<RestoreTargets, 'database'>, now: Date): Promise<string> {
  const api = pathApi(targets.database.physical);
  const dbFolder = api.dirname(targets.database.physical);
  const moved = actions.find((a) => a.action === 'move-aside' && api.dirname(a.from) === dbFolder);
  return moved && moved.action === 'move-aside' ? api.dirname(moved.to) : unusedSibling(dbFolder, preRestoreName(now));
}

/** folder/name, or folder/name-2, -3 …: the first that does not exist yet. */
async function unusedSibling(folder: string, name: string): Promise<string> {
  const api = pathApi(folder);
  let p = api.join(folder, name);
  for (let n = 2; await stat(p).then(() => true, () => false); n++) p = api.join(folder, `${name}-${n}`);
  return p;
}

export function receiptOf(r: RestoreResult, m: Manifest, t: Pick<RestoreTargets, 'database'>, archiveSha256: string | null, now: Date): RestoreReceipt {
  const db = m.files.find((f) => f.role === 'database')!;
  return {
    format: RECEIPT_FORMAT,
    formatVersion: 1,
    tool: { name: 'adbackup', version: TOOL_VERSION },
    restoredAt: now.toISOString(),
    archive: { path: r.archive, backupId: m.backupId, sha256: archiveSha256, createdAt: m.createdAt, computer: m.source.computer },
    method: r.method,
    database: { path: t.database.physical, logical: t.database.logical, signDb: m.database.signDb, sha256: db.sha256 },
    targets: { database: r.targets.database, logPath: r.targets.logPath, backupLogPath: r.targets.backupLogPath, checkpointFilePath: r.targets.checkpointFilePath },
    written: r.actions.flatMap((a) => (a.action === 'write' ? [{ entry: a.entry, to: a.to, size: a.size, sha256: a.sha256 }] : [])),
    movedAside: r.actions.flatMap((a) => (a.action === 'move-aside' ? [{ from: a.from, to: a.to }] : [])),
    registry: { values: r.registry, writtenTo: r.registryWrittenTo },
    before: r.before,
  };
}

/** A pass that only decompresses, for the manifest and the expiry token (`backupId`: the one the caller verified). */
export async function readManifest(archive: string, backupId: string | null, keyring?: AgeKeyring): Promise<{ manifest: Manifest; token: Buffer | null }> {
  let manifest: Manifest | null = null;
  let token: Buffer | null = null;
  await readArchive(await probeArchive(archive, undefined, keyring), async (entry) => {
    const name = entry.header.name;
    const keep = name === ENTRY_MANIFEST || roleOfEntry(name) === 'expiry-token';
    const parts: Buffer[] = [];
    for await (const c of entry.body) if (keep) parts.push(Buffer.from(c));
    if (name === ENTRY_MANIFEST) manifest = JSON.parse(Buffer.concat(parts).toString('utf8')) as Manifest;
    else if (keep) token = Buffer.concat(parts);
  });
  const m = manifest as Manifest | null;
  if (!m || manifestProblem(m) !== null || (backupId !== null && m.backupId !== backupId)) throw new AppError('Integrity', 'ARCHIVE_CHANGED', `'${archive}' changed after it was verified`, { target: archive });
  return { manifest: m, token };
}

/** Creates the folders the plan lists (nothing else changes before the archive has verified). */
export async function createFolders(actions: readonly RestoreAction[], archive: string): Promise<string[]> {
  const created: string[] = [];
  try {
    for (const a of actions) {
      if (a.action !== 'create-folder') continue;
      const first = await mkdir(a.path, { recursive: true });
      if (first !== undefined) created.push(...foldersMade(a.path, first));
    }
  } catch (err) {
    throw fsError(err, archive, 'prepare the target');
  }
  return created;
}

/**
 * The folders `mkdir -p path` made, deepest first, given the first one it made (what mkdir returned). Node on
 * Windows returns that one in long-path form (\\?\D:\…, \\?\UNC\server\…) and drive paths differ in case only
 * when they name the same folder: compared as written, the walk went past it to the drive root, and the rollback of
 * a failed restore removed empty folders that were there before (the target root itself). A first folder not on
 * the path (never expected) gives the path alone.
 */
export function foldersMade(path: string, first: string): string[] {
  const api = pathApi(path);
  const plain = first.replace(/^\\\\\?\\UNC\\/i, '\\\\').replace(/^\\\\\?\\/, '');
  const same = isWindowsPath(path) ? (a: string, b: string) => a.toLowerCase() === b.toLowerCase() : (a: string, b: string) => a === b;
  const chain: string[] = [];
  for (let p = path; ; p = api.dirname(p)) {
    chain.push(p);
    if (same(p, plain)) return chain;
    if (api.dirname(p) === p) return [path];
  }
}

/** Undoes createFolders after a failed pass: removes the folders it made, where they are still empty. */
export async function removeCreatedFolders(created: readonly string[]): Promise<void> {
  for (const p of created) await rmdir(p).catch(() => {});
}

/**
 * The move-aside actions: every file the restore replaces, and a .partial that a killed restore left beside a file
 * it writes, go into a pre-restore-<UTC> folder of their own folder — a new one: an existing folder (a restore
 * re-run within the same second) gets a numbered sibling, so nothing already set aside can be overwritten.
 */
export async function planMoveAside(
  t: Pick<RestoreTargets, 'database' | 'logFolder' | 'backupLogFolder' | 'checkpointFolder'>,
  writes: readonly string[],
  now: Date,
): Promise<RestoreAction[]> {
  const replace = await filesToReplace(t);
  for (const to of writes) {
    const api = pathApi(to);
    const stale = to + PARTIAL_SUFFIX;
    if (await stat(stale).then((s) => s.isFile(), () => false)) {
      const folder = api.dirname(to);
      replace.set(folder, [...(replace.get(folder) ?? []), api.basename(stale)]);
    }
  }
  const stamp = preRestoreName(now);
  const actions: RestoreAction[] = [];
  for (const [folder, names] of replace) {
    const api = pathApi(folder);
    const aside = await unusedSibling(folder, stamp);
    for (const n of names) actions.push({ action: 'move-aside', from: api.join(folder, n), to: api.join(aside, n) });
  }
  return actions;
}

/**
 * Carries out the move-aside actions that `which` selects (never deletes). Each pre-restore folder is created on
 * first use and must not exist yet (`created` remembers ours across calls): a rename into a folder of our own cannot
 * replace anything set aside before.
 */
export async function moveAside(actions: readonly RestoreAction[], archive: string, created: Set<string>, which: (a: { from: string; to: string }) => boolean = () => true): Promise<void> {
  try {
    for (const a of actions) {
      if (a.action !== 'move-aside' || !which(a)) continue;
      const aside = pathApi(a.to).dirname(a.to);
      if (!created.has(aside)) {
        await mkdir(aside);
        created.add(aside);
      }
      await rename(a.from, a.to);
    }
  } catch (err) {
    throw fsError(err, archive, 'move the replaced files aside');
  }
}

function uniqueFolders(t: RestoreTargets): string[] {
  const api = pathApi(t.database.physical);
  return [...new Set([api.dirname(t.database.physical), t.logFolder.physical, t.backupLogFolder.physical, t.checkpointFolder.physical])];
}

export async function isDirectory(p: string): Promise<boolean> {
  return stat(p).then((s) => s.isDirectory(), () => false);
}

/** What the restore replaces, per folder: the database (and its flush map), and every file of the log set. */
export async function filesToReplace(t: Pick<RestoreTargets, 'database' | 'logFolder' | 'backupLogFolder' | 'checkpointFolder'>): Promise<Map<string, string[]>> {
  const out = new Map<string, Set<string>>();
  const add = (folder: string, name: string) => out.set(folder, (out.get(folder) ?? new Set()).add(name));
  const api = pathApi(t.database.physical);
  const dbFolder = api.dirname(t.database.physical);
  const dbName = api.basename(t.database.physical);
  const existing = async (folder: string) => (await isDirectory(folder) ? (await readdir(folder, { withFileTypes: true })).filter((d) => d.isFile()).map((d) => d.name) : []);
  for (const n of await existing(dbFolder)) {
    if (n.toLowerCase() === dbName.toLowerCase() || n.toLowerCase() === dbName.toLowerCase().replace(/\.dit$/, '.jfm')) add(dbFolder, n);
  }
  // Stale logs of the broken DC would be replayed or rejected by recovery: all log-set files move aside.
  for (const folder of new Set([t.logFolder.physical, t.backupLogFolder.physical])) {
    for (const n of await existing(folder)) {
      const role = classifyLogName(n).role;
      if (role !== 'other') add(folder, n);
    }
  }
  // The broken DC's checkpoint would point recovery at its own generation: it moves aside even when none is restored.
  for (const n of await existing(t.checkpointFolder.physical)) {
    if (classifyLogName(n).role === 'checkpoint') add(t.checkpointFolder.physical, n);
  }
  return new Map([...out].map(([k, v]) => [k, [...v].sort()]));
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

/**
 * The manifest to plan a restore from: the sidecar's when it describes this very file (same size), else the one
 * read from the archive by a decompress-only pass. Either is only a plan: verifyAndStage proves it.
 */
export async function planningManifest(archive: string, keyring?: AgeKeyring): Promise<Manifest> {
  const [sidecar, st] = await Promise.all([readSidecar(archive), stat(archive).catch(() => null)]);
  if (sidecar && st && sidecar.archive.size === st.size) {
    const { archive: _file, ...manifest } = sidecar;
    // An encrypted backup without its key is refused before anything else happens.
    if (manifest.encryption && !keyring) throw encryptedNeedsKey(archive);
    return manifest;
  }
  return (await readManifest(archive, null, keyring)).manifest;
}

/**
 * One pass over the archive: the full verification, with every wanted entry written to `<dest>.partial` as it is
 * hashed. Nothing becomes real here; on any failure every .partial is removed. The caller commits.
 */
export async function verifyAndStage(
  archive: string,
  planned: Manifest,
  writes: Map<string, string>,
  ports: Pick<RestorePorts, 'progress' | 'signal'>,
  now: Date,
  keyring?: AgeKeyring,
): Promise<{ manifest: Manifest; token: Buffer | null; sha256: string | null; commit(): Promise<void> }> {
  const partials = new Map<string, PartialFile>();
  let tokenParts: Buffer[] | null = null;
  let sha256: string | null = null;
  const sink: EntrySink = {
    async open(entry) {
      if (roleOfEntry(entry) === 'expiry-token') {
        const parts: Buffer[] = (tokenParts = []);
        return { write: async (c: Uint8Array) => parts.push(Buffer.from(c)), end: async () => {} };
      }
      const dest = writes.get(entry);
      if (dest === undefined || partials.has(entry)) return null;
      const p = await createPartial(dest);
      partials.set(entry, p);
      return bufferedWriter(p.writable(), dest);
    },
  };
  try {
    // From an encrypted archive, plaintext reaches a .partial only chunk by chunk as each chunk authenticates.
    const { result, manifest } = await verifyArchiveWithManifest(archive, { ...(ports.signal ? { signal: ports.signal } : {}), ...keyed(keyring), progress: ports.progress, now: () => now, sink });
    throwUnlessVerified(archive, result);
    sha256 = result.sha256;
    if (!manifest || !sameJson(manifest, planned)) {
      throw new AppError('Integrity', 'ARCHIVE_CHANGED', `'${archive}' does not hold the manifest the restore was planned from (its sidecar describes another backup, or the file changed)`, { target: archive });
    }
    const missing = [...writes.keys()].filter((e) => !partials.has(e));
    if (missing.length > 0) throw new AppError('Integrity', 'ARCHIVE_INVALID', `the archive holds no ${missing.join(', ')}`, { target: archive });
  } catch (err) {
    for (const p of partials.values()) await p.discard();
    throw err;
  }
  return {
    manifest: planned,
    token: tokenParts ? Buffer.concat(tokenParts) : null,
    sha256,
    async commit() {
      const pending = [...partials.values()];
      try {
        while (pending.length > 0) {
          await pending[0]!.commit();
          pending.shift();
        }
      } catch (err) {
        for (const p of pending) await p.discard();
        throw err;
      }
    },
  };
}

/**
 * Writes go through a stream with a few MiB of buffer, so the disk works while the next bytes are decompressed and
 * hashed (awaiting each write would stall the pass on every chunk). A failed write rejects the next call.
 */
function bufferedWriter(w: Writable, dest: string): EntryWriter {
  let failed: unknown = null;
  w.on('error', (err) => (failed ??= err));
  const check = () => {
    if (failed) throw fsError(failed, dest, 'write');
  };
  return {
    async write(chunk) {
      check();
      if (!w.write(chunk)) await once(w, 'drain').catch((err: unknown) => Promise.reject(fsError(err, dest, 'write')));
    },
    async end() {
      check();
      await finished(w.end()).catch((err: unknown) => Promise.reject(fsError(err, dest, 'write')));
    },
  };
}

/** Deep equality of two JSON documents, whatever the key order. */
function sameJson(a: unknown, b: unknown): boolean {
  const canon = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(canon) : v && typeof v === 'object' ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, canon((v as Record<string, unknown>)[k])])) : v;
  return JSON.stringify(canon(a)) === JSON.stringify(canon(b));
}
