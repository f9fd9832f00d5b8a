// Online backup through the Directory Backup API, in the documented order: DsIsNTDSOnline → DsBackupPrepare (expiry
// token) → for each database file: DsBackupOpenFile, DsBackupRead until the announced size or ERROR_HANDLE_EOF,
// DsBackupClose → DsBackupGetBackupLogs and the same for each log → (archive published) DsBackupTruncateLogs only when
// asked → DsBackupEnd, always. DsRestoreGetDatabaseLocations is read too and kept in the manifest.
import { AppError } from '../../errors.ts';
import type { BackupSource, SourceItem, SourcePlan } from '../../backup/source.ts';
import { pathApi } from '../../paths.ts';
import { localComputerName } from '../folder-source.ts';
import { type NtdsbcliApi, READ_SIZE, loadNtdsbcli } from './api.ts';
import { type BftEntry, serverName, uncToLocal } from './lists.ts';

export interface ApiSourceOptions {
  /** This computer's name (the API works only locally); defaults to the local NetBIOS name. */
  server?: string;
  /** Delete the logs the backup contains once the archive is safely published (DsBackupTruncateLogs). */
  truncateLogs?: boolean;
  /** For tests: an API other than the loaded DLL's. */
  api?: NtdsbcliApi;
}

export function createApiSource(opts: ApiSourceOptions = {}): BackupSource {
  const computer = (opts.server ?? localComputerName()).replace(/^\\+/, '').toUpperCase();
  if (computer.includes('_')) {
    throw new AppError(
      'InvalidRequest',
      'INVALID_SERVER_NAME',
      `the backup API rejects server names with underscores ('${computer}'): it must be this computer's NetBIOS name`,
    );
  }
  // The backup context, from DsBackupPrepare until DsBackupEnd.
  let session: { api: NtdsbcliApi; hbc: unknown } | null = null;
  return {
    type: 'api',
    computer,
    async plan(): Promise<SourcePlan> {
      const api = opts.api ?? loadNtdsbcli();
      const server = serverName(computer);
      if (!api.isOnline(server)) {
        throw new AppError(
          'Precondition',
          'NTDS_OFFLINE',
          'the directory service is not running: an online backup needs it; for a stopped or offline DC back up its folder ("source": {"type": "folder"})',
        );
      }
      const prepared = api.backupPrepare(server);
      session = { api, hbc: prepared.hbc };
      return planFrom(api, prepared.hbc, prepared.token, computer);
    },
    async finish({ published }) {
      if (session === null) return;
      const { api, hbc } = session;
      try {
        if (published && opts.truncateLogs) api.truncateLogs(hbc);
      } finally {
        api.backupEnd(hbc); // always, success or not
        session = null;
      }
    },
  };
}

/** What the prepared backup context `h` holds: the database files, then (listed only then) the logs, then the token. */
function planFrom(a: NtdsbcliApi, h: unknown, token: Buffer, computer: string): SourcePlan {
  let locations: BftEntry[] = [];
  try {
    locations = a.databaseLocations(h);
  } catch {
    // documented for restore contexts; some servers may refuse it on a backup context: the manifest then lacks it
  }
  const databases = a.databaseNames(h);
  const db = databases.find((e) => e.kind === 'database');
  if (!db) throw new AppError('Platform', 'NTDSBCLI_NO_DATABASE', 'DsBackupGetDatabaseNames listed no NTDS database');
  const local = (unc: string) => uncToLocal(unc, computer);
  const dbLocal = local(db.path);
  const logDir = locations.find((e) => e.kind === 'log-dir');
  const cpDir = locations.find((e) => e.kind === 'checkpoint-dir');
  const logs = logDir ? local(logDir.path) : pathApi(dbLocal).dirname(dbLocal);

  async function* items(): AsyncGenerator<SourceItem> {
    for (const e of databases) yield fileItem(a, h, e, e.kind === 'database' ? 'database' : 'log', local(e.path));
    // The documented order: the log list only after every database file was read.
    for (const e of a.backupLogs(h)) yield fileItem(a, h, e, 'log', local(e.path));
    yield tokenItem(token);
  }
  return {
    items: items(),
    paths: { database: dbLocal, logs, checkpoint: null },
    analysis: null,
    extra: {
      databaseLocations: locations.map((e) => ({ bft: e.bft, kind: e.kind, path: e.path })),
      checkpointDirectory: cpDir ? local(cpDir.path) : null,
    },
  };
}

/** The expiry token DsBackupPrepare returned: archived so that a restore through the API can present it. */
function tokenItem(token: Buffer): SourceItem {
  return {
    role: 'expiry-token',
    name: 'expiry-token.bin',
    originalPath: 'DsBackupPrepare expiry token',
    size: token.length,
    mtime: null,
    open: async () => ({
      size: token.length,
      data: (async function* () {
        yield token;
      })(),
    }),
  };
}

function fileItem(
  api: NtdsbcliApi,
  hbc: unknown,
  e: BftEntry,
  role: SourceItem['role'],
  localPath: string,
): SourceItem {
  return {
    role,
    name: pathApi(localPath).basename(localPath),
    originalPath: localPath,
    originalPathUnc: e.path,
    size: null,
    mtime: null,
    async open(signal) {
      const size = api.openFile(hbc, e.path); // the name without its BFT character
      return { size, data: readAll(api, hbc, e.path, size, signal) };
    },
  };
}

async function* readAll(
  api: NtdsbcliApi,
  hbc: unknown,
  name: string,
  size: number,
  signal?: AbortSignal,
): AsyncGenerator<Uint8Array> {
  let done = 0;
  let failed = true;
  try {
    while (done < size) {
      signal?.throwIfAborted();
      const buf = Buffer.allocUnsafe(READ_SIZE);
      const n = await api.read(hbc, buf); // short reads are normal; 0 means ERROR_HANDLE_EOF
      if (n === 0) break;
      done += n;
      yield buf.subarray(0, n);
    }
    if (done !== size) {
      throw new AppError(
        'Integrity',
        'NTDSBCLI_SHORT_FILE',
        `${name}: the API announced ${size} bytes but delivered ${done}`,
      );
    }
    failed = false;
  } finally {
    try {
      api.closeFile(hbc);
    } catch (err) {
      if (!failed) throw err; // never hide the error that got us here
    }
  }
}
