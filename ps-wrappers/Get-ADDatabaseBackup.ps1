function Get-ADDatabaseBackup {
    <#
    .SYNOPSIS
    Lists Active Directory database backups: which DC, when, until when restorable, which logs, how big.

    .DESCRIPTION
    Get-ADDatabaseBackup describes each archive from its sidecar manifest (<archive>.manifest.json), or from the
    archive itself when there is no matching sidecar, without verifying it (use Test-ADDatabaseBackup for that). A
    folder stands for the archives in it (*.tar.zst, *.tar.gz, *.tgz, *.tar and the encrypted *.age forms), sorted by name;
    work files (*.partial) and sidecars are skipped.

    An encrypted archive (.age) is described from its plaintext sidecar without a key: Encrypted, Encryption (e.g.
    'age (1 recipient)' or 'age (passphrase)') and Recipients (the public keys) say how. Without a sidecar its
    manifest is inside the encryption: give -IdentityFile or -Passphrase, or the archive is a non-terminating error
    ADDatabaseBackup.ARCHIVE_ENCRYPTED.

    Each ADDatabaseBackup.BackupInfo carries what retention scripts need: CreatedAt, ExpiresAt and Expired (the
    backup is older than the forest's tombstone lifetime and must not be restored), AgeDays, the log range, the
    size, the DC and the label, and SidecarPath, the file to delete together with the archive.

    .PARAMETER Path
    Folders or archives; wildcards allowed. Default: the current location.

    .PARAMETER LiteralPath
    Folders or archives, taken literally. Binds the PSPath and FullName properties of piped objects (Get-ChildItem).

    .PARAMETER Recurse
    Include the archives in subfolders (e.g. one folder per DC).

    .PARAMETER IdentityFile
    Encrypted archives without a sidecar: the age identity file (private key) to read their manifest with. Not
    needed when the sidecar is there.

    .PARAMETER Passphrase
    Encrypted archives without a sidecar: their passphrase, as a SecureString. Sent to adbackup only in the request
    on its standard input.

    .EXAMPLE
    Get-ADDatabaseBackup -Path \\backup01\ad$\DC01

    Lists the backups of DC01 with their dates, expiry, log range and size.

    .EXAMPLE
    Get-ADDatabaseBackup -Path \\backup01\ad$ -Recurse | Where-Object Expired |
        ForEach-Object { Remove-Item -LiteralPath $_.Path, $_.SidecarPath -WhatIf }

    Retention: shows which expired backups (and their sidecars) would be deleted; drop -WhatIf to delete them.

    .EXAMPLE
    Get-ADDatabaseBackup -Path D:\ADBackup | Sort-Object CreatedAt | Select-Object -Last 1 | Test-ADDatabaseBackup

    Verifies the newest backup.

    .EXAMPLE
    Get-ADDatabaseBackup -LiteralPath D:\copied\DC01-ntds-20261123T020000Z.tar.zst.age -IdentityFile E:\keys\adbackup-key.txt

    Describes an encrypted archive that was copied without its sidecar, decrypting its manifest with the key.

    .INPUTS
    System.String. Folder or archive paths.
    System.IO.FileInfo, System.IO.DirectoryInfo. By their PSPath/FullName.

    .OUTPUTS
    ADDatabaseBackup.BackupInfo. Name, Path, ComputerName, Label, CreatedAt, ExpiresAt, Expired, AgeDays,
    TombstoneLifetimeDays, SourceType, Compression, DatabaseState, LowLog, HighLog, LogCount, Restorable, BackupId,
    Encrypted, Encryption, Recipients, Domain, DC (the DC's NTDS Settings DN), InvocationId, HighestUsn, Identity
    (what the database says of its DC and forest: naming contexts, functional levels, schema version, tombstone
    lifetime; $null for the backup API and non-AD databases), PageSize, PageCount, GoodPages, BlankPages,
    CorruptPages, Findings, Size, DataBytes, SidecarPath, ReadFrom (sidecar or archive), Files. Format-List shows
    the identity beside the dates and the log range.

    .NOTES
    An archive that cannot be described is a non-terminating error ('ADDatabaseBackup.<CODE>,Get-ADDatabaseBackup',
    e.g. ARCHIVE_FORMAT_UNKNOWN, InvalidData); the others are still listed.

    .LINK
    Test-ADDatabaseBackup

    .LINK
    Backup-ADDatabase
    #>
    [CmdletBinding(DefaultParameterSetName = 'Path')]
    [OutputType('ADDatabaseBackup.BackupInfo')]
    param(
        [Parameter(Position = 0, ParameterSetName = 'Path', ValueFromPipeline)]
        [SupportsWildcards()]
        [ValidateNotNullOrEmpty()]
        [string[]] $Path = @('.'),

        [Parameter(Mandatory, ParameterSetName = 'LiteralPath', ValueFromPipelineByPropertyName)]
        [Alias('PSPath', 'FullName')]
        [ValidateNotNullOrEmpty()]
        [string[]] $LiteralPath,

        [switch] $Recurse,

        [ValidateNotNullOrEmpty()]
        [string] $IdentityFile,

        [securestring] $Passphrase
    )

    begin {
        try {
            $decryption = New-ADBDecryptionRequest -Cmdlet $PSCmdlet -IdentityFile $IdentityFile -Passphrase $Passphrase -PassphraseGiven:($PSBoundParameters.ContainsKey('Passphrase'))
        } catch {
            $PSCmdlet.ThrowTerminatingError($_)
        }
    }

    process {
        try {
            foreach ($archive in @(Get-ADBItemPath -Cmdlet $PSCmdlet -Path $Path -LiteralPath $LiteralPath -Pattern $script:ADBArchivePattern -Recurse:$Recurse)) {
                Write-Verbose -Message ("Reading the manifest of $archive.")
                $request = [ordered]@{ archive = $archive }
                if ($null -ne $decryption) { $request['decryption'] = $decryption }
                $run = Invoke-ADBExecutable -Cmdlet $PSCmdlet -Command inspect -Request $request `
                    -TargetObject $archive -Activity "Reading $([System.IO.Path]::GetFileName($archive))"
                if ($run.ErrorRecord) {
                    $PSCmdlet.WriteError($run.ErrorRecord)
                    continue
                }
                New-ADBBackupInfo -Response $run.Result -Archive $archive
            }
        } catch {
            # A .NET exception (a host that cannot prompt, a bad path) would end only its statement: stop the cmdlet.
            $PSCmdlet.ThrowTerminatingError($_)
        }
    }
}
