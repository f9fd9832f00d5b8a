# Helpers shared by the Pester suites of tests/powershell: where things are, synthetic test material (made by the
# project's TypeScript through support/fixtures.ts), stand-ins for the adbackup executable, environment changes that
# are undone, and child pwsh processes for what only a separate process shows (the host's What-if lines and tables,
# confirmation prompts, -NonInteractive, exit codes).
Set-StrictMode -Version 3.0

$script:Root = [System.IO.Path]::GetFullPath([System.IO.Path]::Combine($PSScriptRoot, '..', '..', '..'))
$script:WorkRoot = $null

function Get-TestPath {
    <#
    .SYNOPSIS
    The project's paths the suites use: Root, Module (module/), Manifest, Wrappers, Samples, RealExe.
    #>
    [CmdletBinding()]
    [OutputType([pscustomobject])]
    param()
    $module = [System.IO.Path]::Combine($script:Root, 'module')
    [pscustomobject]@{
        Root     = $script:Root
        Module   = $module
        Manifest = [System.IO.Path]::Combine($module, 'ADDatabaseBackup.psd1')
        Wrappers = [System.IO.Path]::Combine($script:Root, 'ps-wrappers')
        Samples  = [System.IO.Path]::Combine($script:Root, 'samples')
        RealExe  = [System.IO.Path]::Combine($module, 'bin', 'linux-x64', 'adbackup')
    }
}

function Assert-ModuleBuilt {
    <#
    .SYNOPSIS
    Throws unless `npm run build` completed the module folder (function files and the Linux executable).
    #>
    [CmdletBinding()]
    param()
    $p = Get-TestPath
    foreach ($f in @('functions/Backup-ADDatabase.ps1', 'bin/linux-x64/adbackup')) {
        if (-not (Test-Path -LiteralPath (Join-Path $p.Module $f))) { throw "module/$f is missing: run npm run build" }
    }
}

function New-TestFolder {
    <#
    .SYNOPSIS
    A new empty folder under this run's temporary work folder (removed by Remove-TestWork).
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param([string] $Name = 'work')
    if (-not $script:WorkRoot) {
        $script:WorkRoot = Join-Path ([System.IO.Path]::GetTempPath()) ("adb-pester-" + [guid]::NewGuid().ToString('n').Substring(0, 8))
    }
    $dir = Join-Path $script:WorkRoot ("$Name-" + [guid]::NewGuid().ToString('n').Substring(0, 6))
    $null = New-Item -ItemType Directory -Path $dir -Force
    $dir
}

function Remove-TestWork {
    <#
    .SYNOPSIS
    Removes this run's temporary work folder.
    #>
    [CmdletBinding()]
    param()
    if ($script:WorkRoot -and (Test-Path -LiteralPath $script:WorkRoot)) { Remove-Item -LiteralPath $script:WorkRoot -Recurse -Force }
    $script:WorkRoot = $null
}

function Invoke-Fixture {
    <#
    .SYNOPSIS
    Runs support/fixtures.ts with the project's Node (ADB_TEST_NODE, else node on PATH) and returns its JSON answer.
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory, ValueFromRemainingArguments)] [string[]] $Arguments)
    $node = if ($env:ADB_TEST_NODE) { $env:ADB_TEST_NODE } else { 'node' }
    $script = Join-Path $PSScriptRoot 'fixtures.ts'
    $out = & $node $script @Arguments 2>&1
    if ($LASTEXITCODE -ne 0) { throw "fixtures.ts $($Arguments -join ' ') failed ($LASTEXITCODE): $($out -join "`n")" }
    ($out -join "`n") | ConvertFrom-Json
}

