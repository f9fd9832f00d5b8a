// The file-level restore registration of KB 814167: the values DsRestoreRegister would write under
// HKLM\SYSTEM\CurrentControlSet\Services\NTDS\Restore in Progress, plus Parameters\New Database GUID.
import { randomUUID } from 'node:crypto';
import type { RegChange, RegValue } from './values.ts';
import { buildRestoreMap, type RestoreMapPair } from './restore-map.ts';

export const NTDS_KEY = 'HKLM\\SYSTEM\\CurrentControlSet\\Services\\NTDS';
export const RESTORE_IN_PROGRESS_KEY = `${NTDS_KEY}\\Restore in Progress`;
export const PARAMETERS_KEY = `${NTDS_KEY}\\Parameters`;

export interface RestoreRegistration {
  /** Where the restored logs were put. */
  backupLogPath: string;
  /** The checkpoint / working folder. */
  checkpointFilePath: string;
  /** The log folder. */
  logPath: string;
  lowLog: number;
  highLog: number;
  /** One pair for AD's single database; equal strings when restored in place. */
  restoreMap: RestoreMapPair[];
  /** Lowercase, no braces; fresh for every restore. */
  newDatabaseGuid?: string;
}

export function restoreRegistryPlan(r: RestoreRegistration): RegValue[] {
  const map = buildRestoreMap(r.restoreMap);
  const k = RESTORE_IN_PROGRESS_KEY;
  return [
    { key: k, name: 'BackupLogPath', type: 'REG_SZ', value: r.backupLogPath },
    { key: k, name: 'CheckpointFilePath', type: 'REG_SZ', value: r.checkpointFilePath },
    { key: k, name: 'LogPath', type: 'REG_SZ', value: r.logPath },
    { key: k, name: 'NTDS Database recovered', type: 'REG_BINARY', value: '00' },
    { key: k, name: 'LowLog Number', type: 'REG_DWORD', value: r.lowLog },
    { key: k, name: 'HighLog Number', type: 'REG_DWORD', value: r.highLog },
    { key: k, name: 'NTDS_RstMap Size', type: 'REG_DWORD', value: map.size },
    { key: k, name: 'NTDS_RstMap', type: 'REG_MULTI_SZ', value: map.strings },
    {
      key: PARAMETERS_KEY,
      name: 'New Database GUID',
      type: 'REG_SZ',
      value: (r.newDatabaseGuid ?? randomUUID()).toLowerCase().replace(/[{}]/g, ''),
    },
  ];
}

export const DATABASE_RESTORED_VALUE = 'Database restored from backup';
export const RESTORE_COUNT_VALUE = 'DSA Previous Restore Count';
export const DATABASE_EPOCH_VALUE = 'DSA Database Epoch';

/**
 * The non-API registration (KB814167.md, "Database restored from backup"): NTDS gives the DC a new invocation ID at
 * its next start and counts the restore in DSA Previous Restore Count. DSA Database Epoch, the copy protection of
 * Windows Server 2008 and later, is removed as the file-level restore tools documented there do: it describes the
 * database that was replaced, not the restored one. `keepDatabaseEpoch` leaves it alone.
 */
export function databaseRestoredPlan(o: { keepDatabaseEpoch?: boolean } = {}): RegChange[] {
  const plan: RegChange[] = [{ key: PARAMETERS_KEY, name: DATABASE_RESTORED_VALUE, type: 'REG_DWORD', value: 1 }];
  if (!o.keepDatabaseEpoch) plan.push({ key: PARAMETERS_KEY, name: DATABASE_EPOCH_VALUE, type: 'DELETE', value: null });
  return plan;
}
