// vssapi.dll through koffi: CreateVssBackupComponentsInternal (the export the SDK's inline CreateVssBackupComponents
// calls) and the IVssBackupComponents methods of a full backup, by their vtable slots in mingw-w64's vsbackup.h
// (IVssBackupComponentsVtbl; the indexes count IUnknown's three). Every HRESULT that is not a success becomes a
// VssError naming the method and the decoded code; asynchronous methods are waited for and their IVssAsync status
// checked.
import { AppError } from '../../errors.ts';
import { loadKoffi } from '../native/koffi.ts';
import { type Com, type Ptr, createCom } from './com.ts';
import {
  E_ACCESSDENIED,
  E_NOTIMPL,
  VSS_S_ASYNC_CANCELLED,
  VSS_S_ASYNC_FINISHED,
  VSS_S_ASYNC_PENDING,
  failed,
  hex,
  vssName,
  vssText,
} from './hresults.ts';

/** IVssBackupComponents slots (vsbackup.h IVssBackupComponentsVtbl). */
export const BC = {
  InitializeForBackup: 5,
  SetBackupState: 6,
  GatherWriterMetadata: 9,
  GetWriterMetadataCount: 10,
  GetWriterMetadata: 11,
  FreeWriterMetadata: 12,
  AddComponent: 13,
  PrepareForBackup: 14,
  AbortBackup: 15,
  GatherWriterStatus: 16,
  GetWriterStatusCount: 17,
  FreeWriterStatus: 18,
  GetWriterStatus: 19,
  SetBackupSucceeded: 20,
  SaveAsXML: 26,
  BackupComplete: 27,
  SetContext: 35,
  StartSnapshotSet: 36,
  AddToSnapshotSet: 37,
  DoSnapshotSet: 38,
  DeleteSnapshots: 39,
  GetSnapshotProperties: 42,
  IsVolumeSupported: 44,
} as const;
/** IVssAsync (vss.h IVssAsyncVtbl). */
export const ASYNC = { Cancel: 3, Wait: 4, QueryStatus: 5 } as const;

export const VSS_CT_DATABASE = 1;
export const VSS_BT_FULL = 1;
export const VSS_CTX_BACKUP = 0;
export const VSS_OBJECT_SNAPSHOT_SET = 2;

/** A failed VSS call: the method and the HRESULT by name. */
export function vssError(method: string, hr: number): AppError {
  const name = vssName(hr);
  const message = `${method} failed: ${name} (${hex(hr)}): ${vssText(hr)}`;
  const details = { method, hresult: hex(hr), name };
  const u = hr >>> 0;
  if (u === E_ACCESSDENIED)
    return new AppError(
      'Precondition',
      'VSS_ACCESS_DENIED',
      `${message}. Run the backup elevated, as a member of Administrators or Backup Operators.`,
      { details },
    );
  if (u === 0x80042316)
    return new AppError('Precondition', 'VSS_BACKUP_IN_PROGRESS', `${message}. Wait for the other backup to end.`, {
      details,
    });
  return new AppError('Platform', 'VSS_ERROR', message, { details });
}

export interface VssNative {
  com: Com;
  /** CreateVssBackupComponentsInternal → the IVssBackupComponents pointer. */
  create(): Ptr;
  freeSnapshotProperties(prop: Buffer): void;
  /** GetVolumePathNameW: the root of the volume (or mount point) holding `path`, with its trailing backslash. */
  volumeOf(path: string): string;
  /** CoInitializeEx (multithreaded) and CoInitializeSecurity, once; SeBackupPrivilege enabled where held. */
  initCom(): { backupPrivilege: boolean };
}

const ADVICE = 'Back up a snapshot made by hand or an "ntdsutil ifm" folder with "source": {"type": "folder"}.';

function unavailable(message: string): AppError {
  return new AppError('Platform', 'VSS_UNAVAILABLE', `${message}. ${ADVICE}`);
}

