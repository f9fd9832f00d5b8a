// The command table: each command's request validator and handler. Handlers get a validated request and return
// a JSON-serialisable result; they throw AppError for anything the caller should see as a structured error.
// Only what every command needs is imported here: each command's implementation is loaded by its run (a dynamic
// import, which the bundle keeps in the one file but runs only when called), so a command starts without the modules
// (and the node:crypto, node:zlib … they pull in) of all the others.
import type { Validator } from '../protocol/validator.ts';
import * as v from '../protocol/generated/validators.js';
import { AppError, type ErrorCategory } from '../errors.ts';
import type { HeaderKind } from '../ese/read.ts';
import type { ObjectsQuery } from '../ad/query.ts';
import type { CompareOptions } from '../ad/compare.ts';
import type { DatabaseSourceRequest } from './database-source.ts';
import type { DeepVerifyReport } from './deep-verify.ts';
import type { VerifyResult } from '../archive/verify-types.ts';
import type { AgeKeyring } from '../archive/age/keyring.ts';
import { PROTOCOL_VERSION, TOOL_VERSION } from '../version.ts';
import type { BackupResult } from '../backup/backup.ts';
import { dirname } from 'node:path';
import type { RestoreOptions } from '../restore/restore.ts';
import type { OfflineTarget } from '../restore/offline.ts';
import type { RegistryWriter } from '../registry/ports.ts';
import type { StatusRequest } from '../restore/status.ts';
import type { RegistryReader } from '../registry/ports.ts';
import type { DecryptionRequest, EncryptionRequest } from './secrets.ts';
import type { PruneRequest } from '../retention/prune.ts';
import type { StatusRequest as BackupStatusRequest } from '../retention/freshness.ts';

/**
 * On a DC, files go where NTDS\Parameters says NTDS keeps them now (as the restore API's DsRestoreGetDatabaseLocations
 * would answer), unless the request names places or a root.
 */
async function withNtdsDefaults<
  T extends { root?: string; databasePath?: string; logPath?: string; checkpointPath?: string },
>(target: T): Promise<T> {
  const { ntdsLocations } = await import('../platform/windows-registry.ts');
  if (target.root !== undefined) return target;
  let loc: ReturnType<typeof ntdsLocations>;
  try {
    loc = ntdsLocations();
  } catch {
    return target; // no registry access: the backup's own record of the paths applies
  }
  return {
    ...target,
    ...(target.databasePath === undefined && loc.databaseFile ? { databasePath: loc.databaseFile } : {}),
    ...(target.logPath === undefined && loc.logPath ? { logPath: loc.logPath } : {}),
    ...(target.checkpointPath === undefined && loc.workingDirectory ? { checkpointPath: loc.workingDirectory } : {}),
  };
}

/** This machine's registry where one can be read (Windows), for the receipt's "before" and restore-status. */
async function localRegistryReader(): Promise<RegistryReader | null> {
  const { windowsRegistryReader } = await import('../platform/windows-registry.ts');
  if (process.platform !== 'win32') return null;
  try {
    return windowsRegistryReader();
  } catch {
    return null;
  }
}

async function nativeStatus(): Promise<{ koffi: string | null; error?: string }> {
  const { findKoffi } = await import('../platform/native/koffi.ts');
  const k = findKoffi();
  return k.version ? { koffi: k.version } : { koffi: null, error: k.error ?? 'unknown' };
}

/** verify's deep check (src/cli/deep-verify.ts), when the streaming checks leave the content open and sound. */
async function withDeepCheck(
  r: VerifyResult,
  req: { archive: string; spillDirectory?: string },
  keyring: AgeKeyring | undefined,
  signal: AbortSignal,
): Promise<VerifyResult & { deep?: DeepVerifyReport }> {
  const { deepVerify, deepCheckApplies } = await import('./deep-verify.ts');
  if (!deepCheckApplies(r)) return r;
  const deep = await deepVerify(req.archive, {
    signal,
    ...(keyring ? { keyring } : {}),
    ...(req.spillDirectory ? { spillDirectory: req.spillDirectory } : {}),
  });
  return { ...r, ok: deep.ok, deep };
}

