// HRESULTs of the VSS requester calls, by name (values from mingw-w64's vsserror.h, meanings in our words from
// Microsoft's method pages), and the writer states of VSS_WRITER_STATE. Every failure the requester reports names them.
const TABLE: Record<number, [name: string, text: string]> = {
  0x00000000: ['S_OK', 'success'],
  0x00000001: ['S_FALSE', 'success (nothing to do)'],
  0x80004001: ['E_NOTIMPL', "not implemented (Wine's vssapi.dll, or a Windows without VSS backup support)"],
  0x80004002: ['E_NOINTERFACE', 'no such interface'],
  0x80004003: ['E_POINTER', 'a pointer is not valid'],
  0x80004005: ['E_FAIL', 'unspecified failure'],
  0x80070005: [
    'E_ACCESSDENIED',
    'access denied: the requester must run elevated as an Administrator or Backup Operator',
  ],
  0x8007000e: ['E_OUTOFMEMORY', 'out of memory'],
  0x80070057: ['E_INVALIDARG', 'a parameter is not valid'],
  0x80042301: ['VSS_E_BAD_STATE', 'the call came in the wrong order or the object is not initialised'],
  0x80042302: ['VSS_E_UNEXPECTED', 'unexpected error (see the Application event log)'],
  0x80042304: ['VSS_E_PROVIDER_NOT_REGISTERED', 'the snapshot provider is not registered'],
  0x80042306: ['VSS_E_PROVIDER_VETO', 'the snapshot provider refused (retry later)'],
  0x80042307: ['VSS_E_PROVIDER_IN_USE', 'the snapshot provider is in use'],
  0x80042308: ['VSS_E_OBJECT_NOT_FOUND', 'no such volume, writer, component or snapshot'],
  0x8004230c: ['VSS_E_VOLUME_NOT_SUPPORTED', 'no snapshot provider supports the volume'],
  0x8004230e: ['VSS_E_VOLUME_NOT_SUPPORTED_BY_PROVIDER', 'the provider does not support the volume'],
  0x8004230f: ['VSS_E_UNEXPECTED_PROVIDER_ERROR', 'the snapshot provider failed unexpectedly'],
  0x80042312: ['VSS_E_MAXIMUM_NUMBER_OF_VOLUMES_REACHED', 'too many volumes in the snapshot set'],
  0x80042313: ['VSS_E_FLUSH_WRITES_TIMEOUT', 'the system could not flush I/O writes (retry later)'],
  0x80042314: ['VSS_E_HOLD_WRITES_TIMEOUT', 'the system could not hold I/O writes (retry later)'],
  0x80042315: ['VSS_E_UNEXPECTED_WRITER_ERROR', 'communication with a writer failed'],
  0x80042316: ['VSS_E_SNAPSHOT_SET_IN_PROGRESS', 'another snapshot is being created: one backup at a time'],
  0x80042317: ['VSS_E_MAXIMUM_NUMBER_OF_SNAPSHOTS_REACHED', 'the volume has the maximum number of snapshots'],
  0x80042318: [
    'VSS_E_WRITER_INFRASTRUCTURE',
    'the writer infrastructure is not working (VSS or the Event System service)',
  ],
  0x80042319: ['VSS_E_WRITER_NOT_RESPONDING', 'a writer did not respond'],
  0x8004231b: ['VSS_E_UNSUPPORTED_CONTEXT', 'the snapshot context is not supported'],
  0x8004231f: ['VSS_E_INSUFFICIENT_STORAGE', 'not enough shadow-copy storage on the volume'],
  0x800423f0: ['VSS_E_WRITERERROR_INCONSISTENTSNAPSHOT', 'the snapshot set lacks a volume the writer needs'],
  0x800423f1: ['VSS_E_WRITERERROR_OUTOFRESOURCES', 'the writer ran out of resources (retry later)'],
  0x800423f2: ['VSS_E_WRITERERROR_TIMEOUT', 'the writer timed out between freeze and thaw (retry later)'],
  0x800423f3: ['VSS_E_WRITERERROR_RETRYABLE', 'the writer failed with a transient error (retry later)'],
  0x800423f4: ['VSS_E_WRITERERROR_NONRETRYABLE', 'the writer failed with an error that will recur'],
  0x80042409: ['VSS_E_WRITER_STATUS_NOT_AVAILABLE', "the writer's status is not available"],
  0x80010106: ['RPC_E_CHANGED_MODE', 'COM is already initialised on this thread in another apartment'],
  0x80010119: ['RPC_E_TOO_LATE', 'COM security was already initialised'],
};

export const VSS_S_ASYNC_PENDING = 0x00042309;
export const VSS_S_ASYNC_FINISHED = 0x0004230a;
export const VSS_S_ASYNC_CANCELLED = 0x0004230b;
export const E_NOTIMPL = 0x80004001;
export const E_ACCESSDENIED = 0x80070005;

export function vssName(hr: number): string {
  const u = hr >>> 0;
  if (u === VSS_S_ASYNC_PENDING) return 'VSS_S_ASYNC_PENDING';
  if (u === VSS_S_ASYNC_FINISHED) return 'VSS_S_ASYNC_FINISHED';
  if (u === VSS_S_ASYNC_CANCELLED) return 'VSS_S_ASYNC_CANCELLED';
  return TABLE[u]?.[0] ?? `HRESULT ${hex(u)}`;
}

export function vssText(hr: number): string {
  return TABLE[hr >>> 0]?.[1] ?? 'no description known';
}

export function hex(hr: number): string {
  return '0x' + (hr >>> 0).toString(16).toUpperCase().padStart(8, '0');
}

export function failed(hr: number): boolean {
  return hr >>> 0 >= 0x80000000;
}

const WRITER_STATES = [
  'VSS_WS_UNKNOWN',
  'VSS_WS_STABLE',
  'VSS_WS_WAITING_FOR_FREEZE',
  'VSS_WS_WAITING_FOR_THAW',
  'VSS_WS_WAITING_FOR_POST_SNAPSHOT',
  'VSS_WS_WAITING_FOR_BACKUP_COMPLETE',
  'VSS_WS_FAILED_AT_IDENTIFY',
  'VSS_WS_FAILED_AT_PREPARE_BACKUP',
  'VSS_WS_FAILED_AT_PREPARE_SNAPSHOT',
  'VSS_WS_FAILED_AT_FREEZE',
  'VSS_WS_FAILED_AT_THAW',
  'VSS_WS_FAILED_AT_POST_SNAPSHOT',
  'VSS_WS_FAILED_AT_BACKUP_COMPLETE',
  'VSS_WS_FAILED_AT_PRE_RESTORE',
  'VSS_WS_FAILED_AT_POST_RESTORE',
  'VSS_WS_FAILED_AT_BACKUPSHUTDOWN',
];

export function writerStateName(state: number): string {
  return WRITER_STATES[state] ?? `writer state ${state}`;
}

/** VSS_WS_FAILED_AT_*: 6 to 15. */
export function writerStateFailed(state: number): boolean {
  return state >= 6 && state <= 15;
}
