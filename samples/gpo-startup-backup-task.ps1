<#
.SYNOPSIS
Group Policy computer startup script: on domain controllers, installs the ADDatabaseBackup module and registers
the nightly backup task.

.DESCRIPTION
Link a GPO to the Domain Controllers OU and add this script under Computer Configuration > Policies > Windows
Settings > Scripts (Startup/Shutdown) > Startup > PowerShell Scripts, with its parameters in "Script Parameters"
(e.g. -PackageSource \\contoso.com\NETLOGON\psfeed -BackupPath \\backup01\ad$ -KeepDays 30). Copy
register-nightly-backup-task.ps1 and nightly-backup-job.ps1 into the same GPO scripts folder.

At each start, as SYSTEM and without any prompt, it:
  1. does nothing on a computer that is not a domain controller (DomainRole 4 or 5);
  2. with -PackageSource (a folder repository: a share holding the win-x64 ADDatabaseBackup.<version>.nupkg of
     `npm run package`), registers it for PowerShellGet (once; as SYSTEM) and runs Install-Module -Scope AllUsers
     when it holds a newer version than the newest one installed, so publishing a new version there updates every
     DC at its next start; with -ModuleSource, copies the module folder (ADDatabaseBackup.psd1 with its bin folder)
     into $env:ProgramFiles\WindowsPowerShell\Modules\ADDatabaseBackup\<version> when that version is not
     installed yet;
  3. registers the event source ADDatabaseBackup in the Application log (Register-ADDatabaseBackupEventSource), so
     each nightly run is an event monitoring can collect (IDs 1000-1302);
  4. runs register-nightly-backup-task.ps1, which creates or updates the task: nightly-backup-job.ps1 backs up
     (encrypted to -RecipientFile), keeps -KeepLast/-KeepDays backups, removes expired ones, writes a run log and
     fails when Get-ADDatabaseBackupStatus says Critical.
A transcript goes to $env:ProgramData\ADDatabaseBackup\logs\gpo-startup.log. The script ends with exit code 0 on
success and 1 on failure (any error: the module source unreadable, the task not registered; the transcript holds
it): a script run with -File ends with exit code 0 after a failing cmdlet unless it exits non-zero itself.

.PARAMETER PackageSource
A folder repository holding the win-x64 package ADDatabaseBackup.<version>.nupkg, e.g. on NETLOGON. PowerShellGet
needs the NuGet provider 2.8.5.201 or later on the DC (without internet access: copied into
$env:ProgramFiles\PackageManagement\ProviderAssemblies); the script fails and says so when it is missing.

.PARAMETER ModuleSource
The folder holding the unpacked module to deploy (ADDatabaseBackup.psd1, .psm1, functions, bin), e.g. on NETLOGON.

.PARAMETER BackupPath
Passed to the task: the backup share (a subfolder per DC is used).

.PARAMETER At
Passed to the task: the daily start time (default 02:00).

.PARAMETER KeepDays
Passed to the task: also delete backups older than this many days.

.PARAMETER KeepLast
Passed to the task: keep this DC's newest N backups (the job's default: 14).

.PARAMETER RecipientFile
Passed to the task: the age recipients file (public keys only; e.g. beside the backups) the backups are encrypted to.

.PARAMETER TruncateLogs
Passed to the task: let AD DS truncate its logs after each backup.

.EXAMPLE
-PackageSource \\contoso.com\NETLOGON\psfeed -BackupPath \\backup01\ad$ -KeepDays 30 -RecipientFile \\backup01\ad$\recipients.txt

The "Script Parameters" of the GPO startup script entry: install or update the module from the package share.

.EXAMPLE
-ModuleSource \\contoso.com\NETLOGON\ADDatabaseBackup -BackupPath \\backup01\ad$ -KeepDays 30

The same with an unpacked module folder copied as it is.

.EXAMPLE
powershell.exe -NoProfile -ExecutionPolicy Bypass -File .\gpo-startup-backup-task.ps1 -ModuleSource \\contoso.com\NETLOGON\ADDatabaseBackup -BackupPath \\backup01\ad$

A manual run on one DC (elevated), e.g. to test the GPO's effect.

