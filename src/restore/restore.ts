// Offline restore: verify the archive, enforce its shelf life, check the machine (restore mode, database not in use),
// move whatever would be replaced into sibling pre-restore-<UTC> folders, write the database and logs (fsync'd,
// re-hashed against the manifest), then register the restore (KB 814167) through a registry port.
import { createHash } from 'node:crypto';
import { mkdir, readdir, rename, stat } from 'node:fs/promises';
import { AppError, fsError } from '../errors.ts';
import type { Manifest } from '../archive/manifest.ts';
import { ENTRY_MANIFEST, roleOfEntry } from '../archive/layout.ts';
import { createPartial } from '../archive/publish.ts';
import { probeArchive, readArchive } from '../archive/read-archive.ts';
import { type VerifyResult, verifyArchive } from '../archive/verify.ts';
import { pathApi } from '../backup/paths.ts';
import { classifyLogName } from '../logs/names.ts';
import { restoreRegistryPlan } from '../registry/restore-plan.ts';
import type { RegValue } from '../registry/values.ts';
import type { RegistryWriter, RestoreEnvironment } from './ports.ts';
import { type FilesTarget, type PathStyle, type RestoreTargets, registryPath, resolveTargets } from './targets.ts';
import { nextSteps } from './next-steps.ts';
import type { AgeKeyring } from '../archive/age/keyring.ts';

export interface RestoreOptions {
  archive: string;
  target: FilesTarget & { type: 'files'; createFolders?: boolean; restoreCheckpoint?: boolean };
  registry?: { pathStyle?: PathStyle };
  plan?: boolean;
  allowExpired?: boolean;
  /** Identities / passphrase of an encrypted archive. */
  keyring?: AgeKeyring;
}

export interface RestorePorts {
  environment: RestoreEnvironment;
  /** Where the registration goes (.reg file, the live registry, memory); none = plan only the values. */
  registryWriters: RegistryWriter[];
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
  plan: boolean;
  expired: boolean;
  expiredOverride: boolean;
  targets: { database: string; logPath: string; backupLogPath: string; checkpointFilePath: string; root: string | null };
  actions: RestoreAction[];
  registry: RegValue[];
  registryWrittenTo: string[];
  warnings: string[];
  nextSteps: string[];
}

const PRE_RESTORE = 'pre-restore-';

/** Verify the archive, read its manifest (and small entries such as the expiry token), enforce the shelf life. */
export async function verifiedManifest(
  opts: { archive: string; allowExpired?: boolean; keyring?: AgeKeyring },
  ports: { signal?: AbortSignal; progress(e: Record<string, unknown>): void },
  now: Date,
): Promise<{ manifest: Manifest; token: Buffer | null; warnings: string[]; expired: boolean }> {
  const verified = await verifyArchive(opts.archive, { ...(ports.signal ? { signal: ports.signal } : {}), ...(opts.keyring ? { keyring: opts.keyring } : {}), progress: ports.progress, now: () => now });
  if (verified.encryption && !verified.encryption.contentVerified) {
    throw new AppError('Precondition', 'ARCHIVE_ENCRYPTED', `'${opts.archive}' is age-encrypted: a restore needs decryption.identityFile (or decryption.passphrase)`, { target: opts.archive });
  }
  if (!verified.ok) {
    const errors = verified.findings.filter((f) => f.severity === 'error');
    throw new AppError('Integrity', 'ARCHIVE_INVALID', `the archive failed verification: ${errors.map((f) => f.message).join('; ')}`, {
      target: opts.archive,
      details: { findings: verified.findings },
    });
  }
  const { manifest, token } = await readManifest(opts.archive, verified, opts.keyring);
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
  return { manifest, token, warnings, expired };
}

