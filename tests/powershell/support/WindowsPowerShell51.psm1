# What Windows PowerShell 5.1 cannot run, found in a script's syntax tree (5.1 itself cannot run on the build
# machines, and the module and samples must work there): PowerShell 7 operators, parameters that 5.1's cmdlets lack,
# cmdlets and automatic variables that exist only in PowerShell 6/7, and .NET members missing from .NET Framework.
# The rules are data so that a test can prove each one fires (Compatibility.Tests.ps1).
Set-StrictMode -Version 3.0

# Cmdlets that Windows PowerShell 5.1 does not ship.
$script:CoreOnlyCommands = @(
    'Get-Error', 'Test-Json', 'Join-String', 'ConvertFrom-Markdown', 'Show-Markdown', 'Get-MarkdownOption',
    'Set-MarkdownOption', 'Get-Uptime', 'Remove-Alias', 'Remove-Service', 'Get-ExperimentalFeature',
    'Enable-ExperimentalFeature', 'Disable-ExperimentalFeature', 'Start-ThreadJob', 'Get-PSSubsystem',
    'Enable-PSTrace', 'Get-PSResource', 'Install-PSResource', 'Publish-PSResource'
)
# Parameters that only PowerShell 6/7's versions of a cmdlet have (cmdlet -> parameters; an abbreviation matches as
# the binder would take it).
$script:CoreOnlyParameters = @{
    'ForEach-Object'   = @('Parallel', 'ThrottleLimit', 'AsJob', 'TimeoutSeconds')
    'ConvertFrom-Json' = @('AsHashtable', 'Depth', 'NoEnumerate', 'DateKind')
    'ConvertTo-Json'   = @('AsArray', 'EscapeHandling', 'EnumsAsStrings')
    'Get-Content'      = @('AsByteStream')
    'Set-Content'      = @('AsByteStream')
    'Add-Content'      = @('AsByteStream')
    'Test-Connection'  = @('TargetName', 'Ping', 'Repeat', 'TcpPort', 'MtuSize', 'Traceroute')
    'Invoke-WebRequest' = @('SkipCertificateCheck', 'Authentication', 'Resume', 'SslProtocol', 'StatusCodeVariable')
    'Invoke-RestMethod' = @('SkipCertificateCheck', 'Authentication', 'Resume', 'SslProtocol', 'StatusCodeVariable', 'ResponseHeadersVariable')
    'Get-ChildItem'    = @('FollowSymlink')
    'Select-String'    = @('Raw', 'NoEmphasis')
    'Sort-Object'      = @('Top', 'Bottom', 'Stable')
    'Import-Module'    = @('SkipEditionCheck', 'UseWindowsPowerShell')
    'Split-Path'       = @('LeafBase', 'Extension')
    'Get-Date'         = @('AsUTC', 'UnixTimeSeconds')
}
# Automatic variables PowerShell 6/7 added. $IsWindows and friends are allowed only behind a Desktop edition test
# (the module's pattern: ($PSVersionTable.PSEdition -eq 'Desktop') -or $IsWindows), which the rule recognises.
$script:CoreOnlyVariables = @('PSStyle', 'IsWindows', 'IsLinux', 'IsMacOS', 'IsCoreCLR', 'PSNativeCommandArgumentPassing', 'PSNativeCommandUseErrorActionPreference')
# .NET members absent from .NET Framework 4.x (type or member name as written in the script).
$script:CoreOnlyMembers = @('ArgumentList', 'ToHexString', 'FromHexString', 'ProcessPath', 'HashData', 'GetRelativePath',
    'ReadAllTextAsync', 'WriteAllTextAsync', 'ReadAllBytesAsync', 'WriteAllBytesAsync', 'ReplaceLineEndings', 'ReadExactly', 'IsAsciiDigit')
$script:CoreOnlyTypes = @('System.Text.Json', 'System.Formats', 'System.Buffers.Text', 'System.Range', 'System.Index', 'System.Half', 'System.DateOnly', 'System.TimeOnly')

function Test-DesktopGuard($Ast) {
    # True when the variable sits on the right of `... -eq 'Desktop' -or $IsX`, inside an if whose condition tests
    # for PowerShell 6/7, or in a branch after `if ($script:ADBOnWindows)`: places 5.1 never evaluates.
    for ($a = $Ast; $null -ne $a.Parent; $a = $a.Parent) {
        $p = $a.Parent
        if ($p -is [System.Management.Automation.Language.BinaryExpressionAst] -and $p.Operator -eq 'Or' -and $p.Right -eq $a -and
            $p.Left.Extent.Text -match "PSEdition\s+-eq\s+'Desktop'") { return $true }
        if ($p -is [System.Management.Automation.Language.IfStatementAst]) {
            # A later branch of an if whose first test is the module's Windows flag (always true on 5.1).
            if ($p.Clauses[0].Item1.Extent.Text -match '^\$script:ADBOnWindows$' -and $a.Extent.StartOffset -gt $p.Clauses[0].Item2.Extent.EndOffset) { return $true }
            foreach ($clause in $p.Clauses) {
                if ($clause.Item1.Extent.Text -match 'PSVersion(Table\.PSVersion)?\.Major\s+-ge\s+[67]|PSEdition\s+-eq\s+''Core''' -and
                    $clause.Item2.Extent.StartOffset -le $a.Extent.StartOffset -and $clause.Item2.Extent.EndOffset -ge $a.Extent.EndOffset) { return $true }
            }
        }
    }
    $false
}

