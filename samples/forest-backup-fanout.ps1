<#
.SYNOPSIS
Backs up the AD database of every domain controller of the forest at once, with Invoke-Command.

.DESCRIPTION
Finds the DCs of every domain of the forest (ActiveDirectory module), or takes -ComputerName, and runs
Backup-ADDatabase on each one in parallel through PowerShell remoting (WinRM), into a local folder of that DC.
Writing straight to a network share from a remote session would need credential delegation (the "second hop"), so
the archives are written locally and, with -CollectTo, pulled afterwards from this machine through the DCs' admin
shares (\\DC\D$\...), sidecar included. Each DC takes its own online backup (VSS with its NTDS writer); a failure on one
DC is reported and does not stop the others.

Returns one ADDatabaseBackup.BackupResult per DC (deserialized, with PSComputerName), and writes a warning per DC
that failed.

.PARAMETER ComputerName
The DCs to back up (default: every DC of every domain of the current forest).

.PARAMETER LocalPath
The folder on each DC the archive is written to (default D:\ADBackup).

.PARAMETER CollectTo
A folder or share on this machine to copy each DC's new archive into (a subfolder per DC).

.PARAMETER Label
The label of the backups (default 'fan-out').

.PARAMETER ThrottleLimit
How many DCs are backed up at the same time (default 8).

.PARAMETER Credential
The credential for the remote sessions (default: the current user, who must be an administrator of the DCs).

.EXAMPLE
.\forest-backup-fanout.ps1 -CollectTo \\backup01\ad$ -Verbose

Backs up every DC of the forest into D:\ADBackup on each DC and copies the archives to \\backup01\ad$\<DC>.

.EXAMPLE
.\forest-backup-fanout.ps1 -ComputerName DC01, DC02 -LocalPath E:\Backup | Format-Table PSComputerName, Name, ExpiresAt

Backs up two DCs and lists the results.

.NOTES
Needs the ADDatabaseBackup module installed on every DC (see gpo-startup-backup-task.ps1), WinRM, and for the
default DC list the ActiveDirectory module on this machine.
#>
[CmdletBinding()]
param(
    [string[]] $ComputerName,

    [ValidateNotNullOrEmpty()]
    [string] $LocalPath = 'D:\ADBackup',

    [string] $CollectTo,

    [ValidateLength(0, 200)]
    [string] $Label = 'fan-out',

    [ValidateRange(1, 256)]
    [int] $ThrottleLimit = 8,

    [System.Management.Automation.PSCredential]
    [System.Management.Automation.Credential()]
    $Credential = [System.Management.Automation.PSCredential]::Empty
)

$ErrorActionPreference = 'Stop'
if (-not $ComputerName) {
    Import-Module ActiveDirectory
    $ComputerName = (Get-ADForest).Domains |
        ForEach-Object { Get-ADDomainController -Filter * -Server $_ } |
        ForEach-Object { $_.HostName }
}
Write-Verbose "Backing up $($ComputerName.Count) domain controller(s): $($ComputerName -join ', ')"

$remote = @{ ComputerName = $ComputerName; ThrottleLimit = $ThrottleLimit; ErrorAction = 'Continue'; ErrorVariable = 'failures' }
if ($Credential -ne [System.Management.Automation.PSCredential]::Empty) { $remote['Credential'] = $Credential }
$results = Invoke-Command @remote -ArgumentList $LocalPath, $Label -ScriptBlock {
    param($LocalPath, $Label)
    $ErrorActionPreference = 'Stop'
    Import-Module ADDatabaseBackup
    Backup-ADDatabase -Path $LocalPath -Label $Label -Confirm:$false
}

foreach ($failure in $failures) {
    Write-Warning "$($failure.OriginInfo.PSComputerName): $($failure.Exception.Message)"
}

foreach ($result in $results) {
    if ($CollectTo) {
        $folder = Join-Path $CollectTo $result.PSComputerName
        $null = New-Item -ItemType Directory -Path $folder -Force
        # D:\ADBackup\x.tar.zst on the DC -> \\DC\D$\ADBackup\x.tar.zst from here.
        $unc = '\\{0}\{1}' -f $result.PSComputerName, ($result.Path -replace '^([A-Za-z]):', '$1$')
        Write-Verbose "Copying $unc to $folder"
        Copy-Item -LiteralPath $unc, "$unc.manifest.json" -Destination $folder
    }
    $result
}
