// Log-set analysis: which generations are there, whether ESE could replay them, and the range (LowLog/HighLog)
// a restore registers. Pure: it takes parsed headers, so the same code serves a folder on disk and an archive.
// Rules: src/ese/FORMAT.md §4.4 and §6. Each stage is a pure function returning its findings; they are reported in
// the order of the stages below: the files one by one, the sequence, the database, the checkpoint.
import { summarizeSignature } from '../ese/report.ts';
import { DEFAULT_BASE } from './names.ts';
import type { Finding } from './findings.ts';
import type {
  CheckpointInput,
  DatabaseInput,
  LogEntry,
  LogFileReport,
  LogSetAnalysis,
  PlacedSet,
  RequiredRange,
} from './log-set.ts';
import { placeEntries } from './place-logs.ts';
import {
  contiguity,
  currentNotLast,
  describeSet,
  geometry,
  signatureMismatch,
  versionRegression,
} from './sequence-checks.ts';
import { databaseMatchesLogs, gaps, requiredLogs, requiredRange } from './database-checks.ts';
import { checkpointMatchesLogs } from './checkpoint-checks.ts';
import { chooseRestoreMethod, noMethodFinding } from './restore-method.ts';

export type {
  CheckpointInput,
  DatabaseInput,
  FileStatus,
  LogEntry,
  LogFileReport,
  LogSetAnalysis,
  RequiredSource,
} from './log-set.ts';

export function analyzeLogSet(
  entries: readonly LogEntry[],
  database?: DatabaseInput | null,
  checkpoint?: CheckpointInput | null,
  options: { base?: string } = {},
): LogSetAnalysis {
  const { files, placed, findings: fileFindings } = placeEntries(entries, options.base ?? DEFAULT_BASE);
  const set = describeSet(placed);
  const foreign = signatureMismatch(set);
  for (const f of foreign) for (const name of f.files ?? []) markInvalid(files, name);
  const db = database ?? null;
  const { required, findings: requiredFindings } = db ? requiredRange(db) : { required: null, findings: [] };
  const findings: Finding[] = [
    ...fileFindings,
    ...foreign,
    ...contiguity(set),
    ...currentNotLast(set),
    ...geometry(set),
    ...versionRegression(set),
    ...requiredFindings,
    ...(db && required ? requiredLogs(db, required, set) : []),
    ...gaps(db, required, set),
    ...(db ? databaseMatchesLogs(db, required, set) : []),
    ...(checkpoint ? checkpointMatchesLogs(checkpoint, set) : []),
    ...(set.gens.length === 0
      ? [{ code: 'log-set-empty', severity: 'info', message: 'no numbered or current log files were found' } as const]
      : []),
  ];
  return analysis(set, required, files, findings, db !== null);
}

function markInvalid(files: LogFileReport[], name: string): void {
  const report = files.find((f) => f.name === name);
  if (report) report.status = 'invalid';
}

function analysis(
  set: PlacedSet,
  required: RequiredRange | null,
  files: LogFileReport[],
  findings: Finding[],
  withDatabase: boolean,
): LogSetAnalysis {
  const { low, high, gens } = set;
  const numberedInRange = set.ordered
    .filter((p) => p.role === 'numbered' && p.generation >= low && p.generation <= high)
    .map((p) => p.generation);
  const registration =
    numberedInRange.length > 0
      ? { lowLog: numberedInRange[0]!, highLog: numberedInRange[numberedInRange.length - 1]! }
      : null;
  // The registration a restore uses (restore-method.ts); a database none could restore is an error of its own.
  const choice = withDatabase ? chooseRestoreMethod({ required, registration }) : null;
  const noMethod = choice && !findings.some((f) => f.severity === 'error') ? noMethodFinding(choice) : null;
  if (noMethod) findings.push(noMethod);
  return {
    low,
    high,
    count: set.hasRange ? high - low + 1 : 0,
    registration,
    signLog: set.refSig ? summarizeSignature(set.refSig) : null,
    available: { low: gens[0] ?? 0, high: gens[gens.length - 1] ?? 0, count: gens.length },
    required,
    files: files.sort(
      (a, b) => (a.generation ?? Infinity) - (b.generation ?? Infinity) || a.name.localeCompare(b.name),
    ),
    findings,
    restorable: !findings.some((f) => f.severity === 'error'),
    restoreMethod: choice?.method ?? null,
    restoreMethods: choice?.supported ?? [],
  };
}
