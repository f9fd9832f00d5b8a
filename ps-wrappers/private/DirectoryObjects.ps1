# Directory objects and their differences, from adbackup objects and compare documents. Marshalling only: what an
# object holds and what differs is decided by adbackup.

function New-ADBDirectoryObject {
    <#
    .SYNOPSIS
    ADDatabaseBackup.DirectoryObject from one object of an objects document: its LDAP attributes as properties.
    .DESCRIPTION
    The properties keep adbackup's order and LDAP names; whenCreated and whenChanged become local DateTime values
    (as Get-ADObject gives them), the other values stay as adbackup wrote them (GUIDs, SIDs and DNs as strings).
    .PARAMETER InputObject
    One element of the document's objects array.
    #>
    [CmdletBinding()]
    [OutputType([System.Management.Automation.PSObject])]
    param([Parameter(Mandatory)] [object] $InputObject)

    $p = [ordered]@{}
    foreach ($property in $InputObject.PSObject.Properties) {
        $value = $property.Value
        if ($property.Name -in @('whenCreated', 'whenChanged')) { $value = ConvertTo-ADBDateTime $value }
        $p[$property.Name] = $value
    }
    New-ADBObject -TypeName 'ADDatabaseBackup.DirectoryObject' -Property $p
}

function ConvertTo-ADBValue {
    <#
    .SYNOPSIS
    The values of an attribute as a property shows them: $null for none, the value for one, an array for more.
    .PARAMETER Value
    The values (an array from the compare document), or $null.
    #>
    [CmdletBinding()]
    [OutputType([object])]
    param([Parameter(Position = 0)] [AllowNull()] [object] $Value)

    $values = @($Value | Where-Object { $null -ne $_ })
    if ($values.Count -eq 0) { return $null }
    if ($values.Count -eq 1) { return $values[0] }
    , [object[]]$values
}

function New-ADBDatabaseDifference {
    <#
    .SYNOPSIS
    One ADDatabaseBackup.DatabaseDifference: ChangeType, DistinguishedName, Attribute, ReferenceValue, DifferenceValue.
    .PARAMETER ChangeType
    Added, Deleted, Moved or Changed.
    .PARAMETER Entry
    The entry of the compare document's list.
    .PARAMETER DistinguishedName
    The object's DN (the reference DN for deleted and moved objects, the difference DN otherwise).
    .PARAMETER Detail
    How it changed (renamed, moved, tombstoned, gone, reanimated, ...), or $null.
    .PARAMETER Attribute
    The attribute of a Changed difference; distinguishedName for a move.
    .PARAMETER ReferenceValue
    The value on the reference side.
    .PARAMETER DifferenceValue
    The value on the difference side.
    #>
    [CmdletBinding()]
    [OutputType([System.Management.Automation.PSObject])]
    param(
        [Parameter(Mandatory)] [ValidateSet('Added', 'Deleted', 'Moved', 'Changed')] [string] $ChangeType,
        [Parameter(Mandatory)] [object] $Entry,
        [Parameter(Mandatory)] [string] $DistinguishedName,
        [AllowNull()] [string] $Detail,
        [AllowNull()] [string] $Attribute,
        [AllowNull()] [object] $ReferenceValue,
        [AllowNull()] [object] $DifferenceValue
    )

    $p = [ordered]@{
        ChangeType        = $ChangeType
        DistinguishedName = $DistinguishedName
        Attribute         = $(if ($Attribute) { $Attribute } else { $null })
        ReferenceValue    = $ReferenceValue
        DifferenceValue   = $DifferenceValue
        Detail            = $(if ($Detail) { $Detail } else { $null })
        ObjectGUID        = Get-ADBMember $Entry 'objectGUID'
    }
    New-ADBObject -TypeName 'ADDatabaseBackup.DatabaseDifference' -Property $p
}

