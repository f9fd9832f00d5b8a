function Resolve-ADBInputPath {
    <#
    .SYNOPSIS
    The file-system paths of existing items named by -Path (wildcards) or -LiteralPath.
    .DESCRIPTION
    adbackup runs in its own working directory, so every path it gets is made absolute here, against the current
    PowerShell location (PSDrives and UNC paths included). A path that names nothing, or a non-file-system item,
    becomes a non-terminating error of the calling cmdlet; the others are returned.
    .PARAMETER Cmdlet
    The calling cmdlet ($PSCmdlet).
    .PARAMETER Path
    The cmdlet's -Path values (wildcards are expanded); ignored when -LiteralPath has values.
    .PARAMETER LiteralPath
    The cmdlet's -LiteralPath values, taken as they are.
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param(
        [Parameter(Mandatory)] [System.Management.Automation.PSCmdlet] $Cmdlet,
        [AllowNull()] [AllowEmptyCollection()] [string[]] $Path,
        [AllowNull()] [AllowEmptyCollection()] [string[]] $LiteralPath
    )

    # An unbound [string] parameter is '' rather than $null: only non-empty values count.
    $literalValues = @($LiteralPath | Where-Object { $_ })
    $isLiteral = $literalValues.Count -gt 0
    if ($isLiteral) { $Path = $literalValues }
    foreach ($p in $Path) {
        $provider = $null
        $found = @()
        try {
            if ($isLiteral -or -not [System.Management.Automation.WildcardPattern]::ContainsWildcardCharacters($p)) {
                # Checked without the globber, which throws for a missing item (a caught exception would still show
                # up in the caller's -ErrorVariable).
                $drive = $null
                $full = $Cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath($p, [ref]$provider, [ref]$drive)
                if ([System.IO.File]::Exists($full) -or [System.IO.Directory]::Exists($full)) { $found = @($full) }
            } else {
                $found = @($Cmdlet.SessionState.Path.GetResolvedProviderPathFromPSPath($p, [ref]$provider))
            }
        } catch [System.Management.Automation.DriveNotFoundException] {
            $found = @()
        }
        if ($null -ne $provider -and $provider.Name -ne 'FileSystem') {
            $Cmdlet.WriteError((New-ADBErrorRecord -Code 'NOT_A_FILE_SYSTEM_PATH' -TargetObject $p `
                        -Message "'$p' is not a file-system path." -ErrorCategory ([System.Management.Automation.ErrorCategory]::InvalidArgument)))
            continue
        }
        if ($found.Count -eq 0) {
            $Cmdlet.WriteError((New-ADBErrorRecord -Code 'PATH_NOT_FOUND' -TargetObject $p `
                        -Message "Cannot find path '$p' because it does not exist." -ErrorCategory ([System.Management.Automation.ErrorCategory]::ObjectNotFound)))
            continue
        }
        $found
    }
}

function Resolve-ADBOutputPath {
    <#
    .SYNOPSIS
    The absolute file-system path of a file or folder that may not exist yet (a destination).
    .DESCRIPTION
    Relative paths and PSDrives are resolved against the current PowerShell location; UNC paths pass unchanged.
    A path outside the file system ends the command with an InvalidArgument error.
    .PARAMETER Cmdlet
    The calling cmdlet ($PSCmdlet).
    .PARAMETER Path
    The path.
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param([Parameter(Mandatory)] [System.Management.Automation.PSCmdlet] $Cmdlet, [Parameter(Mandatory)] [string] $Path)

    $provider = $null
    $drive = $null
    $full = $Cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath($Path, [ref]$provider, [ref]$drive)
    if ($provider.Name -ne 'FileSystem') {
        $Cmdlet.ThrowTerminatingError((New-ADBErrorRecord -Code 'NOT_A_FILE_SYSTEM_PATH' -TargetObject $Path `
                    -Message "'$Path' is not a file-system path." -ErrorCategory ([System.Management.Automation.ErrorCategory]::InvalidArgument)))
    }
    $full
}

function Get-ADBItemPath {
    <#
    .SYNOPSIS
    The files a cmdlet's -Path or -LiteralPath name: a file stays itself, a folder becomes the files in it whose names
    match a pattern (sorted by name).
    .DESCRIPTION
    Paths are resolved by Resolve-ADBInputPath (missing ones become non-terminating errors of the cmdlet). For backup
    folders, $script:ADBArchivePattern takes *.tar.zst, *.tar.gz, *.tgz, *.tar (and encrypted *.age forms) and leaves out
    work files (*.partial) and sidecars (*.manifest.json).
    .PARAMETER Cmdlet
    The calling cmdlet ($PSCmdlet).
    .PARAMETER Path
    The cmdlet's -Path values.
    .PARAMETER LiteralPath
    The cmdlet's -LiteralPath values.
    .PARAMETER Pattern
    A regular expression the file names of a folder must match.
    .PARAMETER Recurse
    Include subfolders.
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param(
        [Parameter(Mandatory)] [System.Management.Automation.PSCmdlet] $Cmdlet,
        [AllowNull()] [AllowEmptyCollection()] [string[]] $Path,
        [AllowNull()] [AllowEmptyCollection()] [string[]] $LiteralPath,
        [Parameter(Mandatory)] [string] $Pattern,
        [switch] $Recurse
    )

    foreach ($p in @(Resolve-ADBInputPath -Cmdlet $Cmdlet -Path $Path -LiteralPath $LiteralPath)) {
        if (-not [System.IO.Directory]::Exists($p)) { $p; continue }
        $option = if ($Recurse) { [System.IO.SearchOption]::AllDirectories } else { [System.IO.SearchOption]::TopDirectoryOnly }
        $files = [System.IO.Directory]::GetFiles($p, '*', $option)
        [System.Array]::Sort($files, [System.StringComparer]::OrdinalIgnoreCase)
        foreach ($file in $files) {
            if ([System.IO.Path]::GetFileName($file) -match $Pattern) { $file }
        }
    }
}
