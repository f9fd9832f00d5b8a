function Get-ADDatabaseObject {
    <#
    .SYNOPSIS
    Reads directory objects out of an ntds.dit file or a backup archive (a snapshot's, a copy's), without a DC.

    .DESCRIPTION
    Get-ADDatabaseObject reads an Active Directory database file the way Get-ADObject reads a directory: objects with
    their LDAP attribute names (from the database's own schema), distinguished names, GUIDs and SIDs as strings and
    times as DateTime. It needs no domain controller, no AD DS service and no ESE engine, so it runs on any machine
    against a database from a backup, an IFM folder or a VSS snapshot. Nothing is written.

    A backup archive (.tar, .tar.zst, .tar.gz, each optionally .age) is read directly: its database is streamed out
    of it with no plaintext copy on disk (a compressed or encrypted archive's pages are staged in a scratch file
    sealed with a key held only in memory). Each page of results reads a compressed archive again, so a large
    -ResultPageSize is faster there. An encrypted archive needs -IdentityFile or -Passphrase.

    Password hashes, trust and secret keys, the PEK list and confidential attributes are never read: no parameter
    returns them.

    Objects are filtered by -SearchBase (the subtree), -ObjectClass, -Name (the RDN value, with * and ?) and
    -ChangedSinceUsn; deleted objects (tombstones) are left out unless -IncludeDeleted or -DeletedOnly says otherwise.
    Results are fetched -ResultPageSize objects at a time and written to the pipeline as they come.

    A database whose pages are damaged still gives what can be read, and a non-terminating error
    ADDatabaseBackup.DATABASE_FINDINGS (InvalidData) that says where the read stopped trusting it.

    .PARAMETER Path
    Database files (ntds.dit), backup archives, or folders holding them; wildcards allowed.

    .PARAMETER LiteralPath
    Database files, backup archives or folders, taken literally. Binds the PSPath and FullName properties of piped
    objects (such as Get-ADDatabaseBackup's).

    .PARAMETER IdentityFile
    The age identity file (from New-ADDatabaseBackupKey) that opens an encrypted archive.

    .PARAMETER Passphrase
    The passphrase of an archive encrypted with one. It goes to adbackup on its standard input, never on its command
    line.

    .PARAMETER SearchBase
    Only this DN and the objects below it, e.g. 'OU=Sales,DC=contoso,DC=com' (compared case-insensitively).

    .PARAMETER ObjectClass
    Only objects with this class among their objectClass values, e.g. user, group, organizationalUnit.

    .PARAMETER Name
    Only objects whose RDN value (the name attribute) matches; * and ? wildcards, case-insensitive.

    .PARAMETER IncludeDeleted
    Also deleted objects (tombstones, isDeleted TRUE).

    .PARAMETER DeletedOnly
    Only deleted objects (tombstones). Wins over -IncludeDeleted.

    .PARAMETER ChangedSinceUsn
    Only objects whose uSNChanged is greater than this USN.

    .PARAMETER Properties
    LDAP attribute names to return besides the default ones (distinguishedName, name, objectClass, objectGUID,
    whenChanged, uSNChanged); * returns every attribute the object holds.

    .PARAMETER ResultPageSize
    Objects fetched per request (1 to 10000); the pages are fetched until the last, one after another.

    .EXAMPLE
    Get-ADDatabaseObject -Path D:\Restore\ntds.dit -SearchBase 'OU=Sales,DC=contoso,DC=com' -ObjectClass user

    Lists the users of an OU as the backup holds them.

    .EXAMPLE
    Get-ADDatabaseObject -Path D:\Backups\DC01-20261203T0100Z.tar.zst.age -IdentityFile C:\Keys\dc01.key -Name 'jdoe'

    Finds a user in an encrypted backup, without restoring it.

    .EXAMPLE
    Get-ADDatabaseObject -Path .\ntds.dit -DeletedOnly -Properties lastKnownParent, whenChanged | Format-List

    Shows the tombstones in a database and where they lived.

    .EXAMPLE
    Get-ADDatabaseObject -Path .\ntds.dit -Name 'Common-Name' -ObjectClass attributeSchema -Properties * | Format-List

    Reads one schema object (the cn attribute, whose RDN is Common-Name) with every attribute it holds.

    .INPUTS
    System.String. Database file, archive or folder paths.
    System.IO.FileInfo. By PSPath/FullName.

    .OUTPUTS
    ADDatabaseBackup.DirectoryObject. One per object: its attributes by LDAP name (distinguishedName, name,
    objectClass, objectGUID, whenChanged, uSNChanged, and those -Properties asks for).

    .NOTES
    The database's own schema names the attributes, so attributes added by a schema extension are named too.

    .LINK
    Compare-ADDatabaseBackup

    .LINK
    Get-ADDatabaseFileInfo
    #>
    [CmdletBinding(DefaultParameterSetName = 'Path')]
    [OutputType('ADDatabaseBackup.DirectoryObject')]
    param(
        [Parameter(Mandatory, Position = 0, ParameterSetName = 'Path', ValueFromPipeline)]
        [SupportsWildcards()]
        [ValidateNotNullOrEmpty()]
        [string[]] $Path,

        [Parameter(Mandatory, ParameterSetName = 'LiteralPath', ValueFromPipelineByPropertyName)]
        [Alias('PSPath', 'FullName')]
        [ValidateNotNullOrEmpty()]
        [string[]] $LiteralPath,

        [ValidateNotNullOrEmpty()]
        [string] $SearchBase,

        [ValidateNotNullOrEmpty()]
        [string] $ObjectClass,

        [SupportsWildcards()]
        [ValidateNotNullOrEmpty()]
        [string] $Name,

        [switch] $IncludeDeleted,

        [switch] $DeletedOnly,

        [ValidateRange(0, 9007199254740991)]
        [PSDefaultValue(Help = 'none (every object)')]
        [long] $ChangedSinceUsn,

        [ValidateNotNullOrEmpty()]
        [string[]] $Properties,

        [ValidateRange(1, 10000)]
        [PSDefaultValue(Help = '1000')]
        [int] $ResultPageSize = 1000,

        [ValidateNotNullOrEmpty()]
        [string] $IdentityFile,

        [securestring] $Passphrase
    )

    process {
        try {
            $decryption = New-ADBDecryptionRequest -Cmdlet $PSCmdlet -IdentityFile $IdentityFile -Passphrase $Passphrase -PassphraseGiven:($PSBoundParameters.ContainsKey('Passphrase'))
            $request = [ordered]@{ limit = $ResultPageSize }
            if ($SearchBase) { $request['base'] = $SearchBase }
            if ($ObjectClass) { $request['objectClass'] = $ObjectClass }
            if ($Name) { $request['name'] = $Name }
            $request['deleted'] = if ($DeletedOnly) { 'only' } elseif ($IncludeDeleted) { 'include' } else { 'exclude' }
            if ($PSBoundParameters.ContainsKey('ChangedSinceUsn')) { $request['changedSinceUsn'] = $ChangedSinceUsn }
            if ($Properties) {
                $request['attributes'] = [string[]](@('distinguishedName', 'name', 'objectClass', 'objectGUID', 'whenChanged', 'uSNChanged') + $Properties)
            }
            foreach ($file in @(Get-ADBItemPath -Cmdlet $PSCmdlet -Path $Path -LiteralPath $LiteralPath -Pattern '(\.dit|\.tar(\.zst|\.gz)?(\.age)?)$')) {
                Get-ADBDatabaseObjectPage -Cmdlet $PSCmdlet -File $file -Request $request -Decryption $decryption
            }
        } catch {
            # A .NET exception (a bad path, a stopped pipeline aside) would end only its statement: stop the cmdlet.
            $PSCmdlet.ThrowTerminatingError($_)
        }
    }
}
