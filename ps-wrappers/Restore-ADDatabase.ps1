function Restore-ADDatabase {
    <#
    .SYNOPSIS
    Restores the Active Directory database from a backup archive and registers the restore (non-authoritative).

    .DESCRIPTION
    Restore-ADDatabase is the offline restore of a domain controller's database, run in Directory Services Restore
    Mode (DSRM). It verifies the archive first (every hash, header and page), refuses a backup older than its
    tombstone lifetime (unless -AllowExpired), a database in use or a DC not in DSRM, then:
    - moves every file it replaces into a sibling pre-restore-<UTC time> folder (nothing is deleted),
    - writes ntds.dit and the logs where the backup recorded them (or to -DatabasePath/-LogPath, or under -Root),
    - registers the restore as Microsoft documents it (KB 814167: the "Restore in Progress" values and a new
      database GUID) in this computer's registry (-ApplyRegistry) and/or as a .reg file (-ExportRegistryFile).
    With -Method Api the Directory Backup API's restore functions do the copy and the registration instead.
    With -OfflineWindows the restore goes into a DC's Windows volume mounted on this machine (a DC that will not
    reach DSRM, a VM disk attached to a rescue host): the files go where that volume's SYSTEM hive says NTDS keeps
    them, and the registration is written into the hive itself, for NTDS to process at the DC's next normal start.

    An encrypted archive (.age) needs -IdentityFile (the age private key) or -Passphrase; it is decrypted in the
    same single pass that verifies it, and plain text is released only chunk by chunk, each chunk authenticated.
    Without a key the restore stops with ADDatabaseBackup.ARCHIVE_ENCRYPTED before anything changes.

    At the next normal start AD DS replays the logs, takes a new invocation ID and replicates what changed since the
    backup. The result's NextSteps list what remains (an optional authoritative restore with ntdsutil, leaving DSRM,
    the other system-state components).

    -WhatIf shows the plan without changing anything: every move, write and registry value, as What-if messages,
    and returns the plan as an ADDatabaseBackup.RestoreResult with Plan set. For an expired backup without
    -AllowExpired it shows the plan too (Expired set, ExpiredOverride not) and then writes the refusal the restore
    would meet, ADDatabaseBackup.BACKUP_EXPIRED, as a non-terminating error. The restore's ConfirmImpact is High:
    PowerShell asks before restoring unless -Confirm:$false is given (which scripts and runbooks must do).

    .PARAMETER Path
    The archive. Wildcards are allowed but must name exactly one file. Strings from the pipeline bind here; objects
    from Get-ADDatabaseBackup and Test-ADDatabaseBackup bind to -LiteralPath by their PSPath property. Several
    archives (a wildcard or a pipeline) are refused with AMBIGUOUS_PATH before anything is restored.

    .PARAMETER LiteralPath
    The archive, taken literally (no wildcards). Binds the PSPath and FullName properties of piped objects.

    .PARAMETER Method
    Files (default): write the files and the registration as documented. Api: the Directory Backup API's restore
    (DsRestorePrepare ... DsRestoreRegisterComplete) on this DC.

    .PARAMETER Root
    Files method: write under this folder, the DC's paths re-rooted (C:\Windows\NTDS becomes <Root>\C\Windows\NTDS):
    for a rescue host with the DC's volume mounted. -DatabasePath and -LogPath are then the DC's paths, not this
    machine's.

    .PARAMETER DatabasePath
    Files method: the full path ntds.dit is restored to (default: where it was backed up, or on a DC where
    NTDS\Parameters says). A new place is recorded in the restore map, and the result warns about it.

    .PARAMETER LogPath
    Files method: the log folder (the registration's LogPath; default: the backed-up log folder).

    .PARAMETER BackupLogPath
    Files method: the folder the restored logs are written to (BackupLogPath; default: -LogPath).

    .PARAMETER CheckpointPath
    Files method: the checkpoint (working) folder (CheckpointFilePath).

    .PARAMETER ComputerName
    Files method: the DC's name used in the registration's UNC paths (default: the backed-up DC).

    .PARAMETER OfflineWindows
    Offline restore: the root of the DC's Windows volume as it is mounted on this machine (E:\ on a repair VM, a
    mount point on a rescue host). The DC's paths map onto it (C:\Windows\NTDS becomes <OfflineWindows>\Windows\NTDS);
    where NTDS keeps its files is read from the volume's SYSTEM hive (NTDS\Parameters) unless -DatabasePath,
    -LogPath or -CheckpointPath name other places (the DC's paths). The registration (KB 814167's values, or
    "Database restored from backup") is written into that hive's current control set, the old hive kept beside it as
    SYSTEM.pre-restore-<UTC>. A hive with pending transaction logs (dirty: the DC was not shut down cleanly) is
    refused (ADDatabaseBackup.HIVE_DIRTY) before anything changes. The DC is not running, so neither DSRM nor a stopped
    NTDS is required. Not with -Method Api, -Root, -ApplyRegistry or -Server.

    .PARAMETER SystemHive
    Offline restore: the SYSTEM hive file to read and write (default: <OfflineWindows>\Windows\System32\config\SYSTEM,
    found whatever the case of its folders).

    .PARAMETER DriveMap
    Offline restore: where the DC's other drives are mounted here, when NTDS keeps files off its system drive, e.g.
    @{ D = 'F:\' }. A path on a drive that is not mapped is refused (ADDatabaseBackup.DRIVE_NOT_MAPPED).

    .PARAMETER Server
    Api method: this computer's NetBIOS name as the restore API wants it (default: the local name).

    .PARAMETER CreateFolders
    Files method: create missing target folders instead of refusing.

    .PARAMETER RestoreCheckpoint
    Files method: also write the archived edb.chk (recovery of a restore does not need it).

    .PARAMETER ExportRegistryFile
    Write the registration as a regedit .reg file (import it with 'reg import' on the DC, in DSRM, before restarting).

    .PARAMETER ApplyRegistry
    Write the registration into this computer's registry (Windows, elevated, in DSRM).

    .PARAMETER RegistrationMethod
    Files method: which registration the restore writes. Auto (default) takes the one the backup names
    (Get-ADDatabaseBackup's RestoreMethod): RestoreInProgress (KB 814167's "Restore in Progress" values, for a
    database a backup made, with its numbered logs) or DatabaseRestoredFromBackup (NTDS\Parameters "Database restored
    from backup" = 1, for an IFM or offline copy: NTDS takes a new invocation ID at its next start). A registration the
    backup cannot support is refused (ADDatabaseBackup.RESTORE_METHOD_UNSUPPORTED) before anything changes.

    .PARAMETER KeepDatabaseEpoch
    DatabaseRestoredFromBackup only: leave NTDS\Parameters "DSA Database Epoch" alone (by default it is removed, as
    file-level restores do; its old value is kept in the receipt).

    .PARAMETER RegistryPathStyle
    Unc (\\DC01\C$\Windows\NTDS, KB 814167's form; the default when the backup recorded UNC paths) or Local.

    .PARAMETER IdentityFile
    An encrypted archive: the age identity file (AGE-SECRET-KEY-1... lines, as New-ADDatabaseBackupKey or age-keygen
    writes them) holding a private key it was encrypted to.

    .PARAMETER Passphrase
    An encrypted archive: the passphrase it was encrypted with, as a SecureString. Sent to adbackup only in the
    request on its standard input; never written to an output stream.

    .PARAMETER AllowExpired
    Restore a backup older than its tombstone lifetime. Only for a forest recovery: an expired backup reintroduces
    deleted objects (lingering objects) on a DC that still replicates.

    .PARAMETER Force
    Overwrite an existing -ExportRegistryFile.

    .PARAMETER WhatIf
    Shows the restore plan (every move, write and registry value) and returns it; changes nothing.

    .PARAMETER Confirm
    Asks before restoring (the default, because the restore's impact is High). Use -Confirm:$false in scripts.

    .EXAMPLE
    Restore-ADDatabase -Path \\backup01\ad$\DC01\DC01-ntds-20261123T020000Z.tar.zst -WhatIf

    Shows what a restore of this archive would move, write and register, and returns the plan.

    .EXAMPLE
    Get-ADDatabaseBackup -Path \\backup01\ad$\DC01 | Where-Object { -not $_.Expired } |
        Sort-Object CreatedAt | Select-Object -Last 1 | Restore-ADDatabase -ApplyRegistry -Confirm:$false

    In DSRM on DC01: restores the newest backup that is still within its shelf life and registers it in the
    registry. Restart normally afterwards (bcdedit /deletevalue {default} safeboot).

    .EXAMPLE
    Restore-ADDatabase -LiteralPath D:\dc01.tar.zst -Root E:\ -CreateFolders -ExportRegistryFile E:\restore.reg -Confirm:$false

    On a rescue host with the DC's system volume mounted as E:\: writes the files under E:\C\... and the
    registration as a .reg file to import on the DC.

    .EXAMPLE
    Restore-ADDatabase -Path \\backup01\ad$\DC01\DC01-ntds-20261123T020000Z.tar.zst.age -IdentityFile E:\keys\adbackup-key.txt -ApplyRegistry -Confirm:$false

    In DSRM: restores an encrypted backup, decrypting it with the private key from the identity file (kept offline,
    e.g. on a USB stick, until it is needed).

    .EXAMPLE
    $passphrase = Read-Host -AsSecureString -Prompt 'Backup passphrase'
    Restore-ADDatabase -LiteralPath D:\dc01.tar.zst.age -Passphrase $passphrase -ExportRegistryFile C:\Temp\restore.reg -Confirm:$false

    Restores an archive encrypted with a passphrase.

    .EXAMPLE
    Restore-ADDatabase -LiteralPath D:\dc01.tar.zst -OfflineWindows F:\ -Confirm:$false

    On a repair VM with the broken DC's system disk attached as F:\: writes ntds.dit and the logs where F:\'s SYSTEM
    hive says NTDS keeps them and registers the restore in that hive. Detach the disk and start the DC normally.

    .INPUTS
    System.String. An archive path.
    ADDatabaseBackup.BackupInfo, ADDatabaseBackup.VerifyResult. By their PSPath property, literally; exactly one.

    .OUTPUTS
    ADDatabaseBackup.RestoreResult. Path, BackupId, Plan, Expired, ExpiredOverride, DatabasePath, LogPath,
    BackupLogPath, CheckpointPath, Root, FileCount, MovedAsideCount, RegistryWrittenTo, Actions, Registry, Warnings,
    NextSteps. The result is returned by a restore (its next steps matter) and by -WhatIf (the plan).

    .NOTES
    A refused or failed restore is a terminating error with FullyQualifiedErrorId
    'ADDatabaseBackup.<CODE>,Restore-ADDatabase': BACKUP_EXPIRED and NOT_IN_RESTORE_MODE (InvalidOperation),
    TARGET_IN_USE (ResourceBusy), ARCHIVE_INVALID (InvalidData), REGISTRATION_REQUIRED (InvalidArgument),
    ARCHIVE_ENCRYPTED (SecurityError: an encrypted archive without -IdentityFile or -Passphrase), AGE_NO_MATCHING_KEY
    (InvalidData: the key does not open it), ...
    The restore's warnings are written as warnings and its next steps to the information stream (tag NextStep).
    This is a non-authoritative restore; see samples/dsrm-restore-runbook.ps1 for the whole DSRM procedure,
    including the optional authoritative restore with ntdsutil.

    .LINK
    Get-ADDatabaseBackup

    .LINK
    Test-ADDatabaseBackup

    .LINK
    Backup-ADDatabase
    #>
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'High', DefaultParameterSetName = 'Path')]
    [OutputType('ADDatabaseBackup.RestoreResult')]
    param(
        [Parameter(Mandatory, Position = 0, ParameterSetName = 'Path', ValueFromPipeline)]
        [Parameter(Mandatory, Position = 0, ParameterSetName = 'OfflinePath', ValueFromPipeline)]
        [SupportsWildcards()]
        [ValidateNotNullOrEmpty()]
        [string] $Path,

        [Parameter(Mandatory, ParameterSetName = 'LiteralPath', ValueFromPipelineByPropertyName)]
        [Parameter(Mandatory, ParameterSetName = 'OfflineLiteralPath', ValueFromPipelineByPropertyName)]
        [Alias('PSPath', 'FullName')]
        [ValidateNotNullOrEmpty()]
        [string] $LiteralPath,

        [ValidateSet('Files', 'Api')]
        [string] $Method = 'Files',

        [Parameter(Mandatory, ParameterSetName = 'OfflinePath')]
        [Parameter(Mandatory, ParameterSetName = 'OfflineLiteralPath')]
        [ValidateNotNullOrEmpty()]
        [string] $OfflineWindows,

        [Parameter(ParameterSetName = 'OfflinePath')]
        [Parameter(ParameterSetName = 'OfflineLiteralPath')]
        [ValidateNotNullOrEmpty()]
        [string] $SystemHive,

        [Parameter(ParameterSetName = 'OfflinePath')]
        [Parameter(ParameterSetName = 'OfflineLiteralPath')]
        [hashtable] $DriveMap,

        [ValidateNotNullOrEmpty()]
        [string] $Root,

        [Alias('DBPath')]
        [ValidateNotNullOrEmpty()]
        [string] $DatabasePath,

        [Alias('Log', 'TransactionLogPath')]
        [ValidateNotNullOrEmpty()]
        [string] $LogPath,

        [ValidateNotNullOrEmpty()]
        [string] $BackupLogPath,

        [ValidateNotNullOrEmpty()]
        [string] $CheckpointPath,

        [ValidatePattern('^[A-Za-z0-9][A-Za-z0-9-]{0,62}$')]
        [string] $ComputerName,

        [ValidatePattern('^\\{0,2}[A-Za-z0-9][A-Za-z0-9-]{0,62}$')]
        [string] $Server,

        [switch] $CreateFolders,

        [switch] $RestoreCheckpoint,

        [ValidateNotNullOrEmpty()]
        [string] $ExportRegistryFile,

        [switch] $ApplyRegistry,

        [ValidateSet('Unc', 'Local')]
        [string] $RegistryPathStyle,

        [ValidateSet('Auto', 'RestoreInProgress', 'DatabaseRestoredFromBackup')]
        [string] $RegistrationMethod = 'Auto',

        [switch] $KeepDatabaseEpoch,

        [switch] $AllowExpired,

        [switch] $Force,

        [ValidateNotNullOrEmpty()]
        [string] $IdentityFile,

        [securestring] $Passphrase
    )

    begin {
        try {
            $filesOnly = @('OfflineWindows', 'SystemHive', 'DriveMap', 'Root', 'DatabasePath', 'LogPath', 'BackupLogPath', 'CheckpointPath', 'ComputerName', 'CreateFolders', 'RestoreCheckpoint', 'RegistrationMethod', 'KeepDatabaseEpoch')
            $notForMethod = @(if ($Method -eq 'Api') { $filesOnly + @('ExportRegistryFile', 'ApplyRegistry', 'RegistryPathStyle') } else { 'Server' })
            # Offline: the volume's own hive is the registry; this machine's registry and -Root do not apply.
            if ($OfflineWindows) { $notForMethod += @('Root', 'ApplyRegistry') }
            $conflict = @($notForMethod | Where-Object { $PSBoundParameters.ContainsKey($_) })
            if ($conflict.Count -gt 0) {
                $PSCmdlet.ThrowTerminatingError((New-ADBErrorRecord -Code 'METHOD_PARAMETERS' -TargetObject $Method `
                            -Message "-Method $Method$(if ($OfflineWindows) { ' -OfflineWindows' }) does not take -$($conflict -join ', -')." `
                            -ErrorCategory ([System.Management.Automation.ErrorCategory]::InvalidArgument)))
            }
            $archives = [System.Collections.Generic.List[string]]::new()
            $decryption = New-ADBDecryptionRequest -Cmdlet $PSCmdlet -IdentityFile $IdentityFile -Passphrase $Passphrase -PassphraseGiven:($PSBoundParameters.ContainsKey('Passphrase'))
        } catch {
            # A .NET exception (a host that cannot prompt, a bad path) would end only its statement: stop the cmdlet.
            $PSCmdlet.ThrowTerminatingError($_)
        }
    }

    process {
        # Only collected here: several archives (a wildcard, or a pipeline of several objects) are refused in the end
        # block, before anything is restored, instead of restored one over the other.
        try {
            foreach ($found in @(Resolve-ADBInputPath -Cmdlet $PSCmdlet -Path $Path -LiteralPath $LiteralPath)) { $archives.Add($found) }
        } catch {
            $PSCmdlet.ThrowTerminatingError($_)
        }
    }

    end {
        try {
            if ($archives.Count -eq 0) { return }
            if ($archives.Count -gt 1) {
                $names = @($archives | ForEach-Object { [System.IO.Path]::GetFileName($_) }) -join ', '
                $PSCmdlet.ThrowTerminatingError((New-ADBErrorRecord -Code 'AMBIGUOUS_PATH' -TargetObject @($archives) `
                            -Message "$($archives.Count) archives were given ($names); a restore takes exactly one archive. Nothing was restored." `
                            -ErrorCategory ([System.Management.Automation.ErrorCategory]::InvalidArgument)))
            }
            $archive = $archives[0]

            $target = [ordered]@{ type = $Method.ToLowerInvariant() }
            if ($Method -eq 'Api') {
                if ($Server) { $target['server'] = $Server }
                $where = if ($Server) { "domain controller $Server (restore API)" } else { 'this domain controller (restore API)' }
            } else {
                if ($OfflineWindows) {
                    $target['type'] = 'offline'
                    $target['windows'] = Resolve-ADBOutputPath -Cmdlet $PSCmdlet -Path $OfflineWindows
                    if ($SystemHive) { $target['hive'] = Resolve-ADBOutputPath -Cmdlet $PSCmdlet -Path $SystemHive }
                    if ($DriveMap) {
                        $drives = [ordered]@{}
                        foreach ($key in $DriveMap.Keys) { $drives["$key"] = Resolve-ADBOutputPath -Cmdlet $PSCmdlet -Path "$($DriveMap[$key])" }
                        $target['drives'] = $drives
                    }
                }
                # Under -Root or -OfflineWindows the paths are the DC's own (mapped by adbackup).
                $dcPaths = $Root -or $OfflineWindows
                if ($Root) { $target['root'] = Resolve-ADBOutputPath -Cmdlet $PSCmdlet -Path $Root }
                foreach ($pair in @(@('databasePath', $DatabasePath), @('logPath', $LogPath), @('backupLogPath', $BackupLogPath), @('checkpointPath', $CheckpointPath))) {
                    if (-not $pair[1]) { continue }
                    # Under -Root these are the DC's own paths (re-rooted by adbackup); otherwise paths on this machine.
                    $target[$pair[0]] = if ($dcPaths) { $pair[1] } else { Resolve-ADBOutputPath -Cmdlet $PSCmdlet -Path $pair[1] }
                }
                if ($ComputerName) { $target['computer'] = $ComputerName }
                if ($CreateFolders) { $target['createFolders'] = $true }
                if ($RestoreCheckpoint) { $target['restoreCheckpoint'] = $true }
                $where = if ($target.Contains('databasePath')) { $target['databasePath'] } else { 'the locations recorded in the backup' }
                if ($Root) { $where = "$where under $($target['root'])" }
                if ($OfflineWindows) {
                    $where = if ($target.Contains('databasePath')) { "$($target['databasePath']) on the Windows volume $($target['windows'])" } else { "the Windows volume $($target['windows'])" }
                }
            }

            $registry = [ordered]@{}
            if ($ExportRegistryFile) { $registry['regFile'] = Resolve-ADBOutputPath -Cmdlet $PSCmdlet -Path $ExportRegistryFile }
            if ($ExportRegistryFile -and $Force) { $registry['overwriteRegFile'] = $true }
            if ($ApplyRegistry) { $registry['apply'] = $true }
            if ($RegistryPathStyle) { $registry['pathStyle'] = $RegistryPathStyle.ToLowerInvariant() }
            if ($KeepDatabaseEpoch) { $registry['keepDatabaseEpoch'] = $true }

            $request = [ordered]@{ archive = $archive; target = $target }
            if ($RegistrationMethod -eq 'RestoreInProgress') { $request['method'] = 'restore-in-progress' }
            if ($RegistrationMethod -eq 'DatabaseRestoredFromBackup') { $request['method'] = 'database-restored-from-backup' }
            if ($AllowExpired) { $request['allowExpired'] = $true }
            if ($null -ne $decryption) { $request['decryption'] = $decryption }

            if ($WhatIfPreference) {
                # The plan: adbackup verifies the archive and lists every change without making one.
                $planRegistry = [ordered]@{}
                foreach ($name in @('pathStyle', 'keepDatabaseEpoch')) { if ($registry.Contains($name)) { $planRegistry[$name] = $registry[$name] } }
                if ($planRegistry.Count -gt 0) { $request['registry'] = $planRegistry }
                $request['plan'] = $true
                Write-Verbose -Message ("Planning the restore of $archive to $where.")
                $run = Invoke-ADBExecutable -Cmdlet $PSCmdlet -Command restore -Request $request -TargetObject $archive `
                    -Activity "Planning the restore of $([System.IO.Path]::GetFileName($archive))"
                # An expired backup: -WhatIf still shows what the restore would do, then the refusal the real one meets.
                $refusal = $null
                if ($run.ErrorRecord -and $run.ErrorRecord.Exception.Data['Code'] -eq 'BACKUP_EXPIRED') {
                    $refusal = $run.ErrorRecord
                    $request['allowExpired'] = $true
                    $run = Invoke-ADBExecutable -Cmdlet $PSCmdlet -Command restore -Request $request -TargetObject $archive `
                        -Activity "Planning the restore of $([System.IO.Path]::GetFileName($archive))"
                }
                if ($run.ErrorRecord) { $PSCmdlet.ThrowTerminatingError($run.ErrorRecord) }
                $plan = New-ADBRestoreResult -Response $run.Result
                if ($refusal) { $plan.ExpiredOverride = $false }
                foreach ($action in $plan.Actions) {
                    switch (Get-ADBMember $action 'action') {
                        'move-aside' { $null = $PSCmdlet.ShouldProcess((Get-ADBMember $action 'from'), "Move aside to $(Get-ADBMember $action 'to')") }
                        'create-folder' { $null = $PSCmdlet.ShouldProcess((Get-ADBMember $action 'path'), 'Create folder') }
                        'write' {
                            $null = $PSCmdlet.ShouldProcess((Get-ADBMember $action 'to'),
                                ('Write {0} from the archive ({1:N0} bytes, sha256 {2})' -f (Get-ADBMember $action 'entry'), (Get-ADBMember $action 'size'), (Get-ADBMember $action 'sha256')))
                        }
                    }
                }
                $destinations = @()
                if ($registry.Contains('regFile')) { $destinations += "the .reg file $($registry['regFile'])" }
                if ($ApplyRegistry) { $destinations += "this computer's registry" }
                if ($OfflineWindows) { $destinations += "the offline SYSTEM hive $(Get-ADBMember (Get-ADBMember $run.Result 'targets') 'hive')" }
                if ($Method -eq 'Api') { $destinations += 'the restore API (DsRestoreRegister)' }
                if ($destinations.Count -eq 0) { $destinations += 'nowhere yet: add -ApplyRegistry or -ExportRegistryFile' }
                foreach ($value in $plan.Registry) {
                    $what = if ((Get-ADBMember $value 'type') -eq 'DELETE') { 'Remove the value' } else { "Set $(Get-ADBMember $value 'type') $(Format-ADBRegistryValue -Value $value)" }
                    $null = $PSCmdlet.ShouldProcess("$(Get-ADBMember $value 'key')\$(Get-ADBMember $value 'name')", "$what in $($destinations -join ' and ')")
                }
                # Without -AllowExpired nothing was overridden: the override's warning would mislead; the refusal says it.
                foreach ($warning in $plan.Warnings) { if (-not ($refusal -and $warning -like '*(allowExpired)*')) { Write-Warning -Message ($warning) } }
                $plan
                if ($refusal) { $PSCmdlet.WriteError($refusal) }
                return
            }

            $registration = @()
            if ($registry.Contains('regFile')) { $registration += "as $($registry['regFile'])" }
            if ($ApplyRegistry) { $registration += "in this computer's registry" }
            if ($OfflineWindows) { $registration += "in the volume's SYSTEM hive" }
            if ($registry.Count -gt 0) { $request['registry'] = $registry }
            $action = "Restore the Active Directory database from '$archive'"
            if ($registration.Count -gt 0) { $action += " and register the restore $($registration -join ' and ')" }
            if (-not (Confirm-ADBAction -Cmdlet $PSCmdlet -Target $where -Action $action)) { return }

            Write-Verbose -Message ("Restoring $archive to $where.")
            $run = Invoke-ADBExecutable -Cmdlet $PSCmdlet -Command restore -Request $request -TargetObject $archive `
                -Activity "Restoring $([System.IO.Path]::GetFileName($archive))"
            if ($run.ErrorRecord) { $PSCmdlet.ThrowTerminatingError($run.ErrorRecord) }
            $result = New-ADBRestoreResult -Response $run.Result
            foreach ($warning in $result.Warnings) { Write-Warning -Message ($warning) }
            foreach ($step in $result.NextSteps) { Write-Information -MessageData $step -Tags 'NextStep' }
            Write-Verbose -Message ("Restored $($result.FileCount) file(s) to $($result.DatabasePath); $($result.MovedAsideCount) replaced file(s) moved aside; registration written to $($result.RegistryWrittenTo -join ', ').")
            $result
        } catch {
            # A .NET exception (a host that cannot prompt, a bad path) would end only its statement: stop the cmdlet.
            $PSCmdlet.ThrowTerminatingError($_)
        }
    }
}
