// The live Windows registry through advapi32 (koffi): the registry writer for a file-level restore, the reader of
// NTDS\Parameters (where NTDS keeps its files), and the NTDS service state. Predefined keys are sign-extended
// LONGs ((HKEY)(ULONG_PTR)(LONG)0x80000002), so handles travel as intptr_t.
import { AppError } from '../errors.ts';
import type { RegistryReader, RegistryWriter } from '../registry/ports.ts';
import {
  type RegChange,
  type RegDeletion,
  type RegValue,
  REG_TYPE_CODES,
  decodeSz,
  decodeValue,
  encodeValue,
} from '../registry/values.ts';
import { type Koffi, windowsSystemLibraries } from './native/koffi.ts';

const HKEY_LOCAL_MACHINE = 0x80000002 | 0; // sign-extended when widened to intptr_t
const KEY_WRITE = 0x20006;
const KEY_WOW64_64KEY = 0x0100;
const RRF_RT_REG_SZ = 0x2;
const RRF_RT_ANY = 0xffff;
const RRF_NOEXPAND = 0x10000000;
const RRF_SUBKEY_WOW6464KEY = 0x00010000;
const KEY_READ = 0x20019;
const ERROR_FILE_NOT_FOUND = 2;
const ERROR_MORE_DATA = 234;

interface Advapi {
  RegCreateKeyExW: (...a: unknown[]) => number;
  RegOpenKeyExW: (...a: unknown[]) => number;
  RegSetValueExW: (...a: unknown[]) => number;
  RegDeleteValueW: (...a: unknown[]) => number;
  RegGetValueW: (...a: unknown[]) => number;
  RegCloseKey: (...a: unknown[]) => number;
  OpenSCManagerW: (...a: unknown[]) => unknown;
  OpenServiceW: (...a: unknown[]) => unknown;
  QueryServiceStatus: (...a: unknown[]) => number;
  CloseServiceHandle: (...a: unknown[]) => number;
  GetLastError: () => number;
}

let advapi: Advapi | null = null;

function load(): Advapi {
  if (advapi) return advapi;
  const {
    koffi,
    advapi32: a,
    kernel32: k,
  } = windowsSystemLibraries(
    {
      code: 'REGISTRY_UNAVAILABLE',
      message: 'the Windows registry exists only on Windows: write the restore registration with registry.regFile',
    },
    'write the restore registration with registry.regFile',
  );
  declareServiceStatus(koffi);
  advapi = {
    RegCreateKeyExW: a.func(
      'long RegCreateKeyExW(intptr_t hKey, str16 lpSubKey, uint32_t Reserved, str16 lpClass, uint32_t dwOptions, uint32_t samDesired, void *lpSecurityAttributes, _Out_ intptr_t *phkResult, _Out_ uint32_t *lpdwDisposition)',
    ) as never,
    RegOpenKeyExW: a.func(
      'long RegOpenKeyExW(intptr_t hKey, str16 lpSubKey, uint32_t ulOptions, uint32_t samDesired, _Out_ intptr_t *phkResult)',
    ) as never,
    RegSetValueExW: a.func(
      'long RegSetValueExW(intptr_t hKey, str16 lpValueName, uint32_t Reserved, uint32_t dwType, const uint8_t *lpData, uint32_t cbData)',
    ) as never,
    RegDeleteValueW: a.func('long RegDeleteValueW(intptr_t hKey, str16 lpValueName)') as never,
    RegGetValueW: a.func(
      'long RegGetValueW(intptr_t hKey, str16 lpSubKey, str16 lpValue, uint32_t dwFlags, _Out_ uint32_t *pdwType, _Out_ uint8_t *pvData, _Inout_ uint32_t *pcbData)',
    ) as never,
    RegCloseKey: a.func('long RegCloseKey(intptr_t hKey)') as never,
    OpenSCManagerW: a.func(
      'void *OpenSCManagerW(str16 lpMachineName, str16 lpDatabaseName, uint32_t dwDesiredAccess)',
    ) as never,
    OpenServiceW: a.func(
      'void *OpenServiceW(void *hSCManager, str16 lpServiceName, uint32_t dwDesiredAccess)',
    ) as never,
    QueryServiceStatus: a.func(
      'int QueryServiceStatus(void *hService, _Out_ ADBACKUP_SERVICE_STATUS *lpServiceStatus)',
    ) as never,
    CloseServiceHandle: a.func('int CloseServiceHandle(void *hSCObject)') as never,
    GetLastError: k.func('uint32_t GetLastError()') as never,
  };
  return advapi;
}

