function Register-ADDatabaseBackupEventSource {
    <#
    .SYNOPSIS
    Registers the event source ADDatabaseBackup in the Windows Application log, so the events of backups, checks,
    restores and retention read cleanly in the Event Viewer.

    .DESCRIPTION
    adbackup reports each backup, verify, restore and prune run to the Application log (source ADDatabaseBackup; event
    IDs 1000-1302, see the module README). Windows shows such an event with the preamble "The description for Event
    ID ... cannot be found" until the source is registered. This writes the registration as
    EventLog.CreateEventSource does: the key
    HKLM\SYSTEM\CurrentControlSet\Services\EventLog\Application\ADDatabaseBackup with EventMessageFile pointing to
    EventLogMessages.dll of the .NET Framework 4 (present on every Windows Server; its message for every ID is the
    text itself) and TypesSupported 7. Run it once per DC, elevated, e.g. from the GPO startup script or the scheduled-task
    setup; running it again changes nothing.

    .PARAMETER MessageFile
    The message file to register. Default: EventLogMessages.dll of the .NET Framework 4 (Framework64 on 64-bit
    Windows), written as a REG_EXPAND_SZ under %SystemRoot%.

    .EXAMPLE
    Register-ADDatabaseBackupEventSource
    Registers the source (needs an elevated session).

    .EXAMPLE
    Register-ADDatabaseBackupEventSource -WhatIf
    Shows whether the registration would change anything.

    .INPUTS
    None.

    .OUTPUTS
    System.Management.Automation.PSCustomObject. Source, Key, EventMessageFile, Changed.

    .NOTES
    Windows only: elsewhere it stops with ADDatabaseBackup.PLATFORM_NOT_SUPPORTED. Without administrative rights it
    stops with the registry's access-denied error; backups still run and report their events (with a warning).

    .LINK
    Backup-ADDatabase
    #>
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'Low')]
    [OutputType([System.Management.Automation.PSCustomObject])]
    param(
        [ValidateNotNullOrEmpty()]
        [string] $MessageFile
    )

    $source = 'ADDatabaseBackup'
    $key = "HKLM:\SYSTEM\CurrentControlSet\Services\EventLog\Application\$source"
    try {
        if ([System.Environment]::OSVersion.Platform -ne [System.PlatformID]::Win32NT) {
            $PSCmdlet.ThrowTerminatingError((New-ADBErrorRecord -Code 'PLATFORM_NOT_SUPPORTED' -TargetObject $source `
                        -Message 'The Windows event log exists only on Windows: adbackup reports no events elsewhere (use -LogPath for a run log).' `
                        -ErrorCategory ([System.Management.Automation.ErrorCategory]::NotImplemented)))
        }
        if (-not $MessageFile) {
            $framework = if ([System.Environment]::Is64BitOperatingSystem) { 'Framework64' } else { 'Framework' }
            $MessageFile = "%SystemRoot%\Microsoft.NET\$framework\v4.0.30319\EventLogMessages.dll"
        }
        # Compared as stored (REG_EXPAND_SZ): Get-ItemProperty would return it expanded.
        $current = $null
        if (Test-Path -LiteralPath $key) {
            $current = (Get-Item -LiteralPath $key).GetValue('EventMessageFile', $null, [Microsoft.Win32.RegistryValueOptions]::DoNotExpandEnvironmentNames)
        }
        $changed = $current -ne $MessageFile
        if ($changed -and (Confirm-ADBAction -Cmdlet $PSCmdlet -Target $key -Action "Register the event source $source with $MessageFile")) {
            if (-not (Test-Path -LiteralPath $key)) { $null = New-Item -Path $key -Force -ErrorAction Stop }
            $null = New-ItemProperty -LiteralPath $key -Name EventMessageFile -PropertyType ExpandString -Value $MessageFile -Force -ErrorAction Stop
            $null = New-ItemProperty -LiteralPath $key -Name TypesSupported -PropertyType DWord -Value 7 -Force -ErrorAction Stop
        }
        [pscustomobject]@{ Source = $source; Key = $key; EventMessageFile = $MessageFile; Changed = [bool]($changed -and -not $WhatIfPreference) }
    } catch {
        $PSCmdlet.ThrowTerminatingError($_)
    }
}
