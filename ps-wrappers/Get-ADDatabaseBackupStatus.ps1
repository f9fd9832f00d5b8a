function Get-ADDatabaseBackupStatus {
    <#
    .SYNOPSIS
    Is there a good, fresh backup of every domain controller? A verdict per DC (Healthy, Warning, Critical) for
    monitoring.

    .DESCRIPTION
    Get-ADDatabaseBackupStatus looks at the backups in a folder and answers per DC (the computer each backup
    records): the newest good backup, its age, the days left before its shelf life (the tombstone lifetime) ends,
    and a verdict:
    - Critical: no good backup; the newest good one is older than -CriticalDays (7); or it expires within
      -ShelfLifeCriticalDays (30) days, after which no restore accepts it.
    - Warning: the newest good backup is older than -WarningDays (2); or a newer backup than it is damaged.
    - Healthy: otherwise.
    Good means restorable when it was made and, by default, its sidecar still matching the file's size (a quick look
    that reads no archive); -Verify runs the full check of Test-ADDatabaseBackup on the newest backups instead.

    With -ExitCode (for a monitoring agent or a scheduled task) the PowerShell process ends with 0 (Healthy),
    1 (Warning) or 2 (Critical) after the output, the worst verdict of the folder; a folder without any backup is
    Critical.

    .PARAMETER Path
    The folder holding the backups. Default: the current location.

    .PARAMETER ComputerName
    Only these DCs; a DC named here without any backup is Critical.

    .PARAMETER Recurse
    Also the backups in subfolders (e.g. one folder per DC).

    .PARAMETER Verify
    The full check of each DC's newest backups (every entry, page and log) instead of the sidecar's verdict.
    Encrypted archives need -IdentityFile or -Passphrase.

    .PARAMETER IdentityFile
    With -Verify: the age identity file that opens encrypted archives.

    .PARAMETER Passphrase
    With -Verify: the passphrase of encrypted archives, as a SecureString.

    .PARAMETER WarningDays
    Warning when the newest good backup is older than this many days (default 2).

    .PARAMETER CriticalDays
    Critical when the newest good backup is older than this many days (default 7).

    .PARAMETER ShelfLifeCriticalDays
    Critical when the newest good backup expires within this many days (default 30).

    .PARAMETER ExitCode
    End the PowerShell process with 0, 1 or 2 for Healthy, Warning or Critical (use it as the last command of a
    monitoring script).

    .EXAMPLE
    Get-ADDatabaseBackupStatus -Path \\backup01\ad$ -Recurse
    One line per DC: verdict, newest good backup, its age and the days left.

    .EXAMPLE
    pwsh -NoProfile -Command "Get-ADDatabaseBackupStatus -Path D:\ADBackup -ExitCode"
    For a monitoring agent: exit code 0, 1 or 2.

    .INPUTS
    None.

    .OUTPUTS
    ADDatabaseBackup.BackupStatus. ComputerName, Verdict, Reasons, NewestGoodBackup, NewestGoodCreatedAt, AgeDays,
    DaysLeft, NewestBackup, NewestIsGood, NewestProblem, BackupCount, Folder.

    .LINK
    Remove-ADDatabaseBackup
    .LINK
    Test-ADDatabaseBackup
    #>
    [CmdletBinding()]
    [OutputType('ADDatabaseBackup.BackupStatus')]
    param(
        [Parameter(Position = 0)]
        [ValidateNotNullOrEmpty()]
        [string] $Path = '.',

        [ValidateNotNullOrEmpty()]
        [string[]] $ComputerName,

        [switch] $Recurse,

        [switch] $Verify,

        [ValidateNotNullOrEmpty()]
        [string] $IdentityFile,

        [securestring] $Passphrase,

        [ValidateRange(0, 100000)]
        [double] $WarningDays = 2,

        [ValidateRange(0, 100000)]
        [double] $CriticalDays = 7,

        [ValidateRange(0, 100000)]
        [double] $ShelfLifeCriticalDays = 30,

        [switch] $ExitCode
    )

    $verdict = 'Critical'
    try {
        $folder = $PSCmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath($Path)
        $request = [ordered]@{
            folder                = $folder
            warningDays           = $WarningDays
            criticalDays          = $CriticalDays
            shelfLifeCriticalDays = $ShelfLifeCriticalDays
        }
        Add-ADBFolderScope -Cmdlet $PSCmdlet -Request $request -ComputerName $ComputerName -Recurse:$Recurse -Verify:$Verify `
            -IdentityFile $IdentityFile -Passphrase $Passphrase -PassphraseGiven:($PSBoundParameters.ContainsKey('Passphrase'))
        $run = Invoke-ADBExecutable -Cmdlet $PSCmdlet -Command status -Request $request -TargetObject $folder -Activity 'Checking the backups'
        if ($run.ErrorRecord) {
            if (-not $ExitCode) { $PSCmdlet.ThrowTerminatingError($run.ErrorRecord) }
            # A monitoring agent reads the exit code: a status that cannot be determined is Critical, said on stderr.
            $PSCmdlet.WriteError($run.ErrorRecord)
        } else {
            $verdict = [string](Get-ADBMember $run.Result 'verdict')
            $computers = @(Get-ADBMember $run.Result 'computers')
            if ($computers.Count -eq 0) { Write-Warning -Message "No backup of ours in '$folder': Critical." }
            foreach ($c in $computers) { New-ADBBackupStatus -Computer $c -Folder $folder }
        }
    } catch {
        if (-not $ExitCode) { $PSCmdlet.ThrowTerminatingError($_) }
        $PSCmdlet.WriteError($_)
    }
    if ($ExitCode) {
        $code = switch ($verdict) { 'Healthy' { 0 } 'Warning' { 1 } default { 2 } }
        exit $code
    }
}
