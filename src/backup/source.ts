// The port through which the backup reads a DSA: a folder (VSS snapshot, IFM output, offline copy) or the online
// Directory Backup API. The core never knows which; adapters live in src/platform.
import type { FileRole } from '../archive/layout.ts';
import type { LogSetReport } from '../logs/scan.ts';

export interface SourceItem {
  role: FileRole;
  /** Base name as archived: ntds.dit, edb0000A.log, edb.chk … */
  name: string;
  originalPath: string;
  size: number;
  mtime: Date | null;
  /** Exactly `size` bytes. Throws AppError SOURCE_CHANGED when the file is not stable while read. */
  read(signal?: AbortSignal): AsyncIterable<Uint8Array>;
}

export interface SourcePaths {
  database: string;
  logs: string;
  checkpoint: string | null;
}

export interface SourcePlan {
  items: SourceItem[];
  paths: SourcePaths;
  /** The log-set analysis made from the headers before any byte is archived (folder sources). */
  analysis: LogSetReport | null;
}

export interface BackupSource {
  readonly type: 'folder' | 'api';
  readonly computer: string;
  plan(): Promise<SourcePlan>;
  /** After the archive is durably published, or abandoned. The API source ends its session here. */
  finish(outcome: { published: boolean }): Promise<void>;
}
