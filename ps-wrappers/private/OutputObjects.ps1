# Typed output objects built from adbackup's JSON documents. Marshalling only: every value comes from the
# document (expiry, age, restorability and page verdicts are decided by adbackup, not here).

function ConvertTo-ADBDateTime {
    <#
    .SYNOPSIS
    A timestamp of a JSON document as a local DateTime (as Get-Date and file times are), or $null.
    .DESCRIPTION
    PowerShell 7's ConvertFrom-Json already turns ISO 8601 strings into DateTime (Kind Utc); Windows PowerShell
    5.1's leaves them strings. Both end up as the same local DateTime, so comparisons with Get-Date are right.
    .PARAMETER Value
    A DateTime, an ISO 8601 string, or $null.
    #>
    [CmdletBinding()]
    [OutputType([datetime])]
    param([Parameter(Position = 0)] [AllowNull()] [object] $Value)

    if ($null -eq $Value -or ($Value -is [string] -and $Value -eq '')) { return $null }
    if ($Value -is [datetime]) {
        if ($Value.Kind -eq [System.DateTimeKind]::Local) { return $Value }
        return [datetime]::SpecifyKind($Value, [System.DateTimeKind]::Utc).ToLocalTime()
    }
    [datetime]::Parse([string]$Value, [System.Globalization.CultureInfo]::InvariantCulture,
        [System.Globalization.DateTimeStyles]::RoundtripKind).ToLocalTime()
}

function New-ADBObject {
    <#
    .SYNOPSIS
    A PSCustomObject with the given type name first in its PSTypeNames (format views and pipelines key on it).
    .PARAMETER TypeName
    The PSTypeName, e.g. ADDatabaseBackup.BackupInfo.
    .PARAMETER Property
    The properties, in display order.
    #>
    [CmdletBinding()]
    [OutputType([System.Management.Automation.PSObject])]
    param([Parameter(Mandatory)] [string] $TypeName, [Parameter(Mandatory)] [System.Collections.Specialized.OrderedDictionary] $Property)

    # Built member by member: a [pscustomobject] cast of a dictionary held in a variable is not reliable across
    # Windows PowerShell 5.1 and PowerShell 7 (only the cast of a literal is special-cased).
    $o = [System.Management.Automation.PSObject]::new()
    foreach ($key in $Property.Keys) {
        $o.PSObject.Properties.Add([System.Management.Automation.PSNoteProperty]::new($key, $Property[$key]))
    }
    # PSPath (the LiteralPath alias) makes piped objects bind to -LiteralPath by property name: a path holding
    # wildcard characters ('DC01 [old]') is taken literally. -Path binds only strings.
    if ($Property.Contains('Path') -and $Property['Path']) {
        $o.PSObject.Properties.Add([System.Management.Automation.PSNoteProperty]::new('PSPath', $Property['Path']))
    }
    $o.PSObject.TypeNames.Insert(0, $TypeName)
    $o
}

function Get-ADBPageProperty {
    <#
    .SYNOPSIS
    The page-checksum statistics of a pages document (adbackup pages, or the pages object of verify and the manifest)
    as ordered properties: PageSize, PageCount, GoodPages, BlankPages, CorruptPages, CorruptPageNumbers.
    .PARAMETER Pages
    The statistics object, or $null when there were none.
    #>
    [CmdletBinding()]
    [OutputType([System.Collections.Specialized.OrderedDictionary])]
    param([Parameter(Position = 0)] [AllowNull()] [object] $Pages)

    $corrupt = @(Get-ADBMember $Pages 'corruptPages' | ForEach-Object { Get-ADBMember $_ 'pgno' })
    [ordered]@{
        PageSize           = Get-ADBMember $Pages 'pageSize'
        PageCount          = Get-ADBMember $Pages 'pages'
        GoodPages          = Get-ADBMember $Pages 'good'
        BlankPages         = Get-ADBMember $Pages 'blank'
        CorruptPages       = Get-ADBMember $Pages 'corrupt'
        CorruptPageNumbers = [object[]]$corrupt
    }
}

