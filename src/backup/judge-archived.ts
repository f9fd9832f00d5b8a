// What was archived, judged from the archived bytes themselves (the headers captured as they streamed past), and
// held against the checks made before the first byte was read: a source that changed under the backup, or whose
// archived files cannot restore the database, is refused.
import { AppError } from '../errors.ts';
import { type ManifestFile, eseSummary } from '../archive/manifest.ts';
import { analyzeArchivedFiles } from '../archive/ese-entries.ts';
import type { ParsedDatabaseHeader } from '../ese/database-header.ts';
import type { LogSetAnalysis } from '../logs/analyze.ts';
import type { ArchivedItems } from './archive-items.ts';

export interface JudgedArchive {
  /** The file records with their ESE summaries. */
  files: ManifestFile[];
  database: ParsedDatabaseHeader;
  logs: LogSetAnalysis;
}

type CheckedFirst = Pick<LogSetAnalysis, 'low' | 'high' | 'restorable'> | null;

export function judgeArchived(
  items: ArchivedItems,
  checkedFirst: CheckedFirst,
  allowUnrestorable: boolean,
): JudgedArchive {
  const archived = analyzeArchivedFiles(items.captured);
  for (const [entry, err] of archived.problems) {
    // the database or checkpoint header went bad mid-read
    if (items.files.find((f) => f.entry === entry)?.role !== 'log') throw err;
  }
  const files = items.files.map((f) => {
    const p = archived.parsed.get(f.entry);
    return { ...f, ese: p ? eseSummary(p) : null };
  });
  const db = [...archived.parsed.values()].find((p) => p.kind === 'database');
  if (!db || db.kind !== 'database')
    throw new AppError('Integrity', 'DATABASE_MISSING', 'the source has no readable database header');
  const a = archived.analysis;
  if (
    checkedFirst &&
    (a.low !== checkedFirst.low || a.high !== checkedFirst.high || a.restorable !== checkedFirst.restorable)
  ) {
    throw new AppError(
      'Precondition',
      'SOURCE_CHANGED',
      'the log set changed while it was being archived (its headers differ from the ones checked first)',
    );
  }
  if (!a.restorable && !allowUnrestorable) {
    throw new AppError(
      'Integrity',
      'SOURCE_NOT_RESTORABLE',
      `the archived files cannot restore the database: ${errorMessages(a)}`,
      { details: { findings: a.findings } },
    );
  }
  return { files, database: db.database, logs: a };
}

export function errorMessages(a: Pick<LogSetAnalysis, 'findings'>): string {
  return a.findings
    .filter((f) => f.severity === 'error')
    .map((f) => f.message)
    .join('; ');
}
