// restore-status: after the DC's restart, did NTDS take the restore? It compares the receipt with the registry now
// (the registration consumed? DSA Previous Restore Count one higher?) and the database file (still the restored
// database?). Whether NTDS removes "Database restored from backup" after using it is not documented, so the count
// decides; for Restore in Progress, NTDS removes the key once its restore succeeded (KB814167.md).
import { stat } from 'node:fs/promises';
import { AppError } from '../errors.ts';
import { pathApi } from '../paths.ts';
import { readHeaderFile } from '../ese/read.ts';
import { summarizeSignature } from '../ese/report.ts';
import type { RegistryReader } from '../registry/ports.ts';
import { type RegistryBefore, type RestoreReceipt, findReceipt, readReceipt, readRegistryBefore } from './receipt.ts';
import { reroot } from './targets.ts';

export type RestoreState = 'pending' | 'completed' | 'failed' | 'unknown';

export interface DatabaseCheck {
  path: string;
  present: boolean;
  /** Same database signature as the restored one (null: header unreadable). */
  sameDatabase: boolean | null;
  /** Written since the restore (NTDS ran on it). */
  changedSinceRestore: boolean | null;
}

export interface RestoreStatus {
  status: RestoreState;
  reasons: string[];
  receipt: string;
  method: RestoreReceipt['method'];
  restoredAt: string;
  archive: RestoreReceipt['archive'];
  before: RegistryBefore | null;
  now: RegistryBefore | null;
  registrationPresent: boolean | null;
  database: DatabaseCheck;
  ntdsService: string | null;
}

export interface StatusPorts {
  registryReader: RegistryReader | null;
  ntdsServiceState: (() => string) | null;
}

export interface StatusRequest {
  receipt?: string;
  databasePath?: string;
  root?: string;
}

export async function restoreStatus(req: StatusRequest, ports: StatusPorts): Promise<RestoreStatus> {
  const receiptPath = req.receipt ?? (await locateReceipt(req));
  const receipt = await readReceipt(receiptPath);
  const now = ports.registryReader ? await readRegistryBefore(ports.registryReader) : null;
  const database = await checkDatabase(receipt, req.root);
  const service = ports.ntdsServiceState ? safely(ports.ntdsServiceState) : null;
  const registrationPresent =
    now === null
      ? null
      : receipt.method === 'restore-in-progress'
        ? now.restoreInProgress
        : (now.databaseRestoredFromBackup ?? 0) !== 0;
  const { status, reasons } = judgeRestore({ receipt, now, registrationPresent, database, service });
  return {
    status,
    reasons,
    receipt: receiptPath,
    method: receipt.method,
    restoredAt: receipt.restoredAt,
    archive: receipt.archive,
    before: receipt.before,
    now,
    registrationPresent,
    database,
    ntdsService: service,
  };
}

async function locateReceipt(req: StatusRequest): Promise<string> {
  if (req.databasePath === undefined) {
    throw new AppError(
      'InvalidRequest',
      'RECEIPT_NOT_FOUND',
      'name the receipt (receipt) or the database (databasePath) whose pre-restore folders hold it',
    );
  }
  const p = req.root !== undefined ? reroot(req.root, req.databasePath) : req.databasePath;
  const folder = (await stat(p).then(
    (s) => s.isDirectory(),
    () => false,
  ))
    ? p
    : pathApi(p).dirname(p);
  const found = await findReceipt(folder);
  if (!found)
    throw new AppError(
      'Precondition',
      'RECEIPT_NOT_FOUND',
      `no restore receipt in the pre-restore folders of '${folder}': this tool restored nothing there`,
      { target: folder },
    );
  return found;
}

/** The restored database where this process sees it: re-rooted, where it was written, or the DC's own path. */
async function checkDatabase(r: RestoreReceipt, root: string | undefined): Promise<DatabaseCheck> {
  const candidates = [
    root !== undefined ? reroot(root, r.database.logical) : null,
    r.database.path,
    r.database.logical,
  ].filter((p): p is string => p !== null);
  for (const path of candidates) {
    const st = await stat(path).catch(() => null);
    if (!st?.isFile()) continue;
    const changedSinceRestore = st.mtimeMs > Date.parse(r.restoredAt) + 1000;
    try {
      const h = await readHeaderFile(path, 'database');
      const sign = h.kind === 'database' ? summarizeSignature(h.database.header.signDb) : null;
      return {
        path,
        present: true,
        sameDatabase: sign !== null && sign.random === r.database.signDb.random && sign.text === r.database.signDb.text,
        changedSinceRestore,
      };
    } catch {
      return { path, present: true, sameDatabase: null, changedSinceRestore };
    }
  }
  return { path: candidates[0]!, present: false, sameDatabase: null, changedSinceRestore: null };
}

function safely(f: () => string): string | null {
  try {
    return f();
  } catch {
    return null;
  }
}

export interface JudgeInput {
  receipt: RestoreReceipt;
  now: RegistryBefore | null;
  registrationPresent: boolean | null;
  database: DatabaseCheck;
  service: string | null;
}

/** The verdict, with every reason that led to it. Pure: tests give it each combination. */
export function judgeRestore(i: JudgeInput): { status: RestoreState; reasons: string[] } {
  if (!i.database.present) return { status: 'failed', reasons: [`the restored database '${i.database.path}' is gone`] };
  if (i.database.sameDatabase === false)
    return {
      status: 'failed',
      reasons: [`'${i.database.path}' is another database than the one restored (its signature differs)`],
    };
  if (i.now === null || i.registrationPresent === null)
    return { status: 'unknown', reasons: ['the registry cannot be read here: run restore-status on the DC itself'] };
  const before = i.receipt.before?.previousRestoreCount;
  const count = i.now.previousRestoreCount ?? 0;
  const counted = before === undefined ? null : count > (before ?? 0);
  const running = i.service === 'running';
  if (counted === true)
    return {
      status: 'completed',
      reasons: [
        `DSA Previous Restore Count went from ${before ?? 'absent'} to ${count}: NTDS took the restore and a new invocation ID`,
      ],
    };
  if (i.registrationPresent) {
    if (running)
      return {
        status: 'failed',
        reasons: [
          'NTDS is running, but the registration is still in place and the restore was not counted: NTDS did not take the restore',
        ],
      };
    return {
      status: 'pending',
      reasons: ['the registration is in place and NTDS has not taken it yet: restart the DC normally'],
    };
  }
  if (i.receipt.method === 'restore-in-progress') {
    return {
      status: 'completed',
      reasons: [
        'NTDS removed the Restore in Progress key, which it does once the restore succeeded' +
          (counted === false
            ? ` (DSA Previous Restore Count is still ${count}: check event 1109 for the new invocation ID)`
            : ''),
      ],
    };
  }
  if (counted === null) {
    return count > 0
      ? {
          status: 'completed',
          reasons: [
            `the registration was consumed and DSA Previous Restore Count is ${count} (its value before the restore was not read: the restore ran where the registry was not readable)`,
          ],
        }
      : {
          status: 'unknown',
          reasons: [
            'the registration is gone but no restore was counted, and the count before the restore is not known',
          ],
        };
  }
  return {
    status: 'failed',
    reasons: [
      `the registration is gone but DSA Previous Restore Count is still ${before ?? 'absent'}: NTDS did not count a restore (was the registration removed by hand?)`,
    ],
  };
}
