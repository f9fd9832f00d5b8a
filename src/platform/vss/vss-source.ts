// Online backup through VSS with the NTDS writer: the requester (requester.ts) makes a snapshot the writer made
// consistent; the files are then read from the snapshot's device path like any folder source, in the same single pass
// (headers, log range, pages, hash, compress, encrypt), recorded under their live paths. The backup components
// document goes into the archive as meta/vss-backup-components.xml. Only after the archive is published does the
// writer hear that the backup succeeded (SetBackupSucceeded + BackupComplete: AD records the backup); any failure or
// interruption aborts the backup and deletes the snapshot.
import { AppError } from '../../errors.ts';
import type { BackupSource, SourceItem, SourcePlan } from '../../backup/source.ts';
import { createFolderSource, localComputerName } from '../folder-source.ts';
import { type Requester, type SnapshotSet, createRequester, expand } from './requester.ts';
import { type VssNative, loadVssapi } from './vssapi.ts';
import { interruptedError } from './async-wait.ts';
import type { NtdsWriter } from './writers.ts';

export const VSS_COMPONENTS_ENTRY_NAME = 'vss-backup-components.xml';

export interface VssSourceOptions {
  computer?: string;
  /** How long each asynchronous VSS step may take (default 600 s). */
  timeoutSeconds?: number;
  /** Aborted on SIGINT/SIGTERM: a VSS step in progress is cancelled and the backup aborted (INTERRUPTED). */
  signal?: AbortSignal;
  /** For tests: another binding than the loaded vssapi.dll's. */
  native?: VssNative;
}

export function createVssSource(opts: VssSourceOptions = {}): BackupSource {
  const computer = (opts.computer ?? localComputerName()).toUpperCase();
  let requester: Requester | null = null;
  return {
    type: 'vss',
    computer,
    async plan(): Promise<SourcePlan> {
      const native = opts.native ?? loadVssapi();
      requester = createRequester(native, (opts.timeoutSeconds ?? 600) * 1000, opts.signal);
      const set = await requester.snapshot();
      // Interrupted during a short synchronous step after the last wait: stop before reading the snapshot.
      if (opts.signal?.aborted) throw interruptedError('the snapshot');
      const files = ntdsFiles(set.writer);
      const inSnapshot = (p: string) => snapshotPath(set, p);
      const folder = createFolderSource({
        databasePath: inSnapshot(files.database),
        logPath: inSnapshot(files.logs),
        ...(files.checkpointDir ? { checkpointPath: inSnapshot(files.checkpointDir) } : {}),
        ...(files.base ? { baseName: files.base } : {}),
        computer,
        recordAs: {
          databasePath: files.database,
          logPath: files.logs,
          ...(files.checkpointDir ? { checkpointPath: files.checkpointDir } : {}),
        },
      });
      const plan = await folder.plan();
      return {
        ...plan,
        items: [...(plan.items as SourceItem[]), xmlItem(set.xml)],
        extra: { vss: manifestRecord(set) },
      };
    },
    async finish({ published }) {
      const r = requester;
      requester = null;
      if (!r) return;
      if (!published) return r.abort();
      try {
        r.complete();
      } catch (err) {
        const e = err as AppError;
        throw new AppError(
          e.category ?? 'Platform',
          e.code ?? 'VSS_ERROR',
          `the archive was published, but telling the NTDS writer that the backup succeeded failed, so AD does not count it as a backup: ${e.message}`,
          {
            ...(e.details ? { details: e.details } : {}),
            cause: err,
          },
        );
      }
    },
  };
}

interface NtdsFiles {
  database: string;
  logs: string;
  checkpointDir: string | null;
  base: string | null;
}

/** Where the writer says the database, its logs and the checkpoint are (live paths). */
function ntdsFiles(w: NtdsWriter): NtdsFiles {
  const dir = (p: string) => expand(p).replace(/\\+$/, '');
  const db = w.files.find((f) => f.kind === 'database' && !/[*?]/.test(f.filespec));
  const logs = w.files.find((f) => f.kind === 'log' && /\.log$/i.test(f.filespec));
  const chk = w.files.find((f) => f.kind === 'log' && /\.chk$/i.test(f.filespec));
  if (!db || !logs) {
    throw new AppError(
      'Platform',
      'NTDS_WRITER_UNEXPECTED',
      `the NTDS writer's metadata names no database file or no log files (${w.files.map((f) => `${f.path}\\${f.filespec}`).join(', ')})`,
    );
  }
  const base = /^([A-Za-z0-9]{3})\*\.log$/i.exec(logs.filespec)?.[1]?.toLowerCase() ?? null;
  return {
    database: `${dir(db.path)}\\${db.filespec}`,
    logs: dir(logs.path),
    checkpointDir: chk ? dir(chk.path) : null,
    base,
  };
}

/** A live path in the snapshot: its volume root replaced by the snapshot's device object. */
function snapshotPath(set: SnapshotSet, live: string): string {
  const s = set.snapshots
    .filter((x) => live.toUpperCase().startsWith(x.volume.toUpperCase()))
    .sort((a, b) => b.volume.length - a.volume.length)[0];
  if (!s)
    throw new AppError('Internal', 'VSS_NO_SNAPSHOT_FOR_PATH', `no snapshot in the set covers '${live}'`, {
      target: live,
    });
  // Plain concatenation: a path library could rewrite the \\?\GLOBALROOT prefix.
  return `${s.device.replace(/\\+$/, '')}\\${live.slice(s.volume.length)}`;
}

function xmlItem(xml: string): SourceItem {
  const data = Buffer.from(xml, 'utf8');
  return {
    role: 'vss-components',
    name: VSS_COMPONENTS_ENTRY_NAME,
    originalPath: 'IVssBackupComponents::SaveAsXML',
    size: data.length,
    mtime: null,
    open: async () => ({
      size: data.length,
      data: (async function* () {
        yield data;
      })(),
    }),
  };
}

function manifestRecord(set: SnapshotSet): Record<string, unknown> {
  const w = set.writer;
  return {
    backupType: 'full',
    context: 'backup',
    writer: {
      name: w.name,
      writerId: w.writerId,
      instanceId: w.instanceId,
      component: w.component,
      files: w.files,
      statusAfterSnapshot: set.writerStatus,
    },
    snapshotSetId: set.setId,
    snapshots: set.snapshots.map((s) => ({ id: s.id, volume: s.volume, device: s.device, createdAt: s.createdAt })),
    backupPrivilege: set.backupPrivilege,
  };
}
