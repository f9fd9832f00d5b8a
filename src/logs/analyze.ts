// Log-set analysis: which generations are there, whether ESE could replay them, and the range (LowLog/HighLog)
// a restore registers. Pure: it takes parsed headers, so the same code serves a folder on disk and an archive.
// Rules: ese-formats.md §4.3 and §7.
import type { LogHeader } from '../ese/log-header.ts';
import { logFileSize } from '../ese/log-header.ts';
import type { DatabaseHeader } from '../ese/database-header.ts';
import { dbStateName } from '../ese/database-header.ts';
import type { Checkpoint } from '../ese/checkpoint.ts';
import { type Signature, isNullLgpos, sameLogTime, sameSignature } from '../ese/structs.ts';
import { type SignatureSummary, summarizeSignature } from '../ese/report.ts';
import { DEFAULT_BASE, type LogFileRole, classifyLogName } from './names.ts';
import type { Finding, GenerationRange } from './findings.ts';
import { formatRangeList, runsOf, subtractRanges } from './ranges.ts';
import { type RestoreMethod, chooseRestoreMethod, noMethodFinding } from './restore-method.ts';

export interface LogEntry {
  name: string;
  fileSize: number;
  /** The parsed header, or null when it could not be parsed (then `problem` says why). */
  header: LogHeader | null;
  problem: { code: string; message: string } | null;
}

export interface DatabaseInput {
  name?: string;
  header: DatabaseHeader;
  pageSize: number;
}

export interface CheckpointInput {
  name?: string;
  checkpoint: Checkpoint;
}

export type FileStatus = 'ok' | 'invalid' | 'unused' | 'duplicate' | 'ignored';

export interface LogFileReport {
  name: string;
  role: LogFileRole;
  generation: number | null;
  fileSize: number;
  status: FileStatus;
}

export type RequiredSource = 'dirty' | 'streaming-backup' | 'snapshot';

export interface LogSetAnalysis {
  /** The contiguous run of generations that ends at the newest log (edb.log included). */
  low: number;
  high: number;
  count: number;
  /**
   * LowLog/HighLog Number of a restore registration: the numbered logs of that run. ESE opens them by their
   * edbXXXXX.log names and takes edb.log afterwards as the current log; null when the run has no numbered log.
   */
  registration: { lowLog: number; highLog: number } | null;
  signLog: SignatureSummary | null;
  available: { low: number; high: number; count: number };
  required: (GenerationRange & { source: RequiredSource }) | null;
  files: LogFileReport[];
  findings: Finding[];
  restorable: boolean;
  /**
   * The registration a restore of this database uses (restore-method.ts) and every one that would work; null / empty
   * without a database, or when none works (then a restore-method-unavailable error says why).
   */
  restoreMethod: RestoreMethod | null;
  restoreMethods: RestoreMethod[];
}

interface Placed {
  entry: LogEntry;
  role: 'current' | 'numbered';
  generation: number;
  /** Header present, name agrees, size right: ESE could open it. */
  sound: boolean;
}

const UNSUPPORTED_STATES = new Set([4, 5, 6, 7, 8]);
const DIRTY = 2;

