// The VSS requester of a full backup with the NTDS writer, in the documented order: CreateVssBackupComponents →
// InitializeForBackup → SetContext(VSS_CTX_BACKUP) → SetBackupState(components, not bootable system state,
// VSS_BT_FULL) → GatherWriterMetadata (waited) → find NTDS and its `ntds` component → AddComponent → StartSnapshotSet
// → IsVolumeSupported + AddToSnapshotSet per volume → PrepareForBackup (waited, writer status) → DoSnapshotSet
// (waited, writer status) → SaveAsXML → GetSnapshotProperties. Then either complete() — only once the archive is
// published: SetBackupSucceeded + BackupComplete (waited, writer status) — or abort(): AbortBackup once
// PrepareForBackup succeeded, DeleteSnapshots once a snapshot exists. release() always ends it.
import { AppError } from '../../errors.ts';
import { type Ptr, guidBytes, guidText } from './com.ts';
import {
  BC,
  VSS_BT_FULL,
  VSS_CTX_BACKUP,
  VSS_CT_DATABASE,
  VSS_OBJECT_SNAPSHOT_SET,
  type VssNative,
  callAsync,
  callChecked,
} from './vssapi.ts';
import { type NtdsWriter, type WriterStatus, checkNtdsWriter, findNtdsWriter } from './writers.ts';
import { callAsyncAbortable } from './async-wait.ts';

export interface Snapshot {
  id: string;
  volume: string;
  /** \\?\GLOBALROOT\Device\HarddiskVolumeShadowCopyN: no trailing backslash. */
  device: string;
  createdAt: string | null;
}

export interface SnapshotSet {
  setId: string;
  snapshots: Snapshot[];
  writer: NtdsWriter;
  /** IVssBackupComponents::SaveAsXML after DoSnapshotSet. */
  xml: string;
  writerStatus: WriterStatus;
  backupPrivilege: boolean;
}

type Phase = 'none' | 'created' | 'prepared' | 'snapshot' | 'released';

export interface Requester {
  /** The long waits give way to the event loop; `signal` aborting one cancels it with INTERRUPTED. */
  snapshot(): Promise<SnapshotSet>;
  /** After the archive is published: SetBackupSucceeded + BackupComplete; then release. */
  complete(): WriterStatus;
  /** After a failure or an interruption: AbortBackup / DeleteSnapshots as far as the backup got; then release. */
  abort(): void;
}

const NULL_ID = Buffer.alloc(16);

