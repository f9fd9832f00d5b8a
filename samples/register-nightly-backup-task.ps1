<#
.SYNOPSIS
Registers (or updates) the nightly scheduled task that backs up this domain controller's AD database.

.DESCRIPTION
Copies nightly-backup-job.ps1 (from this folder) to $env:ProgramData\ADDatabaseBackup and registers a scheduled task
that runs it every day as SYSTEM with highest privileges, non-interactively:

  powershell.exe -NoProfile -NonInteractive -ExecutionPolicy Bypass -File <job> -BackupPath <path> [...]

The task starts late when the DC was off at the set time, never runs twice at once, and is stopped after 6 hours.
Running the script again updates the task in place (idempotent), which is what the GPO startup script relies on.

.PARAMETER BackupPath
The backup share or folder passed to the job (a subfolder per DC is used).

.PARAMETER At
The daily start time (default 02:00, local time).

.PARAMETER KeepDays
Passed to the job: also delete backups older than this many days.

.PARAMETER KeepLast
Passed to the job: keep this DC's newest N backups (the job's default: 14).

.PARAMETER RecipientFile
Passed to the job: the age recipients file (public keys) the backups are encrypted to.

.PARAMETER TruncateLogs
Passed to the job: let AD DS truncate the transaction logs after each backup.

.PARAMETER TaskName
The task's name (default 'ADDatabaseBackup nightly').

.PARAMETER PowerShellPath
The PowerShell to run the job with (default: Windows PowerShell 5.1's powershell.exe; pwsh.exe works too).

.EXAMPLE
.\register-nightly-backup-task.ps1 -BackupPath \\backup01\ad$ -KeepDays 30

Backs up every night at 02:00 into \\backup01\ad$\<DC name> and keeps 30 days of backups.

.EXAMPLE
.\register-nightly-backup-task.ps1 -BackupPath D:\ADBackup -At 23:30 -TruncateLogs -WhatIf

Shows what would be registered.

.NOTES
Needs an elevated session (ScheduledTasks module, Windows Server 2012 or later). The share must grant write access
to the DCs' computer accounts, because the task runs as SYSTEM.
#>
[CmdletBinding(SupportsShouldProcess)]
param(
    [Parameter(Mandatory)]
    [ValidateNotNullOrEmpty()]
    [string] $BackupPath,

    [ValidatePattern('^\d{1,2}:\d{2}$')]
    [string] $At = '02:00',

    [ValidateRange(1, 36500)]
    [int] $KeepDays,

    [ValidateRange(1, 100000)]
    [int] $KeepLast,

    [ValidateNotNullOrEmpty()]
    [string] $RecipientFile,

    [switch] $TruncateLogs,

    [ValidateNotNullOrEmpty()]
    [string] $TaskName = 'ADDatabaseBackup nightly',

    [string] $PowerShellPath = (Join-Path $env:SystemRoot 'System32\WindowsPowerShell\v1.0\powershell.exe')
)

$ErrorActionPreference = 'Stop'
$jobFolder = Join-Path $env:ProgramData 'ADDatabaseBackup'
$job = Join-Path $jobFolder 'nightly-backup-job.ps1'

$arguments = @('-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-File', "`"$job`"", '-BackupPath', "`"$BackupPath`"")
if ($KeepDays) { $arguments += @('-KeepDays', $KeepDays) }
if ($KeepLast) { $arguments += @('-KeepLast', $KeepLast) }
if ($RecipientFile) { $arguments += @('-RecipientFile', "`"$RecipientFile`"") }
if ($TruncateLogs) { $arguments += '-TruncateLogs' }

$action = New-ScheduledTaskAction -Execute $PowerShellPath -Argument ($arguments -join ' ')
$trigger = New-ScheduledTaskTrigger -Daily -At $At
$principal = New-ScheduledTaskPrincipal -UserId 'NT AUTHORITY\SYSTEM' -LogonType ServiceAccount -RunLevel Highest
$settings = New-ScheduledTaskSettingsSet -StartWhenAvailable -MultipleInstances IgnoreNew -ExecutionTimeLimit (New-TimeSpan -Hours 6)

if ($PSCmdlet.ShouldProcess($TaskName, "Register a daily task at $At running $job -BackupPath $BackupPath")) {
    $null = New-Item -ItemType Directory -Path $jobFolder -Force
    Copy-Item -LiteralPath (Join-Path $PSScriptRoot 'nightly-backup-job.ps1') -Destination $job -Force
    Register-ScheduledTask -TaskName $TaskName -Description 'Backs up the Active Directory database (ADDatabaseBackup module).' `
        -Action $action -Trigger $trigger -Principal $principal -Settings $settings -Force
}