export function analyzeLogSet(
  entries: readonly LogEntry[],
  database?: DatabaseInput | null,
  checkpoint?: CheckpointInput | null,
  options: { base?: string } = {},
): LogSetAnalysis {
  const base = options.base ?? DEFAULT_BASE;
  const findings: Finding[] = [];
  const files: LogFileReport[] = [];
  const placed = new Map<number, Placed>();
  const add = (f: Finding) => findings.push(f);

  // Numbered logs first, so a current log that repeats a numbered generation is the one called duplicate.
  const classified = entries.map((e) => ({ e, c: classifyLogName(e.name, base) }));
  classified.sort((a, b) => rank(a.c.role) - rank(b.c.role) || a.e.name.localeCompare(b.e.name));

  for (const { e, c } of classified) {
    const report: LogFileReport = { name: e.name, role: c.role, generation: c.generation ?? null, fileSize: e.fileSize, status: 'ok' };
    files.push(report);
    if (c.role !== 'numbered' && c.role !== 'current') {
      if (e.problem?.code === 'ESE_UNUSED') report.status = 'unused';
      else if (e.problem) {
        report.status = 'invalid';
        add({ code: 'reserve-log-invalid', severity: 'warning', message: `${e.name}: ${e.problem.message}; ESE recreates ${c.role} logs, so this does not block a restore`, files: [e.name] });
      } else if (c.role === 'other' || c.role === 'checkpoint') report.status = 'ignored';
      continue;
    }
    let sound = true;
    let generation = c.generation ?? null;
    if (e.problem || !e.header) {
      sound = false;
      report.status = 'invalid';
      add({ code: 'log-header-invalid', severity: 'error', message: `${e.name}: ${e.problem?.message ?? 'no header'}`, files: [e.name] });
    } else {
      const h = e.header;
      if (c.role === 'current') generation = h.generation;
      else if (h.generation !== c.generation) {
        sound = false;
        report.status = 'invalid';
        add({
          code: 'log-name-generation-mismatch',
          severity: 'error',
          message: `${e.name}: the name says generation ${c.generation} but the header says ${h.generation}`,
          files: [e.name],
          ranges: [{ low: c.generation!, high: c.generation! }],
        });
      }
      const expected = logFileSize(h);
      if (e.fileSize !== expected) {
        sound = false;
        report.status = 'invalid';
        add({ code: 'log-size-mismatch', severity: 'error', message: `${e.name}: ${e.fileSize} bytes, but its header announces ${expected} (${h.fileSectors} sectors of ${h.sectorSize})`, files: [e.name] });
      }
    }
    report.generation = generation;
    if (generation === null) continue; // a current log whose header is unreadable has no known place
    const prior = placed.get(generation);
    if (prior) {
      report.status = 'duplicate';
      add({
        code: 'log-duplicate-generation',
        severity: 'error',
        message: `generation ${generation} is present twice: ${prior.entry.name} and ${e.name}`,
        files: [prior.entry.name, e.name],
        ranges: [{ low: generation, high: generation }],
      });
      continue;
    }
    placed.set(generation, { entry: e, role: c.role, generation, sound });
  }

  const gens = [...placed.keys()].sort((a, b) => a - b);
  const ordered = gens.map((g) => placed.get(g)!);
  const withHeader = ordered.filter((p) => p.entry.header !== null && p.entry.problem === null);
  const newest = withHeader[withHeader.length - 1];
  const refSig: Signature | null = newest ? newest.entry.header!.signLog : null;

  if (refSig) {
    const odd = withHeader.filter((p) => !sameSignature(p.entry.header!.signLog, refSig));
    if (odd.length > 0) {
      for (const p of odd) fileOf(files, p.entry).status = 'invalid';
      add({
        code: 'log-signature-mismatch',
        severity: 'error',
        message: `${odd.length} log(s) belong to another log set (signLog differs from ${newest!.entry.name}'s): ${odd.map((p) => p.entry.name).join(', ')}`,
        files: odd.map((p) => p.entry.name),
      });
    }
  }

  for (let i = 1; i < ordered.length; i++) {
    const prev = ordered[i - 1]!;
    const cur = ordered[i]!;
    if (cur.generation !== prev.generation + 1 || !prev.entry.header || !cur.entry.header) continue;
    // A header that names another generation is already reported; its times say nothing about this slot.
    if (prev.entry.header.generation !== prev.generation || cur.entry.header.generation !== cur.generation) continue;
    if (!sameLogTime(cur.entry.header.tmPrevGen, prev.entry.header.tmCreate)) {
      add({
        code: 'log-not-contiguous',
        severity: 'error',
        message: `${cur.entry.name} does not follow ${prev.entry.name}: its previous-generation time differs from that log's creation time`,
        files: [prev.entry.name, cur.entry.name],
        ranges: [{ low: prev.generation, high: cur.generation }],
      });
    }
  }

  const current = ordered.find((p) => p.role === 'current');
  if (current) {
    const later = ordered.filter((p) => p.role === 'numbered' && p.generation > current.generation);
    if (later.length > 0) {
      add({
        code: 'log-current-not-last',
        severity: 'error',
        message: `${current.entry.name} (generation ${current.generation}) is older than ${later.map((p) => p.entry.name).join(', ')}; the current log must be the newest`,
        files: [current.entry.name, ...later.map((p) => p.entry.name)],
      });
    }
  }

  if (newest) {
    const ref = newest.entry.header!;
    const odd = withHeader.filter((p) => p.entry.header!.sectorSize !== ref.sectorSize || p.entry.header!.fileSectors !== ref.fileSectors);
    if (odd.length > 0) {
      add({ code: 'log-geometry-mismatch', severity: 'warning', message: `log file geometry differs from ${newest.entry.name} (${ref.fileSectors} × ${ref.sectorSize} bytes) in ${odd.map((p) => p.entry.name).join(', ')}`, files: odd.map((p) => p.entry.name) });
    }
    for (let i = 1; i < withHeader.length; i++) {
      const a = withHeader[i - 1]!.entry.header!;
      const b = withHeader[i]!.entry.header!;
      if (compareVersion(b, a) < 0) {
        add({ code: 'log-version-regression', severity: 'warning', message: `log format goes backwards from ${withHeader[i - 1]!.entry.name} to ${withHeader[i]!.entry.name}`, files: [withHeader[i - 1]!.entry.name, withHeader[i]!.entry.name] });
      }
    }
  }

  const runs = runsOf(gens);
  const top = runs[runs.length - 1];
  const low = top?.low ?? 0;
  const high = top?.high ?? 0;

  const required = database ? requiredRange(database, add) : null;
  if (required) {
    const missing = subtractRanges(required, top ? [top] : []);
    if (missing.length > 0) {
      const absent = subtractRanges(required, runs);
      add({
        code: 'database-required-log-missing',
        severity: 'error',
        message:
          `the database (${dbStateName(database!.header.dbState)}) needs log generations ${required.low}-${required.high}; ` +
          (absent.length > 0 ? `missing: ${formatRangeList(absent)}` : `${formatRangeList(missing)} are present but cut off from the current log by a gap`),
        ranges: absent.length > 0 ? absent : missing,
      });
    }
    const committed = database!.header.genMaxCommitted;
    if (missing.length === 0 && database!.header.dbState === DIRTY && committed > high) {
      add({ code: 'database-committed-log-missing', severity: 'warning', message: `the database committed changes through generation ${committed}, but the logs end at ${high}: changes after ${high} would be lost`, ranges: [{ low: high + 1, high: committed }] });
    }
  }

  for (let i = 1; i < runs.length; i++) {
    const gap = { low: runs[i - 1]!.high + 1, high: runs[i]!.low - 1 };
    const harmless = !database || (database && !required && !UNSUPPORTED_STATES.has(database.header.dbState)) || (required !== null && gap.high < required.low);
    add({
      code: 'log-gap',
      severity: harmless ? 'warning' : 'error',
      message: `log generation${gap.low === gap.high ? '' : 's'} ${formatRangeList([gap])} ${gap.low === gap.high ? 'is' : 'are'} missing` + (harmless ? `; older logs (${runs[0]!.low}-${gap.low - 1}) are left out of the range` : ''),
      ranges: [gap],
    });
  }

  if (database && refSig) {
    if (!sameSignature(database.header.signLog, refSig)) {
      add({
        code: 'database-log-signature-mismatch',
        severity: required ? 'error' : 'warning',
        message: `the database's log signature differs from the logs' (${newest!.entry.name}): these logs are not the database's` + (required ? '' : '; the database is clean, so no log is needed'),
        files: [database.name ?? 'database', newest!.entry.name],
      });
    }
    const pageSizes = withHeader.filter((p) => pageSizeOf(p.entry.header!) !== database.pageSize);
    if (pageSizes.length > 0) {
      add({ code: 'database-page-size-mismatch', severity: 'error', message: `the database has ${database.pageSize}-byte pages but ${pageSizes.map((p) => p.entry.name).join(', ')} record ${pageSizeOf(pageSizes[0]!.entry.header!)}`, files: pageSizes.map((p) => p.entry.name) });
    }
  }

  if (checkpoint) {
    const cp = checkpoint.checkpoint;
    const name = checkpoint.name ?? 'checkpoint';
    if (refSig && !sameSignature(cp.signLog, refSig)) {
      add({ code: 'checkpoint-signature-mismatch', severity: 'error', message: `${name} belongs to another log set (signLog differs from ${newest!.entry.name}'s)`, files: [name] });
    }
    const g = cp.lgposCheckpoint.generation;
    if (gens.length > 0 && !isNullLgpos(cp.lgposCheckpoint) && (g < low || g > high)) {
      add({ code: 'checkpoint-generation-missing', severity: 'warning', message: `${name} points at generation ${g}, outside the log range ${low}-${high}`, files: [name], ranges: [{ low: g, high: g }] });
    }
  }

  if (gens.length === 0) add({ code: 'log-set-empty', severity: 'info', message: 'no numbered or current log files were found' });

  const numberedInRange = ordered.filter((p) => p.role === 'numbered' && p.generation >= low && p.generation <= high).map((p) => p.generation);
  const registration = numberedInRange.length > 0 ? { lowLog: numberedInRange[0]!, highLog: numberedInRange[numberedInRange.length - 1]! } : null;
  const choice = database ? chooseRestoreMethod({ required, registration }) : null;
  const noMethod = choice && !findings.some((f) => f.severity === 'error') ? noMethodFinding(choice) : null;
  if (noMethod) add(noMethod);
  return {
    low,
    high,
    count: top ? high - low + 1 : 0,
    registration,
    signLog: refSig ? summarizeSignature(refSig) : null,
    available: { low: gens[0] ?? 0, high: gens[gens.length - 1] ?? 0, count: gens.length },
    required,
    files: files.sort((a, b) => (a.generation ?? Infinity) - (b.generation ?? Infinity) || a.name.localeCompare(b.name)),
    findings,
    restorable: !findings.some((f) => f.severity === 'error'),
    restoreMethod: choice?.method ?? null,
    restoreMethods: choice?.supported ?? [],
  };
}

