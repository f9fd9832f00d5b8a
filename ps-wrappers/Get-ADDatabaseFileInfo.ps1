function Get-ADDatabaseFileInfo {
    <#
    .SYNOPSIS
    Reads the ESE header of ntds.dit, a transaction log or the checkpoint file, like esentutl /mh, /ml and /mk.

    .DESCRIPTION
    Get-ADDatabaseFileInfo reports what esentutl shows about Active Directory's database files, without esentutl
    and on any machine: for ntds.dit the state (Clean or Dirty Shutdown), page size, format, Log Required and Log
    Committed, the database and log signatures and the OS version; for an Edb*.log its generation, creation time and
    log signature; for edb.chk the checkpoint position. An all-zero file (an unused reserve log such as
    edbres00001.jrs) is reported as Kind 'unused', not as damage. The header's own checksum and its shadow copy are
    checked. A folder stands for the database, log, checkpoint and reserve files in it.

    -Pages also checks the checksum of every page of a database file, like esentutl /k: good, blank and corrupt
    pages, with ESE's diagnosis of single flipped bits. A database with corrupt pages is returned with its page
    statistics AND a non-terminating error ADDatabaseBackup.PAGES_CORRUPT (InvalidData).

    Nothing is written; the files may be copies, snapshots or the files of a stopped DC.

    .PARAMETER Path
    Files or folders; wildcards allowed. Accepts strings from the pipeline (objects bind to -LiteralPath).

    .PARAMETER LiteralPath
    Files or folders, taken literally. Binds the PSPath and FullName properties of piped objects (Get-ChildItem).

    .PARAMETER Kind
    Auto (default: detected from the file), Database, Log or Checkpoint.

    .PARAMETER Pages
    Also verify every page checksum of database files (reads the whole file).

    .EXAMPLE
    Get-ADDatabaseFileInfo -Path C:\Windows\NTDS\ntds.dit

    Shows the database header: state, Log Required, signatures, page size (on a DC, of a stopped AD DS or a snapshot).

    .EXAMPLE
    Get-ADDatabaseFileInfo -Path D:\IFM\Active` Directory -Pages | Format-List Name, Kind, State, GoodPages, CorruptPages

    Reports every file of an IFM folder and checks every page of its ntds.dit.

    .EXAMPLE
    Get-ChildItem C:\Windows\NTDS\edb*.log | Get-ADDatabaseFileInfo | Sort-Object Generation | Select-Object Name, Generation, Created

    Lists the generations of the transaction logs.

    .INPUTS
    System.String. File or folder paths.
    System.IO.FileInfo. By PSPath/FullName.

    .OUTPUTS
    ADDatabaseBackup.FileInfo. Name, Path, Kind (database, log, checkpoint, unused), FileSize, State, PageSize,
    Generation, LogRequired, LogCommitted, Checkpoint, Format, OSVersion, SignLog, SignDb, Created, Message, Warnings,
    PagesChecked, PageCount, GoodPages, BlankPages, CorruptPages, CorruptPageNumbers, Summary (everything esentutl
    shows) and Fields (every decoded header field).

    .NOTES
    A file that is not an ESE file or whose header is damaged is a non-terminating error, e.g.
    ADDatabaseBackup.ESE_BAD_MAGIC or ADDatabaseBackup.ESE_CHECKSUM_MISMATCH (InvalidData).

    .LINK
    Backup-ADDatabase

    .LINK
    Test-ADDatabaseBackup
    #>
    [CmdletBinding(DefaultParameterSetName = 'Path')]
    [OutputType('ADDatabaseBackup.FileInfo')]
    param(
        [Parameter(Mandatory, Position = 0, ParameterSetName = 'Path', ValueFromPipeline)]
        [SupportsWildcards()]
        [ValidateNotNullOrEmpty()]
        [string[]] $Path,

        [Parameter(Mandatory, ParameterSetName = 'LiteralPath', ValueFromPipelineByPropertyName)]
        [Alias('PSPath', 'FullName')]
        [ValidateNotNullOrEmpty()]
        [string[]] $LiteralPath,

        [ValidateSet('Auto', 'Database', 'Log', 'Checkpoint')]
        [string] $Kind = 'Auto',

        [switch] $Pages
    )

    process {
        try {
            foreach ($file in @(Get-ADBItemPath -Cmdlet $PSCmdlet -Path $Path -LiteralPath $LiteralPath -Pattern '\.(dit|edb|log|chk|jrs)$')) {
                Write-Verbose -Message ("Reading the header of $file.")
                $header = Invoke-ADBExecutable -Cmdlet $PSCmdlet -Command header -TargetObject $file `
                    -Request ([ordered]@{ path = $file; kind = $Kind.ToLowerInvariant() }) -Activity "Reading $([System.IO.Path]::GetFileName($file))"
                if ($header.ErrorRecord) {
                    $PSCmdlet.WriteError($header.ErrorRecord)
                    continue
                }
                $pageResult = $null
                $pageError = $null
                if ($Pages -and (Get-ADBMember $header.Result 'kind') -eq 'database') {
                    Write-Verbose -Message ("Checking every page of $file.")
                    $run = Invoke-ADBExecutable -Cmdlet $PSCmdlet -Command pages -Request ([ordered]@{ path = $file }) -TargetObject $file `
                        -Activity "Checking the pages of $([System.IO.Path]::GetFileName($file))"
                    $pageResult = $run.Result
                    $pageError = $run.ErrorRecord
                    if ($run.ExitCode -eq 3 -and $null -ne $pageResult) {
                        $numbers = @(Get-ADBMember $pageResult 'corruptPages' | ForEach-Object { Get-ADBMember $_ 'pgno' })
                        if ($numbers.Count -gt 20) { $numbers = @($numbers[0..19]) + @('...') }
                        $pageError = New-ADBErrorRecord -Code 'PAGES_CORRUPT' -Category 'Integrity' -Command 'pages' -ExitCode 3 -TargetObject $file `
                            -Details $pageResult -Message ('{0} has {1} corrupt page(s): {2}.' -f $file, (Get-ADBMember $pageResult 'corrupt'), ($numbers -join ', '))
                    }
                } elseif ($Pages) {
                    Write-Verbose -Message ("$file is not a database file: no pages to check.")
                }
                New-ADBFileInfo -Header $header.Result -Pages $pageResult
                if ($pageError) { $PSCmdlet.WriteError($pageError) }
            }
        } catch {
            # A .NET exception (a host that cannot prompt, a bad path) would end only its statement: stop the cmdlet.
            $PSCmdlet.ThrowTerminatingError($_)
        }
    }
}
