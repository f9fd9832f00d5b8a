function Test-ADDatabaseBackup {
    <#
    .SYNOPSIS
    Verifies backup archives end to end without extracting them: hashes, structure, ESE headers, every database page.

    .DESCRIPTION
    Test-ADDatabaseBackup re-reads each archive as a restore would: the tar structure and entry names, every file's
    SHA-256 against SHA256SUMS and the manifest, the ESE headers of the database, logs and checkpoint, the log range
    re-derived from the archived headers, every database page checksum (good, blank and corrupt pages, like
    esentutl /k), and the whole file against its sidecar manifest. Nothing is written.

    It returns one ADDatabaseBackup.VerifyResult per archive. When an archive fails, the result (IsValid = $false,
    with its Findings and CorruptPageNumbers) is returned AND a non-terminating error
    ADDatabaseBackup.VERIFY_FAILED (category InvalidData) is written, so that 'if (-not $r.IsValid)' and
    -ErrorAction Stop / $? both work. An archive that cannot be read at all gives only an error.

    An intact backup older than its tombstone lifetime is valid but Expired = $true, and a warning says so:
    Restore-ADDatabase refuses it without -AllowExpired.

    A folder stands for the archives in it (*.tar.zst, *.tar.gz, *.tgz, *.tar and the encrypted *.age forms).

    An encrypted archive (.age) is verified completely with -IdentityFile or -Passphrase: every chunk is
    authenticated while it is decrypted. Without a key only its outside can be checked (the age header, the
    payload length, the whole-file hash against the sidecar, the recipients the sidecar records): the result has
    ContentVerified = $false and IsValid = $false, and a non-terminating error ADDatabaseBackup.ARCHIVE_ENCRYPTED
    (SecurityError) says that the content was not verified. Damage found on the outside is VERIFY_FAILED as above.

    .PARAMETER Path
    Archives or folders of archives; wildcards allowed. Accepts strings (objects bind to -LiteralPath)
    (Get-ADDatabaseBackup) from the pipeline.

    .PARAMETER LiteralPath
    Archives or folders, taken literally. Binds the PSPath and FullName properties of piped objects (Get-ChildItem).

    .PARAMETER Recurse
    With a folder: include the archives in its subfolders.

    .PARAMETER IdentityFile
    Encrypted archives: the age identity file (AGE-SECRET-KEY-1... lines, as New-ADDatabaseBackupKey or age-keygen writes
    them; several keys allowed) that opens them.

    .PARAMETER Passphrase
    Encrypted archives: the passphrase they were encrypted with, as a SecureString. Sent to adbackup only in the
    request on its standard input; never written to an output stream.

    .PARAMETER Quiet
    Return only $true or $false per archive, and write no error for a failed verification. An encrypted archive
    verified without its key is $false: its content was not checked.

    .PARAMETER Deep
    After the archive passes, also check its database logically: every table's B-trees walk to their leaves, the
    catalog keeps its own rules, and in an AD database every object's parent, every link and every security
    descriptor reference resolves. The result then names the DC and domain the database belongs to (Identity). It
    reads the archive a second time; a compressed or encrypted archive's database is staged in a scratch file
    sealed with a key held only in memory, never as plaintext on disk.

    .EXAMPLE
    Test-ADDatabaseBackup -Path D:\Backups\DC01-20261203T0100Z.tar.zst.age -IdentityFile C:\Keys\dc01.key -Deep | Format-List Name, IsValid, DeepChecked, DeepFindings, Identity

    Proves a backup is sound down to the directory's own cross-references, and shows which DC it is from.

    .EXAMPLE
    Test-ADDatabaseBackup -Path \\backup01\ad$\DC01\DC01-ntds-20261123T020000Z.tar.zst

    Verifies one archive and shows its verdict and page statistics (good, blank, corrupt pages).

    .EXAMPLE
    Get-ADDatabaseBackup -Path \\backup01\ad$ -Recurse | Test-ADDatabaseBackup | Where-Object { -not $_.IsValid }

    Verifies every archive of every DC folder and lists the damaged ones.

    .EXAMPLE
    if (-not (Test-ADDatabaseBackup -LiteralPath $archive -Quiet)) { throw "backup $archive is damaged" }

    A yes/no check in a script.

    .EXAMPLE
    Test-ADDatabaseBackup -Path \\backup01\ad$\DC01 -IdentityFile E:\keys\adbackup-key.txt

    Verifies every archive of the folder, decrypting the encrypted (.age) ones with the private key in the identity
    file.

    .INPUTS
    System.String. Archive or folder paths.
    ADDatabaseBackup.BackupInfo (and any object with PSPath or FullName). Bound by property name to -LiteralPath.

    .OUTPUTS
    ADDatabaseBackup.VerifyResult. Name, Path, IsValid, Encrypted, ContentVerified, Format, Size, Sha256, BackupId, EntryCount, LowLog, HighLog,
    LogCount, Restorable, Expired (older than its tombstone lifetime: also a warning), PageSize, PageCount, GoodPages, BlankPages, CorruptPages, CorruptPageNumbers, ErrorCount,
    WarningCount, Findings, LogFindings, Entries.
    System.Boolean with -Quiet.

    .NOTES
    FullyQualifiedErrorIds: ADDatabaseBackup.VERIFY_FAILED,Test-ADDatabaseBackup (InvalidData) for a damaged
    archive; ADDatabaseBackup.ARCHIVE_ENCRYPTED (SecurityError) for an encrypted archive verified without its key;
    ADDatabaseBackup.PATH_NOT_FOUND (ObjectNotFound); AGE_NO_MATCHING_KEY (a wrong key) and the other adbackup codes (ARCHIVE_FORMAT_UNKNOWN, FILE_NOT_FOUND,
    ...) when an archive cannot be read.

    .LINK
    Get-ADDatabaseBackup

    .LINK
    Restore-ADDatabase
    #>
    [CmdletBinding(DefaultParameterSetName = 'Path')]
    [OutputType('ADDatabaseBackup.VerifyResult', [bool])]
    param(
        [Parameter(Mandatory, Position = 0, ParameterSetName = 'Path', ValueFromPipeline)]
        [SupportsWildcards()]
        [ValidateNotNullOrEmpty()]
        [string[]] $Path,

        [Parameter(Mandatory, ParameterSetName = 'LiteralPath', ValueFromPipelineByPropertyName)]
        [Alias('PSPath', 'FullName')]
        [ValidateNotNullOrEmpty()]
        [string[]] $LiteralPath,

        [switch] $Recurse,

        [ValidateNotNullOrEmpty()]
        [string] $IdentityFile,

        [securestring] $Passphrase,

        [switch] $Quiet,

        [switch] $Deep
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
                Write-Verbose -Message ("Verifying $archive.")
                $request = [ordered]@{ archive = $archive }
                if ($null -ne $decryption) { $request['decryption'] = $decryption }
                if ($Deep) { $request['deep'] = $true }
                $run = Invoke-ADBExecutable -Cmdlet $PSCmdlet -Command verify -Request $request `
                    -TargetObject $archive -Activity "Verifying $([System.IO.Path]::GetFileName($archive))"
                if ($run.ErrorRecord) {
                    if ($Quiet) { $false } else { $PSCmdlet.WriteError($run.ErrorRecord) }
                    continue
                }
                $result = New-ADBVerifyResult -Response $run.Result
                if ($Quiet) {
                    $result.IsValid
                    continue
                }
                $result
                if ($result.Expired) {
                    $why = @($result.Findings | Where-Object { (Get-ADBMember $_ 'code') -eq 'backup-expired' } | ForEach-Object { Get-ADBMember $_ 'message' })[0]
                    Write-Warning -Message ("The backup archive '$archive' has expired: $why. Restore-ADDatabase refuses it unless -AllowExpired is given (forest recovery only).")
                }
                if ($result.IsValid) {
                    Write-Verbose -Message (('{0} is valid: {1} entries, logs {2}-{3}, {4} good, {5} blank, {6} corrupt pages.' -f
                            $result.Name, $result.EntryCount, $result.LowLog, $result.HighLog, $result.GoodPages, $result.BlankPages, $result.CorruptPages))
                } elseif (-not $result.ContentVerified -and $result.ErrorCount -eq 0) {
                    # Exit 4: nothing wrong outside, but without a key the content was not checked.
                    $message = "The backup archive '$archive' is age-encrypted and no -IdentityFile or -Passphrase was given: only its age header, length and whole-file hash were checked, its content was not verified."
                    $PSCmdlet.WriteError((New-ADBErrorRecord -Code 'ARCHIVE_ENCRYPTED' -Message $message -Category 'Precondition' `
                                -Command 'verify' -ExitCode $run.ExitCode -TargetObject $archive))
                } else {
                    $errors = @($result.Findings | Where-Object { (Get-ADBMember $_ 'severity') -eq 'error' } |
                            ForEach-Object { "$(Get-ADBMember $_ 'code'): $(Get-ADBMember $_ 'message')" })
                    $errors += @(Get-ADBDeepCheckSummary -Response $run.Result)
                    $message = "The backup archive '$archive' failed verification: $($errors -join '; ')"
                    $PSCmdlet.WriteError((New-ADBErrorRecord -Code 'VERIFY_FAILED' -Message $message -Category 'Integrity' `
                                -Command 'verify' -ExitCode $run.ExitCode -TargetObject $archive -Details $run.Result))
                }
            }
        } catch {
            # A .NET exception (a host that cannot prompt, a bad path) would end only its statement: stop the cmdlet.
            $PSCmdlet.ThrowTerminatingError($_)
        }
    }
}
