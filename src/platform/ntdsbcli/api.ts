// The Directory Backup API of ntdsbcli.dll through koffi (W exports; API.md §1). Every export is probed
// when the DLL is loaded, so a missing DLL or export is reported before anything starts. Any return value other
// than S_OK is a failure (the API returns HRESULTs and raw Win32 codes alike) and becomes an AppError naming the
// function and the decoded code.
import { AppError } from '../../errors.ts';
import { type Koffi, loadKoffi } from '../native/koffi.ts';
import { ERROR_HANDLE_EOF, S_OK, hex, hresultName, hresultText } from './hresults.ts';
import { type BftEntry, parseBftList } from './lists.ts';
import type { Registration } from '../../restore/api-restore.ts';

export const BACKUP_TYPE_FULL = 0x1;
export const RESTORE_TYPE_CATCHUP = 0x4;
/** DsBackupOpenFile/DsBackupRead sizes: a multiple of 8192 and at least 24576. */
export const READ_SIZE = 1 << 20;

const EXPORTS = {
  DsIsNTDSOnlineW: 'long DsIsNTDSOnlineW(str16 szServerName, _Out_ int *pfNTDSOnline)',
  DsBackupPrepareW:
    'long DsBackupPrepareW(str16 szBackupServer, uint32_t grbit, uint32_t btFlag, _Inout_ void **ppvExpiryToken, _Out_ uint32_t *pcbExpiryTokenSize, _Inout_ void **phbc)',
  DsBackupGetDatabaseNamesW:
    'long DsBackupGetDatabaseNamesW(void *hbc, _Inout_ void **pszAttachmentInfo, _Out_ uint32_t *pcbSize)',
  DsBackupOpenFileW:
    'long DsBackupOpenFileW(void *hbc, str16 szAttachmentName, uint32_t cbReadHintSize, _Out_ int64_t *pliFileSize)',
  DsBackupRead: 'long DsBackupRead(void *hbc, void *pvBuffer, uint32_t cbBuffer, _Out_ uint32_t *pcbRead)',
  DsBackupClose: 'long DsBackupClose(void *hbc)',
  DsBackupGetBackupLogsW:
    'long DsBackupGetBackupLogsW(void *hbc, _Inout_ void **pszBackupLogFiles, _Out_ uint32_t *pcbSize)',
  DsBackupTruncateLogs: 'long DsBackupTruncateLogs(void *hbc)',
  DsBackupEnd: 'long DsBackupEnd(void *hbc)',
  DsBackupFree: 'void DsBackupFree(void *pvBuffer)',
  DsRestorePrepareW:
    'long DsRestorePrepareW(str16 szServerName, uint32_t rtFlag, const uint8_t *pvExpiryToken, uint32_t cbExpiryTokenSize, _Inout_ void **phbc)',
  DsRestoreGetDatabaseLocationsW:
    'long DsRestoreGetDatabaseLocationsW(void *hbc, _Inout_ void **pszDatabaseLocationList, _Out_ uint32_t *pcbSize)',
  DsRestoreRegisterW:
    'long DsRestoreRegisterW(void *hbc, str16 szCheckPointFilePath, str16 szLogPath, EDB_RSTMAPW *rgrstmap, long crstmap, str16 szBackupLogPath, uint32_t genLow, uint32_t genHigh)',
  DsRestoreRegisterComplete: 'long DsRestoreRegisterComplete(void *hbc, long hrRestoreState)',
  DsRestoreEnd: 'long DsRestoreEnd(void *hbc)',
} as const;

type Fn = ((...args: unknown[]) => unknown) & { async(...args: unknown[]): void };
type Handle = unknown; // an opaque koffi pointer

