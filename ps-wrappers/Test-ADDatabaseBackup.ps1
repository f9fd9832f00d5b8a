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

    A folder stands for the archives in it (*.tar.zst, *.tar.gz, *.tar).

    .PARAMETER Path
    Archives or folders of archives; wildcards allowed. Accepts strings and objects with a Path property
    (Get-ADDatabaseBackup) from the pipeline.

    .PARAMETER LiteralPath
    Archives or folders, taken literally. Binds the PSPath and FullName properties of piped objects (Get-ChildItem).

    .PARAMETER Recurse
    With a folder: include the archives in its subfolders.

    .PARAMETER Quiet
    Return only $true or $false per archive, and write no error for a failed verification.

    .EXAMPLE
    Test-ADDatabaseBackup -Path \\backup01\ad$\DC01\DC01-ntds-20261123T020000Z.tar.zst

    Verifies one archive and shows its verdict and page statistics (good, blank, corrupt pages).

    .EXAMPLE
    Get-ADDatabaseBackup -Path \\backup01\ad$ -Recurse | Test-ADDatabaseBackup | Where-Object { -not $_.IsValid }

    Verifies every archive of every DC folder and lists the damaged ones.

    .EXAMPLE
    if (-not (Test-ADDatabaseBackup -LiteralPath $archive -Quiet)) { throw "backup $archive is damaged" }

    A yes/no check in a script.

    .INPUTS
    System.String. Archive or folder paths.
    ADDatabaseBackup.BackupInfo (and any object with Path, PSPath or FullName). Bound by property name.

    .OUTPUTS
    ADDatabaseBackup.VerifyResult. Name, Path, IsValid, Format, Size, Sha256, BackupId, EntryCount, LowLog, HighLog,
    LogCount, Restorable, PageSize, PageCount, GoodPages, BlankPages, CorruptPages, CorruptPageNumbers, ErrorCount,
    WarningCount, Findings, LogFindings, Entries.
    System.Boolean with -Quiet.

    .NOTES
    FullyQualifiedErrorIds: ADDatabaseBackup.VERIFY_FAILED,Test-ADDatabaseBackup (InvalidData) for a damaged
    archive; ADDatabaseBackup.PATH_NOT_FOUND (ObjectNotFound); the adbackup codes (ARCHIVE_FORMAT_UNKNOWN, FILE_NOT_FOUND,
    ...) when an archive cannot be read.

    .LINK
    Get-ADDatabaseBackup

    .LINK
    Restore-ADDatabase
    #>
    [CmdletBinding(DefaultParameterSetName = 'Path')]
    [OutputType('ADDatabaseBackup.VerifyResult', [bool])]
    param(
        [Parameter(Mandatory, Position = 0, ParameterSetName = 'Path', ValueFromPipeline, ValueFromPipelineByPropertyName)]
        [ValidateNotNullOrEmpty()]
        [string[]] $Path,

        [Parameter(Mandatory, ParameterSetName = 'LiteralPath', ValueFromPipelineByPropertyName)]
        [Alias('PSPath', 'FullName')]
        [ValidateNotNullOrEmpty()]
        [string[]] $LiteralPath,

        [switch] $Recurse,

        [switch] $Quiet
    )

    process {
        try {
            foreach ($archive in @(Get-ADBItemPath -Cmdlet $PSCmdlet -Path $Path -LiteralPath $LiteralPath -Pattern $script:ADBArchivePattern -Recurse:$Recurse)) {
                $PSCmdlet.WriteVerbose("Verifying $archive.")
                $run = Invoke-ADBExecutable -Cmdlet $PSCmdlet -Command verify -Request ([ordered]@{ archive = $archive }) `
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
                if ($result.IsValid) {
                    $PSCmdlet.WriteVerbose(('{0} is valid: {1} entries, logs {2}-{3}, {4} good, {5} blank, {6} corrupt pages.' -f
                            $result.Name, $result.EntryCount, $result.LowLog, $result.HighLog, $result.GoodPages, $result.BlankPages, $result.CorruptPages))
                } else {
                    $errors = @($result.Findings | Where-Object { (Get-ADBMember $_ 'severity') -eq 'error' } |
                            ForEach-Object { "$(Get-ADBMember $_ 'code'): $(Get-ADBMember $_ 'message')" })
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