function Get-ADBBackupProperty {
    <#
    .SYNOPSIS
    The properties a backup result and a backup listing share, from a manifest or an inspect document.
    .PARAMETER Document
    The manifest (backup) or the inspect result.
    .PARAMETER Archive
    The archive path.
    #>
    [CmdletBinding()]
    [OutputType([System.Collections.Specialized.OrderedDictionary])]
    param([Parameter(Mandatory)] [object] $Document, [Parameter(Mandatory)] [string] $Archive)

    $database = Get-ADBMember $Document 'database'
    $range = Get-ADBMember $Document 'logRange'
    $computer = Get-ADBMember $Document 'computer'
    $sourceType = Get-ADBMember $Document 'sourceType'
    $source = Get-ADBMember $Document 'source'
    if ($null -ne $source) {
        $computer = Get-ADBMember $source 'computer'
        $sourceType = Get-ADBMember $source 'type'
    }
    # Public facts only (the manifest and sidecar never hold a secret): age, the recipients' public keys, passphrase.
    $encryption = Get-ADBMember $Document 'encryption'
    $encryptionText = $null
    if ($null -ne $encryption) {
        $parts = @()
        $count = @(Get-ADBMember $encryption 'recipients').Count
        if ($count -gt 0) { $parts += "$count recipient$(if ($count -ne 1) { 's' })" }
        if (Get-ADBMember $encryption 'passphrase') { $parts += 'passphrase' }
        $encryptionText = if ($parts.Count -gt 0) { "age ($($parts -join ', '))" } else { 'age' }
    }
    $properties = [ordered]@{
        Name                  = [System.IO.Path]::GetFileName($Archive)
        Path                  = $Archive
        ComputerName          = $computer
        Label                 = Get-ADBMember $Document 'label'
        CreatedAt             = ConvertTo-ADBDateTime (Get-ADBMember $Document 'createdAt')
        ExpiresAt             = ConvertTo-ADBDateTime (Get-ADBMember $Document 'expiresAt')
        TombstoneLifetimeDays = Get-ADBMember $Document 'tombstoneLifetimeDays'
        SourceType            = $sourceType
        Compression           = Get-ADBMember (Get-ADBMember $Document 'compression') 'type'
        Encrypted             = $null -ne $encryption
        Encryption            = $encryptionText
        # Not @($null) for an unencrypted backup: an empty list.
        Recipients            = [object[]]@(Get-ADBMember $encryption 'recipients' | Where-Object { $null -ne $_ })
        DatabaseState         = Get-ADBMember $database 'state'
        LowLog                = Get-ADBMember $range 'low'
        HighLog               = Get-ADBMember $range 'high'
        LogCount              = Get-ADBMember $range 'count'
        Restorable            = Get-ADBMember $range 'restorable'
        RestoreMethod         = Get-ADBMember $range 'restoreMethod'
        BackupId              = Get-ADBMember $Document 'backupId'
    }
    # The DC and forest the database names (AD databases backed up from a file; $null otherwise).
    $identity = Get-ADBMember $Document 'identity'
    $properties['Domain'] = Get-ADBMember $identity 'domainDn'
    $properties['DC'] = Get-ADBMember $identity 'dsaDn'
    $properties['InvocationId'] = Get-ADBMember $identity 'invocationId'
    $properties['HighestUsn'] = Get-ADBMember $identity 'highestUsn'
    $properties['Identity'] = $identity
    $pages = Get-ADBPageProperty (Get-ADBMember $database 'pages')
    foreach ($key in @('PageSize', 'PageCount', 'GoodPages', 'BlankPages', 'CorruptPages')) { $properties[$key] = $pages[$key] }
    $properties['Findings'] = [object[]]@(Get-ADBMember $Document 'findings')
    $properties
}

function New-ADBBackupResult {
    <#
    .SYNOPSIS
    ADDatabaseBackup.BackupResult from a backup response.
    .PARAMETER Response
    adbackup backup's result.
    #>
    [CmdletBinding()]
    [OutputType([System.Management.Automation.PSObject])]
    param([Parameter(Mandatory)] [object] $Response)

    $manifest = Get-ADBMember $Response 'manifest'
    $p = Get-ADBBackupProperty -Document $manifest -Archive (Get-ADBMember $Response 'archive')
    $p['Size'] = Get-ADBMember $Response 'size'
    $p['Sha256'] = Get-ADBMember $Response 'sha256'
    $p['SidecarPath'] = Get-ADBMember $Response 'sidecar'
    $p['CompletedAt'] = ConvertTo-ADBDateTime (Get-ADBMember $manifest 'completedAt')
    $p['Manifest'] = $manifest
    New-ADBObject -TypeName 'ADDatabaseBackup.BackupResult' -Property $p
}

function New-ADBBackupInfo {
    <#
    .SYNOPSIS
    ADDatabaseBackup.BackupInfo from an inspect response.
    .PARAMETER Response
    adbackup inspect's result.
    .PARAMETER Archive
    The archive's full path (inspect echoes the request's path).
    #>
    [CmdletBinding()]
    [OutputType([System.Management.Automation.PSObject])]
    param([Parameter(Mandatory)] [object] $Response, [Parameter(Mandatory)] [string] $Archive)

    $p = Get-ADBBackupProperty -Document $Response -Archive $Archive
    $p.Insert(6, 'Expired', (Get-ADBMember $Response 'expired'))
    $p.Insert(7, 'AgeDays', (Get-ADBMember $Response 'ageDays'))
    $p['Size'] = Get-ADBMember $Response 'size'
    $p['DataBytes'] = Get-ADBMember $Response 'dataBytes'
    $sidecar = "$Archive.manifest.json"
    $p['SidecarPath'] = if ([System.IO.File]::Exists($sidecar)) { $sidecar } else { $null }
    $p['ReadFrom'] = Get-ADBMember $Response 'from'
    $p['Files'] = [object[]]@(Get-ADBMember $Response 'files')
    New-ADBObject -TypeName 'ADDatabaseBackup.BackupInfo' -Property $p
}