function New-SyntheticDsa {
    <#
    .SYNOPSIS
    A synthetic DSA folder (ntds.dit, logs, edb.chk of DC01, 2 MiB database, 4 logs, dirty, a VSS snapshot's database)
    in a new test folder.
    .PARAMETER Options
    Options of tests/fixtures/synthetic-dsa.ts (e.g. @{ corruptPages = @(7, 9) }).
    #>
    [CmdletBinding()]
    param([hashtable] $Options = @{})
    $dir = Join-Path (New-TestFolder -Name 'dsa') 'NTDS'
    Invoke-Fixture dsa $dir (ConvertTo-Json -InputObject $Options -Compress)
}

function New-ExeStandIn {
    <#
    .SYNOPSIS
    ADBACKUP_EXE stand-ins: 'recorder' saves each request and argv into ADB_CAPTURE_DIR and runs the real adbackup
    on it; 'fake' answers FAKE_STDOUT / FAKE_STDERR / FAKE_EXIT. Returns the script's path.
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param([Parameter(Mandatory)] [ValidateSet('recorder', 'fake')] [string] $Kind)
    $lines = if ($Kind -eq 'recorder') {
        @('#!/usr/bin/env bash', 'set -u', 'n="$(date +%s%N)-$$"', 'cat > "$ADB_CAPTURE_DIR/$n.request.json"',
            'printf ''%s\n'' "$@" > "$ADB_CAPTURE_DIR/$n.argv"', 'exec "$ADB_REAL_EXE" "$@" < "$ADB_CAPTURE_DIR/$n.request.json"')
    } else {
        @('#!/usr/bin/env bash', 'cat > /dev/null', '[ -n "${FAKE_STDERR:-}" ] && printf ''%s\n'' "$FAKE_STDERR" >&2',
            'printf ''%s'' "${FAKE_STDOUT:-}"', 'exit "${FAKE_EXIT:-0}"')
    }
    $file = Join-Path (New-TestFolder -Name $Kind) "$Kind-adbackup.sh"
    [System.IO.File]::WriteAllText($file, (($lines -join "`n") + "`n"))
    & chmod 755 $file
    $file
}

function New-Recording {
    <#
    .SYNOPSIS
    The environment that routes the module through the recording stand-in, and the folder its requests land in.
    Read them with Get-RecordedRequest (each validated against adbackup's request schema).
    #>
    [CmdletBinding()]
    [OutputType([pscustomobject])]
    param()
    $dir = New-TestFolder -Name 'capture'
    [pscustomobject]@{
        Dir = $dir
        Env = @{ ADBACKUP_EXE = (New-ExeStandIn -Kind recorder); ADB_REAL_EXE = (Get-TestPath).RealExe; ADB_CAPTURE_DIR = $dir }
    }
}

function Get-RecordedRequest {
    <#
    .SYNOPSIS
    The requests a recording captured, in order: command, argv, request, valid (against the schema), schemaErrors.
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory)] [pscustomobject] $Recording)
    @(Invoke-Fixture requests $Recording.Dir)
}

function Use-Environment {
    <#
    .SYNOPSIS
    Runs a script block with environment variables set, and restores them afterwards.
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory)] [hashtable] $Environment, [Parameter(Mandatory)] [scriptblock] $ScriptBlock)
    $saved = @{}
    foreach ($k in $Environment.Keys) {
        $saved[$k] = [System.Environment]::GetEnvironmentVariable($k)
        [System.Environment]::SetEnvironmentVariable($k, [string]$Environment[$k])
    }
    try { & $ScriptBlock } finally {
        foreach ($k in $saved.Keys) { [System.Environment]::SetEnvironmentVariable($k, $saved[$k]) }
    }
}

