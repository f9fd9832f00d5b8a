# What a real shell showed that the old engine host could not (issue "the module in real PowerShell"): several
# archives piped into one restore, -Debug and non-interactive hosts, wildcard characters in piped paths, messages
# that speak of the cmdlet's parameters, the What-if text of registry values, and the cosmetics an admin sees.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'support/TestSupport.psm1') -Force
    Assert-ModuleBuilt
    $script:p = Get-TestPath
    Import-Module $p.Manifest -Force -ErrorAction Stop
    $script:dsa = New-SyntheticDsa
    $script:NTDS = 'C:\Windows\NTDS'
    function script:Backup-Dsa([string] $Out, [hashtable] $Extra = @{}) {
        Backup-ADDatabase -Path $Out -SourcePath $dsa.dir -ComputerName DC01 -OriginalDatabasePath "$NTDS\ntds.dit" -OriginalLogPath $NTDS @Extra -ErrorAction Stop
    }
    function script:Get-Caught([scriptblock] $Block) { try { $null = & $Block; $null } catch { $_ } }
    $script:out = New-TestFolder shared
    $script:b1 = Backup-Dsa $out @{ NameTemplate = 'a-older' }
    $script:b2 = Backup-Dsa $out @{ NameTemplate = 'b-newer' }
}

AfterAll {
    Remove-TestWork
}

Describe 'Restore-ADDatabase takes exactly one archive' {
    It 'several archives piped in are refused as AMBIGUOUS_PATH before anything changes' {
        $root = New-TestFolder root
        $null = New-Item -ItemType Directory -Path (Join-Path $root 'C/Windows/NTDS')
        $before = Get-TreeHash $root | ConvertTo-Json
        $rec = New-Recording
        $e = Use-Environment $rec.Env {
            Get-Caught { Get-ADDatabaseBackup -Path $out | Restore-ADDatabase -Root $root -ExportRegistryFile (Join-Path $root 'r.reg') -Force -Confirm:$false }
        }
        $e.FullyQualifiedErrorId | Should -Be 'ADDatabaseBackup.AMBIGUOUS_PATH,Restore-ADDatabase'
        $e.Exception.Message | Should -Match '2 archives'
        @(Get-RecordedRequest $rec | Where-Object command -EQ 'restore') | Should -BeNullOrEmpty -Because 'nothing was restored'
        Get-TreeHash $root | ConvertTo-Json | Should -Be $before
    }

    It 'one archive piped in still restores (and plans)' {
        $root = New-TestFolder root
        $plan = Get-ADDatabaseBackup -LiteralPath $b2.Path | Restore-ADDatabase -Root $root -CreateFolders -WhatIf
        $plan.Path | Should -Be $b2.Path
    }
}

Describe 'Unattended hosts' {
    It '-Debug does not prompt (a -NonInteractive scheduled task runs it)' {
        $child = Invoke-ChildPwsh "Get-ADDatabaseFileInfo -LiteralPath $(ConvertTo-PsLiteral $dsa.databasePath) -Debug -Verbose | Select-Object -ExpandProperty Kind; Test-ADDatabaseBackup -LiteralPath $(ConvertTo-PsLiteral $b1.Path) -Debug | Select-Object -ExpandProperty IsValid"
        $child.StdErr | Should -BeNullOrEmpty
        $child.ExitCode | Should -Be 0
        $child.StdOut | Should -Match 'database'
        $child.StdOut | Should -Match 'True'
        $child.StdOut | Should -Match 'DEBUG: adbackup header request'
    }

    It 'Restore-ADDatabase in a host that cannot prompt fails with ADDatabaseBackup.CONFIRMATION_REQUIRED naming -Confirm:$false' {
        $root = New-TestFolder root
        $script = "try { Restore-ADDatabase -LiteralPath $(ConvertTo-PsLiteral $b1.Path) -Root $(ConvertTo-PsLiteral $root) -CreateFolders -ExportRegistryFile $(ConvertTo-PsLiteral (Join-Path $root 'r.reg')) } catch { `$_.FullyQualifiedErrorId; `$_.CategoryInfo.Category; `$_.Exception.Message }"
        $child = Invoke-ChildPwsh $script
        $lines = @($child.StdOut -split "`r?`n" | Where-Object { $_ })
        $lines[0] | Should -Be 'ADDatabaseBackup.CONFIRMATION_REQUIRED,Restore-ADDatabase'
        $lines[1] | Should -Be 'InvalidOperation'
        ($lines[2..($lines.Count - 1)] -join ' ') | Should -Match '-Confirm:\$false'
        Test-Path -LiteralPath (Join-Path $root 'r.reg') | Should -BeFalse
    }
}

Describe 'Paths' {
    It 'objects piped by property name bind literally: a folder named "DC01 [old]" works' {
        $dir = Join-Path (New-TestFolder brackets) 'DC01 [old]'
        $null = New-Item -ItemType Directory -Path $dir
        Copy-Item -LiteralPath $b1.Path, $b1.SidecarPath -Destination $dir
        $listed = @(Get-ADDatabaseBackup -LiteralPath $dir)
        $listed.Count | Should -Be 1
        $verified = @(Get-ADDatabaseBackup -LiteralPath $dir | Test-ADDatabaseBackup -ErrorVariable ev -ErrorAction SilentlyContinue)
        $ev | Should -BeNullOrEmpty
        $verified.Count | Should -Be 1
        $verified[0].IsValid | Should -BeTrue
        (Get-ADDatabaseBackup -LiteralPath $dir | Restore-ADDatabase -Root (New-TestFolder root) -CreateFolders -WhatIf).Path | Should -Be $listed[0].Path
        @(Get-ChildItem -LiteralPath $dir -Filter *.zst | Get-ADDatabaseBackup).Count | Should -Be 1
    }

    It '-Path parameters that take wildcards say so with [SupportsWildcards()]' {
        foreach ($name in 'Get-ADDatabaseBackup', 'Test-ADDatabaseBackup', 'Restore-ADDatabase', 'Get-ADDatabaseFileInfo') {
            $param = (Get-Command $name).Parameters['Path']
            @($param.Attributes | Where-Object { $_ -is [System.Management.Automation.SupportsWildcardsAttribute] }).Count | Should -Be 1 -Because $name
        }
    }
}