function declareServiceStatus(koffi: Koffi): void {
  try {
    koffi.struct('ADBACKUP_SERVICE_STATUS', {
      dwServiceType: 'uint32_t',
      dwCurrentState: 'uint32_t',
      dwControlsAccepted: 'uint32_t',
      dwWin32ExitCode: 'uint32_t',
      dwServiceSpecificExitCode: 'uint32_t',
      dwCheckPoint: 'uint32_t',
      dwWaitHint: 'uint32_t',
    });
  } catch {
    /* declared already */
  }
}

function hklmSubkey(key: string): string {
  const m = /^(?:HKLM|HKEY_LOCAL_MACHINE)\\(.+)$/i.exec(key);
  if (!m) throw new AppError('InvalidRequest', 'REGISTRY_KEY_UNSUPPORTED', `only HKLM keys are written: '${key}'`);
  return m[1]!;
}

function regError(what: string, rc: number): AppError {
  return new AppError(
    rc === 5 ? 'Precondition' : 'Platform',
    'REGISTRY_ERROR',
    `${what} failed with Win32 error ${rc}${rc === 5 ? ' (access denied: run elevated)' : ''}`,
    { details: { win32: rc } },
  );
}

/** Writes values into HKLM (the 64-bit view), creating keys as needed; removes the values the registration removes. */
export function windowsRegistryWriter(): RegistryWriter {
  load(); // fail now, before a restore touches any file, if the registry cannot be reached
  return {
    description: 'HKLM (advapi32)',
    async apply(values: readonly RegChange[]) {
      for (const v of values) {
        if (v.type === 'DELETE') deleteValue(v);
        else setValue(v);
      }
    },
  };
}

function setValue(v: RegValue): void {
  const a = load();
  const hkey = [0];
  const disp = [0];
  let rc = a.RegCreateKeyExW(
    HKEY_LOCAL_MACHINE,
    hklmSubkey(v.key),
    0,
    null,
    0,
    KEY_WRITE | KEY_WOW64_64KEY,
    null,
    hkey,
    disp,
  );
  if (rc !== 0) throw regError(`RegCreateKeyExW(${v.key})`, rc);
  try {
    const data = encodeValue(v);
    rc = a.RegSetValueExW(hkey[0], v.name, 0, REG_TYPE_CODES[v.type], data, data.length);
    if (rc !== 0) throw regError(`RegSetValueExW(${v.key}\\${v.name})`, rc);
  } finally {
    a.RegCloseKey(hkey[0]);
  }
}

/** An absent key or value is already what the registration wants. */
function deleteValue(v: RegDeletion): void {
  const a = load();
  const hkey = [0];
  let rc = a.RegOpenKeyExW(HKEY_LOCAL_MACHINE, hklmSubkey(v.key), 0, KEY_WRITE | KEY_WOW64_64KEY, hkey);
  if (rc === ERROR_FILE_NOT_FOUND) return;
  if (rc !== 0) throw regError(`RegOpenKeyExW(${v.key})`, rc);
  try {
    rc = a.RegDeleteValueW(hkey[0], v.name);
    if (rc !== 0 && rc !== ERROR_FILE_NOT_FOUND) throw regError(`RegDeleteValueW(${v.key}\\${v.name})`, rc);
  } finally {
    a.RegCloseKey(hkey[0]);
  }
}

/** Reads HKLM (the 64-bit view): the values a restore records before it registers, and restore-status. */
export function windowsRegistryReader(): RegistryReader {
  load();
  return {
    description: 'HKLM (advapi32)',
    async value(key, name) {
      return readHklmValue(key, name);
    },
    async keyExists(key) {
      const a = load();
      const hkey = [0];
      const rc = a.RegOpenKeyExW(HKEY_LOCAL_MACHINE, hklmSubkey(key), 0, KEY_READ | KEY_WOW64_64KEY, hkey);
      if (rc === ERROR_FILE_NOT_FOUND) return false;
      if (rc !== 0) throw regError(`RegOpenKeyExW(${key})`, rc);
      a.RegCloseKey(hkey[0]);
      return true;
    },
  };
}

