<#
.SYNOPSIS
Runbook: restores a domain controller's Active Directory database from an ADDatabaseBackup archive in Directory
Services Restore Mode (non-authoritative, with an optional authoritative restore of chosen subtrees).

.DESCRIPTION
Run on the domain controller to restore, as an administrator, in four phases:

  1. -Phase EnterDsrm   bcdedit /set {default} safeboot dsrepair, then restart into DSRM.
  2. -Phase Restore     in DSRM (log on with the DSRM administrator password): picks the archive (-ArchivePath, or
                        the newest backup of -BackupFolder that is still within its tombstone lifetime and passes
                        Test-ADDatabaseBackup, skipping unreadable or damaged ones with a warning), restores it with Restore-ADDatabase -ApplyRegistry (files moved
                        aside, never deleted; the registration the backup names written: KB 814167's "Restore in
                        Progress", or "Database restored from backup" for an IFM/offline copy), and, when
                        -AuthoritativeSubtree is given, marks those subtrees authoritative with ntdsutil before any
                        normal restart.
  3. -Phase ExitDsrm    bcdedit /deletevalue {default} safeboot, then restart normally. AD DS replays the restored
                        logs, takes a new invocation ID and replicates the changes made since the backup.
  4. -Phase Check       after that restart: Test-ADDatabaseRestore reads the restore's receipt and the registry and
                        says Completed, Pending or Failed, with events 1109/1587/16654; it fails the script unless the
                        restore was taken, and warns when the RID pool was not invalidated (event 16654).

Offline instead, when the DC will not reach DSRM or is a VM whose disk can be attached elsewhere:

  -Phase Offline        on a rescue host or repair VM with the DC's system volume attached (-OfflineWindows, e.g.
                        F:\): picks the archive as the Restore phase does and restores it with Restore-ADDatabase
                        -OfflineWindows: the files go where that volume's SYSTEM hive says NTDS keeps them and the
                        registration is written into the hive (refused if the hive is dirty: start the DC once and
                        shut it down cleanly, or load and unload the hive on Windows). No DSRM, no ExitDsrm: detach
                        the disk, start the DC normally, then run -Phase Check on it.

Afterwards check repadmin /showrepl and dcdiag. This restores the AD database only:
SYSVOL and the rest of the system state come back through your system-state tool (see the restore's NextSteps).

.PARAMETER Phase
EnterDsrm, Restore, ExitDsrm or Check; or Offline (on a rescue host, see above).

.PARAMETER OfflineWindows
Offline phase: the root of the DC's Windows volume as attached here (F:\, or a mount point).

.PARAMETER SystemHive
Offline phase: the volume's SYSTEM hive, when it is not at <OfflineWindows>\Windows\System32\config\SYSTEM.

.PARAMETER ArchivePath
Restore and Offline phases: the archive to restore.

.PARAMETER BackupFolder
Restore and Offline phases: a folder of backups (e.g. \\backup01\ad$\DC01); the newest one that has not expired and verifies is
restored. Archives that cannot be read or fail verification are skipped with a warning.

.PARAMETER AuthoritativeSubtree
Restore phase: distinguished names of subtrees to restore authoritatively (e.g. an OU deleted by mistake), so that
they win over the copies on the other DCs. Never the schema or the whole domain unless you mean it.

.PARAMETER AllowExpired
Restore phase: restore a backup older than its tombstone lifetime (forest recovery only).

.PARAMETER NoRestart
Do not restart at the end of EnterDsrm or ExitDsrm (restart yourself).

.EXAMPLE
.\dsrm-restore-runbook.ps1 -Phase EnterDsrm

Sets the DC to start in Directory Services Restore Mode and restarts it.

.EXAMPLE
.\dsrm-restore-runbook.ps1 -Phase Restore -BackupFolder \\backup01\ad$\DC01 -Confirm:$false -Verbose

In DSRM: restores the newest valid backup of DC01 and registers the restore.

.EXAMPLE
.\dsrm-restore-runbook.ps1 -Phase Restore -ArchivePath D:\ADBackup\DC01-ntds-20261123T020000Z.tar.zst -AuthoritativeSubtree 'OU=Sales,DC=contoso,DC=com'

In DSRM: restores one archive and marks the Sales OU authoritative (asks for confirmation first).

.EXAMPLE
.\dsrm-restore-runbook.ps1 -Phase Offline -OfflineWindows F:\ -BackupFolder \\backup01\ad$\DC01 -Confirm:$false

On a repair VM with DC01's system disk attached as F:\: restores the newest valid backup into it and registers the
restore in its SYSTEM hive. Then detach the disk and start DC01 normally.

.EXAMPLE
.\dsrm-restore-runbook.ps1 -Phase ExitDsrm

Removes the DSRM boot option and restarts normally.

.EXAMPLE
.\dsrm-restore-runbook.ps1 -Phase Check

After the normal restart: did AD DS take the restore? Exits non-zero unless it did.

.NOTES
Needs the ADDatabaseBackup module on the DC (installed in $env:ProgramFiles\WindowsPowerShell\Modules), an elevated
session, and for the Restore phase a DSRM logon. The script never writes to the host directly: it narrates with
-Verbose and writes the restore's next steps to the information stream.
#>
[CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'High')]
param(
    [Parameter(Mandatory)]
    [ValidateSet('EnterDsrm', 'Restore', 'ExitDsrm', 'Check', 'Offline')]
    [string] $Phase,

    [string] $OfflineWindows,

    [string] $SystemHive,

    [string] $ArchivePath,

    [string] $BackupFolder,

    [string[]] $AuthoritativeSubtree,

    [switch] $AllowExpired,

    [switch] $NoRestart
)

