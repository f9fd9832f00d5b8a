// The VSS requester of a full backup with the NTDS writer, in the documented order: CreateVssBackupComponents →
// InitializeForBackup → SetContext(VSS_CTX_BACKUP) → SetBackupState(components, not bootable system state,
// VSS_BT_FULL) → GatherWriterMetadata (waited) → find NTDS and its `ntds` component → AddComponent → StartSnapshotSet
// → IsVolumeSupported + AddToSnapshotSet per volume → PrepareForBackup (waited, writer status) → DoSnapshotSet
// (waited, writer status) → SaveAsXML → GetSnapshotProperties. Then either complete() — only once the archive is
// published: SetBackupSucceeded + BackupComplete (waited, writer status) — or abort(): AbortBackup once
// PrepareForBackup succeeded, DeleteSnapshots once a snapshot exists. release() always ends it.
import { AppError } from '../../errors.ts';
import { type Com, type Ptr, guidBytes, guidText } from './com.ts';
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
  return new VssRequester(native, timeoutMs, signal);
}

/** One backup's IVssBackupComponents: a method per step, called in the order of the header comment. */
class VssRequester implements Requester {
  private readonly native: VssNative;
  private readonly com: Com;
  private readonly timeoutMs: number;
  private readonly signal: AbortSignal | undefined;
  private bc: Ptr = null;
  private phase: Phase = 'none';
  private writer: NtdsWriter | null = null;
  private setId: Buffer | null = null;

  constructor(native: VssNative, timeoutMs: number, signal: AbortSignal | undefined) {
    this.native = native;
    this.com = native.com;
    this.timeoutMs = timeoutMs;
    this.signal = signal;
  }

  async snapshot(): Promise<SnapshotSet> {
    const privilege = this.native.initCom();
    this.bc = this.native.create();
    this.phase = 'created';
    const w = (this.writer = await this.discover());
    this.addComponent(w);
    const setId = this.startSnapshotSet();
    const snaps = this.addVolumes(w);
    await this.prepareForBackup();
    const writerStatus = await this.doSnapshotSet();
    const xml = this.saveAsXml();
    for (const s of snaps) this.properties(s);
    return {
      setId: guidText(setId),
      snapshots: snaps,
      writer: w,
      xml,
      writerStatus,
      backupPrivilege: privilege.backupPrivilege,
    };
  }

  complete(): WriterStatus {
    if (this.phase !== 'snapshot' || !this.writer)
      throw new AppError('Internal', 'VSS_NOT_SNAPSHOT', 'BackupComplete without a snapshot');
    try {
      this.call(
        'SetBackupSucceeded',
        'ADBACKUP_VSS_ID inst, ADBACKUP_VSS_ID writer, int32_t type, str16 path, str16 name, uint8_t ok',
        ...this.componentArgs(this.writer),
        1,
      );
      callAsync(this.com, this.bc, 'BackupComplete', this.timeoutMs);
      return this.writerStatusAfter('BackupComplete');
    } finally {
      this.release();
    }
  }

  abort(): void {
    try {
      if (this.phase === 'prepared' || this.phase === 'snapshot') this.com.call(this.bc, BC.AbortBackup, '');
      if (this.phase === 'snapshot' && this.setId) this.deleteSnapshots(this.setId);
    } finally {
      this.release();
    }
  }

  private call(m: keyof typeof BC, args: string, ...v: unknown[]): number {
    return callChecked(this.com, this.bc, m, args, ...v);
  }

  /** A long asynchronous method, waited for without blocking the event loop (its IVssAsync status checked). */
  private waitFor(m: 'GatherWriterMetadata' | 'PrepareForBackup' | 'DoSnapshotSet'): Promise<void> {
    return callAsyncAbortable(this.com, this.bc, m, this.timeoutMs, this.signal);
  }

  /** The NTDS writer's status after `m` (GatherWriterStatus); a failed writer is an error. */
  private writerStatusAfter(m: 'PrepareForBackup' | 'DoSnapshotSet' | 'BackupComplete'): WriterStatus {
    return checkNtdsWriter(this.com, this.bc, m, this.timeoutMs);
  }

  /** InitializeForBackup → SetContext → SetBackupState → GatherWriterMetadata, then the NTDS writer in it. */
  private async discover(): Promise<NtdsWriter> {
    this.call('InitializeForBackup', 'void *xml', null);
    this.call('SetContext', 'int32_t context', VSS_CTX_BACKUP);
    this.call(
      'SetBackupState',
      'uint8_t select, uint8_t bootable, int32_t type, uint8_t partial',
      1,
      0,
      VSS_BT_FULL,
      0,
    );
    await this.waitFor('GatherWriterMetadata');
    const w = findNtdsWriter(this.com, this.bc);
    if (!w) {
      throw new AppError(
        'Precondition',
        'NTDS_WRITER_MISSING',
        'VSS lists no NTDS writer: this computer is not a domain controller, the directory service is stopped, or the writer failed to identify itself (vssadmin list writers)',
      );
    }
    return w;
  }