function Find-PS51Incompatibility {
    <#
    .SYNOPSIS
    The constructs of a script that Windows PowerShell 5.1 cannot parse or run: one object per finding (Rule, Line,
    Text).
    .PARAMETER Path
    A .ps1/.psm1 file.
    .PARAMETER Text
    Script text instead of a file.
    #>
    [CmdletBinding()]
    param([string] $Path, [string] $Text)
    $tokens = $null; $errors = $null
    $ast = if ($Path) { [System.Management.Automation.Language.Parser]::ParseFile($Path, [ref]$tokens, [ref]$errors) }
    else { [System.Management.Automation.Language.Parser]::ParseInput($Text, [ref]$tokens, [ref]$errors) }
    $L = 'System.Management.Automation.Language'
    $found = [System.Collections.Generic.List[object]]::new()
    $add = { param($rule, $node) $found.Add([pscustomobject]@{ Rule = $rule; Line = $node.Extent.StartLineNumber; Text = $node.Extent.Text.Split("`n")[0] }) }
    foreach ($node in $ast.FindAll({ $true }, $true)) {
        switch ($node.GetType().FullName) {
            "$L.TernaryExpressionAst" { & $add 'ternary operator ?:' $node }
            "$L.PipelineChainAst" { & $add "pipeline chain operator $($node.Operator)" $node }
            "$L.BinaryExpressionAst" { if ($node.Operator -eq 'QuestionQuestion') { & $add 'null-coalescing operator ??' $node } }
            "$L.AssignmentStatementAst" { if ($node.Operator -eq 'QuestionQuestionEquals') { & $add 'null-coalescing assignment ??=' $node } }
            "$L.MemberExpressionAst" {
                if ($node.NullConditional) { & $add 'null-conditional member access ?.' $node }
                if ($node.Member.Extent.Text.Trim("'") -in $script:CoreOnlyMembers) { & $add ".NET member missing from .NET Framework: $($node.Member.Extent.Text)" $node }
            }
            "$L.InvokeMemberExpressionAst" {
                if ($node.NullConditional) { & $add 'null-conditional member access ?.' $node }
                if ($node.Member.Extent.Text.Trim("'") -in $script:CoreOnlyMembers) { & $add ".NET member missing from .NET Framework: $($node.Member.Extent.Text)" $node }
            }
            "$L.IndexExpressionAst" { if ($node.NullConditional) { & $add 'null-conditional index ?[]' $node } }
            "$L.PipelineAst" { if ($node.Background) { & $add 'background operator &' $node } }
            "$L.NamedBlockAst" { if ($node.BlockKind -eq 'Clean') { & $add 'clean block' $node } }
            "$L.TypeExpressionAst" { if ($script:CoreOnlyTypes | Where-Object { $node.TypeName.FullName -like "$_*" }) { & $add ".NET type missing from .NET Framework: $($node.TypeName.FullName)" $node } }
            "$L.TypeConstraintAst" { if ($script:CoreOnlyTypes | Where-Object { $node.TypeName.FullName -like "$_*" }) { & $add ".NET type missing from .NET Framework: $($node.TypeName.FullName)" $node } }
            "$L.VariableExpressionAst" {
                if ($node.VariablePath.UserPath -in $script:CoreOnlyVariables -and -not (Test-DesktopGuard $node)) { & $add "automatic variable missing in 5.1: `$$($node.VariablePath.UserPath)" $node }
            }
            "$L.CommandAst" {
                $name = $node.GetCommandName()
                if (-not $name) { break }
                $name = $name -replace '^Microsoft\.PowerShell\.[A-Za-z]+\\', ''
                if ($name -in $script:CoreOnlyCommands) { & $add "cmdlet missing in 5.1: $name" $node }
                $full = switch ($name) { '%' { 'ForEach-Object' } 'foreach' { 'ForEach-Object' } default { $name } }
                if ($script:CoreOnlyParameters.ContainsKey($full)) {
                    foreach ($param in $node.CommandElements | Where-Object { $_ -is [System.Management.Automation.Language.CommandParameterAst] }) {
                        foreach ($bad in $script:CoreOnlyParameters[$full]) {
                            if ($param.ParameterName.Length -ge 2 -and $bad.StartsWith($param.ParameterName, [System.StringComparison]::OrdinalIgnoreCase)) {
                                & $add "parameter missing in 5.1: $full -$bad" $node
                            }
                        }
                    }
                }
            }
        }
    }
    $found
}

Export-ModuleMember -Function Find-PS51Incompatibility