/** Which generations the database needs replayed (ese-formats.md §7.5); null when it needs none. */
function requiredRange(db: DatabaseInput, add: (f: Finding) => void): (GenerationRange & { source: RequiredSource }) | null {
  const h = db.header;
  if (UNSUPPORTED_STATES.has(h.dbState)) {
    add({ code: 'database-state-unsupported', severity: 'error', message: `the database is in state "${dbStateName(h.dbState)}"; it cannot be restored from this copy as it is` });
    return null;
  }
  if (h.bkinfoFullCur.genLow !== 0) {
    const b = h.bkinfoFullCur;
    return { low: b.genLow, high: Math.max(b.genLow, b.genHigh), source: 'streaming-backup' };
  }
  if (!isNullLgpos(h.bkinfoSnapshotCur.mark) && h.bkinfoSnapshotCur.genLow !== 0) {
    const b = h.bkinfoSnapshotCur;
    return { low: b.genLow, high: Math.max(b.genLow, b.genHigh, h.dbState === DIRTY ? h.genMaxRequired : 0), source: 'snapshot' };
  }
  if (h.dbState !== DIRTY) return null;
  if (h.genMinRequired <= 0 || h.genMaxRequired < h.genMinRequired) {
    add({ code: 'database-header-inconsistent', severity: 'error', message: `the database is dirty but its Log Required range ${h.genMinRequired}-${h.genMaxRequired} is not a valid range` });
    return null;
  }
  return { low: h.genMinRequired, high: h.genMaxRequired, source: 'dirty' };
}

function rank(role: LogFileRole): number {
  return role === 'numbered' ? 0 : role === 'current' ? 1 : 2;
}

function fileOf(files: LogFileReport[], e: LogEntry): LogFileReport {
  return files.find((f) => f.name === e.name)!;
}

function pageSizeOf(h: LogHeader): number {
  return h.pageSizeField === 0 ? 4096 : h.pageSizeField;
}

function compareVersion(a: LogHeader, b: LogHeader): number {
  return a.versionMajor - b.versionMajor || a.versionUpdateMajor - b.versionUpdateMajor || a.versionUpdateMinor - b.versionUpdateMinor;
}
