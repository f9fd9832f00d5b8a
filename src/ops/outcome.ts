// What a run of backup, verify, restore or prune amounts to, for the run log and the Windows event log: its outcome
// (success / warning / failure), the archive it concerns, and one documented event ID per command and outcome. Facts
// are picked field by field from the result: a request (which may carry a passphrase) is never looked at.
import type { AppError } from '../errors.ts';
import type { RunRecord } from './run-log.ts';
import { TOOL_VERSION } from '../version.ts';

export const REPORTED_COMMANDS = ['backup', 'verify', 'restore', 'prune'] as const;
export type ReportedCommand = (typeof REPORTED_COMMANDS)[number];

/**
 * Event IDs in the Application log, source ADDatabaseBackup (README "Event log"): the hundreds say the command,
 * the units the outcome. Stable: monitoring rules key on them.
 */
export const EVENT_IDS: Record<ReportedCommand, Record<RunRecord['outcome'], number>> = {
  backup: { success: 1000, warning: 1001, failure: 1002 },
  verify: { success: 1100, warning: 1101, failure: 1102 },
  restore: { success: 1200, warning: 1201, failure: 1202 },
  prune: { success: 1300, warning: 1301, failure: 1302 },
};

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' ? v : null);

function resultOutcome(
  command: ReportedCommand,
  r: Record<string, any>,
  integrityStatus: boolean,
): RunRecord['outcome'] {
  if (integrityStatus) return 'failure'; // verify's damaged archive (exit 3)
  const warned =
    (Array.isArray(r['warnings']) && r['warnings'].length > 0) ||
    (command === 'prune' && (r['failedCount'] > 0 || r['items']?.some((i: any) => i.error))) ||
    (command === 'backup' && r['manifest']?.findings?.some((f: any) => f.severity !== 'info'));
  return warned ? 'warning' : 'success';
}

/** The record of a run that returned a result (`status`: the result ended with a non-zero status, e.g. verify's 3). */
export function recordOfResult(
  command: ReportedCommand,
  result: Record<string, any>,
  times: { start: Date; end: Date },
  failedStatus = false,
): RunRecord {
  const archive = str(result['archive']) ?? str(result['archive']?.path) ?? str(result['folder']);
  return {
    start: times.start.toISOString(),
    end: times.end.toISOString(),
    command,
    outcome: resultOutcome(command, result, failedStatus),
    computer: str(result['manifest']?.source?.computer) ?? str(result['computer']) ?? null,
    archive,
    size: num(result['size']),
    sha256: str(result['sha256']),
    errorCode: failedStatus ? 'ARCHIVE_DAMAGED' : null,
    message: null,
    tool: TOOL_VERSION,
  };
}

export function recordOfError(command: ReportedCommand, e: AppError, times: { start: Date; end: Date }): RunRecord {
  return {
    start: times.start.toISOString(),
    end: times.end.toISOString(),
    command,
    outcome: 'failure',
    computer: null,
    archive: e.target ?? null,
    size: null,
    sha256: null,
    errorCode: e.code,
    message: e.message,
    tool: TOOL_VERSION,
  };
}

/** The event's text: what ran, how it ended, the archive and the error code (the event viewer shows it as is). */
export function eventText(r: RunRecord): string {
  const lines = [`adbackup ${r.command}: ${r.outcome}`];
  if (r.computer) lines.push(`Computer: ${r.computer}`);
  if (r.archive) lines.push(`Archive: ${r.archive}`);
  if (r.size !== null) lines.push(`Size: ${r.size} bytes`);
  if (r.sha256) lines.push(`SHA256: ${r.sha256}`);
  if (r.errorCode) lines.push(`Error: ${r.errorCode}${r.message ? `: ${r.message}` : ''}`);
  lines.push(`Started ${r.start}, ended ${r.end} (adbackup ${r.tool})`);
  return lines.join('\r\n');
}
