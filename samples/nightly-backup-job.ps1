<#
.SYNOPSIS
The nightly backup job of a domain controller: back up the AD database, verify the archive, prune old backups.

.DESCRIPTION
Meant to run unattended as SYSTEM from the scheduled task that register-nightly-backup-task.ps1 creates (or any
scheduler): no prompts, a transcript per day in $env:ProgramData\ADDatabaseBackup\logs, exit code 0 on success and 1
on failure (the task's "Last Run Result" shows it).

1. Backup-ADDatabase -Path <BackupPath>\<computer> (an online backup through VSS and the NTDS writer, or with
   -TruncateLogs through the Directory Backup API; the share must let the DC's computer account write, e.g.
   DOMAIN\Domain Controllers).
2. Test-ADDatabaseBackup on the new archive: a damaged archive fails the job.
3. Retention: deletes (archive and sidecar) every other backup of this DC that has expired (older than the forest's
   tombstone lifetime: it can no longer be restored) or, with -KeepDays, is older than that. The newest valid
   backup is never deleted.

.PARAMETER BackupPath
The backup share or folder; a subfolder per DC is used (\\backup01\ad$ -> \\backup01\ad$\DC01).

.PARAMETER KeepDays
Also delete backups older than this many days (default: only expired ones).

.PARAMETER TruncateLogs
Back up through the Directory Backup API (-Source Api) and let AD DS truncate the transaction logs the backup holds
afterwards. Without it the backup goes through VSS, where the NTDS writer itself decides about its logs once the
backup is recorded, as with a full Windows Server Backup.

.EXAMPLE
powershell.exe -NoProfile -NonInteractive -ExecutionPolicy Bypass -File nightly-backup-job.ps1 -BackupPath \\backup01\ad$ -KeepDays 30

What the scheduled task runs.

.EXAMPLE
.\nightly-backup-job.ps1 -BackupPath D:\ADBackup -Verbose

A manual run with narration.

.NOTES
Requires the ADDatabaseBackup module in $env:ProgramFiles\WindowsPowerShell\Modules (or PowerShell 7's module
path). Writes no host output; see the transcript.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)]
    [ValidateNotNullOrEmpty()]
    [string] $BackupPath,

    [ValidateRange(1, 36500)]
    [int] $KeepDays,

    [switch] $TruncateLogs
)

$ErrorActionPreference = 'Stop'
$logFolder = Join-Path $env:ProgramData 'ADDatabaseBackup\logs'
$null = New-Item -ItemType Directory -Path $logFolder -Force
$null = Start-Transcript -LiteralPath (Join-Path $logFolder ('backup-{0:yyyyMMdd}.log' -f (Get-Date))) -Append
$exitCode = 1
try {
    Import-Module ADDatabaseBackup
    $destination = Join-Path $BackupPath $env:COMPUTERNAME

    $parameters = @{ Path = $destination; Label = 'nightly'; Confirm = $false; Verbose = $true }
    if ($TruncateLogs) { $parameters['Source'] = 'Api'; $parameters['TruncateLogs'] = $true }
    $backup = Backup-ADDatabase @parameters
    Write-Output $backup

    $verification = Test-ADDatabaseBackup -LiteralPath $backup.Path
    if (-not $verification.IsValid) { throw "The new backup $($backup.Path) failed verification." }

    $old = Get-ADDatabaseBackup -LiteralPath $destination |
        Where-Object { $_.Path -ne $backup.Path -and ($_.Expired -or ($KeepDays -and $_.AgeDays -gt $KeepDays)) }
    foreach ($item in $old) {
        Write-Verbose "Removing $($item.Path) (created $($item.CreatedAt), expired: $($item.Expired))" -Verbose
        Remove-Item -LiteralPath $item.Path
        if ($item.SidecarPath) { Remove-Item -LiteralPath $item.SidecarPath }
    }
    $exitCode = 0
} catch {
    Write-Error -ErrorRecord $_ -ErrorAction Continue
} finally {
    $null = Stop-Transcript
}
exit $exitCode
