// The writers' side of VSS: the NTDS writer's metadata (its one DATABASE component and file descriptors), read through
// IVssExamineWriterMetadata → IVssWMComponent → IVssWMFiledesc (slots of vsbackup.h / vswriter.h), and the writers'
// status after each phase (GatherWriterStatus, GetWriterStatus). Every interface handed out is released here.
import { AppError } from '../../errors.ts';
import { type Com, type Ptr, guidText } from './com.ts';
import { failed, hex, vssName, writerStateFailed, writerStateName } from './hresults.ts';
import { BC, callAsync, callChecked, vssError } from './vssapi.ts';

export const NTDS_WRITER_ID = 'b2014c9e-8711-4c5c-a5a9-3cf384484757';
const MD = { GetIdentity: 3, GetFileCounts: 4, GetComponent: 7 } as const; // IVssExamineWriterMetadataVtbl
// IVssWMComponentVtbl
const COMP = { GetComponentInfo: 3, FreeComponentInfo: 4, GetDatabaseFile: 6, GetDatabaseLogFile: 7 } as const;
const FD = { GetPath: 3, GetFilespec: 4, GetRecursive: 5 } as const; // IVssWMFiledescVtbl

export interface WriterFile {
  kind: 'database' | 'log';
  path: string;
  filespec: string;
  recursive: boolean;
}

export interface NtdsWriter {
  name: string;
  writerId: string;
  instanceId: string;
  /** The 16 bytes of each id, for the by-value VSS_ID arguments. */
  writerIdBytes: Buffer;
  instanceIdBytes: Buffer;
  component: { name: string; logicalPath: string; type: 'database'; flags: number };
  files: WriterFile[];
}

/** Walks GetWriterMetadata 0..n-1 and returns the NTDS writer, or null when it is not listed. */
export function findNtdsWriter(com: Com, bc: Ptr): NtdsWriter | null {
  const count = [0];
  callChecked(com, bc, 'GetWriterMetadataCount', '_Out_ uint32_t *n', count);
  try {
    for (let i = 0; i < count[0]!; i++) {
      const inst = Buffer.alloc(16);
      const md: unknown[] = [null];
      callChecked(com, bc, 'GetWriterMetadata', 'uint32_t i, void *inst, _Out_ void **md', i, inst, md);
      try {
        const w = examine(com, md[0], inst);
        if (w) return w;
      } finally {
        com.release(md[0]);
      }
    }
    return null;
  } finally {
    callChecked(com, bc, 'FreeWriterMetadata', '');
  }
}

function examine(com: Com, md: Ptr, inst: Buffer): NtdsWriter | null {
  const writer = Buffer.alloc(16);
  const name: unknown[] = [null];
  const ignore = [0, 0];
  check(
    com.call(
      md,
      MD.GetIdentity,
      'void *inst, void *writer, _Out_ void **name, _Out_ int32_t *usage, _Out_ int32_t *source',
      Buffer.alloc(16),
      writer,
      name,
      [ignore[0]],
      [ignore[1]],
    ),
    'IVssExamineWriterMetadata::GetIdentity',
  );
  const writerName = com.takeBstr(name[0]);
  if (guidText(writer) !== NTDS_WRITER_ID) return null;
  const counts = [[0], [0], [0]] as [number[], number[], number[]];
  check(
    com.call(md, MD.GetFileCounts, '_Out_ uint32_t *inc, _Out_ uint32_t *exc, _Out_ uint32_t *comps', ...counts),
    'IVssExamineWriterMetadata::GetFileCounts',
  );
  for (let c = 0; c < counts[2][0]!; c++) {
    const comp: unknown[] = [null];
    check(
      com.call(md, MD.GetComponent, 'uint32_t i, _Out_ void **comp', c, comp),
      'IVssExamineWriterMetadata::GetComponent',
    );
    try {
      const found = component(com, comp[0]);
      if (found)
        return {
          name: writerName,
          writerId: guidText(writer),
          instanceId: guidText(inst),
          writerIdBytes: writer,
          instanceIdBytes: inst,
          ...found,
        };
    } finally {
      com.release(comp[0]);
    }
  }
  return null;
}