/** vssapi.dll (the system's; a full path in ADBACKUP_VSSAPI overrides it, for tests and diagnostics). */
export function loadVssapi(path = process.env['ADBACKUP_VSSAPI'] ?? 'vssapi.dll'): VssNative {
  if (process.platform !== 'win32') throw unavailable('VSS exists only on Windows');
  // "Running them under WOW64 is not supported": a VSS requester must match the system's bitness.
  if (process.arch !== 'x64')
    throw unavailable(`the VSS requester needs a 64-bit process (this one is ${process.arch})`);
  const { koffi, error } = loadKoffi();
  if (!koffi) throw new AppError('Platform', 'NATIVE_UNAVAILABLE', `${error}. ${ADVICE}`);
  let lib: ReturnType<typeof koffi.load>;
  try {
    lib = koffi.load(path);
  } catch (err) {
    throw unavailable(`cannot load ${path}: ${(err as Error).message}`);
  }
  let create: (out: unknown[]) => number;
  let freeProps: (p: Buffer) => void;
  try {
    create = lib.func('long CreateVssBackupComponentsInternal(_Out_ void **ppBackup)') as never;
    freeProps = lib.func('void VssFreeSnapshotPropertiesInternal(void *pProp)') as never;
  } catch {
    throw unavailable(`${path} lacks CreateVssBackupComponentsInternal or VssFreeSnapshotPropertiesInternal`);
  }
  const ole32 = koffi.load('ole32.dll');
  const oleaut = koffi.load('oleaut32.dll');
  const k32 = koffi.load('kernel32.dll');
  const sysFree = oleaut.func('void SysFreeString(void *bstr)') as unknown as (p: Ptr) => void;
  const com = createCom(koffi, sysFree);
  const getVolume = k32.func(
    'int GetVolumePathNameW(str16 lpszFileName, _Out_ uint8_t *lpszVolumePathName, uint32_t cchBufferLength)',
  ) as unknown as (p: string, b: Buffer, n: number) => number;
  return {
    com,
    create() {
      const out: unknown[] = [null];
      const hr = Number(create(out));
      if (hr >>> 0 === E_NOTIMPL)
        throw unavailable(
          `CreateVssBackupComponents returned E_NOTIMPL (${hex(hr)}): this system's vssapi.dll has no backup support (Wine's has none)`,
        );
      if (failed(hr) || !out[0]) throw vssError('CreateVssBackupComponents', hr);
      return out[0];
    },
    freeSnapshotProperties: (p) => freeProps(p),
    volumeOf(path) {
      const buf = Buffer.alloc(2 * 1024);
      if (!getVolume(path, buf, 1024)) return /^[A-Za-z]:/.test(path) ? path.slice(0, 2) + '\\' : path;
      const s = buf.toString('utf16le');
      const v = s.slice(0, s.indexOf('\0'));
      return v.endsWith('\\') ? v : v + '\\';
    },
    initCom: () => initCom(koffi, ole32),
  };
}

let comReady: { backupPrivilege: boolean } | null = null;

function initCom(
  koffi: NonNullable<ReturnType<typeof loadKoffi>['koffi']>,
  ole32: ReturnType<typeof koffi.load>,
): { backupPrivilege: boolean } {
  if (comReady) return comReady;
  const init = ole32.func('long CoInitializeEx(void *reserved, uint32_t dwCoInit)') as unknown as (
    r: null,
    c: number,
  ) => number;
  const security = ole32.func(
    'long CoInitializeSecurity(void *sd, int32_t cAuthSvc, void *asAuthSvc, void *r1, uint32_t authn, uint32_t imp, void *authList, uint32_t caps, void *r3)',
  ) as unknown as (...a: unknown[]) => number;
  init(null, 0); // COINIT_MULTITHREADED; S_FALSE (already) and RPC_E_CHANGED_MODE leave COM usable on this thread
  // Packet privacy, impersonation and dynamic cloaking, as the SDK's requester sample sets it; RPC_E_TOO_LATE means
  // the process already chose its security, which is then what applies.
  security(null, -1, null, null, 6, 3, null, 0x40, null);
  comReady = { backupPrivilege: enableBackupPrivilege(koffi) };
  return comReady;
}

