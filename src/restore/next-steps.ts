// What the admin must do after the files and the registration are in place (src/platform/ntdsbcli/API.md §6,
// src/registry/KB814167.md).
import type { RestoreMethod } from '../logs/restore-method.ts';

export interface NextStepInput {
  plan: boolean;
  method: RestoreMethod;
  relocated: boolean;
  registryWrittenTo: string[];
  expired: boolean;
  restoreMode: boolean | null;
  /** Written into a mounted offline Windows volume, the registration into its SYSTEM hive. */
  offline?: boolean;
}

export function nextSteps(i: NextStepInput): string[] {
  const steps: string[] = [];
  if (i.plan)
    steps.push(
      i.offline
        ? 'This was a plan: nothing was changed. Run the same request without "plan" to restore into the volume.'
        : 'This was a plan: nothing was changed. Run the same request without "plan" in Directory Services Restore Mode to restore.',
    );
  if (i.offline) {
    steps.push(
      'Detach the volume (unmount it cleanly) and start the domain controller from it normally, not in Directory Services Restore Mode: the registration is already in its SYSTEM hive, and NTDS processes it at its start.',
    );
  } else if (i.restoreMode === null) {
    steps.push(
      'Put the restored volume back into the domain controller and boot it into Directory Services Restore Mode before the registration below takes effect.',
    );
  }
  const regFiles = i.registryWrittenTo.filter((w) => /\.reg$/i.test(w));
  if (i.offline) {
    // the .reg file, if any, is a copy of what the hive already holds: importing it on the DC is not a step
  } else if (regFiles.length > 0) {
    steps.push(
      `Import the restore registration on the DC, in Directory Services Restore Mode, before restarting: reg import "${regFiles[0]}"`,
    );
  } else if (i.registryWrittenTo.length === 0 && !i.plan) {
    steps.push(
      'The restore is not registered yet: write the listed registry values (or export them with registry.regFile and import that file) before restarting.',
    );
  }
  if (i.relocated) {
    steps.push(
      'Point NTDS at the new locations before restarting: "DSA Database file", "Database log files path" and "DSA Working Directory" under HKLM\\SYSTEM\\CurrentControlSet\\Services\\NTDS\\Parameters (or ntdsutil "files").',
    );
  }
  steps.push(
    i.offline
      ? 'An authoritative restore (objects that must win over the other DCs) needs the DC in DSRM before its first normal start: this offline restore does not set that up; restore with target "files" in DSRM instead when you need one.'
      : 'Optional, only for objects that must win over the other DCs: an authoritative restore now, still in DSRM and before any normal restart — ntdsutil "activate instance ntds" "authoritative restore" "restore subtree <DN>" quit quit (the schema cannot be restored authoritatively).',
  );
  const restart = i.offline
    ? 'At that start'
    : 'Restart normally (bcdedit /deletevalue {default} safeboot, then restart).';
  steps.push(
    i.method === 'restore-in-progress'
      ? `${restart} NTDS finds "Restore in Progress", replays logs LowLog…HighLog from BackupLogPath, takes a new invocation ID and replicates the changes made since the backup from its partners.`
      : `${restart} NTDS finds "Database restored from backup", starts the restored database (replaying the logs of its own sequence beside it), takes a new invocation ID (event 1109), counts the restore in "DSA Previous Restore Count" and replicates the changes made since the backup from its partners.`,
  );
  steps.push(
    'After the restart, check the restore: adbackup restore-status (Test-ADDatabaseRestore) reads the receipt and the registry, and in the Directory Service log look for event 1109 (new invocation ID) and, on Windows Server 2012 and later, System event 16654 (RID pool invalidated); without 16654, invalidate the RID pool by hand (rootDSE invalidateRidPool with the domain SID). Then repadmin /showrepl and dcdiag.',
  );
  steps.push(
    'This tool restores the Active Directory database only. The other system-state components are restored by your system-state tool, in this order: boot files; then SYSVOL, Certificate Server, cluster database and COM+ class registration database as applicable; then Active Directory; then the registry.',
  );
  if (i.expired)
    steps.push(
      'The backup was older than the tombstone lifetime: look for lingering objects (repadmin /removelingeringobjects … /advisory_mode) once replication runs.',
    );
  return steps;
}
