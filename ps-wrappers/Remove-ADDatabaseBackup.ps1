function Remove-ADDatabaseBackup {
    <#
    .SYNOPSIS
    Removes old Active Directory database backups from a folder by rule: keep the last N, keep D days, remove expired.

    .DESCRIPTION
    Remove-ADDatabaseBackup applies retention rules per domain controller (the computer each backup records) to the
    backups in a folder. -KeepLast and -KeepDays are a union: a backup stays when either keeps it. -Expired removes
    the backups past their shelf life (the forest's tombstone lifetime; a restore refuses them anyway), even when a
    keep rule would keep them. The rules combine; at least one is required.

    Safe by construction, whatever the rules say:
    - the newest backup of each DC that is still good is never removed (-KeepLast 0 included): good means restorable
      when it was made and its file's sha256 still equal to the one its sidecar recorded (-Verify: the full check of
      Test-ADDatabaseBackup instead);
    - only archives with a sidecar of ours (<archive>.manifest.json) that records the file's current size and sha256
      are touched: another file, a changed archive or a sidecar beside the wrong file is reported and left alone;
    - the archive is removed before its sidecar, so an interrupted removal never leaves a pair that looks valid;
    - work files (*.partial) of a backup that is running are ignored.

    Each backup the rules select is confirmed through ShouldProcess (ConfirmImpact High): -WhatIf lists them and
    removes nothing; in scheduled tasks pass -Confirm:$false. The output is one ADDatabaseBackup.PruneItem per backup
    considered: Removed, Kept or Failed, and why.

    .PARAMETER Path
    The folder holding the backups (e.g. the -Path of Backup-ADDatabase). Default: the current location.

    .PARAMETER KeepLast
    Keep the N newest backups of each DC.

    .PARAMETER KeepDays
    Keep the backups younger than D days.

    .PARAMETER Expired
    Remove the backups past their shelf life (ExpiresAt in Get-ADDatabaseBackup).

    .PARAMETER ComputerName
    Only the backups of these DCs. Default: every DC found in the folder.

    .PARAMETER Recurse
    Also the backups in subfolders (e.g. one folder per DC).

    .PARAMETER Verify
    Establish each DC's newest good backup with the full check of Test-ADDatabaseBackup (every entry, page and log)
    rather than the whole-file hash against the sidecar. Encrypted archives need -IdentityFile or -Passphrase.

    .PARAMETER IdentityFile
    With -Verify: the age identity file that opens encrypted archives.

    .PARAMETER Passphrase
    With -Verify: the passphrase of encrypted archives, as a SecureString (sent to adbackup on its standard input).

    .PARAMETER RunLogPath
    A run log file: one JSON line per run (start, end, outcome, archive, size, sha256, error code; never a secret),
    appended under a lock so that runs do not interleave. The folder must exist. On Windows each run is also reported
    to the Application log (source ADDatabaseBackup: Register-ADDatabaseBackupEventSource).

    .EXAMPLE
    Remove-ADDatabaseBackup -Path \\backup01\ad$\DC01 -KeepLast 14 -Expired -WhatIf
    Shows which backups a nightly retention of 14 backups per DC would remove; removes nothing.

    .EXAMPLE
    Remove-ADDatabaseBackup -Path D:\ADBackup -KeepDays 30 -Expired -Confirm:$false
    In a scheduled task: keeps 30 days of backups (and always the newest good one), removes the expired ones.

    .INPUTS
    None.

    .OUTPUTS
    ADDatabaseBackup.PruneItem. Action (Removed, Kept, Failed), ComputerName, CreatedAt, ExpiresAt, Name, Path,
    SidecarPath, Size, Reasons (newest-good, keep-last, keep-days, not-expired, beyond-keep-last,
    older-than-keep-days, expired, not-confirmed, sidecar-hash-mismatch), Error.

    .NOTES
    A backup that could not be removed is a non-terminating error (ADDatabaseBackup.<CODE>); a changed archive is a
    warning. A DC without any good backup gets a warning: nothing of it is protected by the newest-good rule.

    .LINK
    Get-ADDatabaseBackupStatus
    .LINK
    Get-ADDatabaseBackup
    #>
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'High')]
    [OutputType('ADDatabaseBackup.PruneItem')]
    param(
        [Parameter(Position = 0)]
        [ValidateNotNullOrEmpty()]
        [string] $Path = '.',

        [ValidateRange(0, 100000)]
        [PSDefaultValue(Help = 'none (no count rule)')]
        [int] $KeepLast,

        [ValidateRange(0, 100000)]
        [PSDefaultValue(Help = 'none (no age rule)')]
        [int] $KeepDays,

        [switch] $Expired,

        [ValidateNotNullOrEmpty()]
        [string[]] $ComputerName,

        [switch] $Recurse,

        [switch] $Verify,

        [ValidateNotNullOrEmpty()]
        [string] $IdentityFile,

        [securestring] $Passphrase,

        [ValidateNotNullOrEmpty()]
        [string] $RunLogPath
    )

    try {
        $folder = $PSCmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath($Path)
        $request = [ordered]@{ folder = $folder }
        if ($PSBoundParameters.ContainsKey('KeepLast')) { $request['keepLast'] = $KeepLast }
        if ($PSBoundParameters.ContainsKey('KeepDays')) { $request['keepDays'] = $KeepDays }
        if ($Expired) { $request['expired'] = $true }
        Add-ADBFolderScope -Cmdlet $PSCmdlet -Request $request -ComputerName $ComputerName -Recurse:$Recurse -Verify:$Verify `
            -IdentityFile $IdentityFile -Passphrase $Passphrase -PassphraseGiven:($PSBoundParameters.ContainsKey('Passphrase'))
        if ($RunLogPath) { $request['report'] = [ordered]@{ log = $PSCmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath($RunLogPath) } }
        $request['plan'] = $true
        $plan = Invoke-ADBExecutable -Cmdlet $PSCmdlet -Command prune -Request $request -TargetObject $folder -Activity 'Choosing the backups to remove'
        if ($plan.ErrorRecord) { $PSCmdlet.ThrowTerminatingError($plan.ErrorRecord) }
        Write-ADBPruneWarning -Result $plan.Result

        $confirmed = [System.Collections.Generic.List[string]]::new()
        foreach ($item in @(Get-ADBMember $plan.Result 'items')) {
            if ((Get-ADBMember $item 'action') -ne 'would-remove') { continue }
            $archive = [string](Get-ADBMember $item 'archive')
            $what = 'Remove the backup of {0} made {1:u} ({2}) and its sidecar' -f (Get-ADBMember $item 'computer'), (ConvertTo-ADBDateTime (Get-ADBMember $item 'createdAt')), (@(Get-ADBMember $item 'reasons') -join ', ')
            if (Confirm-ADBAction -Cmdlet $PSCmdlet -Target $archive -Action $what) { $confirmed.Add($archive) }
        }
        if ($WhatIfPreference) { return }

        $final = $plan
        if ($confirmed.Count -gt 0) {
            $request['plan'] = $false
            $request['only'] = $confirmed.ToArray()
            $final = Invoke-ADBExecutable -Cmdlet $PSCmdlet -Command prune -Request $request -TargetObject $folder -Activity 'Removing backups'
            if ($final.ErrorRecord) { $PSCmdlet.ThrowTerminatingError($final.ErrorRecord) }
        }
        foreach ($item in @(Get-ADBMember $final.Result 'items')) {
            $out = New-ADBPruneItem -Item $item
            $failure = Get-ADBMember $item 'error'
            if ($out.Action -eq 'Failed') {
                $record = New-ADBErrorRecord -Code (Get-ADBMember $failure 'code') -Message ([string](Get-ADBMember $failure 'message')) -TargetObject $out.Path -ErrorCategory ([System.Management.Automation.ErrorCategory]::WriteError)
                $PSCmdlet.WriteError($record)
            } elseif ($failure) {
                Write-Warning -Message ("'{0}': {1}" -f $out.Path, (Get-ADBMember $failure 'message'))
            }
            $out
        }
    } catch {
        $PSCmdlet.ThrowTerminatingError($_)
    }
}
