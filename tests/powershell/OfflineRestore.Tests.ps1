# Restore-ADDatabase -OfflineWindows (issue 18): one restore into a stand-in for a DC's Windows volume mounted on a
# rescue host (support/fixtures.ts offline-volume: Windows/NTDS with a broken DC's files, a SYSTEM hive whose
# NTDS\Parameters say where NTDS keeps them). The hive is read back with the project's hive reader.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'support/TestSupport.psm1') -Force
    Assert-ModuleBuilt
    $script:p = Get-TestPath
    Import-Module $p.Manifest -Force -ErrorAction Stop
    $script:fx = Invoke-Fixture offline-volume (New-TestFolder offline)
    $script:hiveFolder = Split-Path -Parent $fx.hive
    function script:Get-Caught([scriptblock] $Block) { try { $null = & $Block; $null } catch { $_ } }
}

AfterAll {
    Remove-TestWork
}

Describe 'Restore-ADDatabase -OfflineWindows' {
    It '-WhatIf plans the restore into the volume, where its hive says, and changes nothing' {
        $before = Get-TreeHash $fx.root | ConvertTo-Json
        $plan = Restore-ADDatabase -LiteralPath $fx.archive -OfflineWindows $fx.root -WhatIf
        $plan.Plan | Should -BeTrue
        $plan.DatabasePath | Should -Be (Join-Path $fx.ntds 'ntds.dit')
        $piped = Get-ADDatabaseBackup -LiteralPath $fx.archive | Restore-ADDatabase -OfflineWindows $fx.root -WhatIf
        $piped.DatabasePath | Should -Be $plan.DatabasePath -Because 'a piped backup binds -LiteralPath in the offline parameter set'
        Get-TreeHash $fx.root | ConvertTo-Json | Should -Be $before
    }

    It '-ApplyRegistry and -Root are refused with it before anything runs' {
        $e = Get-Caught { Restore-ADDatabase -LiteralPath $fx.archive -OfflineWindows $fx.root -ApplyRegistry -Confirm:$false }
        $e.FullyQualifiedErrorId | Should -Be 'ADDatabaseBackup.METHOD_PARAMETERS,Restore-ADDatabase'
        $e.Exception.Message | Should -Match '-ApplyRegistry'
        $e = Get-Caught { Restore-ADDatabase -LiteralPath $fx.archive -OfflineWindows $fx.root -Root $fx.root -Confirm:$false }
        $e.FullyQualifiedErrorId | Should -Be 'ADDatabaseBackup.METHOD_PARAMETERS,Restore-ADDatabase'
        $e = Get-Caught { Restore-ADDatabase -LiteralPath $fx.archive -OfflineWindows $fx.root -Method Api -Confirm:$false }
        $e.FullyQualifiedErrorId | Should -Be 'ADDatabaseBackup.METHOD_PARAMETERS,Restore-ADDatabase'
    }

    It 'restores the files byte for byte and writes the registration into ControlSet001 of the hive' {
        $r = Restore-ADDatabase -LiteralPath $fx.archive -OfflineWindows $fx.root -SystemHive $fx.hive -Confirm:$false
        $r.RegistryWrittenTo | Should -Be "$($fx.hive) (offline SYSTEM hive)"
        (Get-FileHash -LiteralPath (Join-Path $fx.ntds 'ntds.dit')).Hash | Should -Be (Get-FileHash -LiteralPath $fx.sourceDatabase).Hash
        @(Get-ChildItem -LiteralPath $fx.ntds -Directory -Filter 'pre-restore-*').Count | Should -Be 1
        @(Get-ChildItem -LiteralPath $hiveFolder -Filter 'SYSTEM.pre-restore-*').Count | Should -Be 1

        $written = @($r.Registry | Where-Object { $_.type -ne 'DELETE' })
        $written.Count | Should -BeGreaterThan 8
        foreach ($key in @($written | ForEach-Object { $_.key } | Sort-Object -Unique)) {
            $inHive = @(Invoke-Fixture hive $fx.hive ($key -replace '^HKLM\\SYSTEM\\CurrentControlSet', 'ControlSet001'))
            foreach ($v in @($written | Where-Object { $_.key -eq $key })) {
                $found = @($inHive | Where-Object { $_.name -eq $v.name })
                $found.Count | Should -Be 1 -Because "$key\$($v.name) is in the hive"
                $found[0].type | Should -Be $v.type
                ConvertTo-Json -InputObject $found[0].value -Compress | Should -Be (ConvertTo-Json -InputObject $v.value -Compress)
            }
        }
    }
}
