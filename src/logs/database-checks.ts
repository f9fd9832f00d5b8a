// The logs against the database they are meant to recover: which generations it needs replayed, whether the
// usable range holds them, which gaps matter, and whether the logs are the database's at all.
import type { LogHeader } from '../ese/log-header.ts';
import { dbStateName } from '../ese/database-header.ts';
import { isNullLgpos, sameSignature } from '../ese/structs.ts';
import type { Finding, GenerationRange } from './findings.ts';
import type { DatabaseInput, PlacedSet, RequiredRange } from './log-set.ts';
import { formatRangeList, subtractRanges } from './ranges.ts';

const UNSUPPORTED_STATES = new Set([4, 5, 6, 7, 8]);
const DIRTY = 2;

/** Which generations the database needs replayed (src/ese/FORMAT.md §6); null when it needs none. */
export function requiredRange(db: DatabaseInput): { required: RequiredRange | null; findings: Finding[] } {
  const h = db.header;
  if (UNSUPPORTED_STATES.has(h.dbState)) {
    return {
      required: null,
      findings: [
        {
          code: 'database-state-unsupported',
          severity: 'error',
          message: `the database is in state "${dbStateName(h.dbState)}"; it cannot be restored from this copy as it is`,
        },
      ],
    };
  }
  if (h.bkinfoFullCur.genLow !== 0) {
    const b = h.bkinfoFullCur;
    return {
      required: { low: b.genLow, high: Math.max(b.genLow, b.genHigh), source: 'streaming-backup' },
      findings: [],
    };
  }
  if (!isNullLgpos(h.bkinfoSnapshotCur.mark) && h.bkinfoSnapshotCur.genLow !== 0) {
    const b = h.bkinfoSnapshotCur;
    return {
      required: {
        low: b.genLow,
        high: Math.max(b.genLow, b.genHigh, h.dbState === DIRTY ? h.genMaxRequired : 0),
        source: 'snapshot',
      },
      findings: [],
    };
  }
  if (h.dbState !== DIRTY) return { required: null, findings: [] };
  if (h.genMinRequired <= 0 || h.genMaxRequired < h.genMinRequired) {
    return {
      required: null,
      findings: [
        {
          code: 'database-header-inconsistent',
          severity: 'error',
          message: `the database is dirty but its Log Required range ${h.genMinRequired}-${h.genMaxRequired} is not a valid range`,
        },
      ],
    };
  }
  return { required: { low: h.genMinRequired, high: h.genMaxRequired, source: 'dirty' }, findings: [] };
}

/** The required generations must lie in the usable range; committed ones beyond it would be lost. */
export function requiredLogs(db: DatabaseInput, required: RequiredRange, set: PlacedSet): Finding[] {
  const findings: Finding[] = [];
  const top: GenerationRange[] = set.hasRange ? [{ low: set.low, high: set.high }] : [];
  const missing = subtractRanges(required, top);
  if (missing.length > 0) {
    const absent = subtractRanges(required, set.runs);
    findings.push({
      code: 'database-required-log-missing',
      severity: 'error',
      message:
        `the database (${dbStateName(db.header.dbState)}) needs log generations ${required.low}-${required.high}; ` +
        (absent.length > 0
          ? `missing: ${formatRangeList(absent)}`
          : `${formatRangeList(missing)} are present but cut off from the current log by a gap`),
      ranges: absent.length > 0 ? absent : missing,
    });
  }
  const committed = db.header.genMaxCommitted;
  const high = set.high;
  if (missing.length === 0 && db.header.dbState === DIRTY && committed > high) {
    findings.push({
      code: 'database-committed-log-missing',
      severity: 'warning',
      message: `the database committed changes through generation ${committed}, but the logs end at ${high}: changes after ${high} would be lost`,
      ranges: [{ low: high + 1, high: committed }],
    });
  }
  return findings;
}

/** Every gap between runs; an error unless it lies below what the database needs (or it needs nothing). */
export function gaps(db: DatabaseInput | null, required: RequiredRange | null, set: PlacedSet): Finding[] {
  const runs = set.runs;
  const findings: Finding[] = [];
  for (let i = 1; i < runs.length; i++) {
    const gap = { low: runs[i - 1]!.high + 1, high: runs[i]!.low - 1 };
    const harmless =
      !db ||
      (!required && !UNSUPPORTED_STATES.has(db.header.dbState)) ||
      (required !== null && gap.high < required.low);
    findings.push({
      code: 'log-gap',
      severity: harmless ? 'warning' : 'error',
      message:
        `log generation${gap.low === gap.high ? '' : 's'} ${formatRangeList([gap])} ${gap.low === gap.high ? 'is' : 'are'} missing` +
        (harmless ? `; older logs (${runs[0]!.low}-${gap.low - 1}) are left out of the range` : ''),
      ranges: [gap],
    });
  }
  return findings;
}

/** The database's log signature and page size must be the logs'. */
export function databaseMatchesLogs(db: DatabaseInput, required: RequiredRange | null, set: PlacedSet): Finding[] {
  const { newest, refSig } = set;
  if (!newest || !refSig) return [];
  const findings: Finding[] = [];
  if (!sameSignature(db.header.signLog, refSig)) {
    findings.push({
      code: 'database-log-signature-mismatch',
      severity: required ? 'error' : 'warning',
      message:
        `the database's log signature differs from the logs' (${newest.name}): these logs are not the database's` +
        (required ? '' : '; the database is clean, so no log is needed'),
      files: [db.name ?? 'database', newest.name],
    });
  }
  const pageSizes = set.readable.filter((p) => pageSizeOf(p.header) !== db.pageSize);
  if (pageSizes.length > 0) {
    findings.push({
      code: 'database-page-size-mismatch',
      severity: 'error',
      message: `the database has ${db.pageSize}-byte pages but ${pageSizes.map((p) => p.name).join(', ')} record ${pageSizeOf(pageSizes[0]!.header)}`,
      files: pageSizes.map((p) => p.name),
    });
  }
  return findings;
}

function pageSizeOf(h: LogHeader): number {
  return h.pageSizeField === 0 ? 4096 : h.pageSizeField;
}
