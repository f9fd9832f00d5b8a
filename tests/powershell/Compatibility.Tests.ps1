# Windows PowerShell 5.1 compatibility of the module and the samples, from their syntax trees (5.1 cannot run on
# the build machines): no PowerShell 7 operators (?:, ??, ?., &&, ||), no 7-only parameters (ForEach-Object
# -Parallel, ConvertFrom-Json -AsHashtable/-Depth, ...), cmdlets, automatic variables or .NET members. The checker's
# rules are proven to fire on a snippet holding each construct.
BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot 'support/TestSupport.psm1') -Force
    $p = Get-TestPath
    $files = @(Get-ChildItem -LiteralPath $p.Wrappers -Filter *.ps1 -Recurse) + @(Get-ChildItem -LiteralPath $p.Samples -Filter *.ps1) +
        @(Get-Item -LiteralPath (Join-Path $p.Module 'ADDatabaseBackup.psm1'), (Join-Path $p.Module 'ADDatabaseBackup.psd1'))
    $targets = @($files | Sort-Object FullName | ForEach-Object { @{ File = $_.FullName; Name = $_.FullName.Substring($p.Root.Length + 1) } })
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'support/WindowsPowerShell51.psm1') -Force
}

Describe 'Windows PowerShell 5.1 syntax and API check' {
    It 'finds every PowerShell 7-only construct in a snippet' {
        $snippet = @'
$a = $x ? 1 : 2
$b = $x ?? 'default'
$c ??= 3
$d = ${x}?.Length
$e = ${x}?.ToString()
$f = ${x}?[0]
git status && git log
git status || exit 1
1..3 | ForEach-Object -Parallel { $_ }
$h = '{}' | ConvertFrom-Json -AsHashtable
$g = '{}' | ConvertFrom-Json -Depth 5
Get-Error
'a', 'b' | Join-String -Separator ','
$bytes = Get-Content -Path x -AsByteStream
$PSStyle.OutputRendering = 'PlainText'
if ($IsLinux) { 'linux' }
$psi.ArgumentList.Add('x')
[System.Convert]::ToHexString($bytes)
Start-Sleep 1 &
'@
        $rules = @(Find-PS51Incompatibility -Text $snippet | ForEach-Object Rule)
        foreach ($expected in @('ternary operator ?:', 'null-coalescing operator ??', 'null-coalescing assignment ??=',
                'null-conditional member access ?.', 'null-conditional index ?[]', 'pipeline chain operator AndAnd',
                'pipeline chain operator OrOr', 'parameter missing in 5.1: ForEach-Object -Parallel',
                'parameter missing in 5.1: ConvertFrom-Json -AsHashtable', 'parameter missing in 5.1: ConvertFrom-Json -Depth',
                'cmdlet missing in 5.1: Get-Error', 'cmdlet missing in 5.1: Join-String', 'parameter missing in 5.1: Get-Content -AsByteStream',
                'automatic variable missing in 5.1: $PSStyle', 'automatic variable missing in 5.1: $IsLinux',
                '.NET member missing from .NET Framework: ArgumentList', '.NET member missing from .NET Framework: ToHexString',
                'background operator &')) {
            $rules | Should -Contain $expected
        }
        @(Find-PS51Incompatibility -Text "`$onWindows = (`$PSVersionTable.PSEdition -eq 'Desktop') -or `$IsWindows") | Should -BeNullOrEmpty -Because 'a guarded $IsWindows is fine'
        @(Find-PS51Incompatibility -Text "ConvertTo-Json -InputObject `$x -Depth 5 -Compress; ForEach-Object -Process { `$_ }") | Should -BeNullOrEmpty -Because '5.1 has these'
    }

    It '<Name> uses nothing Windows PowerShell 5.1 lacks' -ForEach $targets {
        $findings = @(Find-PS51Incompatibility -Path $File | ForEach-Object { "line $($_.Line): $($_.Rule): $($_.Text)" })
        $findings | Should -BeNullOrEmpty
    }
}
