// The restore receipt: what a restore did (archive, method, files written and set aside, registry values) and what
// the registry said before it (DSA Previous Restore Count, DSA Database Epoch), written into the database folder's
// pre-restore-<UTC> folder. restore-status reads it after the DC's restart to tell whether NTDS took the restore.
import { mkdir, readFile, readdir } from 'node:fs/promises';
import { AppError, fsError } from '../errors.ts';
import { writeFileAtomic } from '../publish.ts';
import type { SignatureSummary } from '../ese/report.ts';
import type { RestoreMethod } from '../logs/restore-method.ts';
import { pathApi } from '../paths.ts';
import {
  DATABASE_EPOCH_VALUE,
  DATABASE_RESTORED_VALUE,
  PARAMETERS_KEY,
  RESTORE_COUNT_VALUE,
  RESTORE_IN_PROGRESS_KEY,
} from '../registry/restore-plan.ts';
import type { RegChange } from '../registry/values.ts';
import { TOOL_VERSION } from '../version.ts';
import type { RegistryReader } from '../registry/ports.ts';

const RECEIPT_NAME = 'restore-receipt.json';
export const RECEIPT_FORMAT = 'adbackup-restore-receipt';

/** The registry as the restore found it; null fields: the value was absent. */
export interface RegistryBefore {
  readFrom: string;
  previousRestoreCount: number | null;
  databaseEpoch: number | string | null;
  databaseRestoredFromBackup: number | null;
  restoreInProgress: boolean;
}

export interface RestoreReceipt {
  format: typeof RECEIPT_FORMAT;
  formatVersion: 1;
  tool: { name: 'adbackup'; version: string };
  restoredAt: string;
  archive: { path: string; backupId: string; sha256: string | null; createdAt: string; computer: string };
  method: RestoreMethod;
  database: { path: string; logical: string; signDb: SignatureSummary; sha256: string };
  targets: { database: string; logPath: string; backupLogPath: string; checkpointFilePath: string };
  written: { entry: string; to: string; size: number; sha256: string }[];
  movedAside: { from: string; to: string }[];
  registry: { values: RegChange[]; writtenTo: string[] };
  /** Null when the registry could not be read where the restore ran (a rescue host writing a .reg file). */
  before: RegistryBefore | null;
}

/** Reads the values a receipt records and restore-status compares with. */
export async function readRegistryBefore(reader: RegistryReader): Promise<RegistryBefore> {
  const dword = async (name: string) => {
    const v = await reader.value(PARAMETERS_KEY, name);
    return v === null ? null : v.type === 'REG_DWORD' ? v.value : null;
  };
  const epoch = await reader.value(PARAMETERS_KEY, DATABASE_EPOCH_VALUE);
  return {
    readFrom: reader.description,
    previousRestoreCount: await dword(RESTORE_COUNT_VALUE),
    databaseEpoch: epoch === null ? null : epoch.type === 'REG_DWORD' ? epoch.value : String(epoch.value),
    databaseRestoredFromBackup: await dword(DATABASE_RESTORED_VALUE),
    restoreInProgress: await reader.keyExists(RESTORE_IN_PROGRESS_KEY),
  };
}

export async function writeReceipt(folder: string, receipt: RestoreReceipt): Promise<string> {
  const path = pathApi(folder).join(folder, RECEIPT_NAME);
  try {
    await mkdir(folder, { recursive: true });
    await writeFileAtomic(path, JSON.stringify(receipt, null, 2) + '\n', { replaceStale: true });
  } catch (err) {
    throw fsError(err, path, 'write the restore receipt');
  }
  return path;
}

export async function readReceipt(path: string): Promise<RestoreReceipt> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw fsError(err, path, 'read the restore receipt');
  }
  let r: unknown;
  try {
    r = JSON.parse(text);
  } catch {
    throw new AppError('Integrity', 'RECEIPT_INVALID', `'${path}' is not valid JSON`, { target: path });
  }
  const o = r as Partial<RestoreReceipt> | null;
  if (
    !o ||
    o.format !== RECEIPT_FORMAT ||
    typeof o.restoredAt !== 'string' ||
    !o.database ||
    !o.method ||
    !o.registry
  ) {
    throw new AppError('Integrity', 'RECEIPT_INVALID', `'${path}' is not a restore receipt of this tool`, {
      target: path,
    });
  }
  return o as RestoreReceipt;
}

/** The newest receipt in a database folder's pre-restore-* folders (their names sort by time), or null. */
export async function findReceipt(databaseFolder: string): Promise<string | null> {
  const api = pathApi(databaseFolder);
  const names = await readdir(databaseFolder).catch(() => [] as string[]);
  const stamped = names
    .filter((n) => n.startsWith('pre-restore-'))
    .sort(byStamp)
    .reverse();
  for (const n of stamped) {
    const candidate = api.join(databaseFolder, n, RECEIPT_NAME);
    if (
      await readFile(candidate).then(
        () => true,
        () => false,
      )
    )
      return candidate;
  }
  return null;
}

/** pre-restore-<UTC>[-N]: by time, then by the number a same-second re-run got. */
function byStamp(a: string, b: string): number {
  const key = (n: string) => {
    const m = /^pre-restore-(\d{8}T\d{6}Z)(?:-(\d+))?$/.exec(n);
    return m ? `${m[1]}-${(m[2] ?? '1').padStart(6, '0')}` : n;
  };
  return key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;
}
