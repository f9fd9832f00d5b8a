// What the admin must do after the files and the registration are in place (src/platform/ntdsbcli/API.md §6,
// src/registry/KB814167.md).
export interface NextStepInput {
  plan: boolean;
  relocated: boolean;
  registryWrittenTo: string[];
  expired: boolean;
  restoreMode: boolean | null;
}

export function nextSteps(i: NextStepInput): string[] {
  const steps: string[] = [];
  if (i.plan) steps.push('This was a plan: nothing was changed. Run the same request without "plan" in Directory Services Restore Mode to restore.');
  if (i.restoreMode === null) {
    steps.push('Put the restored volume back into the domain controller and boot it into Directory Services Restore Mode before the registration below takes effect.');
  }
  const regFiles = i.registryWrittenTo.filter((w) => /\.reg$/i.test(w));
  if (regFiles.length > 0) {
    steps.push(`Import the restore registration on the DC, in Directory Services Restore Mode, before restarting: reg import "${regFiles[0]}"`);
  } else if (i.registryWrittenTo.length === 0 && !i.plan) {
    steps.push('The restore is not registered yet: write the listed registry values (or export them with registry.regFile and import that file) before restarting.');
  }
  if (i.relocated) {
    steps.push('Point NTDS at the new locations before restarting: "DSA Database file", "Database log files path" and "DSA Working Directory" under HKLM\\SYSTEM\\CurrentControlSet\\Services\\NTDS\\Parameters (or ntdsutil "files").');
  }
  steps.push(
    'Optional, only for objects that must win over the other DCs: an authoritative restore now, still in DSRM and before any normal restart — ntdsutil "activate instance ntds" "authoritative restore" "restore subtree <DN>" quit quit (the schema cannot be restored authoritatively).',
  );
  steps.push(
    'Restart normally (bcdedit /deletevalue {default} safeboot, then restart). NTDS finds "Restore in Progress", replays logs LowLog…HighLog from BackupLogPath, takes a new invocation ID and replicates the changes made since the backup from its partners. Check the Directory Service event log, then repadmin /showrepl and dcdiag.',
  );
  steps.push(
    'This tool restores the Active Directory database only. The other system-state components are restored by your system-state tool, in this order: boot files; then SYSVOL, Certificate Server, cluster database and COM+ class registration database as applicable; then Active Directory; then the registry.',
  );
  if (i.expired) steps.push('The backup was older than the tombstone lifetime: look for lingering objects (repadmin /removelingeringobjects … /advisory_mode) once replication runs.');
  return steps;
}
