// Reads a log folder (or a list of log files), and optionally the database and checkpoint headers, then runs
// the pure analysis. Only the first 4 KiB of each log is read.
import { readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { fsError } from '../errors.ts';
import { EseHeaderError } from '../ese/errors.ts';
import { LOG_HEADER_SIZE, parseLogHeader } from '../ese/log-header.ts';
import { readHeaderFile, readHeaderProbe } from '../ese/read.ts';
import { summarizeCheckpoint, summarizeDatabase } from '../ese/report.ts';
import {
  type CheckpointInput,
  type DatabaseInput,
  type LogEntry,
  type LogSetAnalysis,
  analyzeLogSet,
} from './analyze.ts';
import { DEFAULT_BASE, classifyLogName } from './names.ts';

export interface LogSetSource {
  /** A folder: every log-like file in it is considered. */
  logPath?: string;
  /** Or explicit files (as an API backup returns them). */
  files?: string[];
  databasePath?: string;
  /** A checkpoint file; when absent, `<base>.chk` in `logPath` is used if present. */
  checkpointPath?: string;
  baseName?: string;
}

export interface LogSetReport extends LogSetAnalysis {
  database: (ReturnType<typeof summarizeDatabase> & { path: string }) | null;
  checkpoint: (ReturnType<typeof summarizeCheckpoint> & { path: string }) | null;
}

const PARALLEL_READS = 16;

export async function scanLogSet(source: LogSetSource): Promise<LogSetReport> {
  const base = source.baseName ?? DEFAULT_BASE;
  const paths: string[] = [...(source.files ?? [])];
  let checkpointPath = source.checkpointPath;
  if (source.logPath !== undefined) {
    let names: string[];
    try {
      names = (await readdir(source.logPath, { withFileTypes: true })).filter((d) => d.isFile()).map((d) => d.name);
    } catch (err) {
      throw fsError(err, source.logPath, 'list the log folder');
    }
    for (const name of names.sort()) {
      const role = classifyLogName(name, base).role;
      if (role === 'checkpoint') checkpointPath ??= join(source.logPath, name);
      else if (role !== 'other') paths.push(join(source.logPath, name));
    }
  }

  const entries = await mapLimited(paths, PARALLEL_READS, readLogEntry);

  let database: DatabaseInput | null = null;
  let databaseReport: LogSetReport['database'] = null;
  if (source.databasePath !== undefined) {
    const f = await readHeaderFile(source.databasePath, 'database');
    if (f.kind === 'database') {
      database = { name: basename(source.databasePath), header: f.database.header, pageSize: f.database.pageSize };
      databaseReport = { path: source.databasePath, ...summarizeDatabase(f.database) };
    }
  }
  let checkpoint: CheckpointInput | null = null;
  let checkpointReport: LogSetReport['checkpoint'] = null;
  if (checkpointPath !== undefined) {
    const f = await readHeaderFile(checkpointPath, 'checkpoint');
    if (f.kind === 'checkpoint') {
      checkpoint = { name: basename(checkpointPath), checkpoint: f.checkpoint.checkpoint };
      checkpointReport = { path: checkpointPath, ...summarizeCheckpoint(f.checkpoint) };
    }
  }
  const analysis = analyzeLogSet(entries, database, checkpoint, { base });
  return { ...analysis, database: databaseReport, checkpoint: checkpointReport };
}

async function readLogEntry(path: string): Promise<LogEntry> {
  const { bytes, fileSize } = await readHeaderProbe(path, LOG_HEADER_SIZE);
  const name = basename(path);
  try {
    return { name, fileSize, header: parseLogHeader(bytes, fileSize).header, problem: null };
  } catch (err) {
    if (err instanceof EseHeaderError)
      return { name, fileSize, header: null, problem: { code: err.problem, message: err.message } };
    throw err;
  }
}

async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (x: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
