function Compare-ADDatabaseBackup {
    <#
    .SYNOPSIS
    Lists what changed in Active Directory between two backups: objects added, deleted, moved and changed.

    .DESCRIPTION
    Compare-ADDatabaseBackup reads two backups of a DC (archives or ntds.dit files, or a backup and a later
    snapshot) and writes one object per difference, like Compare-Object does for lists: an object added, an object
    deleted (Detail 'tombstoned': AD's delete turned it into a tombstone under Deleted Objects; 'gone': the later database
    has no such object), an object moved or renamed (its old and new DN), and every attribute whose values changed,
    with the reference (older) and the difference (newer) values. Objects are matched by objectGUID, so a renamed
    object is one object that moved, not one deleted and one added. Nothing is written; no DC is needed.

    Replication bookkeeping that changes without telling what changed (replPropertyMetaData, replUpToDateVector,
    repsFrom, repsTo) is left out unless -IgnoreProperty says otherwise; whenChanged and uSNChanged are compared.
    Password hashes, trust and secret keys, the PEK list and confidential attributes are never read on either side,
    so they never appear as differences.

    Two databases with the same objects and values give no output. A database whose pages are damaged still gives
    the differences that can be read, and a non-terminating error ADDatabaseBackup.DATABASE_FINDINGS (InvalidData).

    .PARAMETER ReferencePath
    The older backup archive (.tar, .tar.zst, .tar.gz, each optionally .age) or database file (ntds.dit): what the
    differences are counted from. An archive's database is streamed out of it with no plaintext copy on disk.

    .PARAMETER DifferencePath
    The newer backup archive or database file.

    .PARAMETER IdentityFile
    The age identity file that opens encrypted archives (either side, or both).

    .PARAMETER Passphrase
    The passphrase of archives encrypted with one; sent on adbackup's standard input, never on its command line.

    .PARAMETER Property
    Compare only these attributes (LDAP names); added, deleted and moved objects are listed all the same.

    .PARAMETER IgnoreProperty
    Attributes left out of the comparison, in place of the default list (replPropertyMetaData,
    replUpToDateVector, repsFrom, repsTo). An empty array compares every attribute.

    .EXAMPLE
    Compare-ADDatabaseBackup -ReferencePath D:\Monday\ntds.dit -DifferencePath D:\Tuesday\ntds.dit

    Lists every change between two backups of a DC: added, deleted, moved objects and changed attributes.

    .EXAMPLE
    $b = @(Get-ADDatabaseBackup -Path D:\Backups | Sort-Object CreatedAt | Select-Object -Last 2)
    Compare-ADDatabaseBackup $b[0].Path $b[1].Path -IdentityFile C:\Keys\dc01.key

    Lists what changed between the two newest (encrypted) backups of a folder.

    .EXAMPLE
    Compare-ADDatabaseBackup -ReferencePath .\old\ntds.dit -DifferencePath .\new\ntds.dit -Property member, description | Where-Object ChangeType -EQ 'Changed'

    Shows how group memberships and descriptions changed.

    .EXAMPLE
    Compare-ADDatabaseBackup -ReferencePath .\old\ntds.dit -DifferencePath .\new\ntds.dit | Group-Object ChangeType -NoElement

    Counts the differences by kind.

    .INPUTS
    None. The two paths are parameters.

    .OUTPUTS
    ADDatabaseBackup.DatabaseDifference. ChangeType (Added, Deleted, Moved, Changed), DistinguishedName, Attribute,
    ReferenceValue, DifferenceValue, Detail (renamed, moved, renamed-and-moved, tombstoned, gone, reanimated) and
    ObjectGUID.

    .NOTES
    Within one DC's databases an object keeps its row, so the two files are read side by side in row order and only
    rows that do not line up are held in memory. DN-valued attributes compare as DNs: renaming an object changes the
    values that point to it too.

    .LINK
    Get-ADDatabaseObject

    .LINK
    Backup-ADDatabase
    #>
    [CmdletBinding(DefaultParameterSetName = 'Path')]
    [OutputType('ADDatabaseBackup.DatabaseDifference')]
    param(
        [Parameter(Mandatory, Position = 0, ParameterSetName = 'Path')]
        [ValidateNotNullOrEmpty()]
        [string] $ReferencePath,

        [Parameter(Mandatory, Position = 1, ParameterSetName = 'Path')]
        [ValidateNotNullOrEmpty()]
        [string] $DifferencePath,

        [ValidateNotNullOrEmpty()]
        [string[]] $Property,

        [AllowEmptyCollection()]
        [string[]] $IgnoreProperty,
        [ValidateNotNullOrEmpty()]
        [string] $IdentityFile,
        [securestring] $Passphrase
    )

    try {
        $reference = @(Resolve-ADBInputPath -Cmdlet $PSCmdlet -LiteralPath $ReferencePath)
        $difference = @(Resolve-ADBInputPath -Cmdlet $PSCmdlet -LiteralPath $DifferencePath)
        if ($reference.Count -ne 1 -or $difference.Count -ne 1) { return }
        $decryption = New-ADBDecryptionRequest -Cmdlet $PSCmdlet -IdentityFile $IdentityFile -Passphrase $Passphrase -PassphraseGiven:($PSBoundParameters.ContainsKey('Passphrase'))
        $request = [ordered]@{
            left          = New-ADBDatabaseSource -File $reference[0] -Decryption $decryption
            right         = New-ADBDatabaseSource -File $difference[0] -Decryption $decryption
            includeValues = $true
            # Every difference goes to the pipeline; the executable's default would stop the lists at 10000.
            limit         = 1000000
        }
        if ($Property) { $request['attributes'] = [string[]]$Property }
        if ($PSBoundParameters.ContainsKey('IgnoreProperty')) { $request['ignore'] = [string[]]@($IgnoreProperty | Where-Object { $_ }) }
        Write-Verbose -Message ("Comparing $($reference[0]) with $($difference[0]).")
        $run = Invoke-ADBExecutable -Cmdlet $PSCmdlet -Command compare -Request $request -TargetObject $difference[0] `
            -Activity 'Comparing the databases'
        if ($run.ErrorRecord) {
            $PSCmdlet.WriteError($run.ErrorRecord)
            return
        }
        $report = $run.Result
        Write-Verbose -Message ('{0} difference(s): {1} objects on the reference side, {2} on the difference side.' -f
            (Get-ADBMember $report 'differences'), (Get-ADBMember (Get-ADBMember $report 'left') 'objects'), (Get-ADBMember (Get-ADBMember $report 'right') 'objects'))
        ConvertTo-ADBDatabaseDifference -Report $report
        if (Get-ADBMember $report 'truncated') {
            Write-Warning -Message 'More differences were found than one run lists (1000000); narrow the comparison with -Property.'
        }
        foreach ($side in @('left', 'right')) {
            $s = Get-ADBMember $report $side
            $findings = @(Get-ADBMember $s 'findings')
            $dropped = [int](Get-ADBMember $s 'findingsDropped')
            if ($findings.Count -gt 0 -or $dropped -gt 0) {
                $source = Get-ADBMember $s 'path'
                if (-not $source) { $source = Get-ADBMember $s 'archive' }
                $PSCmdlet.WriteError((New-ADBFindingError -Path $source -Finding $findings -Dropped $dropped -Command compare))
            }
        }
    } catch {
        # A .NET exception (a bad path, a host that cannot prompt) would end only its statement: stop the cmdlet.
        $PSCmdlet.ThrowTerminatingError($_)
    }
}