function Get-TreeHash {
    <#
    .SYNOPSIS
    Every file under a folder (relative path with /) and its SHA-256: to prove a step changed nothing.
    #>
    [CmdletBinding()]
    [OutputType([hashtable])]
    param([Parameter(Mandatory)] [string] $Path)
    $h = [ordered]@{}
    foreach ($f in Get-ChildItem -LiteralPath $Path -Recurse -File -Force | Sort-Object FullName) {
        $h[$f.FullName.Substring($Path.Length + 1).Replace('\', '/')] = (Get-FileHash -LiteralPath $f.FullName -Algorithm SHA256).Hash
    }
    $h
}

function ConvertTo-PsLiteral {
    <#
    .SYNOPSIS
    A single-quoted PowerShell string literal.
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param([Parameter(Mandatory)] [AllowEmptyString()] [string] $Text)
    "'" + $Text.Replace("'", "''") + "'"
}

function Get-PwshPath {
    <#
    .SYNOPSIS
    The pwsh running the suites (ADB_TEST_PWSH from scripts/pester.sh; a dotnet tool's process path is dotnet).
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param()
    if ($env:ADB_TEST_PWSH) { return $env:ADB_TEST_PWSH }
    $candidate = Join-Path $PSHOME $(if ($IsWindows) { 'pwsh.exe' } else { 'pwsh' })
    if (Test-Path -LiteralPath $candidate) { return $candidate }
    [System.Environment]::ProcessPath
}

function Invoke-ChildPwsh {
    <#
    .SYNOPSIS
    Runs a script in a new pwsh process (this one's executable) with the module imported; returns ExitCode, StdOut
    (plain text, no ANSI), StdErr.
    .PARAMETER Script
    The script text (after Import-Module of the module).
    .PARAMETER InputText
    Lines for the process's stdin (answers to prompts); stdin is closed afterwards.
    .PARAMETER Environment
    Environment variables for the process.
    .PARAMETER Interactive
    Without -NonInteractive (prompts read stdin).
    .PARAMETER NoImport
    Do not import the module first.
    #>
    [CmdletBinding()]
    [OutputType([pscustomobject])]
    param(
        [Parameter(Mandatory)] [string] $Script,
        [string] $InputText = '',
        [hashtable] $Environment = @{},
        [switch] $Interactive,
        [switch] $NoImport
    )
    $file = Join-Path (New-TestFolder -Name 'child') 'script.ps1'
    $prelude = "`$PSStyle.OutputRendering = 'PlainText'`n"
    if (-not $NoImport) { $prelude += "Import-Module $(ConvertTo-PsLiteral (Get-TestPath).Manifest) -ErrorAction Stop`n" }
    [System.IO.File]::WriteAllText($file, $prelude + $Script)
    $psi = [System.Diagnostics.ProcessStartInfo]::new((Get-PwshPath))
    foreach ($a in @('-NoProfile') + $(if ($Interactive) { @() } else { @('-NonInteractive') }) + @('-File', $file)) { $psi.ArgumentList.Add($a) }
    $psi.RedirectStandardInput = $true
    $psi.RedirectStandardOutput = $true
    $psi.RedirectStandardError = $true
    $psi.UseShellExecute = $false
    $psi.Environment['NO_COLOR'] = '1'
    $psi.Environment['TERM'] = 'dumb'
    foreach ($k in $Environment.Keys) { $psi.Environment[$k] = [string]$Environment[$k] }
    $p = [System.Diagnostics.Process]::Start($psi)
    $err = $p.StandardError.ReadToEndAsync()
    $out = $p.StandardOutput.ReadToEndAsync()
    $p.StandardInput.Write($InputText)
    $p.StandardInput.Close()
    $p.WaitForExit()
    [pscustomobject]@{
        ExitCode = $p.ExitCode
        StdOut   = $out.GetAwaiter().GetResult() -replace "`e\[[0-9;]*[A-Za-z]", ''
        StdErr   = $err.GetAwaiter().GetResult() -replace "`e\[[0-9;]*[A-Za-z]", ''
    }
}

function Invoke-Captured {
    <#
    .SYNOPSIS
    Runs a script block in a new runspace with the module imported and returns its output and every stream
    (Error, Warning, Verbose, Debug, Information, Progress), as the host would have received them.
    .PARAMETER ScriptBlock
    The script; its text runs in the new runspace (no closure: pass values with -Variable).
    .PARAMETER Variable
    Variables to define in the runspace first.
    #>
    [CmdletBinding()]
    [OutputType([pscustomobject])]
    param([Parameter(Mandatory)] [scriptblock] $ScriptBlock, [hashtable] $Variable = @{})
    $ps = [powershell]::Create([System.Management.Automation.Runspaces.InitialSessionState]::CreateDefault2())
    try {
        $null = $ps.AddCommand('Import-Module').AddParameter('Name', (Get-TestPath).Manifest).AddStatement()
        foreach ($k in $Variable.Keys) { $null = $ps.AddCommand('Set-Variable').AddParameter('Name', $k).AddParameter('Value', $Variable[$k]).AddStatement() }
        $null = $ps.AddScript($ScriptBlock.ToString())
        $terminating = $null
        $output = $null
        try { $output = $ps.Invoke() } catch { $terminating = $_.Exception.InnerException.ErrorRecord; if (-not $terminating) { $terminating = $_ } }
        [pscustomobject]@{
            Output      = @($output)
            Error       = @($ps.Streams.Error)
            Warning     = @($ps.Streams.Warning | ForEach-Object Message)
            Verbose     = @($ps.Streams.Verbose | ForEach-Object Message)
            Debug       = @($ps.Streams.Debug | ForEach-Object Message)
            Information = @($ps.Streams.Information)
            Progress    = @($ps.Streams.Progress)
            Terminating = $terminating
        }
    } finally {
        $ps.Dispose()
    }
}

Export-ModuleMember -Function *
