// The inputs and result of a log-set analysis (analyze.ts), and the intermediate shape its stages share: the
// numbered and current logs placed by generation, and what the newest readable one says.
import type { LogHeader } from '../ese/log-header.ts';
import type { DatabaseHeader } from '../ese/database-header.ts';
import type { Checkpoint } from '../ese/checkpoint.ts';
import type { Signature } from '../ese/structs.ts';
import type { SignatureSummary } from '../ese/report.ts';
import type { LogFileRole } from './names.ts';
import type { Finding, GenerationRange } from './findings.ts';
import type { RestoreMethod } from './restore-method.ts';

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

export type RequiredRange = GenerationRange & { source: RequiredSource };

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
  required: RequiredRange | null;
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

/** A numbered or current log that holds a generation's place in the sequence. */
export interface Placed {
  entry: LogEntry;
  role: 'current' | 'numbered';
  generation: number;
}

/** A placed log whose header was read without a problem. */
export interface ReadLog {
  name: string;
  generation: number;
  header: LogHeader;
}

/** The placed logs in generation order, and the runs of consecutive generations they form. */
export interface PlacedSet {
  /** Generations present, ascending. */
  gens: number[];
  ordered: Placed[];
  /** The placed logs with a readable header, in generation order. */
  readable: ReadLog[];
  /** The newest readable log: its signature and geometry are the set's reference. */
  newest: ReadLog | null;
  refSig: Signature | null;
  runs: GenerationRange[];
  /** The run that ends at the newest log: the usable range (0-0 when there is no log). */
  low: number;
  high: number;
  hasRange: boolean;
}
