function Backup-ADDatabase {
    <#
    .SYNOPSIS
    Backs up the Active Directory database (ntds.dit, its transaction logs and checkpoint) into one verified archive.

    .DESCRIPTION
    Backup-ADDatabase writes one archive (.tar.zst by default, .tar.gz or .tar) holding ntds.dit, the Edb*.log
    transaction logs a restore needs and edb.chk, with SHA256SUMS, a manifest, and a plaintext sidecar
    <archive>.manifest.json that Get-ADDatabaseBackup reads. Every database page checksum and every log header is
    checked while the files are read; a source that could not restore the database is refused.

    Three sources:
    - Vss (the default when no source is given): an online backup on the domain controller itself through the
      Volume Shadow Copy Service and the in-box NTDS writer, the way Windows Server 2008 to 2025 (and Windows Server
      Backup) do it. The writer makes the snapshot consistent; the files are read from the snapshot; only once the
      archive is safely written is the writer told that the backup succeeded, so AD records the backup time (no
      event 2089) and may truncate its logs. Any failure or Ctrl+C aborts the backup and deletes the snapshot.
      Needs an elevated session (Administrators or Backup Operators); off a domain controller it is refused with
      ADDatabaseBackup.NTDS_WRITER_MISSING.
    - Api: an online backup through the Directory Backup API of ntdsbcli.dll, where that API still answers (its
      documentation says to use VSS instead since Windows Vista); -Server reaches another DC, and -TruncateLogs then
      lets AD DS delete the logs the backup holds, after the archive is safely written. -Server or -TruncateLogs
      mean Api.
    - Folder: for IFM or offline copies: a VSS snapshot, the output of ntdsutil "ifm", or an offline copy (-SourcePath, or -DatabasePath and
      -LogPath). -OriginalDatabasePath and -OriginalLogPath record where the files live on the DC when they are read
      from elsewhere, so that a restore puts them back there.

    The backup's shelf life is the forest's tombstone lifetime: read from Active Directory on Windows (through the
    ActiveDirectory module, else [adsi]) unless -TombstoneLifetimeDays is given; 180 days when it cannot be read.

    With -Recipient or -RecipientFile (age public keys), or -Passphrase, the archive is encrypted at rest in the
    standard age v1 format and its name gets .age (DC01-ntds-<UTC time>.tar.zst.age). Only the public key is needed
    to back up; keep the identity file (the private key) offline. The archive opens with Restore-ADDatabase,
    Test-ADDatabaseBackup or Get-ADDatabaseBackup and -IdentityFile or -Passphrase, or without this module:
    age -d -i key.txt <archive> | zstd -d | tar -x. The sidecar stays plain text and records the public keys only.

    The work is done by the adbackup executable in the module's bin folder; the request goes to it on standard
    input, never on its command line (a passphrase included).

    .PARAMETER Path
    Where the archive goes: an existing folder (or any path without an archive extension, created when missing) gets
    a new file named after -NameTemplate; a path ending in .tar.zst, .tar.gz, .tgz or .tar is the archive file
    itself, and must end in .age too (.tar.zst.age, ...) exactly when the backup is encrypted: the name has to say
    how the archive opens, so a name that contradicts -Compression or the encryption is refused
    (ADDatabaseBackup.DESTINATION_NAME_MISMATCH). UNC paths (\\server\share\folder) are fine.

    .PARAMETER Source
    Vss, Api or Folder. Optional: the source follows from the parameters given (-SourcePath, -DatabasePath, ... mean
    Folder; -Server or -TruncateLogs mean Api; none of them means Vss). Giving it makes the intent explicit, and a
    contradiction an error.

    .PARAMETER Server
    Api source: the domain controller whose Directory Backup API to use (default: this computer).

    .PARAMETER TruncateLogs
    Api source: after the archive is written and flushed, let AD DS truncate the transaction logs the backup holds
    (DsBackupTruncateLogs), as a full backup with Windows Server Backup does.

    .PARAMETER SourcePath
    Folder source: the folder holding ntds.dit, the logs and edb.chk (a VSS snapshot path such as
    \\?\GLOBALROOT\Device\HarddiskVolumeShadowCopy7\Windows\NTDS, or an IFM folder, where
    'Active Directory\ntds.dit' is found too).

    .PARAMETER DatabasePath
    Folder source: the ntds.dit file, when the files are not all in one folder.

    .PARAMETER LogPath
    Folder source: the folder holding the Edb*.log files (default: the database's folder).

    .PARAMETER CheckpointPath
    Folder source: the edb.chk file or its folder (default: the log folder).

    .PARAMETER ComputerName
    Folder source: the domain controller the files belong to, recorded in the backup (default: this computer).

    .PARAMETER OriginalDatabasePath
    Folder source: where ntds.dit lives on the DC (e.g. C:\Windows\NTDS\ntds.dit) when it is read from a snapshot or
    copy. Recorded as the place a restore writes it back to.

    .PARAMETER OriginalLogPath
    Folder source: the DC's log folder (e.g. C:\Windows\NTDS), recorded like -OriginalDatabasePath.

    .PARAMETER OriginalCheckpointPath
    Folder source: the DC's checkpoint file or folder, recorded like -OriginalDatabasePath.

    .PARAMETER Compression
    Zstd (default), Gzip or None. When -Path names the archive file, its extension decides (.tar.zst zstd,
    .tar.gz and .tgz gzip, .tar none); -Compression may then be left out, and must agree with it when given.

    .PARAMETER CompressionLevel
    zstd 1-19 (default 3) or gzip 1-9 (default 6).

    .PARAMETER Label
    A free text stored in the manifest and shown by Get-ADDatabaseBackup (e.g. 'nightly', 'before schema update').
    Usable as {label} in -NameTemplate.

    .PARAMETER NameTemplate
    The archive's file name when -Path is a folder, without extension. Tokens: {computer}, {time} (UTC,
    yyyyMMddTHHmmssZ), {date}, {label}. Default: {computer}-ntds-{time}.

    .PARAMETER TombstoneLifetimeDays
    The forest's tombstone lifetime in days, 2-36500: how long the backup can be restored. Default: read from
    Active Directory, else 180.

    .PARAMETER AllowCorruptPages
    Archive a database even when page checksums fail (the manifest lists the pages). Without it such a backup is
    refused: a restore would bring the damage back.

    .PARAMETER AllowUnrestorable
    Archive even when the log set cannot restore the database (a gap, a foreign log...); the findings are recorded.
    For forensics only.

    .PARAMETER Recipient
    Encrypt the archive (age) to these public keys: age1... (X25519, from New-ADDatabaseBackupKey or age-keygen) or
    age1pq1... (post-quantum; not mixed with age1... keys). Any one of the matching private keys opens it. Can be
    combined with -RecipientFile, not with -Passphrase.

    .PARAMETER RecipientFile
    Encrypt the archive to the public keys in this file (age's recipients format: one key per line, '#' comments).
    Can be combined with -Recipient, not with -Passphrase.

    .PARAMETER Passphrase
    Encrypt the archive with this passphrase (age's scrypt recipient), as a SecureString (Read-Host -AsSecureString,
    or a credential's Password). Not together with -Recipient or -RecipientFile: age opens a passphrase archive
    with the passphrase only. The passphrase goes to adbackup in the request on standard input, never on its command
    line, and is never written to any output stream. Prefer public keys for unattended backups: a passphrase must
    be available to the scheduled task.

    .PARAMETER PassphraseWorkFactor
    With -Passphrase: the scrypt work factor (log2 of N), 10-22; default 18, as age. Each step doubles the time
    and memory both to make and to try a passphrase (18: about a second and 256 MiB); age refuses more than 22.
    Lower values weaken the protection against guessing.

    .PARAMETER KeepLast
    After the backup is written (never after a failed one), remove this DC's older backups in the destination folder
    beyond the N newest, as Remove-ADDatabaseBackup -KeepLast does (the newest good backup always stays; only our
    archives with matching sidecars are touched). With -KeepDays, a backup stays when either keeps it.

    .PARAMETER KeepDays
    After the backup is written, remove this DC's backups in the destination folder older than D days (see
    -KeepLast). A retention that cannot run is a warning; the backup stands.

    .PARAMETER RunLogPath
    A run log file: one JSON line per run (start, end, outcome, archive, size, sha256, error code; never a secret),
    appended under a lock so that runs do not interleave. The folder must exist. On Windows each run is also reported
    to the Application log (source ADDatabaseBackup: Register-ADDatabaseBackupEventSource).

    .PARAMETER Force
    Overwrite an existing archive of the same name.

    .PARAMETER WhatIf
    Shows what would be backed up and where, without doing it.

    .PARAMETER Confirm
    Asks before backing up.

    .EXAMPLE
    Backup-ADDatabase -Path \\backup01\ad$\DC01 -Label nightly

    On a domain controller (elevated): an online backup through VSS and the NTDS writer into a new file
    \\backup01\ad$\DC01\DC01-ntds-<UTC time>.tar.zst. AD records the backup, and may truncate its logs, once the
    archive is written.

    .EXAMPLE
    Backup-ADDatabase -Path \\backup01\ad$\DC01 -Source Api -TruncateLogs

    An online backup through the Directory Backup API (where ntdsbcli.dll still answers); the logs it holds are
    truncated afterwards.

    .EXAMPLE
    $shadow = '\\?\GLOBALROOT\Device\HarddiskVolumeShadowCopy7\Windows\NTDS'
    Backup-ADDatabase -Path D:\ADBackup -SourcePath $shadow -OriginalDatabasePath C:\Windows\NTDS\ntds.dit -OriginalLogPath C:\Windows\NTDS

    Backs up a VSS snapshot of the NTDS folder, recording the live paths for the restore.

    .EXAMPLE
    Backup-ADDatabase -Path D:\ADBackup\ifm.tar.gz -SourcePath D:\IFM -ComputerName DC01 -Force -Verbose

    Backs up an 'ntdsutil ifm' folder into a gzip archive (the extension decides), replacing an older file.

    .EXAMPLE
    Backup-ADDatabase -Path \\backup01\ad$\DC01 -Label nightly -RecipientFile C:\ADBackup\recipients.txt

    An encrypted backup: DC01-ntds-<UTC time>.tar.zst.age, encrypted (age) to the public keys in recipients.txt
    (made once with New-ADDatabaseBackupKey or age-keygen; the identity file with the private key is kept offline).

    .EXAMPLE
    $passphrase = Read-Host -AsSecureString -Prompt 'Backup passphrase'
    Backup-ADDatabase -Path D:\ADBackup -SourcePath D:\IFM -Passphrase $passphrase

    An archive encrypted with a passphrase (age scrypt); 'age -d' asks for it to decrypt without this module.

    .INPUTS
    None. Backup-ADDatabase does not take pipeline input.

    .OUTPUTS
    ADDatabaseBackup.BackupResult. Name, Path, ComputerName, Label, CreatedAt, ExpiresAt, TombstoneLifetimeDays,
    SourceType, Compression, DatabaseState, LowLog, HighLog, LogCount, Restorable, BackupId, PageSize, PageCount,
    GoodPages, BlankPages, CorruptPages, Findings, Size, Sha256, SidecarPath, CompletedAt and the full Manifest;
    with -KeepLast/-KeepDays also RemovedBackups (the archives the retention removed).

    .NOTES
    A failed backup is a terminating error (use try/catch in scheduled scripts); its FullyQualifiedErrorId is
    'ADDatabaseBackup.<CODE>,Backup-ADDatabase', e.g. ADDatabaseBackup.DESTINATION_EXISTS (ResourceExists),
    ADDatabaseBackup.SOURCE_NOT_RESTORABLE (InvalidData), ADDatabaseBackup.NTDSBCLI_UNAVAILABLE (NotInstalled),
    ADDatabaseBackup.VSS_UNAVAILABLE (NotInstalled), ADDatabaseBackup.NTDS_WRITER_MISSING (InvalidOperation: not a
    domain controller), ADDatabaseBackup.VSS_ACCESS_DENIED (PermissionDenied: not elevated),
    ADDatabaseBackup.INTERRUPTED (OperationStopped: Ctrl+C; the snapshot is released),
    ADDatabaseBackup.ENCRYPTION_PARAMETERS (InvalidArgument: -Passphrase with recipients, an empty passphrase),
    ADDatabaseBackup.DESTINATION_NAME_MISMATCH (InvalidArgument: an archive name that contradicts -Compression or
    the encryption, e.g. x.tar.gz with -Compression Zstd, or x.tar.zst with -Recipient).
    The archive is written as <name>.partial and renamed when complete: an interrupted backup never leaves a file
    under the final name.

    .LINK
    Get-ADDatabaseBackup

    .LINK
    Test-ADDatabaseBackup

    .LINK
    Restore-ADDatabase
    #>
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'Medium', DefaultParameterSetName = 'Vss')]
    [OutputType('ADDatabaseBackup.BackupResult')]
    param(
        [Parameter(Mandatory, Position = 0)]
        [Alias('Destination')]
        [ValidateNotNullOrEmpty()]
        [string] $Path,

        [ValidateSet('Vss', 'Api', 'Folder')]
        [string] $Source,

        [Parameter(ParameterSetName = 'Api')]
        [ValidateNotNullOrEmpty()]
        [string] $Server,

        [Parameter(ParameterSetName = 'Api')]
        [switch] $TruncateLogs,

        [Parameter(ParameterSetName = 'Folder')]
        [ValidateNotNullOrEmpty()]
        [string] $SourcePath,

        [Parameter(ParameterSetName = 'Folder')]
        [Alias('DBPath')]
        [ValidateNotNullOrEmpty()]
        [string] $DatabasePath,

        [Parameter(ParameterSetName = 'Folder')]
        [Alias('Log', 'TransactionLogPath')]
        [ValidateNotNullOrEmpty()]
        [string] $LogPath,

        [Parameter(ParameterSetName = 'Folder')]
        [ValidateNotNullOrEmpty()]
        [string] $CheckpointPath,

        [Parameter(ParameterSetName = 'Folder')]
        [ValidatePattern('^[A-Za-z0-9][A-Za-z0-9-]{0,62}$')]
        [string] $ComputerName,

        [Parameter(ParameterSetName = 'Folder')]
        [ValidateNotNullOrEmpty()]
        [string] $OriginalDatabasePath,

        [Parameter(ParameterSetName = 'Folder')]
        [ValidateNotNullOrEmpty()]
        [string] $OriginalLogPath,

        [Parameter(ParameterSetName = 'Folder')]
        [ValidateNotNullOrEmpty()]
        [string] $OriginalCheckpointPath,

        [ValidateSet('Zstd', 'Gzip', 'None')]
        [string] $Compression,

        # Get-Help would show an unset [int] as "Default value 0": say what adbackup uses instead.
        [ValidateRange(1, 19)]
        [PSDefaultValue(Help = 'zstd 3, gzip 6')]
        [int] $CompressionLevel,

        [ValidateLength(0, 200)]
        [string] $Label,

        [ValidateNotNullOrEmpty()]
        [ValidateLength(1, 200)]
        [string] $NameTemplate,

        [ValidateRange(2, 36500)]
        [PSDefaultValue(Help = 'read from Active Directory, else 180')]
        [int] $TombstoneLifetimeDays,

        [switch] $AllowCorruptPages,

        [switch] $AllowUnrestorable,

        [switch] $Force,

        [ValidateNotNullOrEmpty()]
        [ValidatePattern('^age1[0-9a-z]+$')]
        [string[]] $Recipient,

        [ValidateNotNullOrEmpty()]
        [string] $RecipientFile,

        [securestring] $Passphrase,

        [ValidateRange(10, 22)]
        [PSDefaultValue(Help = '18')]
        [int] $PassphraseWorkFactor,

        [ValidateRange(1, 100000)]
        [PSDefaultValue(Help = 'none (no count rule)')]
        [int] $KeepLast,

        [ValidateRange(0, 100000)]
        [PSDefaultValue(Help = 'none (no age rule)')]
        [int] $KeepDays,

        [ValidateNotNullOrEmpty()]
        [string] $RunLogPath
    )

    try {
        # The parameter set says which parameters were given: Vss (the default) when no source-specific one was.
        $given = $PSCmdlet.ParameterSetName
        $sourceType = if ($Source) { $Source } else { $given }
        if (($given -ne 'Vss' -and $sourceType -ne $given) -or ($sourceType -eq 'Folder' -and -not ($SourcePath -or $DatabasePath))) {
            $message = if ($sourceType -eq 'Folder' -and $given -ne 'Api') {
                'A folder backup needs -SourcePath (the folder) or -DatabasePath (the ntds.dit file).'
            } elseif ($given -eq 'Folder') {
                "-Source $sourceType takes no folder parameters (-SourcePath, -DatabasePath, -LogPath, ...); use -Source Folder."
            } else {
                "-Source $sourceType takes neither -Server nor -TruncateLogs (they belong to -Source Api)."
            }
            $PSCmdlet.ThrowTerminatingError((New-ADBErrorRecord -Code 'SOURCE_PARAMETERS' -Message $message -TargetObject $sourceType `
                        -ErrorCategory ([System.Management.Automation.ErrorCategory]::InvalidArgument)))
        }

        $encryption = $null
        if ($Recipient -or $RecipientFile -or $PSBoundParameters.ContainsKey('Passphrase') -or $PSBoundParameters.ContainsKey('PassphraseWorkFactor')) {
            $problem = if ($PSBoundParameters.ContainsKey('Passphrase') -and ($Recipient -or $RecipientFile)) {
                '-Passphrase cannot be combined with -Recipient or -RecipientFile: age opens a passphrase archive with the passphrase only.'
            } elseif ($PSBoundParameters.ContainsKey('Passphrase') -and -not (Test-ADBSecureString -Secret $Passphrase)) {
                'The -Passphrase is empty.'
            } elseif ($PSBoundParameters.ContainsKey('PassphraseWorkFactor') -and -not $PSBoundParameters.ContainsKey('Passphrase')) {
                '-PassphraseWorkFactor applies to -Passphrase only.'
            }
            if ($problem) {
                $PSCmdlet.ThrowTerminatingError((New-ADBErrorRecord -Code 'ENCRYPTION_PARAMETERS' -Message $problem -TargetObject $null `
                            -ErrorCategory ([System.Management.Automation.ErrorCategory]::InvalidArgument)))
            }
            $encryption = [ordered]@{}
            if ($Recipient) { $encryption['recipients'] = [object[]]@($Recipient) }
            if ($RecipientFile) { $encryption['recipientsFile'] = Resolve-ADBOutputPath -Cmdlet $PSCmdlet -Path $RecipientFile }
            if ($PSBoundParameters.ContainsKey('Passphrase')) {
                # Stays a SecureString: Invoke-ADBExecutable turns it into text only inside the bytes sent to stdin.
                $encryption['passphrase'] = [ordered]@{ value = $Passphrase }
            }
            if ($PSBoundParameters.ContainsKey('PassphraseWorkFactor')) { $encryption['workFactor'] = $PassphraseWorkFactor }
        }

        $request = [ordered]@{}
        $sourceRequest = [ordered]@{ type = $sourceType.ToLowerInvariant() }
        if ($sourceType -eq 'Vss') {
            $sourceText = 'a VSS snapshot of this domain controller (the NTDS writer)'
        } elseif ($sourceType -eq 'Api') {
            if ($Server) { $sourceRequest['server'] = $Server }
            if ($TruncateLogs) { $sourceRequest['truncateLogs'] = $true }
            $sourceText = if ($Server) { "the Directory Backup API of $Server" } else { 'the Directory Backup API of this domain controller' }
        } else {
            foreach ($pair in @(@('path', $SourcePath), @('databasePath', $DatabasePath), @('logPath', $LogPath), @('checkpointPath', $CheckpointPath))) {
                if ($pair[1]) { $sourceRequest[$pair[0]] = Resolve-ADBOutputPath -Cmdlet $PSCmdlet -Path $pair[1] }
            }
            if ($ComputerName) { $sourceRequest['computer'] = $ComputerName }
            $recordAs = [ordered]@{}
            # The DC's own paths: recorded as given, never resolved on this machine.
            if ($OriginalDatabasePath) { $recordAs['databasePath'] = $OriginalDatabasePath }
            if ($OriginalLogPath) { $recordAs['logPath'] = $OriginalLogPath }
            if ($OriginalCheckpointPath) { $recordAs['checkpointPath'] = $OriginalCheckpointPath }
            if ($recordAs.Count -gt 0) { $sourceRequest['recordAs'] = $recordAs }
            $sourceText = if ($SourcePath) { "the folder $($sourceRequest['path'])" } else { "the database $($sourceRequest['databasePath'])" }
        }
        $request['source'] = $sourceRequest

        $destination = Resolve-ADBOutputPath -Cmdlet $PSCmdlet -Path $Path
        # A file or a folder, by the archive name pattern only: whether the name agrees with -Compression and the
        # encryption is adbackup's rule (DESTINATION_NAME_MISMATCH), as is the compression the name implies.
        $isFile = -not [System.IO.Directory]::Exists($destination) -and $destination -match $script:ADBArchivePattern
        if ($isFile) {
            if ($NameTemplate) {
                $PSCmdlet.ThrowTerminatingError((New-ADBErrorRecord -Code 'DESTINATION_PARAMETERS' -TargetObject $Path `
                            -Message "-NameTemplate applies when -Path is a folder; '$Path' names the archive file itself." `
                            -ErrorCategory ([System.Management.Automation.ErrorCategory]::InvalidArgument)))
            }
            $request['destination'] = [ordered]@{ path = $destination }
        } else {
            $request['destination'] = [ordered]@{ directory = $destination }
            if ($NameTemplate) { $request['destination']['nameTemplate'] = $NameTemplate }
        }
        if ($Compression -or $PSBoundParameters.ContainsKey('CompressionLevel')) {
            $compressionRequest = [ordered]@{}
            if ($Compression) { $compressionRequest['type'] = $Compression.ToLowerInvariant() }
            if ($PSBoundParameters.ContainsKey('CompressionLevel')) { $compressionRequest['level'] = $CompressionLevel }
            $request['compression'] = $compressionRequest
        }
        if ($PSBoundParameters.ContainsKey('Label')) { $request['label'] = $Label }
        if ($Force) { $request['overwrite'] = $true }
        if ($AllowCorruptPages) { $request['allowCorruptPages'] = $true }
        if ($AllowUnrestorable) { $request['allowUnrestorable'] = $true }
        if ($null -ne $encryption) {
            $request['encryption'] = $encryption
            $keys = @()
            if ($Recipient) { $keys += "$(@($Recipient).Count) public key(s)" }
            if ($RecipientFile) { $keys += "the public keys in $($encryption['recipientsFile'])" }
            if ($PSBoundParameters.ContainsKey('Passphrase')) { $keys += 'a passphrase' }
            $sourceText += ", encrypted (age) with $($keys -join ' and ')"
        }

        if (-not $PSCmdlet.ShouldProcess($destination, "Back up the Active Directory database from $sourceText")) { return }

        if ($PSBoundParameters.ContainsKey('TombstoneLifetimeDays')) {
            $request['tombstoneLifetimeDays'] = $TombstoneLifetimeDays
        } else {
            $lifetime = Get-ADBTombstoneLifetime -Cmdlet $PSCmdlet
            if ($null -ne $lifetime) { $request['tombstoneLifetimeDays'] = $lifetime }
        }

        if ($RunLogPath) { $request['report'] = [ordered]@{ log = $PSCmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath($RunLogPath) } }
        if ($PSBoundParameters.ContainsKey('KeepLast') -or $PSBoundParameters.ContainsKey('KeepDays')) {
            $request['retention'] = [ordered]@{}
            if ($PSBoundParameters.ContainsKey('KeepLast')) { $request['retention']['keepLast'] = $KeepLast }
            if ($PSBoundParameters.ContainsKey('KeepDays')) { $request['retention']['keepDays'] = $KeepDays }
        }

        Write-Verbose -Message ("Backing up the Active Directory database from $sourceText to $destination.")
        $run = Invoke-ADBExecutable -Cmdlet $PSCmdlet -Command backup -Request $request -TargetObject $destination `
            -Activity 'Backing up the Active Directory database'
        if ($run.ErrorRecord) { $PSCmdlet.ThrowTerminatingError($run.ErrorRecord) }

        $result = New-ADBBackupResult -Response $run.Result
        foreach ($finding in $result.Findings) {
            Write-Warning -Message ("$(Get-ADBMember $finding 'severity'): $(Get-ADBMember $finding 'code'): $(Get-ADBMember $finding 'message')")
        }
        if ($result.CorruptPages -gt 0) {
            Write-Warning -Message ("The archived database has $($result.CorruptPages) corrupt page(s) (archived because of -AllowCorruptPages).")
        }
        Write-Verbose -Message (('Archive {0}: {1:N1} MiB, logs {2}-{3}, {4} pages checked, restorable until {5:u}.' -f
                $result.Path, ($result.Size / 1MB), $result.LowLog, $result.HighLog, $result.PageCount, $result.ExpiresAt.ToUniversalTime()))
        if ($request.Contains('retention')) { Add-ADBRetentionOutcome -Result $result -Response $run.Result }
        $result
    } catch {
        # A .NET exception (a host that cannot prompt, a bad path) would end only its statement: stop the cmdlet.
        $PSCmdlet.ThrowTerminatingError($_)
    }
}
