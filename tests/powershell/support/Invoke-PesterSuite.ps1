<#
.SYNOPSIS
Runs Pester test files or folders and ends with the line "pester: N passed, N failed, N skipped".
.DESCRIPTION
Called by scripts/pester.sh (which installs pwsh and Pester); usable with any pwsh that can import the given Pester.
Each test is printed as it finishes (Detailed output, plain text). Failed blocks and containers (a BeforeAll that
threw, a file that does not parse) count as failures; a run without any test is a failure too. The exit code is 0
only when something ran and nothing failed.
.PARAMETER PesterManifest
The Pester.psd1 to import.
.PARAMETER Path
Test files (*.Tests.ps1) or folders holding them.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $PesterManifest,
    [Parameter(Mandatory, ValueFromRemainingArguments)] [string[]] $Path
)
$ErrorActionPreference = 'Stop'
if ($PSVersionTable.PSVersion.Major -ge 7) { $PSStyle.OutputRendering = 'PlainText' }
Import-Module -Name $PesterManifest -Force
$configuration = New-PesterConfiguration
$configuration.Run.Path = $Path
$configuration.Run.PassThru = $true
$configuration.Output.Verbosity = 'Detailed'
$configuration.Output.RenderMode = 'Plaintext'
# Every failed assertion of a test is reported, not only the first.
$configuration.Should.ErrorAction = 'Continue'
$run = Invoke-Pester -Configuration $configuration
$failed = $run.FailedCount + $run.FailedBlocksCount + $run.FailedContainersCount
$total = $run.PassedCount + $failed
if ($total -eq 0) {
    Write-Output 'not ok - Pester ran no test'
    $failed = 1
}
Write-Output ('pester: {0} passed, {1} failed, {2} skipped (pwsh {3}, Pester {4})' -f $run.PassedCount, $failed,
    ($run.SkippedCount + $run.NotRunCount), $PSVersionTable.PSVersion, (Get-Module Pester).Version)
exit $(if ($failed -gt 0) { 1 } else { 0 })