/** The restore through ntdsbcli's restore API (target type api): on the DC the target names, or this one. */
async function restoreThroughApi(req: any, ctx: CommandContext): Promise<unknown> {
  const { localComputerName } = await import('../platform/folder-source.ts');
  const { loadNtdsbcli } = await import('../platform/ntdsbcli/api.ts');
  const { serverName, uncToLocal } = await import('../platform/ntdsbcli/lists.ts');
  const { runApiRestore } = await import('../restore/api-restore.ts');
  const computer = ((req.target as { server?: string }).server ?? localComputerName())
    .replace(/^\\+/, '')
    .toUpperCase();
  return runApiRestore(req, {
    api: loadNtdsbcli(),
    server: serverName(computer),
    computer,
    toLocal: (p) => uncToLocal(p, computer),
    now: () => new Date(),
    signal: ctx.signal,
    progress: ctx.progress,
  });
}

/** The backup itself, from the source the request names. */
async function backupFromSource(req: any, ctx: CommandContext): Promise<BackupResult> {
  const { runBackup } = await import('../backup/backup.ts');
  const { resolveEncryption } = await import('./secrets.ts');
  const { createFolderSource } = await import('../platform/folder-source.ts');
  const { createApiSource } = await import('../platform/ntdsbcli/api-source.ts');
  const { createVssSource } = await import('../platform/vss/vss-source.ts');
  const { identifyDatabase } = await import('./identify-database.ts');
  const env = { now: () => new Date(), signal: ctx.signal, progress: ctx.progress, identify: identifyDatabase };
  const { retention: _r, ...backup } = req;
  const opts = { ...backup, encryption: await resolveEncryption(req.encryption as EncryptionRequest | undefined) };
  if (req.source.type === 'vss') {
    const { computer, timeoutSeconds } = req.source as { computer?: string; timeoutSeconds?: number };
    return runBackup(
      createVssSource({
        ...(computer ? { computer } : {}),
        ...(timeoutSeconds ? { timeoutSeconds } : {}),
        signal: ctx.signal,
      }),
      opts,
      env,
    );
  }
  if (req.source.type === 'api') {
    return runBackup(
      createApiSource({
        ...(req.source.server ? { server: req.source.server } : {}),
        truncateLogs: !!req.source.truncateLogs,
      }),
      opts,
      env,
    );
  }
  const { type: _t, ...folder } = req.source;
  return runBackup(createFolderSource(folder), opts, env);
}

/**
 * The retention a backup request asks for, run only after the backup was published: this DC's backups in the
 * archive's folder, pruned by the rules (the new backup is the newest good one, so it stays). A prune that fails is a
 * warning in the result: the backup itself succeeded and must be reported as such.
 */
async function withRetention(
  result: BackupResult,
  rules: { keepLast?: number; keepDays?: number; expired?: boolean },
  signal: AbortSignal,
): Promise<BackupResult & { retention: unknown; warnings?: string[] }> {
  const { prune } = await import('../retention/prune.ts');
  try {
    const retention = await prune(
      { folder: dirname(result.archive), computers: [result.manifest.source.computer], ...rules },
      { now: () => new Date(), signal, hashed: new Map([[result.archive, result.sha256]]) },
    );
    const failed = retention.items.filter((i) => i.error).map((i) => `retention: ${i.archive}: ${i.error!.message}`);
    const warnings = [...((result as { warnings?: string[] }).warnings ?? []), ...failed];
    return { ...result, retention, ...(warnings.length > 0 ? { warnings } : {}) };
  } catch (err) {
    const e = err instanceof AppError ? err : new AppError('Internal', 'INTERNAL', String(err));
    return {
      ...result,
      retention: { error: { code: e.code, message: e.message } },
      warnings: [
        ...((result as { warnings?: string[] }).warnings ?? []),
        `the backup succeeded, but the retention did not run: ${e.message}`,
      ],
    };
  }
}

export interface CommandContext {
  progress(event: Record<string, unknown>): void;
  standalone: boolean;
  /** Aborted on SIGINT/SIGTERM: long commands stop, clean up and report INTERRUPTED. */
  signal: AbortSignal;
}

/** A result that is printed like any other but ends the process with the category's exit code (verify: 3). */
export class StatusResult {
  readonly value: unknown;
  readonly category: ErrorCategory;
  constructor(value: unknown, category: ErrorCategory) {
    this.value = value;
    this.category = category;
  }
}

export interface Command {
  summary: string;
  validate: Validator;
  run(request: any, ctx: CommandContext): Promise<unknown>;
}