function New-ADBVerifyResult {
    <#
    .SYNOPSIS
    ADDatabaseBackup.VerifyResult from a verify response (exit 0 or 3).
    .PARAMETER Response
    adbackup verify's result.
    #>
    [CmdletBinding()]
    [OutputType([System.Management.Automation.PSObject])]
    param([Parameter(Mandatory)] [object] $Response)

    $archive = Get-ADBMember $Response 'archive'
    $range = Get-ADBMember $Response 'logRange'
    $findings = @(Get-ADBMember $Response 'findings')
    $entries = @(Get-ADBMember $Response 'entries')
    $encryption = Get-ADBMember $Response 'encryption'
    $contentVerified = $null -eq $encryption -or [bool](Get-ADBMember $encryption 'contentVerified')
    $p = [ordered]@{
        Name            = [System.IO.Path]::GetFileName($archive)
        Path            = $archive
        # An encrypted archive checked without its key is not known to be valid: its content was not read.
        IsValid         = [bool](Get-ADBMember $Response 'ok') -and $contentVerified
        Encrypted       = $null -ne $encryption
        ContentVerified = $contentVerified
        Format          = Get-ADBMember $Response 'format'
        Size            = Get-ADBMember $Response 'size'
        Sha256          = Get-ADBMember $Response 'sha256'
        BackupId        = Get-ADBMember $Response 'backupId'
        EntryCount      = $entries.Count
        LowLog          = Get-ADBMember $range 'low'
        HighLog         = Get-ADBMember $range 'high'
        LogCount        = Get-ADBMember $range 'count'
        Restorable      = Get-ADBMember $range 'restorable'
        # Intact but older than its tombstone lifetime: verify says so as a warning finding, not an error.
        Expired         = [bool]@($findings | Where-Object { (Get-ADBMember $_ 'code') -eq 'backup-expired' }).Count
    }
    $pages = Get-ADBPageProperty (Get-ADBMember $Response 'pages')
    foreach ($key in $pages.Keys) { $p[$key] = $pages[$key] }
    $p['ErrorCount'] = @($findings | Where-Object { (Get-ADBMember $_ 'severity') -eq 'error' }).Count
    $p['WarningCount'] = @($findings | Where-Object { (Get-ADBMember $_ 'severity') -eq 'warning' }).Count
    $p['Findings'] = [object[]]$findings
    $p['LogFindings'] = [object[]]@(Get-ADBMember $Response 'logFindings')
    $p['Entries'] = [object[]]$entries
    # -Deep: the logical check of the database and the identity it names (absent when not asked or not reached).
    $deep = Get-ADBMember $Response 'deep'
    $p['DeepChecked'] = $null -ne $deep
    $p['DeepFindings'] = [object[]]@(Get-ADBMember $deep 'findings' | Where-Object { $null -ne $_ })
    $p['Identity'] = Get-ADBMember $deep 'identity'
    New-ADBObject -TypeName 'ADDatabaseBackup.VerifyResult' -Property $p
}

function Get-ADBDeepCheckSummary {
    <#
    .SYNOPSIS
    One line for a failed deep check of a verify response ('deep check: ad-parent-missing x1, …'), or nothing.
    .PARAMETER Response
    adbackup verify's result.
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param([Parameter(Mandatory)] [object] $Response)

    $deep = Get-ADBMember $Response 'deep'
    if ($null -eq $deep -or (Get-ADBMember $deep 'ok')) { return }
    $counts = Get-ADBMember $deep 'counts'
    $parts = @()
    if ($null -ne $counts) { $parts = @($counts.PSObject.Properties | ForEach-Object { '{0} x{1}' -f $_.Name, $_.Value }) }
    'deep check: {0}' -f ($parts -join ', ')
}