export interface NtdsbcliApi {
  isOnline(server: string): boolean;
  backupPrepare(server: string): { hbc: Handle; token: Buffer };
  databaseNames(hbc: Handle): BftEntry[];
  backupLogs(hbc: Handle): BftEntry[];
  databaseLocations(hbc: Handle): BftEntry[];
  openFile(hbc: Handle, name: string): number;
  /** Fills `buf` (its length a multiple of 8192, ≥ 24576); returns bytes read, 0 at ERROR_HANDLE_EOF. */
  read(hbc: Handle, buf: Buffer): Promise<number>;
  closeFile(hbc: Handle): void;
  truncateLogs(hbc: Handle): void;
  backupEnd(hbc: Handle): void;
  restorePrepare(server: string, token: Buffer | null): Handle;
  restoreRegister(hbc: Handle, r: Registration): void;
  restoreRegisterComplete(hbc: Handle, hr: number): void;
  restoreEnd(hbc: Handle): void;
}

function unavailable(code: string, message: string): AppError {
  return new AppError('Platform', code, message);
}

/** A failed call: the function, the code by name and number, and what it means. */
export function apiError(fn: string, hr: number): AppError {
  const name = hresultName(hr);
  const message = `${fn} failed: ${name} (${hex(hr)}): ${hresultText(hr)}`;
  const details = { function: fn, hresult: hex(hr), name };
  if (name === 'hrContentsExpired') return new AppError('Precondition', 'BACKUP_EXPIRED', message, { details });
  return new AppError('Platform', 'NTDSBCLI_ERROR', message, { details });
}

const ADVICE =
  'Without the Directory Backup API, back up a VSS snapshot or an "ntdsutil ifm" folder with "source": {"type": "folder"}.';

/**
 * Loads ntdsbcli.dll (the system's; a full path in ADBACKUP_NTDSBCLI overrides it, for tests and diagnostics) and
 * binds every export.
 */
export function loadNtdsbcli(path = process.env['ADBACKUP_NTDSBCLI'] ?? 'ntdsbcli.dll'): NtdsbcliApi {
  if (process.platform !== 'win32')
    throw unavailable(
      'NTDSBCLI_UNAVAILABLE',
      `the Directory Backup API exists only on Windows domain controllers. ${ADVICE}`,
    );
  const { koffi, error } = loadKoffi();
  if (!koffi) throw unavailable('NATIVE_UNAVAILABLE', `${error}. ${ADVICE}`);
  let lib: ReturnType<Koffi['load']>;
  try {
    lib = koffi.load(path);
  } catch (err) {
    throw unavailable('NTDSBCLI_UNAVAILABLE', `cannot load ${path}: ${(err as Error).message}. ${ADVICE}`);
  }
  // A struct of two UTF-16 string pointers (EDB_RSTMAPW); declared once per process.
  try {
    koffi.struct('EDB_RSTMAPW', { wszDatabaseName: 'str16', wszNewDatabaseName: 'str16' });
  } catch {
    /* already declared */
  }
  const f = {} as Exports;
  const missing: string[] = [];
  for (const [name, proto] of Object.entries(EXPORTS)) {
    try {
      f[name as keyof typeof EXPORTS] = lib.func(proto) as unknown as Fn;
    } catch {
      missing.push(name);
    }
  }
  if (missing.length > 0)
    throw unavailable('NTDSBCLI_EXPORT_MISSING', `${path} lacks ${missing.join(', ')}. ${ADVICE}`);
  return bind(koffi, f);
}

type Exports = Record<keyof typeof EXPORTS, Fn>;
type RestoreCalls = Pick<NtdsbcliApi, 'restorePrepare' | 'restoreRegister' | 'restoreRegisterComplete' | 'restoreEnd'>;

/** The calls every binding shares: HRESULT checks, buffers the API allocated, BFT lists. */
interface Helpers {
  check(fn: string, hr: unknown): void;
  take(ptr: unknown, size: number): Buffer;
  list(
    fn: 'DsBackupGetDatabaseNamesW' | 'DsBackupGetBackupLogsW' | 'DsRestoreGetDatabaseLocationsW',
    hbc: Handle,
  ): BftEntry[];
}

function bind(koffi: Koffi, f: Exports): NtdsbcliApi {
  const c = helpers(koffi, f);
  return { ...backupCalls(f, c), ...restoreCalls(f, c) };
}

