// After a run of backup, verify, restore or prune: the run log line and the Windows event, as the request's `report`
// asks (the event log is on by default on Windows). Reporting never changes the run's outcome: what cannot be
// reported comes back as warnings for the response.
import { AppError } from '../errors.ts';
import { appendRunRecord, type RunRecord } from './run-log.ts';
import { EVENT_IDS, type ReportedCommand, eventText } from './outcome.ts';

export interface ReportRequest {
  log?: string;
  eventLog?: boolean;
}

export interface ReportPorts {
  platform: NodeJS.Platform;
  /** Writes one Windows event; returns warnings; throws when it cannot. */
  reportEvent(e: { type: RunRecord['outcome']; eventId: number; text: string }): Promise<string[]>;
}

const message = (err: unknown) => (err instanceof AppError ? `${err.code}: ${err.message}` : String(err));

export async function reportRun(
  command: ReportedCommand,
  record: RunRecord,
  report: ReportRequest | undefined,
  ports: ReportPorts,
): Promise<string[]> {
  const warnings: string[] = [];
  if (report?.log) {
    try {
      await appendRunRecord(report.log, record);
    } catch (err) {
      warnings.push(`the run log was not written: ${message(err)}`);
    }
  }
  if (report?.eventLog ?? ports.platform === 'win32') {
    try {
      const w = await ports.reportEvent({
        type: record.outcome,
        eventId: EVENT_IDS[command][record.outcome],
        text: eventText(record),
      });
      warnings.push(...w);
    } catch (err) {
      warnings.push(`no event was written to the Application log: ${message(err)}`);
    }
  }
  return warnings;
}
