// In-memory log sets for the pure analysis: consistent headers for a run of generations.
import { blankLogHeader, type LogHeader } from '../../src/ese/log-header.ts';
import { blankDatabaseHeader, type DatabaseHeader } from '../../src/ese/database-header.ts';
import { logTimeFromDate, type Signature } from '../../src/ese/structs.ts';
import type { LogEntry } from '../../src/logs/analyze.ts';
import { numberedLogName } from '../../src/logs/names.ts';

export const SIGN: Signature = {
  random: 4242,
  created: logTimeFromDate(new Date('2026-01-01T00:00:00Z')),
  computer: '',
};
const T0 = Date.parse('2026-01-02T00:00:00Z');
export const tm = (g: number) => logTimeFromDate(new Date(T0 + g * 60_000));

export function header(g: number, overrides: Partial<LogHeader> = {}): LogHeader {
  return {
    ...blankLogHeader(),
    generation: g,
    sectorSize: 4096,
    headerSectors: 1,
    fileSectors: 16,
    pageSizeField: 8192,
    tmCreate: tm(g),
    tmPrevGen: g === 1 ? null : tm(g - 1),
    versionMajor: 8,
    versionMinor: 4000,
    versionUpdateMajor: 5,
    versionUpdateMinor: 16,
    signLog: SIGN,
    fileType: 3,
    ...overrides,
  };
}

/** Generations low..high: numbered logs for all but the last, which is edb.log. */
export function logSet(low: number, high: number): LogEntry[] {
  const out: LogEntry[] = [];
  for (let g = low; g <= high; g++) {
    out.push({ name: g === high ? 'edb.log' : numberedLogName(g), fileSize: 65536, header: header(g), problem: null });
  }
  return out;
}

export function database(overrides: Partial<DatabaseHeader> = {}): { header: DatabaseHeader; pageSize: number } {
  return {
    header: {
      ...blankDatabaseHeader(),
      magic: 0x89abcdef,
      version: 0x620,
      dbState: 3,
      signLog: SIGN,
      pageSizeField: 8192,
      fileType: 1,
      ...overrides,
    },
    pageSize: 8192,
  };
}
