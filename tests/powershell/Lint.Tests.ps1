# The PowerShell sources read by pwsh's own parser: every file parses; the public functions follow the module
# conventions (advanced functions, approved verbs from Get-Verb, singular nouns, full comment-based help,
# ShouldProcess where state changes, no Write-Host, no plaintext secrets); the manifest exports exactly the public
# function files and passes Test-ModuleManifest; the format and types files load and cover exactly the PSTypeNames
# the wrappers emit; the module imports and Get-Command/Get-Help see every export with its help. These stand in for
# the PSScriptAnalyzer rules that matter here (PSScriptAnalyzer is not obtainable on the build machines).
BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot 'support/TestSupport.psm1') -Force
    $p = Get-TestPath
    $publicFiles = @(Get-ChildItem -LiteralPath $p.Wrappers -Filter *.ps1 | Sort-Object Name)
    $privateFiles = @(Get-ChildItem -LiteralPath (Join-Path $p.Wrappers 'private') -Filter *.ps1 | Sort-Object Name)
    $sampleFiles = @(Get-ChildItem -LiteralPath $p.Samples -Filter *.ps1 | Sort-Object Name)
    $allFiles = @($publicFiles) + $privateFiles + $sampleFiles + @(
        Get-Item -LiteralPath (Join-Path $p.Module 'ADDatabaseBackup.psd1'), (Join-Path $p.Module 'ADDatabaseBackup.psm1'))
    $public = @($publicFiles | ForEach-Object { @{ File = $_.FullName; Name = $_.BaseName } })
    $private = @($privateFiles | ForEach-Object { @{ File = $_.FullName; Name = $_.Name } })
    $samples = @($sampleFiles | ForEach-Object { @{ File = $_.FullName; Name = $_.Name } })
    $all = @($allFiles | ForEach-Object { @{ File = $_.FullName; Name = $_.Name } })
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'support/TestSupport.psm1') -Force
    Assert-ModuleBuilt
    $script:p = Get-TestPath
    $script:verbs = @(Get-Verb | ForEach-Object Verb)
    $script:common = @('WhatIf', 'Confirm')
    $script:secretName = 'pass(word|phrase)?$|secret|credential|privatekey|identity$'

    function Read-Ast([string] $File) {
        $tokens = $null; $errors = $null
        $ast = [System.Management.Automation.Language.Parser]::ParseFile($File, [ref]$tokens, [ref]$errors)
        [pscustomobject]@{ Ast = $ast; Errors = @($errors) }
    }
    function Get-TopFunction($Ast) {
        @($Ast.FindAll({ param($a) $a -is [System.Management.Automation.Language.FunctionDefinitionAst] -and
                    $a.Parent.Parent.Parent -eq $null }, $true))
    }
    function Get-NamedArgument($Attribute, [string] $Name) {
        if ($null -eq $Attribute) { return $null }
        $n = $Attribute.NamedArguments | Where-Object ArgumentName -EQ $Name
        if ($null -eq $n) { return $null }
        if ($n.ExpressionOmitted) { return '$true' }
        $n.Argument.Extent.Text.Trim("'", '"')
    }
    function Get-Binding($Function) {
        $Function.Body.ParamBlock.Attributes | Where-Object { $_.TypeName.Name -eq 'CmdletBinding' }
    }
    # The comment-based help rules: synopsis, description, examples, and exactly the parameters documented.
    function Test-Help($Help, $ParamBlock, [int] $MinExamples, [string] $Where) {
        $Help | Should -Not -BeNullOrEmpty -Because "$Where has comment-based help"
        if (-not $Help) { return }
        $Help.Synopsis.Trim().Length | Should -BeGreaterThan 10 -Because "$Where .SYNOPSIS"
        ($Help.Description ?? $Help.Synopsis).Trim().Length | Should -BeGreaterThan 10 -Because "$Where .DESCRIPTION"
        $Help.Examples.Count | Should -BeGreaterOrEqual $MinExamples -Because "$Where has $MinExamples .EXAMPLE"
        $params = @(if ($ParamBlock) { $ParamBlock.Parameters | ForEach-Object { $_.Name.VariablePath.UserPath } }) | Where-Object { $_ -notin $common }
        $documented = @($Help.Parameters.Keys) | Where-Object { $_ -notin @('WHATIF', 'CONFIRM') }
        @($params | ForEach-Object { $_.ToUpperInvariant() } | Sort-Object) | Should -Be @($documented | Sort-Object) -Because "$Where documents every parameter and no other"
    }
}

