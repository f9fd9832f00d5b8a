<#
.SYNOPSIS
The nightly backup job of a domain controller: back up the AD database (encrypted), verify it, prune old backups,
check that the DC has a good, fresh backup.

.DESCRIPTION
Meant to run unattended as SYSTEM from the scheduled task that register-nightly-backup-task.ps1 creates (or any
scheduler): no prompts, a transcript per day in $env:ProgramData\ADDatabaseBackup\logs, exit code 0 on success and 1
on failure (the task's "Last Run Result" shows it).

0. Register-ADDatabaseBackupEventSource (once; a failure is only a warning): every run below is then also an
   event of source ADDatabaseBackup in the Application log (IDs 1000-1302), and a line in
   $env:ProgramData\ADDatabaseBackup\logs\runs.jsonl (-RunLogPath).
1. Backup-ADDatabase -Path <BackupPath>\<computer> (an online backup through VSS and the NTDS writer, or with
   -TruncateLogs through the Directory Backup API; the share must let the DC's computer account write, e.g.
   DOMAIN\Domain Controllers), encrypted to -RecipientFile (an archive holds every password hash of the domain:
   only the public key is on the DC; the private key stays offline). With -KeepLast/-KeepDays it prunes this DC's
   older backups right after the new one is written (never after a failed one).
2. Test-ADDatabaseBackup on the new archive (an unencrypted one; an encrypted one is checked from its sidecar and
   whole-file hash, the private key not being here): a damaged archive fails the job.
3. Remove-ADDatabaseBackup -Expired: backups past the tombstone lifetime (they can no longer be restored). The newest
   good backup of the DC is never removed, and only archives whose sidecar matches are touched.
4. Get-ADDatabaseBackupStatus for this DC: a Critical verdict fails the job.

.PARAMETER BackupPath
The backup share or folder; a subfolder per DC is used (\\backup01\ad$ -> \\backup01\ad$\DC01).

.PARAMETER KeepDays
Keep this DC's backups younger than this many days (with -KeepLast: a backup stays when either keeps it).

.PARAMETER KeepLast
Keep this DC's newest N backups (default 14).

.PARAMETER RecipientFile
The age recipients file (public keys, as New-ADDatabaseBackupKey -RecipientsFile writes it) to encrypt to. Without
it the archive is written unencrypted, with a warning.

.PARAMETER TruncateLogs
Back up through the Directory Backup API (-Source Api) and let AD DS truncate the transaction logs the backup holds
afterwards. Without it the backup goes through VSS, where the NTDS writer itself decides about its logs once the
backup is recorded, as with a full Windows Server Backup.

.EXAMPLE
powershell.exe -NoProfile -NonInteractive -ExecutionPolicy Bypass -File nightly-backup-job.ps1 -BackupPath \\backup01\ad$ -KeepDays 30 -RecipientFile \\backup01\ad$\recipients.txt

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

    [ValidateRange(1, 100000)]
    [int] $KeepLast = 14,

    [ValidateNotNullOrEmpty()]
    [string] $RecipientFile,

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
    $runLog = Join-Path $logFolder 'runs.jsonl'
    try {
        $null = Register-ADDatabaseBackupEventSource -Confirm:$false
    } catch {
        Write-Warning "The event source is not registered ($($_.Exception.Message)); events are still written."
    }

    $parameters = @{ Path = $destination; Label = 'nightly'; Confirm = $false; Verbose = $true; RunLogPath = $runLog; KeepLast = $KeepLast }
    if ($KeepDays) { $parameters['KeepDays'] = $KeepDays }
    if ($RecipientFile) { $parameters['RecipientFile'] = $RecipientFile }
    if ($TruncateLogs) { $parameters['Source'] = 'Api'; $parameters['TruncateLogs'] = $true }
    $backup = Backup-ADDatabase @parameters
    Write-Output $backup

    if (-not $backup.Encrypted) {
        $verification = Test-ADDatabaseBackup -LiteralPath $backup.Path
        if (-not $verification.IsValid) { throw "The new backup $($backup.Path) failed verification." }
    }
    $null = Remove-ADDatabaseBackup -Path $destination -Expired -ComputerName $env:COMPUTERNAME -RunLogPath $runLog -Confirm:$false

    $status = Get-ADDatabaseBackupStatus -Path $destination -ComputerName $env:COMPUTERNAME
    Write-Output $status
    if ($status.Verdict -eq 'Critical') { throw "No good, fresh backup of $($env:COMPUTERNAME): $($status.Reasons -join '; ')" }
    $exitCode = 0
} catch {
    Write-Error -ErrorRecord $_ -ErrorAction Continue
} finally {
    $null = Stop-Transcript
}
exit $exitCode