/** SeBackupPrivilege, "required of all backup applications": enabled when the token holds it. */
function enableBackupPrivilege(koffi: NonNullable<ReturnType<typeof loadKoffi>['koffi']>): boolean {
  try {
    const adv = koffi.load('advapi32.dll');
    const k32 = koffi.load('kernel32.dll');
    const current = k32.func('void *GetCurrentProcess()') as unknown as () => Ptr;
    const lastError = k32.func('uint32_t GetLastError()') as unknown as () => number;
    const open = adv.func('int OpenProcessToken(void *h, uint32_t access, _Out_ void **token)') as unknown as (
      h: Ptr,
      a: number,
      t: unknown[],
    ) => number;
    const lookup = adv.func('int LookupPrivilegeValueW(str16 system, str16 name, _Out_ uint8_t *luid)') as unknown as (
      s: null,
      n: string,
      l: Buffer,
    ) => number;
    const adjust = adv.func(
      'int AdjustTokenPrivileges(void *token, int disableAll, uint8_t *state, uint32_t len, void *prev, void *retLen)',
    ) as unknown as (...a: unknown[]) => number;
    const close = k32.func('int CloseHandle(void *h)') as unknown as (h: Ptr) => number;
    const token: unknown[] = [null];
    if (!open(current(), 0x20 | 0x8, token)) return false; // TOKEN_ADJUST_PRIVILEGES | TOKEN_QUERY
    try {
      const tp = Buffer.alloc(16); // TOKEN_PRIVILEGES with one LUID_AND_ATTRIBUTES
      tp.writeUInt32LE(1, 0);
      if (!lookup(null, 'SeBackupPrivilege', tp.subarray(4, 12))) return false;
      tp.writeUInt32LE(2, 12); // SE_PRIVILEGE_ENABLED
      return adjust(token[0], 0, tp, 16, null, null) !== 0 && lastError() === 0; // 1300: ERROR_NOT_ALL_ASSIGNED
    } finally {
      close(token[0]);
    }
  } catch {
    return false;
  }
}

/** IVssAsync::QueryStatus: the operation's HRESULT (VSS_S_ASYNC_PENDING while it runs). */
export function queryAsyncStatus(com: Com, method: string, asyncPtr: Ptr): number {
  const status = [0];
  const q = com.call(asyncPtr, ASYNC.QueryStatus, '_Out_ int32_t *status, void *reserved', status, null);
  if (failed(q)) throw vssError(`${method} (QueryStatus)`, q);
  return status[0]! >>> 0;
}

/** Throws unless a finished operation's status says it succeeded. */
export function checkAsyncStatus(method: string, st: number): void {
  if (st === VSS_S_ASYNC_CANCELLED || failed(st)) throw vssError(method, st);
  if (st !== VSS_S_ASYNC_FINISHED && st !== 0) throw vssError(method, st);
}

/** Cancels an operation still pending at its timeout; the error to throw. */
export function cancelAtTimeout(com: Com, method: string, asyncPtr: Ptr, timeoutMs: number): AppError {
  com.call(asyncPtr, ASYNC.Cancel, '');
  return new AppError(
    'Platform',
    'VSS_TIMEOUT',
    `${method} did not finish within ${Math.round(timeoutMs / 1000)} s (VSS_S_ASYNC_PENDING): cancelled`,
    { details: { method } },
  );
}

/** Waits for an IVssAsync, checks its status, releases it. A status still pending at the timeout is cancelled. */
export function waitAsync(com: Com, method: string, asyncPtr: Ptr, timeoutMs: number): void {
  try {
    // "Wait can succeed even if the method that returns it failed": the status says how it went.
    const hr = com.call(asyncPtr, ASYNC.Wait, 'uint32_t ms', timeoutMs >>> 0);
    if (failed(hr)) throw vssError(method, hr);
    const st = queryAsyncStatus(com, method, asyncPtr);
    if (st === VSS_S_ASYNC_PENDING) throw cancelAtTimeout(com, method, asyncPtr, timeoutMs);
    checkAsyncStatus(method, st);
  } finally {
    com.release(asyncPtr);
  }
}

/** Calls a method that hands back an IVssAsync, and waits for it. */
export function callAsync(com: Com, bc: Ptr, method: keyof typeof BC, timeoutMs: number): void {
  const out: unknown[] = [null];
  const hr = com.call(bc, BC[method], '_Out_ void **async', out);
  if (failed(hr) || !out[0]) throw vssError(method, hr);
  waitAsync(com, method, out[0], timeoutMs);
}

/** Calls a synchronous method; throws on a failed HRESULT. */
export function callChecked(com: Com, bc: Ptr, method: keyof typeof BC, args: string, ...values: unknown[]): number {
  const hr = com.call(bc, BC[method], args, ...values);
  if (failed(hr)) throw vssError(method, hr);
  return hr;
}
