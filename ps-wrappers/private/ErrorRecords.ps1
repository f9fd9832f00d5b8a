function New-ADBErrorRecord {
    <#
    .SYNOPSIS
    An ErrorRecord for an adbackup error (or one of the module's own).
    .DESCRIPTION
    The error id is 'ADDatabaseBackup.<CODE>' (PowerShell appends ',<Cmdlet>' when the cmdlet writes it), so scripts
    can match FullyQualifiedErrorId on a stable code. The ErrorCategory comes from the code where one fits better
    than the category (FILE_NOT_FOUND is ObjectNotFound, ACCESS_DENIED PermissionDenied, DESTINATION_EXISTS
    ResourceExists, ...), else from adbackup's category: InvalidRequest -> InvalidArgument, Integrity -> InvalidData,
    Precondition -> InvalidOperation, IO -> ReadError (WriteError for backup and restore), Platform ->
    ResourceUnavailable, Internal -> NotSpecified. The exception's Data holds Code, Category, ExitCode and Details.
    .PARAMETER Code
    adbackup's error code (or the module's own, e.g. EXECUTABLE_NOT_FOUND).
    .PARAMETER Message
    The message for people.
    .PARAMETER Category
    adbackup's error category (InvalidRequest, Integrity, Precondition, IO, Platform, Internal).
    .PARAMETER Command
    The adbackup command that failed (decides read or write for IO errors).
    .PARAMETER TargetObject
    The path or object the error is about.
    .PARAMETER Details
    adbackup's error details, kept in the exception's Data.
    .PARAMETER ExitCode
    adbackup's exit code.
    .PARAMETER ErrorCategory
    An explicit ErrorCategory (the module's own errors).
    .PARAMETER Exception
    An inner exception.
    #>
    [CmdletBinding()]
    [OutputType([System.Management.Automation.ErrorRecord])]
    param(
        [Parameter(Mandatory)] [string] $Code,
        [Parameter(Mandatory)] [string] $Message,
        [string] $Category,
        [string] $Command,
        [object] $TargetObject,
        [object] $Details,
        [int] $ExitCode = -1,
        [System.Nullable[System.Management.Automation.ErrorCategory]] $ErrorCategory,
        [System.Exception] $Exception
    )

    $byCode = @{
        FILE_NOT_FOUND        = 'ObjectNotFound'
        TARGET_FOLDER_MISSING = 'ObjectNotFound'
        SOURCE_PATH_MISSING   = 'ObjectNotFound'
        ACCESS_DENIED         = 'PermissionDenied'
        DESTINATION_EXISTS    = 'ResourceExists'
        ALREADY_EXISTS        = 'ResourceExists'
        TARGET_IN_USE         = 'ResourceBusy'
        FILE_IN_USE           = 'ResourceBusy'
        DISK_FULL             = 'WriteError'
        INTERRUPTED           = 'OperationStopped'
        NOT_A_DIRECTORY       = 'InvalidArgument'
        IS_A_DIRECTORY        = 'InvalidArgument'
        NTDSBCLI_UNAVAILABLE  = 'NotInstalled'
        VSS_UNAVAILABLE       = 'NotInstalled'
        VSS_ACCESS_DENIED     = 'PermissionDenied'
        VSS_BACKUP_IN_PROGRESS = 'ResourceBusy'
        NATIVE_UNAVAILABLE    = 'NotInstalled'
        NTDSBCLI_EXPORT_MISSING = 'NotImplemented'
        REGISTRY_UNAVAILABLE  = 'NotImplemented'
        ARCHIVE_ENCRYPTED     = 'SecurityError'
    }
    $byCategory = @{
        InvalidRequest = 'InvalidArgument'
        Integrity      = 'InvalidData'
        Precondition   = 'InvalidOperation'
        Platform       = 'ResourceUnavailable'
        Internal       = 'NotSpecified'
    }
    if ($null -eq $ErrorCategory) {
        $name = if ($byCode.ContainsKey($Code)) {
            $byCode[$Code]
        } elseif ($Category -eq 'IO') {
            if ($Command -eq 'backup' -or $Command -eq 'restore') { 'WriteError' } else { 'ReadError' }
        } elseif ($Category -and $byCategory.ContainsKey($Category)) {
            $byCategory[$Category]
        } else {
            'NotSpecified'
        }
        if ($Code -eq 'REGISTRY_ERROR' -and $null -ne $Details -and (Get-ADBMember $Details 'win32') -eq 5) { $name = 'PermissionDenied' }
        $ErrorCategory = [System.Management.Automation.ErrorCategory]$name
    }

    $exceptionType = switch ($ErrorCategory.ToString()) {
        'ObjectNotFound' { [System.IO.FileNotFoundException]; break }
        'PermissionDenied' { [System.UnauthorizedAccessException]; break }
        'InvalidArgument' { [System.ArgumentException]; break }
        'InvalidData' { [System.IO.InvalidDataException]; break }
        'NotInstalled' { [System.PlatformNotSupportedException]; break }
        'NotImplemented' { [System.PlatformNotSupportedException]; break }
        'ReadError' { [System.IO.IOException]; break }
        'WriteError' { [System.IO.IOException]; break }
        'OperationStopped' { [System.OperationCanceledException]; break }
        default { [System.InvalidOperationException] }
    }
    $ex = if ($Exception) { $exceptionType::new($Message, $Exception) } else { $exceptionType::new($Message) }
    $ex.Data['Code'] = $Code
    $ex.Data['Category'] = $Category
    $ex.Data['ExitCode'] = $ExitCode
    if ($null -ne $Details) { $ex.Data['Details'] = $Details }

    $record = [System.Management.Automation.ErrorRecord]::new($ex, "ADDatabaseBackup.$Code", $ErrorCategory, $TargetObject)
    $advice = @{
        BACKUP_EXPIRED        = 'Restore a backup younger than the tombstone lifetime; -AllowExpired only for a forest recovery.'
        NOT_IN_RESTORE_MODE   = 'Restart into Directory Services Restore Mode (bcdedit /set {default} safeboot dsrepair), or restore under -Root on a rescue host.'
        DESTINATION_EXISTS    = 'Choose another -Path, or use -Force to overwrite.'
        DESTINATION_NAME_MISMATCH = 'Name the archive by its content (.tar.zst, .tar.gz or .tgz, .tar; then .age when encrypted) and leave out -Compression, or give a folder as -Path.'
        REGISTRATION_REQUIRED = 'Add -ApplyRegistry (on the DC) or -ExportRegistryFile.'
        NTDSBCLI_UNAVAILABLE  = 'Use -Source Vss on the domain controller, or back up a VSS snapshot or an ntdsutil IFM folder with -SourcePath.'
        VSS_UNAVAILABLE       = 'Back up a VSS snapshot made by hand or an ntdsutil IFM folder with -SourcePath, or use -Source Api where the Directory Backup API answers.'
        VSS_ACCESS_DENIED     = 'Run the backup in an elevated session, as a member of Administrators or Backup Operators.'
        VSS_BACKUP_IN_PROGRESS = 'Wait for the other backup (or shadow copy) to end, then run the backup again.'
        NTDS_WRITER_MISSING   = 'Run the backup on a domain controller whose AD DS service is running (vssadmin list writers shows the NTDS writer), or back up a folder with -SourcePath.'
        ARCHIVE_INVALID       = 'Run Test-ADDatabaseBackup on the archive for its findings, and restore another backup.'
        TARGET_IN_USE         = 'Stop the AD DS service or restart into Directory Services Restore Mode first.'
        EXECUTABLE_NOT_FOUND  = 'Reinstall the ADDatabaseBackup module with its bin folder.'
        ARCHIVE_ENCRYPTED     = 'Give -IdentityFile (the age identity file with the private key) or -Passphrase.'
        AGE_NO_MATCHING_KEY   = 'Give the identity file or passphrase the archive was encrypted with (Get-ADDatabaseBackup shows its recipients).'
    }
    if ($advice.ContainsKey($Code)) {
        $record.ErrorDetails = [System.Management.Automation.ErrorDetails]::new($Message)
        $record.ErrorDetails.RecommendedAction = $advice[$Code]
    }
    $record
}

function Get-ADBMember {
    <#
    .SYNOPSIS
    A property of a JSON document's object, or $null when it is absent (the module runs under Set-StrictMode).
    .PARAMETER InputObject
    The object.
    .PARAMETER Name
    The property name.
    #>
    [CmdletBinding()]
    [OutputType([object])]
    param([Parameter(Position = 0)] [AllowNull()] [object] $InputObject, [Parameter(Mandatory, Position = 1)] [string] $Name)

    if ($null -eq $InputObject) { return $null }
    if ($InputObject -is [System.Collections.IDictionary]) { return $InputObject[$Name] }
    $property = $InputObject.PSObject.Properties[$Name]
    if ($null -eq $property) { return $null }
    # Arrays are enumerated like any pipeline output: wrap the call in @() where an array is expected.
    $property.Value
}

function ConvertTo-ADBParameterText {
    <#
    .SYNOPSIS
    An adbackup message with the request's field names (registry.regFile, allowExpired, ...) replaced by the cmdlet
    parameters that set them (-ExportRegistryFile, -AllowExpired, ...).
    .DESCRIPTION
    adbackup speaks of its JSON request; people who ran a cmdlet know its parameters. Fields no parameter sets are
    left as they are.
    .PARAMETER Message
    adbackup's message.
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param([Parameter(Mandatory)] [AllowEmptyString()] [string] $Message)

    $fields = [ordered]@{
        'registry\.regFile'                  = '-ExportRegistryFile'
        'registry\.overwriteRegFile'         = '-Force'
        'registry\.apply'                    = '-ApplyRegistry'
        'registry\.pathStyle'                = '-RegistryPathStyle'
        'target\.root'                       = '-Root'
        'target\.databasePath'               = '-DatabasePath'
        'target\.logPath'                    = '-LogPath'
        'target\.backupLogPath'              = '-BackupLogPath'
        'target\.checkpointPath'             = '-CheckpointPath'
        'target\.createFolders'              = '-CreateFolders'
        'target\.restoreCheckpoint'          = '-RestoreCheckpoint'
        'target\.computer'                   = '-ComputerName'
        'target\.server'                     = '-Server'
        'decryption\.identityFile'           = '-IdentityFile'
        'decryption\.identity'               = '-IdentityFile'
        'decryption\.passphrase(\.value)?'   = '-Passphrase'
        'encryption\.recipients\[(\d+)\]'   = '-Recipient (value $1, counted from 0)'
        'encryption\.recipients'             = '-Recipient'
        'encryption\.recipientsFile'         = '-RecipientFile'
        'encryption\.passphrase(\.value)?'   = '-Passphrase'
        'encryption\.workFactor'             = '-PassphraseWorkFactor'
        'source\.path'                       = '-SourcePath'
        'source\.databasePath'               = '-DatabasePath'
        'source\.logPath'                    = '-LogPath'
        'source\.checkpointPath'             = '-CheckpointPath'
        'source\.truncateLogs'               = '-TruncateLogs'
        'destination\.(path|directory)'      = '-Path'
        'destination\.nameTemplate'          = '-NameTemplate'
        'allowExpired'                       = '-AllowExpired'
        'allowCorruptPages'                  = '-AllowCorruptPages'
        'allowUnrestorable'                  = '-AllowUnrestorable'
        'tombstoneLifetimeDays'              = '-TombstoneLifetimeDays'
        'use plan'                           = 'use -WhatIf'
    }
    foreach ($field in $fields.Keys) {
        $Message = [regex]::Replace($Message, "(?<![\w.-])$field(?![\w])", $fields[$field])
    }
    $Message
}