function helpers(koffi: Koffi, f: Exports): Helpers {
  const check = (fn: string, hr: unknown) => {
    if (Number(hr) !== S_OK) throw apiError(fn, Number(hr));
  };
  /** Copies an API-allocated buffer out, then frees it with DsBackupFree. */
  const take = (ptr: unknown, size: number): Buffer => {
    if (!ptr) return Buffer.alloc(0);
    try {
      return Buffer.from(new Uint8Array(koffi.view(ptr as never, size)));
    } finally {
      f.DsBackupFree(ptr);
    }
  };
  const list: Helpers['list'] = (fn, hbc) => {
    const out: unknown[] = [null]; // the API insists the pointer comes in as NULL
    const size = [0];
    check(fn, f[fn](hbc, out, size));
    return parseBftList(take(out[0], size[0]!));
  };
  return { check, take, list };
}

function backupCalls(f: Exports, { check, take, list }: Helpers): Omit<NtdsbcliApi, keyof RestoreCalls> {
  return {
    isOnline(server) {
      const online = [0];
      check('DsIsNTDSOnlineW', f.DsIsNTDSOnlineW(server, online));
      return online[0] !== 0;
    },
    backupPrepare(server) {
      const token: unknown[] = [null];
      const tokenSize = [0];
      const hbc: unknown[] = [null];
      check('DsBackupPrepareW', f.DsBackupPrepareW(server, 0, BACKUP_TYPE_FULL, token, tokenSize, hbc));
      return { hbc: hbc[0], token: take(token[0], tokenSize[0]!) };
    },
    databaseNames: (hbc) => list('DsBackupGetDatabaseNamesW', hbc),
    backupLogs: (hbc) => list('DsBackupGetBackupLogsW', hbc),
    databaseLocations: (hbc) => list('DsRestoreGetDatabaseLocationsW', hbc),
    openFile(hbc, name) {
      const size = [0];
      check('DsBackupOpenFileW', f.DsBackupOpenFileW(hbc, name, READ_SIZE, size));
      return Number(size[0]);
    },
    read(hbc, buf) {
      // On a worker thread: over RPC a read can take a while, and the event loop must stay free.
      return new Promise((resolve, reject) => {
        const got = [0];
        f.DsBackupRead.async(hbc, buf, buf.length, got, (err: unknown, hr: unknown) => {
          if (err) return reject(err);
          if (Number(hr) === ERROR_HANDLE_EOF) return resolve(0);
          if (Number(hr) !== S_OK) return reject(apiError('DsBackupRead', Number(hr)));
          resolve(got[0]!);
        });
      });
    },
    closeFile: (hbc) => check('DsBackupClose', f.DsBackupClose(hbc)),
    truncateLogs: (hbc) => check('DsBackupTruncateLogs', f.DsBackupTruncateLogs(hbc)),
    backupEnd: (hbc) => check('DsBackupEnd', f.DsBackupEnd(hbc)),
  };
}

function restoreCalls(f: Exports, { check }: Helpers): RestoreCalls {
  return {
    restorePrepare(server, token) {
      const hbc: unknown[] = [null];
      check('DsRestorePrepareW', f.DsRestorePrepareW(server, RESTORE_TYPE_CATCHUP, token, token?.length ?? 0, hbc));
      return hbc[0];
    },
    restoreRegister(hbc, r) {
      const map = r.map.map((m) => ({ wszDatabaseName: m.original, wszNewDatabaseName: m.new }));
      check(
        'DsRestoreRegisterW',
        f.DsRestoreRegisterW(
          hbc,
          r.checkpointPath,
          r.logPath,
          map,
          map.length,
          r.backupLogPath,
          r.genLow >>> 0,
          r.genHigh >>> 0,
        ),
      );
    },
    restoreRegisterComplete: (hbc, hr) => check('DsRestoreRegisterComplete', f.DsRestoreRegisterComplete(hbc, hr | 0)),
    restoreEnd: (hbc) => check('DsRestoreEnd', f.DsRestoreEnd(hbc)),
  };
}