export function createRequester(native: VssNative, timeoutMs: number, signal?: AbortSignal): Requester {
  const { com } = native;
  let bc: Ptr = null;
  let phase: Phase = 'none';
  let writer: NtdsWriter | null = null;
  let setId: Buffer | null = null;
  const call = (m: keyof typeof BC, args: string, ...v: unknown[]) => callChecked(com, bc, m, args, ...v);

  async function discover(): Promise<NtdsWriter> {
    call('InitializeForBackup', 'void *xml', null);
    call('SetContext', 'int32_t context', VSS_CTX_BACKUP);
    call('SetBackupState', 'uint8_t select, uint8_t bootable, int32_t type, uint8_t partial', 1, 0, VSS_BT_FULL, 0);
    await callAsyncAbortable(com, bc, 'GatherWriterMetadata', timeoutMs, signal);
    const w = findNtdsWriter(com, bc);
    if (!w) {
      throw new AppError(
        'Precondition',
        'NTDS_WRITER_MISSING',
        'VSS lists no NTDS writer: this computer is not a domain controller, the directory service is stopped, or the writer failed to identify itself (vssadmin list writers)',
      );
    }
    return w;
  }

  function addVolumes(w: NtdsWriter): Snapshot[] {
    const volumes = [...new Set(w.files.map((f) => native.volumeOf(expand(f.path)).toUpperCase()))];
    const snaps: Snapshot[] = [];
    for (const volume of volumes) {
      const ok = [0];
      call(
        'IsVolumeSupported',
        'ADBACKUP_VSS_ID provider, str16 volume, _Out_ int32_t *supported',
        com.id(NULL_ID),
        volume,
        ok,
      );
      if (!ok[0])
        throw new AppError(
          'Platform',
          'VSS_VOLUME_NOT_SUPPORTED',
          `no snapshot provider supports the volume ${volume} that holds NTDS files`,
          { target: volume },
        );
      const id = Buffer.alloc(16);
      call('AddToSnapshotSet', 'str16 volume, ADBACKUP_VSS_ID provider, void *id', volume, com.id(NULL_ID), id);
      snaps.push({ id: guidText(id), volume, device: '', createdAt: null });
    }
    return snaps;
  }

  function properties(s: Snapshot): void {
    const prop = Buffer.alloc(128); // VSS_SNAPSHOT_PROP, x64
    call('GetSnapshotProperties', 'ADBACKUP_VSS_ID id, void *prop', com.id(guidBytes(s.id)), prop);
    try {
      s.device = com.string16(com.koffi.decode(prop, 40, 'void *'));
      const ft = prop.readBigInt64LE(112); // FILETIME: 100 ns since 1601
      s.createdAt = ft > 0n ? new Date(Number(ft / 10000n - 11644473600000n)).toISOString() : null;
    } finally {
      native.freeSnapshotProperties(prop);
    }
  }

  function componentArgs(w: NtdsWriter): unknown[] {
    return [
      com.id(w.instanceIdBytes),
      com.id(w.writerIdBytes),
      VSS_CT_DATABASE,
      w.component.logicalPath || null,
      w.component.name,
    ];
  }

  function release(): void {
    if (bc) com.release(bc); // with VSS_CTX_BACKUP, releasing the object deletes the snapshots it made
    bc = null;
    phase = 'released';
  }

  return {
    async snapshot() {
      const privilege = native.initCom();
      bc = native.create();
      phase = 'created';
      const w = (writer = await discover());
      call(
        'AddComponent',
        'ADBACKUP_VSS_ID inst, ADBACKUP_VSS_ID writer, int32_t type, str16 path, str16 name',
        ...componentArgs(w),
      );
      setId = Buffer.alloc(16);
      call('StartSnapshotSet', 'void *id', setId);
      const snaps = addVolumes(w);
      await callAsyncAbortable(com, bc, 'PrepareForBackup', timeoutMs, signal);
      phase = 'prepared';
      checkNtdsWriter(com, bc, 'PrepareForBackup', timeoutMs);
      await callAsyncAbortable(com, bc, 'DoSnapshotSet', timeoutMs, signal);
      phase = 'snapshot';
      const writerStatus = checkNtdsWriter(com, bc, 'DoSnapshotSet', timeoutMs);
      const xml: unknown[] = [null];
      call('SaveAsXML', '_Out_ void **xml', xml);
      const text = com.takeBstr(xml[0]);
      for (const s of snaps) properties(s);
      return {
        setId: guidText(setId),
        snapshots: snaps,
        writer: w,
        xml: text,
        writerStatus,
        backupPrivilege: privilege.backupPrivilege,
      };
    },
    complete() {
      if (phase !== 'snapshot' || !writer)
        throw new AppError('Internal', 'VSS_NOT_SNAPSHOT', 'BackupComplete without a snapshot');
      try {
        call(
          'SetBackupSucceeded',
          'ADBACKUP_VSS_ID inst, ADBACKUP_VSS_ID writer, int32_t type, str16 path, str16 name, uint8_t ok',
          ...componentArgs(writer),
          1,
        );
        callAsync(com, bc, 'BackupComplete', timeoutMs);
        return checkNtdsWriter(com, bc, 'BackupComplete', timeoutMs);
      } finally {
        release();
      }
    },
    abort() {
      try {
        if (phase === 'prepared' || phase === 'snapshot') com.call(bc, BC.AbortBackup, '');
        if (phase === 'snapshot' && setId) {
          const deleted = [0];
          // VSS_E_OBJECT_NOT_FOUND: AbortBackup already took them; and releasing the object deletes what is left.
          com.call(
            bc,
            BC.DeleteSnapshots,
            'ADBACKUP_VSS_ID id, int32_t type, int32_t force, _Out_ int32_t *deleted, void *failed',
            com.id(setId),
            VSS_OBJECT_SNAPSHOT_SET,
            1,
            deleted,
            Buffer.alloc(16),
          );
        }
      } finally {
        release();
      }
    },
  };
}

/** %SystemRoot% and the like in a writer's paths (the SDK's requester sample expands them too). */
export function expand(path: string): string {
  return path.replace(/%([^%]+)%/g, (all, name: string) => process.env[name] ?? all);
}