Describe 'PowerShell sources' {
    It '<Name> parses without errors' -ForEach $all {
        (Read-Ast $File).Errors | Should -BeNullOrEmpty
    }

    It 'public <Name>: one advanced function named like its file, approved verb, singular noun, OutputType, full help' -ForEach $public {
        $functions = Get-TopFunction (Read-Ast $File).Ast
        $functions.Count | Should -Be 1
        $fn = $functions[0]
        $fn.Name | Should -Be $Name
        Get-Binding $fn | Should -Not -BeNullOrEmpty -Because '[CmdletBinding()]'
        $verb, $noun = $fn.Name -split '-', 2
        $verb | Should -BeIn $verbs
        $noun | Should -BeLike 'ADDatabase*'
        # 'Status' ends in s and is singular: the plural endings are -s after a letter other than s or u, and -ies.
        $noun | Should -Not -Match '([^su]s|ies)$' -Because 'nouns are singular'
        @($fn.Body.ParamBlock.Attributes | Where-Object { $_.TypeName.Name -eq 'OutputType' }).Count | Should -BeGreaterThan 0
        $help = $fn.GetHelpContent()
        Test-Help $help $fn.Body.ParamBlock 2 $Name
        $help.Description.Trim().Length | Should -BeGreaterThan 40
        $help.Inputs.Count | Should -BeGreaterThan 0
        $help.Outputs.Count | Should -BeGreaterThan 0
        ($help.Notes -or $help.Links.Count -gt 0) | Should -BeTrue -Because '.NOTES or .LINK'
    }

    It 'public <Name>: state-changing verbs support ShouldProcess and call it; read-only ones do not' -ForEach $public {
        $fn = (Get-TopFunction (Read-Ast $File).Ast)[0]
        $changes = ($Name -split '-')[0] -in @('Backup', 'Restore', 'New', 'Set', 'Remove', 'Add', 'Clear', 'Register', 'Unregister', 'Install',
            'Uninstall', 'Protect', 'Unprotect', 'Update', 'Write', 'Move', 'Copy', 'Rename', 'Reset', 'Start', 'Stop')
        $binding = Get-Binding $fn
        ((Get-NamedArgument $binding 'SupportsShouldProcess') -eq '$true') | Should -Be $changes
        # $PSCmdlet.ShouldProcess directly, or through Confirm-ADBAction (ShouldProcess for hosts that cannot prompt).
        $calls = @($fn.Body.FindAll({ param($a) ($a -is [System.Management.Automation.Language.InvokeMemberExpressionAst] -and $a.Member.Extent.Text -eq 'ShouldProcess') -or
                    ($a -is [System.Management.Automation.Language.CommandAst] -and $a.GetCommandName() -eq 'Confirm-ADBAction') }, $true))
        if ($changes) { $calls.Count | Should -BeGreaterThan 0 }
        $impact = @{ 'Restore-ADDatabase' = 'High'; 'Backup-ADDatabase' = 'Medium'; 'Remove-ADDatabaseBackup' = 'High' }
        if ($impact.ContainsKey($Name)) { Get-NamedArgument $binding 'ConfirmImpact' | Should -Be $impact[$Name] }
    }

    It 'private <Name>: advanced functions with approved verbs, an ADB noun prefix and help for every parameter' -ForEach $private {
        foreach ($fn in @((Read-Ast $File).Ast.FindAll({ param($a) $a -is [System.Management.Automation.Language.FunctionDefinitionAst] }, $true))) {
            Get-Binding $fn | Should -Not -BeNullOrEmpty -Because "$($fn.Name): [CmdletBinding()]"
            ($fn.Name -split '-')[0] | Should -BeIn $verbs
            ($fn.Name -split '-', 2)[1] | Should -BeLike 'ADB*' -Because 'no clash with exported names'
            Test-Help $fn.GetHelpContent() $fn.Body.ParamBlock 0 $fn.Name
        }
    }

    It '<Name>: no Write-Host; secrets only as SecureString or PSCredential' -ForEach $all {
        $ast = (Read-Ast $File).Ast
        $writeHost = @($ast.FindAll({ param($a) $a -is [System.Management.Automation.Language.CommandAst] -and $a.GetCommandName() -match '^(Microsoft\.PowerShell\.Utility\\)?Write-Host$' }, $true))
        $writeHost | Should -BeNullOrEmpty
        $params = @($ast.FindAll({ param($a) $a -is [System.Management.Automation.Language.ParameterAst] }, $true))
        foreach ($param in $params | Where-Object { $_.Name.VariablePath.UserPath -match $secretName }) {
            $type = @($param.Attributes | Where-Object { $_ -is [System.Management.Automation.Language.TypeConstraintAst] })[-1].TypeName.FullName
            $type | Should -Match '^(securestring|System\.Security\.SecureString|System\.Management\.Automation\.PSCredential|pscredential)$' -Because "-$($param.Name.VariablePath.UserPath)"
        }
    }

    It 'sample <Name>: comment-based help with synopsis, description, examples and every parameter' -ForEach $samples {
        $ast = (Read-Ast $File).Ast
        Test-Help $ast.GetHelpContent() $ast.ParamBlock 2 $Name
    }

    It 'the samples hold the steps they promise' {
        $runbook = Get-Content -Raw -LiteralPath (Join-Path $p.Samples 'dsrm-restore-runbook.ps1')
        foreach ($step in @("'/set', '{default}', 'safeboot', 'dsrepair'", 'Restore-ADDatabase', 'authoritative restore', "'/deletevalue', '{default}', 'safeboot'", 'Restart-Computer')) {
            $runbook.Contains($step) | Should -BeTrue -Because "runbook: $step"
        }
        Get-Content -Raw -LiteralPath (Join-Path $p.Samples 'register-nightly-backup-task.ps1') | Should -Match 'Register-ScheduledTask'
        Get-Content -Raw -LiteralPath (Join-Path $p.Samples 'gpo-startup-backup-task.ps1') | Should -Match 'register-nightly-backup-task\.ps1'
        Get-Content -Raw -LiteralPath (Join-Path $p.Samples 'forest-backup-fanout.ps1') | Should -Match 'Invoke-Command'
    }
}