export async function runRestore(opts: RestoreOptions, ports: RestorePorts): Promise<RestoreResult> {
  const now = ports.now();
  const { manifest, warnings, expired } = await verifiedManifest(opts, ports, now);

  const targets = resolveTargets(manifest, opts.target, ports.nativeStyle);
  if (targets.relocated) {
    warnings.push(`the database goes to ${targets.database.logical}, not where it was backed up (${targets.originalDatabase}); the restore map records the move, and NTDS's own paths must point there before restart`);
  }

  const mode = await ports.environment.restoreMode();
  if (mode.inRestoreMode === false && !opts.plan) {
    throw new AppError('Precondition', 'NOT_IN_RESTORE_MODE', `${mode.detail}. Restart into Directory Services Restore Mode first (bcdedit /set {default} safeboot dsrepair, then restart).`);
  }
  if (await ports.environment.fileInUse(targets.database.physical)) {
    throw new AppError('Precondition', 'TARGET_IN_USE', `'${targets.database.physical}' is open in another process: the directory service is running on it`, { target: targets.database.physical });
  }

  const actions: RestoreAction[] = [];
  const folders = uniqueFolders(targets);
  for (const f of folders) {
    if (!(await isDirectory(f))) {
      if (!opts.target.createFolders) {
        throw new AppError('Precondition', 'TARGET_FOLDER_MISSING', `the target folder '${f}' does not exist (create it, or set target.createFolders)`, { target: f });
      }
      actions.push({ action: 'create-folder', path: f });
    }
  }
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  for (const [folder, names] of await filesToReplace(targets)) {
    const aside = pathApi(folder).join(folder, PRE_RESTORE + stamp);
    for (const n of names) actions.push({ action: 'move-aside', from: pathApi(folder).join(folder, n), to: pathApi(aside).join(aside, n) });
  }
  const writes = new Map<string, string>();
  for (const f of manifest.files) {
    const to = destinationOf(f.entry, f.role, targets, !!opts.target.restoreCheckpoint);
    if (to === null) continue;
    writes.set(f.entry, to);
    actions.push({ action: 'write', entry: f.entry, to, size: f.size, sha256: f.sha256 });
  }

  const registered = registeredRange(manifest);
  const style: PathStyle = opts.registry?.pathStyle ?? (manifest.source.paths.database.unc ? 'unc' : 'local');
  const reg = (p: string) => registryPath(p, style, targets.computer);
  const registry = restoreRegistryPlan({
    backupLogPath: reg(targets.backupLogFolder.logical),
    checkpointFilePath: reg(targets.checkpointFolder.logical),
    logPath: reg(targets.logFolder.logical),
    lowLog: registered.low,
    highLog: registered.high,
    restoreMap: [{ original: registryPath(targets.originalDatabase, style, manifest.source.computer), new: reg(targets.database.logical) }],
  });

  const result: RestoreResult = {
    archive: opts.archive,
    backupId: manifest.backupId,
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
    warnings,
    nextSteps: [],
  };
  if (opts.plan) {
    result.nextSteps = nextSteps({ plan: true, relocated: targets.relocated, registryWrittenTo: [], expired, restoreMode: mode.inRestoreMode });
    return result;
  }

  // From here on the disk changes. Nothing is deleted: replaced files move aside, new files land under .partial names.
  await prepareTarget(actions, opts.archive);
  await extract(opts.archive, manifest, writes, ports, opts.keyring);
  for (const w of ports.registryWriters) {
    await w.apply(registry);
    result.registryWrittenTo.push(w.description);
  }
  result.nextSteps = nextSteps({ plan: false, relocated: targets.relocated, registryWrittenTo: result.registryWrittenTo, expired, restoreMode: mode.inRestoreMode });
  return result;
}

async function readManifest(archive: string, verified: VerifyResult, keyring?: AgeKeyring): Promise<{ manifest: Manifest; token: Buffer | null }> {
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
  if (!m || m.backupId !== verified.backupId) throw new AppError('Integrity', 'ARCHIVE_CHANGED', `'${archive}' changed after it was verified`, { target: archive });
  return { manifest: m, token };
}

/** Creates folders and moves replaced files aside (never deletes). */
export async function prepareTarget(actions: readonly RestoreAction[], archive: string): Promise<void> {
  try {
    for (const a of actions) {
      if (a.action === 'create-folder') await mkdir(a.path, { recursive: true });
      else if (a.action === 'move-aside') {
        await mkdir(pathApi(a.to).dirname(a.to), { recursive: true });
        await rename(a.from, a.to);
      }
    }
  } catch (err) {
    throw fsError(err, archive, 'prepare the target');
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

function destinationOf(entry: string, role: string, t: RestoreTargets, restoreCheckpoint: boolean): string | null {
  const name = entry.slice(entry.indexOf('/') + 1);
  if (role === 'database') return t.database.physical;
  // The current log is the log folder's own, replayed after the backup set; numbered logs are the backup set.
  if (role === 'log' && classifyLogName(name).role === 'current') return pathApi(t.logFolder.physical).join(t.logFolder.physical, name);
  if (role === 'log') return pathApi(t.backupLogFolder.physical).join(t.backupLogFolder.physical, name);
  if (role === 'checkpoint' && restoreCheckpoint) return pathApi(t.checkpointFolder.physical).join(t.checkpointFolder.physical, name);
  return null;
}

/**
 * The second pass: each wanted entry goes to `<dest>.partial`, is re-hashed against the manifest, fsync'd and
 * renamed. From an encrypted archive, plaintext reaches a .partial only chunk by chunk as each chunk authenticates,
 * and a file is renamed into place only once its whole content matched the verified manifest; on any failure the
 * .partial is removed.
 */
export async function extract(archive: string, manifest: Manifest, writes: Map<string, string>, ports: Pick<RestorePorts, 'progress' | 'signal'>, keyring?: AgeKeyring): Promise<void> {
  const expected = new Map(manifest.files.map((f) => [f.entry, f]));
  const total = [...writes.keys()].reduce((n, e) => n + (expected.get(e)?.size ?? 0), 0);
  let done = 0;
  let lastReport = 0;
  await readArchive(
    await probeArchive(archive, undefined, keyring),
    async (entry) => {
      const dest = writes.get(entry.header.name);
      if (dest === undefined || roleOfEntry(entry.header.name) === null) {
        for await (const _ of entry.body);
        return;
      }
      const want = expected.get(entry.header.name)!;
      const partial = await createPartial(dest);
      try {
        const hash = createHash('sha256');
        for await (const chunk of entry.body) {
          hash.update(chunk);
          await partial.handle.write(chunk);
          done += chunk.length;
          const t = Date.now();
          if (t - lastReport >= 250) {
            lastReport = t;
            ports.progress({ phase: 'restore', file: entry.header.name, bytesDone: done, bytesTotal: total });
          }
        }
        if (hash.digest('hex') !== want.sha256) {
          throw new AppError('Integrity', 'ARCHIVE_CHANGED', `'${entry.header.name}' no longer matches the verified archive`, { target: archive });
        }
        await partial.commit();
      } catch (err) {
        await partial.discard();
        throw err;
      }
    },
    ports.signal ? { signal: ports.signal } : {},
  );
  ports.progress({ phase: 'restore', done: true, bytesDone: done, bytesTotal: total });
}
