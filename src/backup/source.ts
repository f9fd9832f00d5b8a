// The port through which the backup reads a DSA: a folder (VSS snapshot, IFM output, offline copy) or the online
// Directory Backup API. The core never knows which; adapters live in src/platform.
import type { FileRole } from '../archive/layout.ts';
import type { LogSetReport } from '../logs/scan.ts';

export interface OpenedItem {
  /** The size announced when the file was opened; the data must deliver exactly this many bytes. */
  size: number;
  data: AsyncIterable<Uint8Array>;
}

export interface SourceItem {
  role: FileRole;
  /** Base name as archived: ntds.dit, edb0000A.log, edb.chk … */
  name: string;
  /** The path on the DC, local form (C:\Windows\NTDS\ntds.dit). */
  originalPath: string;
  /** The UNC form when the source reports one (the backup API does), else derived from the local path. */
  originalPathUnc?: string;
  /** Known before opening (folder sources) or only when opened (the backup API). */
  size: number | null;
  mtime: Date | null;
  /**
   * A path the backup may also open at random, after the pass (folder and snapshot sources; the backup API
   * streams only): the database's identity is read from it by key.
   */
  localPath?: string;
  /** Opens the file. Reading throws AppError SOURCE_CHANGED when a file is not stable while read. */
  open(signal?: AbortSignal): Promise<OpenedItem>;
}

export interface SourcePaths {
  database: string;
  logs: string;
  checkpoint: string | null;
}

export interface SourcePlan {
  /** In archive order. The backup API lists its logs only after the database was read, hence an async iterable. */
  items: SourceItem[] | AsyncIterable<SourceItem>;
  paths: SourcePaths;
  /** The log-set analysis made from the headers before any byte is archived (folder sources). */
  analysis: LogSetReport | null;
  /** Anything else worth keeping in the manifest (the API's database locations). */
  extra?: Record<string, unknown>;
}

export interface BackupSource {
  readonly type: 'folder' | 'api' | 'vss';
  readonly computer: string;
  plan(): Promise<SourcePlan>;
  /** After the archive is durably published, or abandoned. The API source ends its session here. */
  finish(outcome: { published: boolean }): Promise<void>;
}