Describe 'Messages' {
    It "adbackup's request fields in messages become the cmdlet's parameters" {
        $old = Join-Path (New-TestFolder expired) 'old.tar.zst'
        $null = Invoke-Fixture backup-at $dsa.dir $old 200
        $root = New-TestFolder root
        $expired = Get-Caught { Restore-ADDatabase -LiteralPath $old -Root $root -CreateFolders -ExportRegistryFile (Join-Path $root 'r.reg') -Confirm:$false }
        $expired.FullyQualifiedErrorId | Should -Be 'ADDatabaseBackup.BACKUP_EXPIRED,Restore-ADDatabase'
        $expired.Exception.Message | Should -Not -MatchExactly 'allowExpired'
        $expired.Exception.Message | Should -Match '-AllowExpired'
        $missingRoot = Get-Caught { Restore-ADDatabase -LiteralPath $b1.Path -Root (Join-Path $root 'missing') -ExportRegistryFile (Join-Path $root 'r2.reg') -Confirm:$false }
        $missingRoot.Exception.Message | Should -Not -MatchExactly 'target\.createFolders'
        $missingRoot.Exception.Message | Should -Match '-CreateFolders'
        $badKey = Get-Caught { Backup-ADDatabase -Path (New-TestFolder enc) -SourcePath $dsa.dir -Recipient 'age1xyz' }
        $badKey.FullyQualifiedErrorId | Should -Be 'ADDatabaseBackup.RECIPIENT_INVALID,Backup-ADDatabase'
        $badKey.Exception.Message | Should -Not -MatchExactly 'encryption\.recipients'
        $badKey.Exception.Message | Should -Match '-Recipient'
        $noReg = Get-Caught { Restore-ADDatabase -LiteralPath $b1.Path -Root $root -CreateFolders -Confirm:$false }
        $noReg.Exception.Message | Should -Not -MatchExactly 'registry\.regFile|registry\.apply'
        $noReg.Exception.Message | Should -Match '-ExportRegistryFile'
    }

    It "Get-ADDatabaseBackup's error for a damaged archive names the file in its message" {
        $dir = New-TestFolder damaged
        $bad = Join-Path $dir 'broken.tar.zst'
        # A cut copy without its sidecar: the archive itself must be read, and its damage is reported.
        $bytes = [System.IO.File]::ReadAllBytes($b1.Path)
        [System.IO.File]::WriteAllBytes($bad, $bytes[0..([int]($bytes.Length / 2))])
        $null = Get-ADDatabaseBackup -LiteralPath $bad -ErrorVariable ev -ErrorAction SilentlyContinue
        $ev.Count | Should -Be 1
        $ev[0].Exception.Message | Should -Match ([regex]::Escape('broken.tar.zst'))
    }

    It 'Restore-ADDatabase -WhatIf shows registry strings as regedit would, and says the New Database GUID is made by the restore' {
        $root = New-TestFolder root
        $child = Invoke-ChildPwsh "Restore-ADDatabase -LiteralPath $(ConvertTo-PsLiteral $b1.Path) -Root $(ConvertTo-PsLiteral $root) -CreateFolders -WhatIf | Out-Null"
        $child.ExitCode | Should -Be 0 -Because $child.StdErr
        $text = $child.StdOut -replace '\s+', ' '
        $text | Should -Match ([regex]::Escape('Set REG_SZ \\DC01\C$\Windows\NTDS in'))
        $text | Should -Not -Match ([regex]::Escape('\\\\DC01'))
        $guidLine = @($child.StdOut -split "`r?`n" | Where-Object { $_ -like '*New Database GUID*' }) -join ' '
        $guidLine | Should -Match 'a new GUID'
        $guidLine | Should -Not -Match '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}'
    }
}

Describe 'What an admin sees' {
    It "an unencrypted backup's Recipients is empty, not {`$null}" {
        $b1.Recipients.Count | Should -Be 0
        (Get-ADDatabaseBackup -LiteralPath $b1.Path).Recipients.Count | Should -Be 0
        (ConvertTo-Json -Compress -InputObject @((Get-ADDatabaseBackup -LiteralPath $b1.Path).Recipients)) | Should -Be '[]'
    }

    It 'Get-Help shows no made-up default: a value-type parameter without a default (e.g. -CompressionLevel) does not say 0' {
        $wrong = foreach ($command in Get-Command -Module ADDatabaseBackup) {
            foreach ($parameter in @((Get-Help $command.Name).parameters.parameter)) {
                $declared = $command.ScriptBlock.Ast.Body.ParamBlock.Parameters | Where-Object { $_.Name.VariablePath.UserPath -eq $parameter.name }
                if ($declared -and -not $declared.DefaultValue -and "$($parameter.defaultValue)" -eq '0') { "$($command.Name) -$($parameter.name)" }
            }
        }
        @($wrong) | Should -BeNullOrEmpty
        (Get-Help Backup-ADDatabase -Parameter CompressionLevel).defaultValue | Should -Match 'zstd 3.*gzip 6'
    }
}