$ErrorActionPreference = 'Stop'

function Invoke-Bcdedit {
    param([Parameter(Mandatory)] [string[]] $Arguments)
    # '{default}' must be quoted: unquoted braces are a script block in PowerShell.
    & bcdedit.exe @Arguments | Write-Verbose
    if ($LASTEXITCODE -ne 0) { throw "bcdedit $($Arguments -join ' ') failed with exit code $LASTEXITCODE" }
}

function Select-NewestGoodBackup {
    # The newest backup of the folder that is within its tombstone lifetime (unless -AllowExpired) and verifies. One
    # unreadable or damaged archive must not stop the choice: it is skipped with a warning and the next one is tried.
    param([Parameter(Mandatory)] [string] $Folder)
    $listed = @(Get-ADDatabaseBackup -LiteralPath $Folder -ErrorAction SilentlyContinue -ErrorVariable listErrors)
    foreach ($e in $listErrors) { Write-Warning "Skipped: $($e.Exception.Message)" }
    $candidates = @($listed | Where-Object { $AllowExpired -or -not $_.Expired } | Sort-Object -Property CreatedAt -Descending)
    foreach ($candidate in $candidates) {
        Write-Verbose "Verifying $($candidate.Path)"
        $verification = Test-ADDatabaseBackup -LiteralPath $candidate.Path -ErrorAction SilentlyContinue -ErrorVariable verifyErrors
        if ($verification -and $verification.IsValid) { return $candidate.Path }
        $why = @($verifyErrors | ForEach-Object { $_.Exception.Message }) -join ' '
        Write-Warning "Skipped: $($candidate.Path) failed verification. $why"
    }
    throw "No backup in $Folder is within its tombstone lifetime and verifies."
}

function Get-ArchiveToRestore {
    # -ArchivePath verified, or the newest good backup of -BackupFolder.
    if ($ArchivePath) {
        Write-Verbose "Verifying $ArchivePath"
        $verification = Test-ADDatabaseBackup -LiteralPath $ArchivePath
        if (-not $verification.IsValid) { throw "$ArchivePath failed verification; restore another backup." }
        return $ArchivePath
    }
    if (-not $BackupFolder) { throw 'Give -ArchivePath or -BackupFolder.' }
    Select-NewestGoodBackup -Folder $BackupFolder
}