/** Any value, in the model decodeValue maps it to (REG_EXPAND_SZ unexpanded, as text), or null when absent. */
function readHklmValue(key: string, name: string): RegValue | null {
  const got = getHklmValue(key, name, RRF_RT_ANY | RRF_NOEXPAND);
  return got && decodeValue(key, name, got.type, got.data);
}

/** A REG_SZ under HKLM (a REG_EXPAND_SZ comes expanded), or null when the value (or key) does not exist. */
export function readHklmString(key: string, name: string): string | null {
  const got = getHklmValue(key, name, RRF_RT_REG_SZ);
  return got && decodeSz(got.data);
}

/**
 * RegGetValueW of HKLM's 64-bit view with `flags` (the types accepted, expansion): the type code and the data, or
 * null when the value or key is absent. A value larger than the first buffer is read again at the size it reported.
 */
function getHklmValue(key: string, name: string, flags: number): { type: number; data: Buffer } | null {
  const a = load();
  const size = [4096];
  const type = [0];
  for (let attempt = 0; attempt < 2; attempt++) {
    const buf = Buffer.alloc(size[0]!);
    const rc = a.RegGetValueW(
      HKEY_LOCAL_MACHINE,
      hklmSubkey(key),
      name,
      flags | RRF_SUBKEY_WOW6464KEY,
      type,
      buf,
      size,
    );
    if (rc === ERROR_FILE_NOT_FOUND) return null;
    if (rc === ERROR_MORE_DATA) continue; // `size` now holds what the value needs
    if (rc !== 0) throw regError(`RegGetValueW(${key}\\${name})`, rc);
    return { type: type[0]!, data: buf.subarray(0, size[0]!) };
  }
  throw regError(`RegGetValueW(${key}\\${name})`, ERROR_MORE_DATA);
}

export const NTDS_PARAMETERS = 'HKLM\\SYSTEM\\CurrentControlSet\\Services\\NTDS\\Parameters';

/** Where NTDS keeps its files, as NTDS\Parameters says (null where unset: not a DC). */
export function ntdsLocations(): {
  databaseFile: string | null;
  logPath: string | null;
  workingDirectory: string | null;
} {
  return {
    databaseFile: readHklmString(NTDS_PARAMETERS, 'DSA Database file'),
    logPath: readHklmString(NTDS_PARAMETERS, 'Database log files path'),
    workingDirectory: readHklmString(NTDS_PARAMETERS, 'DSA Working Directory'),
  };
}

const SERVICE_STATES: Record<number, string> = {
  1: 'stopped',
  2: 'start-pending',
  3: 'stop-pending',
  4: 'running',
  5: 'continue-pending',
  6: 'pause-pending',
  7: 'paused',
};

/** The NTDS service's state, or 'absent' where there is no such service (not a DC). */
export function ntdsServiceState(): string {
  const a = load();
  const scm = a.OpenSCManagerW(null, null, 0x0001 /* SC_MANAGER_CONNECT */);
  if (!scm) throw regError('OpenSCManagerW', a.GetLastError());
  try {
    const svc = a.OpenServiceW(scm, 'NTDS', 0x0004 /* SERVICE_QUERY_STATUS */);
    if (!svc) {
      const rc = a.GetLastError();
      if (rc === 1060 /* ERROR_SERVICE_DOES_NOT_EXIST */) return 'absent';
      throw regError('OpenServiceW(NTDS)', rc);
    }
    try {
      const status: Record<string, number> = {};
      if (!a.QueryServiceStatus(svc, status)) throw regError('QueryServiceStatus(NTDS)', a.GetLastError());
      return SERVICE_STATES[status['dwCurrentState']!] ?? `state ${status['dwCurrentState']}`;
    } finally {
      a.CloseServiceHandle(svc);
    }
  } finally {
    a.CloseServiceHandle(scm);
  }
}