  private addComponent(w: NtdsWriter): void {
    this.call(
      'AddComponent',
      'ADBACKUP_VSS_ID inst, ADBACKUP_VSS_ID writer, int32_t type, str16 path, str16 name',
      ...this.componentArgs(w),
    );
  }

  private startSnapshotSet(): Buffer {
    this.setId = Buffer.alloc(16);
    this.call('StartSnapshotSet', 'void *id', this.setId);
    return this.setId;
  }

  /** Every volume holding a file of the writer's, into the set. */
  private addVolumes(w: NtdsWriter): Snapshot[] {
    const volumes = [...new Set(w.files.map((f) => this.native.volumeOf(expand(f.path)).toUpperCase()))];
    return volumes.map((volume) => this.addVolume(volume));
  }

  /** IsVolumeSupported (refused: VSS_VOLUME_NOT_SUPPORTED), then AddToSnapshotSet. */
  private addVolume(volume: string): Snapshot {
    const { com } = this;
    const ok = [0];
    this.call(
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
    this.call('AddToSnapshotSet', 'str16 volume, ADBACKUP_VSS_ID provider, void *id', volume, com.id(NULL_ID), id);
    return { id: guidText(id), volume, device: '', createdAt: null };
  }

  /** From here AbortBackup is owed on failure. */
  private async prepareForBackup(): Promise<void> {
    await this.waitFor('PrepareForBackup');
    this.phase = 'prepared';
    this.writerStatusAfter('PrepareForBackup');
  }

  /** From here the snapshots exist: DeleteSnapshots is owed on failure too. */
  private async doSnapshotSet(): Promise<WriterStatus> {
    await this.waitFor('DoSnapshotSet');
    this.phase = 'snapshot';
    return this.writerStatusAfter('DoSnapshotSet');
  }

  /** The backup components document (a BSTR, freed). */
  private saveAsXml(): string {
    const xml: unknown[] = [null];
    this.call('SaveAsXML', '_Out_ void **xml', xml);
    return this.com.takeBstr(xml[0]);
  }

  /** GetSnapshotProperties: the snapshot's device and creation time, into `s`. */
  private properties(s: Snapshot): void {
    const { com } = this;
    const prop = Buffer.alloc(128); // VSS_SNAPSHOT_PROP, x64
    this.call('GetSnapshotProperties', 'ADBACKUP_VSS_ID id, void *prop', com.id(guidBytes(s.id)), prop);
    try {
      s.device = com.string16(com.koffi.decode(prop, 40, 'void *'));
      const ft = prop.readBigInt64LE(112); // FILETIME: 100 ns since 1601
      s.createdAt = ft > 0n ? new Date(Number(ft / 10000n - 11644473600000n)).toISOString() : null;
    } finally {
      this.native.freeSnapshotProperties(prop);
    }
  }

  /** DeleteSnapshots of the set; its HRESULT is not checked. */
  private deleteSnapshots(setId: Buffer): void {
    const deleted = [0];
    // VSS_E_OBJECT_NOT_FOUND: AbortBackup already took them; and releasing the object deletes what is left.
    this.com.call(
      this.bc,
      BC.DeleteSnapshots,
      'ADBACKUP_VSS_ID id, int32_t type, int32_t force, _Out_ int32_t *deleted, void *failed',
      this.com.id(setId),
      VSS_OBJECT_SNAPSHOT_SET,
      1,
      deleted,
      Buffer.alloc(16),
    );
  }

  private componentArgs(w: NtdsWriter): unknown[] {
    const { com } = this;
    return [
      com.id(w.instanceIdBytes),
      com.id(w.writerIdBytes),
      VSS_CT_DATABASE,
      w.component.logicalPath || null,
      w.component.name,
    ];
  }

  private release(): void {
    if (this.bc) this.com.release(this.bc); // with VSS_CTX_BACKUP, releasing the object deletes the snapshots it made
    this.bc = null;
    this.phase = 'released';
  }
}

/** %SystemRoot% and the like in a writer's paths (the SDK's requester sample expands them too). */
export function expand(path: string): string {
  return path.replace(/%([^%]+)%/g, (all, name: string) => process.env[name] ?? all);
}
