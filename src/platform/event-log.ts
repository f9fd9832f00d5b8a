// The Windows Application event log through advapi32 (koffi): RegisterEventSourceW / ReportEventW /
// DeregisterEventSource, as every Windows service reports. The source ADDatabaseBackup is registered by
// Register-ADDatabaseBackupEventSource (its EventMessageFile is the .NET Framework's EventLogMessages.dll, whose
// message for every ID is the insertion string itself, so our one string is the whole text in the event viewer).
// An unregistered source still logs (Windows falls back to the Application log with a "description cannot be
// found" preamble), so its absence is reported as a warning beside the event, not instead of it.
import { AppError } from '../errors.ts';
import { windowsSystemLibraries } from './native/koffi.ts';
import { windowsRegistryReader } from './windows-registry.ts';

export const EVENT_SOURCE = 'ADDatabaseBackup';
export const EVENT_SOURCE_KEY = `HKLM\\SYSTEM\\CurrentControlSet\\Services\\EventLog\\Application\\${EVENT_SOURCE}`;

/** ReportEventW's wType (winnt.h). */
export const EVENT_TYPES = { success: 0x0004, warning: 0x0002, failure: 0x0001 } as const; // information, warning, error

export interface EventReport {
  type: keyof typeof EVENT_TYPES;
  eventId: number;
  text: string;
}

interface EventApi {
  RegisterEventSourceW: (server: null, source: string) => unknown;
  ReportEventW: (...a: unknown[]) => number;
  DeregisterEventSource: (h: unknown) => number;
  GetLastError: () => number;
}

let api: EventApi | null = null;

function load(): EventApi {
  if (api) return api;
  const { advapi32: a, kernel32: k } = windowsSystemLibraries(
    { code: 'EVENT_LOG_UNAVAILABLE', message: 'the Windows event log exists only on Windows' },
    'no event log report',
  );
  api = {
    RegisterEventSourceW: a.func('void *RegisterEventSourceW(str16 lpUNCServerName, str16 lpSourceName)') as never,
    ReportEventW: a.func(
      'int ReportEventW(void *hEventLog, uint16_t wType, uint16_t wCategory, uint32_t dwEventID, void *lpUserSid, uint16_t wNumStrings, uint32_t dwDataSize, const char16_t **lpStrings, void *lpRawData)',
    ) as never,
    DeregisterEventSource: a.func('int DeregisterEventSource(void *hEventLog)') as never,
    GetLastError: k.func('uint32_t GetLastError()') as never,
  };
  return api;
}

/** Writes one event; returns the warnings (source not registered); throws a Platform AppError when it cannot. */
export async function reportEvent(e: EventReport): Promise<string[]> {
  const f = load();
  const warnings: string[] = [];
  const registered = await windowsRegistryReader()
    .keyExists(EVENT_SOURCE_KEY)
    .catch(() => true); // unreadable: say nothing rather than something wrong
  if (!registered)
    warnings.push(
      `the event source ${EVENT_SOURCE} is not registered (Register-ADDatabaseBackupEventSource): the event viewer shows the text without a message file`,
    );
  const h = f.RegisterEventSourceW(null, EVENT_SOURCE);
  if (!h)
    throw new AppError('Platform', 'EVENT_LOG_FAILED', `RegisterEventSourceW failed (Win32 error ${f.GetLastError()})`);
  try {
    if (!f.ReportEventW(h, EVENT_TYPES[e.type], 0, e.eventId, null, 1, 0, [e.text], null))
      throw new AppError('Platform', 'EVENT_LOG_FAILED', `ReportEventW failed (Win32 error ${f.GetLastError()})`);
  } finally {
    f.DeregisterEventSource(h);
  }
  return warnings;
}