function New-ADBRestoreResult {
    <#
    .SYNOPSIS
    ADDatabaseBackup.RestoreResult from a restore response (a plan or a restore).
    .PARAMETER Response
    adbackup restore's result.
    #>
    [CmdletBinding()]
    [OutputType([System.Management.Automation.PSObject])]
    param([Parameter(Mandatory)] [object] $Response)

    $targets = Get-ADBMember $Response 'targets'
    $actions = @(Get-ADBMember $Response 'actions')
    $p = [ordered]@{
        Path              = Get-ADBMember $Response 'archive'
        BackupId          = Get-ADBMember $Response 'backupId'
        Method            = Get-ADBMember $Response 'method'
        Plan              = [bool](Get-ADBMember $Response 'plan')
        Expired           = Get-ADBMember $Response 'expired'
        ExpiredOverride   = Get-ADBMember $Response 'expiredOverride'
        DatabasePath      = Get-ADBMember $targets 'database'
        LogPath           = Get-ADBMember $targets 'logPath'
        BackupLogPath     = Get-ADBMember $targets 'backupLogPath'
        CheckpointPath    = Get-ADBMember $targets 'checkpointFilePath'
        Root              = Get-ADBMember $targets 'root'
        FileCount         = @($actions | Where-Object { (Get-ADBMember $_ 'action') -eq 'write' }).Count
        MovedAsideCount   = @($actions | Where-Object { (Get-ADBMember $_ 'action') -eq 'move-aside' }).Count
        RegistryWrittenTo = [object[]]@(Get-ADBMember $Response 'registryWrittenTo')
        ReceiptPath       = Get-ADBMember $Response 'receipt'
        RegistryBefore    = Get-ADBMember $Response 'before'
        Actions           = [object[]]$actions
        Registry          = [object[]]@(Get-ADBMember $Response 'registry')
        Warnings          = [object[]]@(Get-ADBMember $Response 'warnings')
        NextSteps         = [object[]]@(Get-ADBMember $Response 'nextSteps')
    }
    New-ADBObject -TypeName 'ADDatabaseBackup.RestoreResult' -Property $p
}

function New-ADBFileInfo {
    <#
    .SYNOPSIS
    ADDatabaseBackup.FileInfo from a header response, with the page statistics of a pages response when given.
    .PARAMETER Header
    adbackup header's result.
    .PARAMETER Pages
    adbackup pages' result, or $null.
    #>
    [CmdletBinding()]
    [OutputType([System.Management.Automation.PSObject])]
    param([Parameter(Mandatory)] [object] $Header, [AllowNull()] [object] $Pages)

    $path = Get-ADBMember $Header 'path'
    $summary = Get-ADBMember $Header 'summary'
    $p = [ordered]@{
        Name          = [System.IO.Path]::GetFileName($path)
        Path          = $path
        Kind          = Get-ADBMember $Header 'kind'
        FileSize      = Get-ADBMember $Header 'fileSize'
        State         = Get-ADBMember $summary 'state'
        PageSize      = Get-ADBMember $summary 'pageSize'
        Generation    = Get-ADBMember $summary 'generation'
        LogRequired   = Get-ADBMember (Get-ADBMember $summary 'logRequired') 'text'
        LogCommitted  = Get-ADBMember (Get-ADBMember $summary 'logCommitted') 'text'
        Checkpoint    = Get-ADBMember $summary 'checkpoint'
        Format        = Get-ADBMember (Get-ADBMember $summary 'format') 'text'
        OSVersion     = Get-ADBMember (Get-ADBMember $summary 'osVersion') 'text'
        SignLog       = Get-ADBMember (Get-ADBMember $summary 'signLog') 'text'
        SignDb        = Get-ADBMember (Get-ADBMember $summary 'signDb') 'text'
        Created       = ConvertTo-ADBDateTime (Get-ADBMember $summary 'tmCreate')
        Message       = Get-ADBMember $Header 'message'
        Warnings      = [object[]]@(Get-ADBMember $Header 'warnings')
    }
    $pageProperties = Get-ADBPageProperty $Pages
    $p['PagesChecked'] = $null -ne $Pages
    foreach ($key in @('PageCount', 'GoodPages', 'BlankPages', 'CorruptPages', 'CorruptPageNumbers')) { $p[$key] = $pageProperties[$key] }
    $p['Summary'] = $summary
    $p['Fields'] = Get-ADBMember $Header 'fields'
    New-ADBObject -TypeName 'ADDatabaseBackup.FileInfo' -Property $p
}

function Format-ADBRegistryValue {
    <#
    .SYNOPSIS
    A registry value of a restore plan as regedit shows it: strings as they are (not JSON-escaped), a REG_MULTI_SZ
    as its strings, numbers in decimal, binary data in hex.
    .PARAMETER Value
    The plan's registry value (key, name, type, value).
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param([Parameter(Mandatory)] [object] $Value)

    $data = Get-ADBMember $Value 'value'
    if ((Get-ADBMember $Value 'name') -eq 'New Database GUID') {
        # adbackup makes this GUID when the restore runs; the plan's GUID is only an example.
        return 'a new GUID (made when the restore runs)'
    }
    switch (Get-ADBMember $Value 'type') {
        'REG_MULTI_SZ' { return (@($data | ForEach-Object { "'$_'" }) -join ', ') }
        'REG_DWORD' { return "$data" }
        'REG_QWORD' { return "$data" }
        default { return "$data" }
    }
}
