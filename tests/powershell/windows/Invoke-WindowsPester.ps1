# Runs this folder's *.Tests.ps1 with Pester 6.2.0 (in pwsh for Windows, under Wine 10; started by run-pester.ts) and
# writes one record per test (name, result, message) as JSON to $env:ADB_TEST_RESULTS. Exit code: failed tests.
$ErrorActionPreference = 'Stop'
$pester = Import-Module Pester -PassThru
if ($pester.Version -ne [version]'6.2.0') { throw "Pester 6.2.0 expected, found $($pester.Version)" }
$config = New-PesterConfiguration
$config.Run.Path = $env:ADB_TEST_SUITE
$config.Run.PassThru = $true
$config.Output.Verbosity = 'Detailed'
$run = Invoke-Pester -Configuration $config
$records = [System.Collections.Generic.List[object]]::new()
foreach ($test in $run.Tests) {
    # The message and the stack lines outside Pester's own code.
    $message = if ($test.ErrorRecord) {
        ($test.ErrorRecord | ForEach-Object { "$_"; $_.ScriptStackTrace -split "`n" | Where-Object { $_ -notmatch '\\Modules\\Pester\\' } }) -join "`n"
    } else { '' }
    $records.Add([ordered]@{ name = $test.ExpandedPath; result = "$($test.Result)"; message = $message })
}
# A file that fails outside its tests (a syntax error, a failing BeforeAll at the top) has no test records.
foreach ($container in $run.Containers) {
    if ($container.Result -eq 'Failed' -and $container.ErrorRecord) {
        $records.Add([ordered]@{ name = "$($container.Item)"; result = 'Failed'; message = ($container.ErrorRecord | ForEach-Object { "$_" }) -join "`n" })
    }
}
ConvertTo-Json -InputObject @($records) -Depth 4 | Set-Content -LiteralPath $env:ADB_TEST_RESULTS -Encoding utf8
exit $run.FailedCount