.NOTES
The DCs' computer accounts need read access to -PackageSource or -ModuleSource and write access to -BackupPath.
#>
[CmdletBinding(DefaultParameterSetName = 'Package')]
param(
    [Parameter(Mandatory, ParameterSetName = 'Package')]
    [ValidateNotNullOrEmpty()]
    [string] $PackageSource,

    [Parameter(Mandatory, ParameterSetName = 'Folder')]
    [ValidateNotNullOrEmpty()]
    [string] $ModuleSource,

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

    [switch] $TruncateLogs
)

$ErrorActionPreference = 'Stop'
$logFolder = Join-Path $env:ProgramData 'ADDatabaseBackup\logs'
$null = New-Item -ItemType Directory -Path $logFolder -Force
$null = Start-Transcript -LiteralPath (Join-Path $logFolder 'gpo-startup.log') -Append
try {
    $role = (Get-CimInstance -ClassName Win32_ComputerSystem).DomainRole
    if ($role -lt 4) {
        Write-Verbose "Not a domain controller (DomainRole $role): nothing to do." -Verbose
        return
    }

    if ($PSCmdlet.ParameterSetName -eq 'Package') {
        # Unattended as SYSTEM nothing can answer PowerShellGet's offer to download the NuGet provider: fail clearly.
        $provider = Get-PackageProvider -ListAvailable -Name NuGet -ErrorAction SilentlyContinue |
            Where-Object { $_.Version -ge [version]'2.8.5.201' }
        if (-not $provider) {
            throw 'PowerShellGet needs the NuGet provider 2.8.5.201 or later: copy it into $env:ProgramFiles\PackageManagement\ProviderAssemblies (see the README, Install).'
        }
        $feed = 'ADDatabaseBackupFeed'
        $repository = Get-PSRepository -Name $feed -ErrorAction SilentlyContinue
        if (-not $repository) {
            Register-PSRepository -Name $feed -SourceLocation $PackageSource -InstallationPolicy Trusted
        } elseif ($repository.SourceLocation -ne $PackageSource) {
            Set-PSRepository -Name $feed -SourceLocation $PackageSource -InstallationPolicy Trusted
        }
        $available = [version] (Find-Module -Name ADDatabaseBackup -Repository $feed).Version
        $installed = Get-Module -ListAvailable -Name ADDatabaseBackup | Sort-Object Version -Descending | Select-Object -First 1
        if ($installed -and $installed.Version -ge $available) {
            Write-Verbose "ADDatabaseBackup $($installed.Version) is installed; $PackageSource has $available." -Verbose
        } else {
            Write-Verbose "Installing ADDatabaseBackup $available from $PackageSource" -Verbose
            Install-Module -Name ADDatabaseBackup -RequiredVersion $available -Repository $feed -Scope AllUsers -Force
        }
    } else {
        $manifest = Import-PowerShellDataFile -LiteralPath (Join-Path $ModuleSource 'ADDatabaseBackup.psd1')
        $target = Join-Path $env:ProgramFiles ("WindowsPowerShell\Modules\ADDatabaseBackup\{0}" -f $manifest.ModuleVersion)
        if (-not (Test-Path -LiteralPath (Join-Path $target 'ADDatabaseBackup.psd1'))) {
            Write-Verbose "Installing ADDatabaseBackup $($manifest.ModuleVersion) into $target" -Verbose
            $null = New-Item -ItemType Directory -Path $target -Force
            Copy-Item -Path (Join-Path $ModuleSource '*') -Destination $target -Recurse -Force
        }
    }

    try {
        Import-Module ADDatabaseBackup
        $null = Register-ADDatabaseBackupEventSource -Confirm:$false
    } catch {
        # Backups still run and write their events (the Event Viewer then shows a "description not found" preamble).
        Write-Warning "The event source ADDatabaseBackup is not registered: $($_.Exception.Message)"
    }

    $register = @{ BackupPath = $BackupPath; At = $At; TruncateLogs = $TruncateLogs; Confirm = $false }
    if ($KeepDays) { $register['KeepDays'] = $KeepDays }
    if ($KeepLast) { $register['KeepLast'] = $KeepLast }
    if ($RecipientFile) { $register['RecipientFile'] = $RecipientFile }
    & (Join-Path $PSScriptRoot 'register-nightly-backup-task.ps1') @register | Out-Null
    Write-Verbose 'The nightly backup task is registered.' -Verbose
} catch {
    Write-Error -ErrorRecord $_ -ErrorAction Continue
    exit 1
} finally {
    $null = Stop-Transcript
}
