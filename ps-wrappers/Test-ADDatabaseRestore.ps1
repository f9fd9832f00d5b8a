function Test-ADDatabaseRestore {
    <#
    .SYNOPSIS
    After the restart of a restored domain controller: tells whether NTDS took the restore (Pending, Completed, Failed,
    Unknown), and which events prove it.

    .DESCRIPTION
    Test-ADDatabaseRestore reads the receipt that Restore-ADDatabase wrote into the database folder's pre-restore-<UTC>
    folder and compares it with the registry now: is the registration ("Restore in Progress", or "Database restored
    from backup") still waiting, did "DSA Previous Restore Count" go up, is the database file still the restored
    database? The answer is Pending (restart normally), Completed, Failed or Unknown, with the reasons.

    On Windows it also lists the events written since the restore: Directory Service 1109 (the DC took a new
    invocation ID) and 1587 (a partner asked for changes from before the restore), and System 16654 (the RID pool was
    invalidated). Without 16654 a restored DC could hand out relative IDs from its old pool: RidPoolInvalidated is
    then $false and a warning says how to invalidate the pool by hand. Elsewhere (a rescue host) the event logs
    cannot be read, and the registry neither: the status is Unknown unless the receipt alone decides it.

    .PARAMETER ReceiptPath
    The receipt (restore-receipt.json) a restore wrote: its result's ReceiptPath. Taken literally.

    .PARAMETER DatabasePath
    The restored ntds.dit (or its folder): the newest receipt in its pre-restore-* folders is read. Default on a DC:
    where NTDS keeps its database ("DSA Database file").

    .PARAMETER Root
    Where the DC's volume is mounted (as Restore-ADDatabase -Root).

    .EXAMPLE
    Test-ADDatabaseRestore

    On the DC after its normal restart: the status of the newest restore, and the events that prove it.

    .EXAMPLE
    if ((Test-ADDatabaseRestore).Status -ne 'Completed') { throw 'The restore was not taken' }

    In a DR runbook after the restart.

    .EXAMPLE
    Test-ADDatabaseRestore -ReceiptPath C:\Windows\NTDS\pre-restore-20261123T020000Z\restore-receipt.json | Format-List

    Every detail of one receipt's restore.

    .INPUTS
    System.String. Receipt paths (by the ReceiptPath property of Restore-ADDatabase's result).

    .OUTPUTS
    ADDatabaseBackup.RestoreStatus. Status, Reasons, Method, RestoredAt, BackupId, Archive, ReceiptPath,
    RegistrationPresent, RestoreCountBefore, RestoreCountNow, DatabasePath, SameDatabase, NtdsService, EventsChecked,
    Events, RidPoolInvalidated.

    .NOTES
    Errors: ADDatabaseBackup.RECEIPT_NOT_FOUND (no restore of this tool in that folder), RECEIPT_INVALID.

    .LINK
    Restore-ADDatabase
    #>
    [CmdletBinding(DefaultParameterSetName = 'Database')]
    [OutputType('ADDatabaseBackup.RestoreStatus')]
    param(
        [Parameter(Mandatory, ParameterSetName = 'Receipt', ValueFromPipelineByPropertyName)]
        [ValidateNotNullOrEmpty()]
        [string] $ReceiptPath,

        [Parameter(ParameterSetName = 'Database')]
        [ValidateNotNullOrEmpty()]
        [string] $DatabasePath,

        [Parameter(ParameterSetName = 'Database')]
        [ValidateNotNullOrEmpty()]
        [string] $Root
    )

    process {
        try {
            $request = [ordered]@{}
            if ($ReceiptPath) { $request['receipt'] = $PSCmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath($ReceiptPath) }
            if ($Root) { $request['root'] = $PSCmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath($Root) }
            # -DatabasePath is the DC's own path when -Root re-roots it; otherwise a path on this machine.
            if ($DatabasePath) { $request['databasePath'] = if ($Root) { $DatabasePath } else { $PSCmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath($DatabasePath) } }
            $run = Invoke-ADBExecutable -Cmdlet $PSCmdlet -Command 'restore-status' -Request $request -TargetObject $ReceiptPath -Activity 'Checking the restore'
            if ($run.ErrorRecord) { $PSCmdlet.ThrowTerminatingError($run.ErrorRecord) }
            $events = Get-ADBRestoreEvent -Cmdlet $PSCmdlet -Since (ConvertTo-ADBDateTime (Get-ADBMember $run.Result 'restoredAt'))
            $status = New-ADBRestoreStatus -Status $run.Result -Events $events
            if ($status.RidPoolInvalidated -eq $false -and $status.Status -eq 'Completed') {
                Write-Warning -Message 'No event 16654 (RID pool invalidated) since the restore: invalidate the RID pool by hand so this DC never hands out relative IDs of its old pool (rootDSE invalidateRidPool with the domain SID).'
            }
            $status
        } catch {
            $PSCmdlet.ThrowTerminatingError($_)
        }
    }
}