export const COMMANDS: Record<string, Command> = {
  header: {
    summary: 'ESE header report of a database, log or checkpoint file (esentutl /mh /ml /mk)',
    validate: v.headerRequest,
    async run(req: { path: string; kind?: 'auto' | HeaderKind }) {
      const { EseHeaderError } = await import('../ese/errors.ts');
      const { readHeaderFile } = await import('../ese/read.ts');
      const { summarizeHeaderFile } = await import('../ese/report.ts');
      const kind = req.kind === undefined || req.kind === 'auto' ? undefined : req.kind;
      try {
        return { path: req.path, ...summarizeHeaderFile(await readHeaderFile(req.path, kind)) };
      } catch (err) {
        // An all-zero file is a reserve/temp log that was never used: a state, not an error.
        if (err instanceof EseHeaderError && err.problem === 'ESE_UNUSED' && (kind === undefined || kind === 'log')) {
          return {
            path: req.path,
            kind: 'unused',
            fileSize: Number(err.details?.['fileSize'] ?? 0),
            message: err.message.replace(/^.*?: (?=every byte)/, ''),
          };
        }
        throw err;
      }
    },
  },
  pages: {
    summary: 'check every page checksum of a database file (esentutl /k); exit 3 when a page is corrupt',
    validate: v.pagesRequest,
    async run(req: { path: string }, ctx) {
      const { scanDatabaseFile } = await import('../ese/scan-file.ts');
      const r = await scanDatabaseFile(req.path, ctx.progress);
      return r.corrupt > 0 ? new StatusResult(r, 'Integrity') : r;
    },
  },
  tables: {
    summary:
      'tables of a database file or an archived database with row counts (read-only ESE reader); exit 3 on structural findings',
    validate: v.tablesRequest,
    async run(req: DatabaseSourceRequest & { deep?: boolean }, ctx) {
      const { withRequestedDatabase } = await import('./database-source.ts');
      const { tablesOf } = await import('../ese/reader/list-tables.ts');
      const { checkedTables } = await import('../ad/check.ts');
      const { label, result } = await withRequestedDatabase(req, ctx.signal, (db) =>
        req.deep ? checkedTables(db) : tablesOf(db),
      );
      const r = { ...label, ...result };
      return r.findings.length + r.findingsDropped > 0 ? new StatusResult(r, 'Integrity') : r;
    },
  },
  objects: {
    summary:
      'directory objects of a database file or an archived database, filtered and paged; secrets never read; exit 3 on findings',
    validate: v.objectsRequest,
    async run(req: DatabaseSourceRequest & ObjectsQuery, ctx) {
      const { withRequestedDatabase } = await import('./database-source.ts');
      const { parseCursor, queryDirectory } = await import('../ad/query.ts');
      const { AdDirectory } = await import('../ad/directory.ts');
      parseCursor(req.cursor); // a bad cursor fails before an archive is read
      const { label, result } = await withRequestedDatabase(req, ctx.signal, (db) =>
        queryDirectory(AdDirectory.fromDatabase(db), req),
      );
      const r = { ...label, ...result };
      return r.findings.length + r.findingsDropped > 0 ? new StatusResult(r, 'Integrity') : r;
    },
  },
  compare: {
    summary:
      'directory differences between two database files or archived databases (added, deleted, moved, changed) by objectGUID; secrets never read; exit 3 on findings',
    validate: v.compareRequest,
    async run(req: CompareOptions & { left: DatabaseSourceRequest; right: DatabaseSourceRequest }, ctx) {
      const { withRequestedDatabase } = await import('./database-source.ts');
      const { compareDirectories } = await import('../ad/compare.ts');
      const { AdDirectory } = await import('../ad/directory.ts');
      // Each side is opened (an archive streamed into its sealed scratch file) and closed by withRequestedDatabase.
      const { result: r } = await withRequestedDatabase(req.left, ctx.signal, (l, leftLabel) =>
        withRequestedDatabase(req.right, ctx.signal, (rdb, rightLabel) =>
          compareDirectories(
            { dir: AdDirectory.fromDatabase(l), label: leftLabel },
            { dir: AdDirectory.fromDatabase(rdb), label: rightLabel },
            req,
          ),
        ).then((x) => x.result),
      );
      const findings = [r.left, r.right].reduce((n, s) => n + s.findings.length + s.findingsDropped, 0);
      return findings > 0 ? new StatusResult(r, 'Integrity') : r;
    },
  },
  'log-range': {
    summary: 'LowLog/HighLog of a log set, with gaps, signature and contiguity findings',
    validate: v.logRangeRequest,
    async run(req) {
      const { scanLogSet } = await import('../logs/scan.ts');
      return scanLogSet(req);
    },
  },
  backup: {
    summary:
      'archive a DSA (VSS with the NTDS writer, the Directory Backup API, or a snapshot/IFM/offline-copy folder) into a verified tar.zst/tar.gz/tar, optionally age-encrypted',
    validate: v.backupRequest,
    async run(req, ctx) {
      const { withPlaintextWarning } = await import('../ops/plaintext-warning.ts');
      const result = withPlaintextWarning(await backupFromSource(req, ctx), !!req.encryption);
      return req.retention ? withRetention(result, req.retention, ctx.signal) : result;
    },
  },
  verify: {
    summary:
      'check an archive end to end (hashes, tar structure, names, ESE headers, log range); exit 3 on damage, 4 when encrypted and no key given',
    validate: v.verifyRequest,
    async run(req: { archive: string; decryption?: DecryptionRequest; deep?: boolean; spillDirectory?: string }, ctx) {
      const { resolveKeyring } = await import('./secrets.ts');
      const { verifyArchive } = await import('../archive/verify.ts');
      const keyring = await resolveKeyring(req.decryption);
      let r = await verifyArchive(req.archive, {
        signal: ctx.signal,
        progress: ctx.progress,
        ...(keyring ? { keyring } : {}),
      });
      if (req.deep) r = await withDeepCheck(r, req, keyring, ctx.signal);
      if (!r.ok) return new StatusResult(r, 'Integrity');
      // Nothing wrong on the outside, but the content was not checked: the missing key is a precondition, not a pass.
      return r.encryption && !r.encryption.contentVerified ? new StatusResult(r, 'Precondition') : r;
    },
  },
  inspect: {
    summary: 'what a backup is: DC, time, expiry, log range, database state (from the sidecar or the archive)',
    validate: v.inspectRequest,
    async run(req: { archive: string; decryption?: DecryptionRequest }) {
      const { resolveKeyring } = await import('./secrets.ts');
      const { inspectArchive } = await import('../archive/inspect.ts');
      return inspectArchive(req.archive, new Date(), await resolveKeyring(req.decryption));
    },
  },
  keygen: {
    summary: 'create an age identity file (owner-only, never overwritten) and print its public key (recipient)',
    validate: v.keygenRequest,
    async run(req: { identityFile: string; recipientsFile?: string }) {
      const { writeNewIdentity } = await import('../archive/keygen.ts');
      return writeNewIdentity(req.identityFile, req.recipientsFile, new Date());
    },
  },
  restore: {
    summary:
      'offline restore: verify, shelf life, move replaced files aside, write database and logs, register (KB 814167)',
    validate: v.restoreRequest,
    async run(
      {
        decryption,
        ...req
      }: Omit<RestoreOptions, 'target' | 'registry' | 'keyring'> & {
        decryption?: DecryptionRequest;
        target: RestoreOptions['target'] | OfflineTarget | { type: 'api'; server?: string };
        registry?: { regFile?: string; overwriteRegFile?: boolean; apply?: boolean; pathStyle?: 'unc' | 'local' };
      },
      ctx,
    ) {
      const { resolveKeyring } = await import('./secrets.ts');
      const { regFileWriter } = await import('../registry/writers.ts');
      const { runRestore } = await import('../restore/restore.ts');
      const { runOfflineRestore } = await import('../restore/offline.ts');
      const { posixEnvironment } = await import('../platform/posix-environment.ts');
      const { windowsEnvironment } = await import('../platform/windows-environment.ts');
      const { ntdsServiceState, windowsRegistryWriter } = await import('../platform/windows-registry.ts');
      const keyring = await resolveKeyring(decryption);
      if (req.target.type === 'api') return restoreThroughApi({ ...req, ...(keyring ? { keyring } : {}) }, ctx);
      const offline = req.target.type === 'offline';
      if (offline && req.registry?.apply)
        throw new AppError(
          'InvalidRequest',
          'APPLY_OFFLINE',
          "registry.apply writes this machine's registry: an offline restore writes the registration into the volume's SYSTEM hive",
        );
      const writers: RegistryWriter[] = [];
      if (req.registry?.apply) writers.push(windowsRegistryWriter()); // a Platform error off Windows, before any change
      if (req.registry?.regFile !== undefined)
        writers.push(regFileWriter(req.registry.regFile, { overwrite: !!req.registry.overwriteRegFile }));
      const { regFile: _f, overwriteRegFile: _o, apply: _a, ...registry } = req.registry ?? {};
      const win = process.platform === 'win32';
      const ports = {
        environment: win ? windowsEnvironment(process.env, ntdsServiceState) : posixEnvironment(),
        registryWriters: writers,
        registryReader: offline ? null : await localRegistryReader(),
        nativeStyle: process.platform === 'win32' ? ('win32' as const) : ('posix' as const),
        now: () => new Date(),
        signal: ctx.signal,
        progress: ctx.progress,
      };
      const options = { ...req, ...(keyring ? { keyring } : {}), registry };
      if (req.target.type === 'offline') return runOfflineRestore({ ...options, target: req.target }, ports);
      return runRestore({ ...options, target: win ? await withNtdsDefaults(req.target) : req.target }, ports);
    },
  },
  'restore-status': {
    summary:
      'after the restart: did NTDS take the restore? (pending, completed, failed, unknown) from the receipt and the registry',
    validate: v.restoreStatusRequest,
    async run(req: StatusRequest) {
      const { restoreStatus } = await import('../restore/status.ts');
      const { ntdsLocations, ntdsServiceState } = await import('../platform/windows-registry.ts');
      const win = process.platform === 'win32';
      let request = req;
      if (win && req.receipt === undefined && req.databasePath === undefined && req.root === undefined) {
        const db = (() => {
          try {
            return ntdsLocations().databaseFile;
          } catch {
            return null;
          }
        })();
        if (db) request = { ...req, databasePath: db };
      }
      return restoreStatus(request, {
        registryReader: await localRegistryReader(),
        ntdsServiceState: win ? ntdsServiceState : null,
      });
    },
  },
  prune: {
    summary:
      'remove old backups by rule (keepLast, keepDays, expired) per DC; never the newest good one, never a file not ours',
    validate: v.pruneRequest,
    async run({ decryption, ...req }: PruneRequest & { decryption?: DecryptionRequest }, ctx) {
      const { resolveKeyring } = await import('./secrets.ts');
      const { prune } = await import('../retention/prune.ts');
      const keyring = await resolveKeyring(decryption);
      return prune(req, { now: () => new Date(), signal: ctx.signal, ...(keyring ? { keyring } : {}) });
    },
  },
  status: {
    summary:
      'per DC: the newest good backup, its age, days of shelf life left, and a verdict (Healthy/Warning/Critical)',
    validate: v.statusRequest,
    async run({ decryption, ...req }: BackupStatusRequest & { decryption?: DecryptionRequest }, ctx) {
      const { resolveKeyring } = await import('./secrets.ts');
      const { backupStatus } = await import('../retention/freshness.ts');
      const keyring = await resolveKeyring(decryption);
      return backupStatus(req, { now: () => new Date(), signal: ctx.signal, ...(keyring ? { keyring } : {}) });
    },
  },
  'restore-map': {
    summary: 'NTDS_RstMap and NTDS_RstMap Size from (original, new) database paths',
    validate: v.restoreMapRequest,
    async run(req: { pairs: { original: string; new: string }[] }) {
      const { buildRestoreMap } = await import('../registry/restore-map.ts');
      const m = buildRestoreMap(req.pairs);
      return { size: m.size, strings: m.strings, hex: m.hex };
    },
  },
  schema: {
    summary: 'the JSON Schemas of the protocol',
    validate: v.schemaRequest,
    async run(req: { command?: string }) {
      const { schemas } = await import('../protocol/generated/schemas.js');
      if (req.command === undefined) return { protocol: PROTOCOL_VERSION, schemas };
      const request = schemas[`${req.command}.request`];
      if (!request)
        throw new AppError('InvalidRequest', 'UNKNOWN_COMMAND', `no command '${req.command}'`, { target: req.command });
      return {
        protocol: PROTOCOL_VERSION,
        command: req.command,
        request,
        response: schemas[`${req.command}.response`] ?? null,
        error: schemas['error'],
      };
    },
  },
  version: {
    summary: 'tool and protocol version',
    validate: v.versionRequest,
    async run(_req, ctx) {
      return {
        name: 'adbackup',
        version: TOOL_VERSION,
        protocol: PROTOCOL_VERSION,
        node: process.version,
        platform: process.platform,
        arch: process.arch,
        standalone: ctx.standalone,
        commands: Object.keys(COMMANDS),
        native: await nativeStatus(),
      };
    },
  },
};