switch ($Phase) {
    'EnterDsrm' {
        if ($PSCmdlet.ShouldProcess($env:COMPUTERNAME, 'Boot into Directory Services Restore Mode (bcdedit /set {default} safeboot dsrepair) and restart')) {
            Invoke-Bcdedit -Arguments @('/set', '{default}', 'safeboot', 'dsrepair')
            Write-Information 'The next start is in Directory Services Restore Mode: log on with the DSRM administrator password and run -Phase Restore.' -InformationAction Continue
            if (-not $NoRestart) { Restart-Computer -Force }
        }
    }

    'Restore' {
        if ($env:SAFEBOOT_OPTION -ne 'DSREPAIR') {
            throw 'This computer is not in Directory Services Restore Mode: run -Phase EnterDsrm first.'
        }
        Import-Module ADDatabaseBackup
        $ArchivePath = Get-ArchiveToRestore

        if ($PSCmdlet.ShouldProcess($env:COMPUTERNAME, "Restore the Active Directory database from $ArchivePath")) {
            $result = Restore-ADDatabase -LiteralPath $ArchivePath -ApplyRegistry -AllowExpired:$AllowExpired -Confirm:$false
            $result

            foreach ($dn in $AuthoritativeSubtree) {
                if ($PSCmdlet.ShouldProcess($dn, 'Authoritative restore (ntdsutil)')) {
                    # Still in DSRM and before any normal restart, as the restore's next steps say.
                    & ntdsutil.exe 'activate instance ntds' 'authoritative restore' "restore subtree `"$dn`"" 'quit' 'quit' | Write-Verbose
                    if ($LASTEXITCODE -ne 0) { throw "ntdsutil authoritative restore of '$dn' failed with exit code $LASTEXITCODE" }
                }
            }
            foreach ($step in $result.NextSteps) { Write-Information $step -InformationAction Continue }
            Write-Information 'Then run -Phase ExitDsrm to restart normally.' -InformationAction Continue
        }
    }

    'Offline' {
        # The DC's Windows is not running: no DSRM to check, no ntdsutil to run (an authoritative restore needs the
        # DC itself in DSRM: use the Restore phase for that).
        if (-not $OfflineWindows) { throw 'Give -OfflineWindows: the root of the DC''s Windows volume attached here.' }
        if ($AuthoritativeSubtree) { throw '-AuthoritativeSubtree needs the DC in DSRM: use -Phase Restore on the DC.' }
        Import-Module ADDatabaseBackup
        $ArchivePath = Get-ArchiveToRestore
        if ($PSCmdlet.ShouldProcess($OfflineWindows, "Restore the Active Directory database from $ArchivePath into the offline Windows volume")) {
            $hive = @{}
            if ($SystemHive) { $hive['SystemHive'] = $SystemHive }
            $result = Restore-ADDatabase -LiteralPath $ArchivePath -OfflineWindows $OfflineWindows @hive -AllowExpired:$AllowExpired -Confirm:$false
            $result
            foreach ($step in $result.NextSteps) { Write-Information $step -InformationAction Continue }
            Write-Information 'Then detach the volume, start the DC normally and run -Phase Check on it.' -InformationAction Continue
        }
    }

    'ExitDsrm' {
        if ($PSCmdlet.ShouldProcess($env:COMPUTERNAME, 'Leave Directory Services Restore Mode (bcdedit /deletevalue {default} safeboot) and restart')) {
            Invoke-Bcdedit -Arguments @('/deletevalue', '{default}', 'safeboot')
            Write-Information 'After the restart, run -Phase Check.' -InformationAction Continue
            if (-not $NoRestart) { Restart-Computer -Force }
        }
    }

    'Check' {
        $status = Test-ADDatabaseRestore
        $status | Format-List | Out-String | Write-Verbose
        foreach ($reason in $status.Reasons) { Write-Information $reason -InformationAction Continue }
        if ($status.Status -ne 'Completed') {
            throw "The restore is $($status.Status): $($status.Reasons -join ' ')"
        }
        Write-Information 'AD DS took the restore. Now check replication: repadmin /showrepl, dcdiag.' -InformationAction Continue
    }
}