Describe 'module manifest, format and types' {
    It 'the manifest exports exactly the public function files, passes Test-ModuleManifest, and names the version and editions' {
        $m = Test-ModuleManifest -Path $p.Manifest -ErrorAction Stop
        $package = Get-Content -Raw -LiteralPath (Join-Path $p.Root 'package.json') | ConvertFrom-Json
        $m.Version.ToString() | Should -Be $package.version
        $m.PowerShellVersion.ToString() | Should -Be '5.1'
        @($m.CompatiblePSEditions) | Should -Be @('Desktop', 'Core')
        $publicNames = @(Get-ChildItem -LiteralPath $p.Wrappers -Filter *.ps1 | ForEach-Object BaseName | Sort-Object)
        @($m.ExportedFunctions.Keys | Sort-Object) | Should -Be $publicNames
        $m.ExportedCmdlets.Count + $m.ExportedAliases.Count + $m.ExportedVariables.Count | Should -Be 0
        @($m.ExportedFormatFiles | Split-Path -Leaf) | Should -Be @('ADDatabaseBackup.Format.ps1xml')
        @($m.ExportedTypeFiles | Split-Path -Leaf) | Should -Be @('ADDatabaseBackup.Types.ps1xml')
        $expected = @('ADDatabaseBackup.psd1', 'ADDatabaseBackup.psm1', 'ADDatabaseBackup.Format.ps1xml', 'ADDatabaseBackup.Types.ps1xml') +
            @($publicNames | ForEach-Object { "functions/$_.ps1" }) +
            @(Get-ChildItem -LiteralPath (Join-Path $p.Wrappers 'private') -Filter *.ps1 | ForEach-Object { "functions/private/$($_.Name)" })
        @($m.FileList | ForEach-Object { $_.Substring($p.Module.Length + 1).Replace('\', '/') } | Sort-Object) | Should -Be @($expected | Sort-Object)
        @($m.Tags) | Should -Contain 'ActiveDirectory'
        @($m.Tags) | Should -Contain 'PSEdition_Core'
        @($m.Tags) | Should -Contain 'PSEdition_Desktop'
        [string]$m.ReleaseNotes | Should -Match 'Backup-ADDatabase'
        Get-Content -Raw -LiteralPath $p.Manifest | Should -Not -Match 'ToExport\s*=\s*[''"@(]*\*' -Because 'no wildcard exports'
    }

    It 'the format and types files load and cover exactly the PSTypeNames the cmdlets emit' {
        $format = Join-Path $p.Module 'ADDatabaseBackup.Format.ps1xml'
        $types = Join-Path $p.Module 'ADDatabaseBackup.Types.ps1xml'
        { $null = [System.Management.Automation.Runspaces.FormatTable]::new([string[]]@($format)) } | Should -Not -Throw
        { $null = [System.Management.Automation.Runspaces.TypeTable]::new([string[]]@($types)) } | Should -Not -Throw
        $sources = (Get-ChildItem -LiteralPath $p.Wrappers -Filter *.ps1 -Recurse | Get-Content -Raw) -join "`n"
        $emitted = @([regex]::Matches($sources, "-TypeName '(ADDatabaseBackup\.[A-Za-z]+)'") | ForEach-Object { $_.Groups[1].Value } | Sort-Object -Unique)
        $declared = @([regex]::Matches($sources, "\[OutputType\('(ADDatabaseBackup\.[A-Za-z]+)'") | ForEach-Object { $_.Groups[1].Value } | Sort-Object -Unique)
        $declared | Should -Be $emitted -Because 'every [OutputType()] names a type a helper emits, and back'
        $emitted | Should -Be @('ADDatabaseBackup.BackupInfo', 'ADDatabaseBackup.BackupResult', 'ADDatabaseBackup.BackupStatus', 'ADDatabaseBackup.DatabaseDifference', 'ADDatabaseBackup.DirectoryObject', 'ADDatabaseBackup.FileInfo', 'ADDatabaseBackup.PruneItem', 'ADDatabaseBackup.RestoreResult', 'ADDatabaseBackup.RestoreStatus', 'ADDatabaseBackup.VerifyResult')
        $viewed = @(([xml](Get-Content -Raw -LiteralPath $format)).Configuration.ViewDefinitions.View.ViewSelectedBy.TypeName | Sort-Object -Unique)
        $viewed | Should -Be @($emitted | ForEach-Object { $_; "Deserialized.$_" } | Sort-Object) -Because 'a view for each type and its deserialized copy'
        @(([xml](Get-Content -Raw -LiteralPath $types)).Types.Type.Name | Sort-Object) | Should -Be $emitted
    }

    It 'the module imports: Get-Command lists exactly the exports; Get-Help has synopsis, description, examples, every parameter, inputs and outputs' {
        Import-Module $p.Manifest -Force -ErrorAction Stop
        $commands = @(Get-Command -Module ADDatabaseBackup)
        @($commands.Name | Sort-Object) | Should -Be @(Get-ChildItem -LiteralPath $p.Wrappers -Filter *.ps1 | ForEach-Object BaseName | Sort-Object)
        @(Get-Command -Name '*-ADB*' -ErrorAction SilentlyContinue).Count | Should -Be 0 -Because 'private helpers are not exported'
        $commonParameters = [System.Management.Automation.PSCmdlet]::CommonParameters + [System.Management.Automation.PSCmdlet]::OptionalCommonParameters
        foreach ($c in $commands) {
            $c.CommandType | Should -Be 'Function'
            $h = Get-Help $c.Name -Full
            [string]$h.Synopsis | Should -Not -BeLike "$($c.Name)*" -Because "$($c.Name): synopsis from the comment-based help"
            ([string]($h.description | ForEach-Object Text) -join ' ').Length | Should -BeGreaterThan 40
            $examples = @($h.examples.example | ForEach-Object { [string]$_.code })
            $examples.Count | Should -BeGreaterOrEqual 2
            $examples | Where-Object { $_ -notmatch '-ADDatabase' } | Should -BeNullOrEmpty
            @($h.parameters.parameter.name | Where-Object { $_ -notin $common } | Sort-Object) |
                Should -Be @($c.Parameters.Keys | Where-Object { $_ -notin $commonParameters } | Sort-Object) -Because "$($c.Name): Get-Help lists every parameter"
            [string]($h.inputTypes.inputType.type.name) | Should -Not -BeNullOrEmpty
            [string]($h.returnValues.returnValue.type.name) | Should -Not -BeNullOrEmpty
        }
    }
}