function ConvertTo-ADBDatabaseDifference {
    <#
    .SYNOPSIS
    The differences of a compare document, one object each: added, deleted and moved objects, then every changed
    attribute of every changed object.
    .PARAMETER Report
    adbackup compare's result.
    #>
    [CmdletBinding()]
    [OutputType([System.Management.Automation.PSObject])]
    param([Parameter(Mandatory)] [object] $Report)

    foreach ($a in @(Get-ADBMember $Report 'added')) {
        $from = Get-ADBMember $a 'reanimatedFrom'
        $detail = if ($from) { 'reanimated' } else { $null }
        New-ADBDatabaseDifference -ChangeType Added -Entry $a -DistinguishedName (Get-ADBMember $a 'distinguishedName') `
            -Detail $detail -ReferenceValue $from -DifferenceValue (Get-ADBMember $a 'distinguishedName')
    }
    foreach ($d in @(Get-ADBMember $Report 'deleted')) {
        New-ADBDatabaseDifference -ChangeType Deleted -Entry $d -DistinguishedName (Get-ADBMember $d 'distinguishedName') `
            -Detail (Get-ADBMember $d 'how') -ReferenceValue (Get-ADBMember $d 'distinguishedName') -DifferenceValue (Get-ADBMember $d 'tombstoneDn')
    }
    foreach ($m in @(Get-ADBMember $Report 'moved')) {
        $detail = [string](Get-ADBMember $m 'kind')
        if (Get-ADBMember $m 'viaAncestor') { $detail += ' (with an ancestor)' }
        New-ADBDatabaseDifference -ChangeType Moved -Entry $m -DistinguishedName (Get-ADBMember $m 'oldDn') -Detail $detail `
            -Attribute 'distinguishedName' -ReferenceValue (Get-ADBMember $m 'oldDn') -DifferenceValue (Get-ADBMember $m 'newDn')
    }
    foreach ($c in @(Get-ADBMember $Report 'changed')) {
        foreach ($attribute in @(Get-ADBMember $c 'attributes')) {
            New-ADBDatabaseDifference -ChangeType Changed -Entry $c -DistinguishedName (Get-ADBMember $c 'distinguishedName') `
                -Attribute (Get-ADBMember $attribute 'name') -ReferenceValue (ConvertTo-ADBValue (Get-ADBMember $attribute 'left')) `
                -DifferenceValue (ConvertTo-ADBValue (Get-ADBMember $attribute 'right'))
        }
    }
}

function New-ADBFindingError {
    <#
    .SYNOPSIS
    The non-terminating error for a database whose walk met structural damage (adbackup exit 3 with findings).
    .PARAMETER Path
    The database file.
    .PARAMETER Finding
    The findings of that file.
    .PARAMETER Dropped
    How many more findings adbackup counted but did not list.
    .PARAMETER Command
    The adbackup command (objects or compare).
    #>
    [CmdletBinding()]
    [OutputType([System.Management.Automation.ErrorRecord])]
    param(
        [Parameter(Mandatory)] [string] $Path,
        [AllowEmptyCollection()] [object[]] $Finding,
        [int] $Dropped = 0,
        [Parameter(Mandatory)] [string] $Command
    )

    $messages = @($Finding | ForEach-Object { [string](Get-ADBMember $_ 'message') } | Select-Object -Unique)
    $shown = @($messages | Select-Object -First 5)
    $more = $messages.Count - $shown.Count + $Dropped
    $text = '{0}: the read met structural damage; what could be read was returned. {1}{2}' -f $Path, ($shown -join '; '),
        $(if ($more -gt 0) { " (and $more more)" } else { '' })
    New-ADBErrorRecord -Code 'DATABASE_FINDINGS' -Category 'Integrity' -Command $Command -ExitCode 3 -TargetObject $Path `
        -Details $Finding -Message $text
}

function New-ADBDatabaseSource {
    <#
    .SYNOPSIS
    The source part of a tables/objects request, or one side of a compare request: a database file or a backup archive.
    .DESCRIPTION
    A file named like the archives Backup-ADDatabase writes (.tar, .tar.zst, .tar.gz, each optionally .age) is sent
    as 'archive' (with 'decryption' when given): adbackup streams its database out with no plaintext copy on disk.
    Anything else is sent as 'path', a database file.
    .PARAMETER File
    The resolved file.
    .PARAMETER Decryption
    The 'decryption' object of New-ADBDecryptionRequest, or $null.
    #>
    [CmdletBinding()]
    [OutputType([System.Collections.Specialized.OrderedDictionary])]
    param(
        [Parameter(Mandatory)] [string] $File,
        [AllowNull()] [System.Collections.Specialized.OrderedDictionary] $Decryption
    )
    if ($File -notmatch '\.tar(\.zst|\.gz)?(\.age)?$') { return [ordered]@{ path = $File } }
    $source = [ordered]@{ archive = $File }
    if ($null -ne $Decryption) { $source['decryption'] = $Decryption }
    $source
}

function Get-ADBDatabaseObjectPage {
    <#
    .SYNOPSIS
    Runs adbackup objects on one database page after page (nextCursor) and writes each object as it comes.
    .DESCRIPTION
    Every page is a new run of adbackup over the same file, so each page's findings repeat the damage the earlier
    pages met: one DATABASE_FINDINGS error per file, after its last page, names them once. An adbackup error ends
    the file with that error (non-terminating: the next file is read).
    .PARAMETER Cmdlet
    The calling cmdlet ($PSCmdlet).
    .PARAMETER File
    The database file or backup archive.
    .PARAMETER Request
    The objects request without its source and cursor.
    .PARAMETER Decryption
    The 'decryption' object for an encrypted archive, or $null.
    #>
    [CmdletBinding()]
    [OutputType([System.Management.Automation.PSObject])]
    param(
        [Parameter(Mandatory)] [System.Management.Automation.PSCmdlet] $Cmdlet,
        [Parameter(Mandatory)] [string] $File,
        [Parameter(Mandatory)] [System.Collections.Specialized.OrderedDictionary] $Request,
        [AllowNull()] [System.Collections.Specialized.OrderedDictionary] $Decryption
    )

    $cursor = $null
    $findings = [System.Collections.Generic.List[object]]::new()
    $dropped = 0
    $page = 0
    do {
        $pageRequest = New-ADBDatabaseSource -File $File -Decryption $Decryption
        foreach ($key in $Request.Keys) { $pageRequest[$key] = $Request[$key] }
        if ($cursor) { $pageRequest['cursor'] = $cursor }
        $page++
        Write-Verbose -Message ("Reading objects of $File, page $page.")
        $run = Invoke-ADBExecutable -Cmdlet $Cmdlet -Command objects -Request $pageRequest -TargetObject $File `
            -Activity "Reading the objects of $([System.IO.Path]::GetFileName($File))"
        if ($run.ErrorRecord) {
            $Cmdlet.WriteError($run.ErrorRecord)
            return
        }
        foreach ($o in @(Get-ADBMember $run.Result 'objects')) { New-ADBDirectoryObject -InputObject $o }
        foreach ($f in @(Get-ADBMember $run.Result 'findings')) {
            if ($null -ne $f -and -not ($findings | Where-Object { $_.message -eq $f.message })) { $findings.Add($f) }
        }
        $dropped = [System.Math]::Max($dropped, [int](Get-ADBMember $run.Result 'findingsDropped'))
        $cursor = Get-ADBMember $run.Result 'nextCursor'
    } while ($cursor)
    if ($findings.Count -gt 0 -or $dropped -gt 0) {
        $Cmdlet.WriteError((New-ADBFindingError -Path $File -Finding $findings.ToArray() -Dropped $dropped -Command objects))
    }
}
