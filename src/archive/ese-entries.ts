// ESE headers of archived files, taken from the bytes as they stream past (no second read), and the log-set
// analysis over them. The backup uses it on what it archives; verify on what it reads back.
import { HEADER_PROBE_BYTES } from '../ese/database-header.ts';
import { LOG_HEADER_SIZE, parseLogHeader } from '../ese/log-header.ts';
import { CHECKPOINT_SIZE } from '../ese/checkpoint.ts';
import { EseHeaderError } from '../ese/errors.ts';
import { type HeaderKind, type ParsedHeaderFile, parseHeaderBytes } from '../ese/read.ts';
import { type LogEntry, type LogSetAnalysis, analyzeLogSet } from '../logs/analyze.ts';
import type { FileRole } from './layout.ts';

const CAPTURE: Partial<Record<FileRole, number>> = {
  database: HEADER_PROBE_BYTES,
  log: LOG_HEADER_SIZE,
  checkpoint: 2 * CHECKPOINT_SIZE,
};
const KIND: Partial<Record<FileRole, HeaderKind>> = { database: 'database', log: 'log', checkpoint: 'checkpoint' };

/** Keeps the first bytes of a stream (as many as the role's header needs). */
export class HeaderCapture {
  private readonly buf: Uint8Array;
  private n = 0;
  constructor(role: FileRole) {
    this.buf = new Uint8Array(CAPTURE[role] ?? 0);
  }
  add(chunk: Uint8Array): void {
    if (this.n >= this.buf.length) return;
    const take = Math.min(chunk.length, this.buf.length - this.n);
    this.buf.set(chunk.subarray(0, take), this.n);
    this.n += take;
  }
  bytes(): Uint8Array {
    return this.buf.subarray(0, this.n);
  }
}

export interface ArchivedEseFile {
  entry: string;
  role: FileRole;
  name: string;
  size: number;
  header: Uint8Array;
}

export interface ArchivedEseAnalysis {
  parsed: Map<string, ParsedHeaderFile>;
  problems: Map<string, EseHeaderError>;
  analysis: LogSetAnalysis;
}

export function analyzeArchivedFiles(files: readonly ArchivedEseFile[]): ArchivedEseAnalysis {
  const parsed = new Map<string, ParsedHeaderFile>();
  const problems = new Map<string, EseHeaderError>();
  const logs: LogEntry[] = [];
  for (const f of files) {
    const kind = KIND[f.role];
    if (!kind) continue;
    if (kind === 'log') {
      // Logs are judged by the analysis (an unusable log is a finding, not a failure of the whole read).
      try {
        const p = parseLogHeader(f.header, f.size);
        parsed.set(f.entry, { kind: 'log', fileSize: f.size, log: p });
        logs.push({ name: f.name, fileSize: f.size, header: p.header, problem: null });
      } catch (err) {
        if (!(err instanceof EseHeaderError)) throw err;
        problems.set(f.entry, err);
        logs.push({
          name: f.name,
          fileSize: f.size,
          header: null,
          problem: { code: err.problem, message: err.message },
        });
      }
      continue;
    }
    try {
      parsed.set(f.entry, parseHeaderBytes(f.header, f.size, kind));
    } catch (err) {
      if (!(err instanceof EseHeaderError)) throw err;
      problems.set(f.entry, err);
    }
  }
  const dbFile = files.find((f) => f.role === 'database');
  const db = dbFile ? parsed.get(dbFile.entry) : undefined;
  const cpFile = files.find((f) => f.role === 'checkpoint');
  const cp = cpFile ? parsed.get(cpFile.entry) : undefined;
  const analysis = analyzeLogSet(
    logs,
    db?.kind === 'database' ? { name: dbFile!.name, header: db.database.header, pageSize: db.database.pageSize } : null,
    cp?.kind === 'checkpoint' ? { name: cpFile!.name, checkpoint: cp.checkpoint.checkpoint } : null,
  );
  return { parsed, problems, analysis };
}
