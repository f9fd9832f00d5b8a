# Test-ADDatabaseRestore's pieces: the events that prove a restore (Windows only) and the typed result.

function Get-ADBRestoreEvent {
    <#
    .SYNOPSIS
    The events a restored DC writes at its next start, since the restore: Directory Service 1109 and 1587, System 16654.
    .DESCRIPTION
    Returns $null where the event logs cannot be read (not Windows, or Get-WinEvent missing), so the caller can say
    it did not look; otherwise the events found (possibly none), as objects with Id, Log, TimeCreated and Message.
    .PARAMETER Cmdlet
    The calling cmdlet, for verbose messages.
    .PARAMETER Since
    The restore's time: older events belong to an earlier start.
    #>
    [CmdletBinding()]
    [OutputType([object[]])]
    param([Parameter(Mandatory)] [System.Management.Automation.PSCmdlet] $Cmdlet, [AllowNull()] [object] $Since)

    if (-not $script:ADBOnWindows -or -not (Get-Command -Name 'Get-WinEvent' -ErrorAction SilentlyContinue)) {
        Write-Verbose -Message 'The event logs can be read only on the domain controller (Windows): events 1109, 1587 and 16654 not checked.'
        return $null
    }
    $found = [System.Collections.Generic.List[object]]::new()
    foreach ($query in @(@{ LogName = 'Directory Service'; Id = 1109, 1587 }, @{ LogName = 'System'; Id = 16654 })) {
        if ($Since) { $query['StartTime'] = $Since }
        # No matching event is not an error here: the caller reports what is missing. A log that cannot be read at
        # all (no such log, no rights) means the events were not checked.
        try {
            foreach ($e in @(Get-WinEvent -FilterHashtable $query -ErrorAction SilentlyContinue)) {
                $found.Add([pscustomobject]@{ Id = $e.Id; Log = $e.LogName; TimeCreated = $e.TimeCreated; Message = $e.Message })
            }
        } catch {
            Write-Verbose -Message "The $($query['LogName']) event log cannot be read: $($_.Exception.Message)"
            return $null
        }
    }
    , $found.ToArray()
}

function New-ADBRestoreStatus {
    <#
    .SYNOPSIS
    ADDatabaseBackup.RestoreStatus from adbackup restore-status's result and the events found.
    .PARAMETER Status
    adbackup restore-status's result.
    .PARAMETER Events
    Get-ADBRestoreEvent's answer: $null when the logs were not read.
    #>
    [CmdletBinding()]
    [OutputType([System.Management.Automation.PSObject])]
    param([Parameter(Mandatory)] [object] $Status, [AllowNull()] [object[]] $Events)

    $archive = Get-ADBMember $Status 'archive'
    $database = Get-ADBMember $Status 'database'
    $before = Get-ADBMember $Status 'before'
    $now = Get-ADBMember $Status 'now'
    $state = [string](Get-ADBMember $Status 'status')
    $p = [ordered]@{
        Status              = if ($state) { $state.Substring(0, 1).ToUpperInvariant() + $state.Substring(1) } else { $null }
        Reasons             = [object[]]@(Get-ADBMember $Status 'reasons')
        Method              = Get-ADBMember $Status 'method'
        RestoredAt          = ConvertTo-ADBDateTime (Get-ADBMember $Status 'restoredAt')
        BackupId            = Get-ADBMember $archive 'backupId'
        Archive             = Get-ADBMember $archive 'path'
        ReceiptPath         = Get-ADBMember $Status 'receipt'
        RegistrationPresent = Get-ADBMember $Status 'registrationPresent'
        RestoreCountBefore  = if ($before) { Get-ADBMember $before 'previousRestoreCount' } else { $null }
        RestoreCountNow     = if ($now) { Get-ADBMember $now 'previousRestoreCount' } else { $null }
        DatabasePath        = Get-ADBMember $database 'path'
        SameDatabase        = Get-ADBMember $database 'sameDatabase'
        NtdsService         = Get-ADBMember $Status 'ntdsService'
        EventsChecked       = $null -ne $Events
        Events              = if ($null -ne $Events) { [object[]]$Events } else { [object[]]@() }
        RidPoolInvalidated  = if ($null -ne $Events) { @($Events | Where-Object { $_.Id -eq 16654 }).Count -gt 0 } else { $null }
    }
    New-ADBObject -TypeName 'ADDatabaseBackup.RestoreStatus' -Property $p
}