/** The `ntds` component: VSS_COMPONENTINFO (x64 offsets: type 0, logical path 8, name 16, flags 48, counts 52–60). */
function component(com: Com, comp: Ptr): Pick<NtdsWriter, 'component' | 'files'> | null {
  const { koffi } = com;
  const infoOut: unknown[] = [null];
  check(com.call(comp, COMP.GetComponentInfo, '_Out_ void **info', infoOut), 'IVssWMComponent::GetComponentInfo');
  const info = infoOut[0];
  let result: Pick<NtdsWriter, 'component' | 'files'> | null = null;
  try {
    const type = koffi.decode(info, 0, 'int32_t') as number;
    const logicalPath = com.string16(koffi.decode(info, 8, 'void *'));
    const name = com.string16(koffi.decode(info, 16, 'void *'));
    const flags = koffi.decode(info, 48, 'uint32_t') as number;
    const databases = koffi.decode(info, 56, 'uint32_t') as number;
    const logs = koffi.decode(info, 60, 'uint32_t') as number;
    if (name.toLowerCase() === 'ntds') {
      const files: WriterFile[] = [];
      for (let i = 0; i < databases; i++) files.push(filedesc(com, comp, COMP.GetDatabaseFile, i, 'database'));
      for (let i = 0; i < logs; i++) files.push(filedesc(com, comp, COMP.GetDatabaseLogFile, i, 'log'));
      if (type !== 1)
        throw new AppError(
          'Platform',
          'NTDS_WRITER_UNEXPECTED',
          `the NTDS writer's component 'ntds' has type ${type}, not VSS_CT_DATABASE`,
        );
      result = { component: { name, logicalPath, type: 'database', flags }, files };
    }
  } finally {
    com.call(comp, COMP.FreeComponentInfo, 'void *info', info);
  }
  return result;
}

function filedesc(com: Com, comp: Ptr, slot: number, i: number, kind: WriterFile['kind']): WriterFile {
  const fd: unknown[] = [null];
  check(com.call(comp, slot, 'uint32_t i, _Out_ void **fd', i, fd), 'IVssWMComponent::GetDatabase(Log)File');
  try {
    const path: unknown[] = [null];
    const spec: unknown[] = [null];
    const rec = [0];
    check(com.call(fd[0], FD.GetPath, '_Out_ void **path', path), 'IVssWMFiledesc::GetPath');
    const p = com.takeBstr(path[0]);
    check(com.call(fd[0], FD.GetFilespec, '_Out_ void **spec', spec), 'IVssWMFiledesc::GetFilespec');
    const s = com.takeBstr(spec[0]);
    check(com.call(fd[0], FD.GetRecursive, '_Out_ uint8_t *recursive', rec), 'IVssWMFiledesc::GetRecursive');
    return { kind, path: p, filespec: s, recursive: rec[0] !== 0 };
  } finally {
    com.release(fd[0]);
  }
}

function check(hr: number, method: string): void {
  if (failed(hr)) throw vssError(method, hr);
}

export interface WriterStatus {
  state: string;
  failure: string | null;
}

/** GatherWriterStatus → the NTDS writer's state; a VSS_WS_FAILED_* state is the backup's failure. */
export function checkNtdsWriter(com: Com, bc: Ptr, after: string, timeoutMs: number): WriterStatus {
  callAsync(com, bc, 'GatherWriterStatus', timeoutMs);
  let status: WriterStatus | null = null;
  try {
    const count = [0];
    callChecked(com, bc, 'GetWriterStatusCount', '_Out_ uint32_t *n', count);
    for (let i = 0; i < count[0]! && !status; i++) {
      const writer = Buffer.alloc(16);
      const name: unknown[] = [null];
      const state = [0];
      const hr = [0];
      callChecked(
        com,
        bc,
        'GetWriterStatus',
        'uint32_t i, void *inst, void *writer, _Out_ void **name, _Out_ int32_t *state, _Out_ int32_t *hr',
        i,
        Buffer.alloc(16),
        writer,
        name,
        state,
        hr,
      );
      com.takeBstr(name[0]);
      if (guidText(writer) !== NTDS_WRITER_ID) continue;
      status = { state: writerStateName(state[0]!), failure: hr[0] === 0 ? null : vssName(hr[0]!) };
      if (writerStateFailed(state[0]!)) {
        throw new AppError(
          'Precondition',
          'NTDS_WRITER_FAILED',
          `after ${after} the NTDS writer is in ${status.state} (${status.failure ?? 'no failure code'}, ${hex(hr[0]!)}): the backup was abandoned; see the Directory Service and Application event logs`,
          {
            details: { after, state: status.state, failure: status.failure, hresult: hex(hr[0]!) },
          },
        );
      }
    }
  } finally {
    com.call(bc, BC.FreeWriterStatus, '');
  }
  if (!status)
    throw new AppError(
      'Precondition',
      'NTDS_WRITER_MISSING',
      `after ${after} the NTDS writer no longer reports a status`,
    );
  return status;
}
