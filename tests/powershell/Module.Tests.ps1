# The module's real code paths in real pwsh against the Linux adbackup executable on synthetic DSA folders:
# Backup-ADDatabase -> Get-ADDatabaseBackup | Test-ADDatabaseBackup -> Restore-ADDatabase -WhatIf (nothing changes)
# -> Restore-ADDatabase into a temp root with a .reg file; damaged archives and databases, refusals and invalid
# parameters as ErrorRecords; confirmation; progress and views; pipelines; every request the cmdlets send, validated
# against adbackup's request schemas; the Windows choices, simulated.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'support/TestSupport.psm1') -Force
    Assert-ModuleBuilt
    $script:p = Get-TestPath
    Import-Module $p.Manifest -Force -ErrorAction Stop
    $script:dsa = New-SyntheticDsa
    $script:NTDS = 'C:\Windows\NTDS'
    $script:fake = New-ExeStandIn -Kind fake

    # The backup of the synthetic DC made by the module; its DC paths are C:\Windows\NTDS.
    function script:Backup-Dsa([string] $Out, [hashtable] $Extra = @{}) {
        Backup-ADDatabase -Path $Out -SourcePath $dsa.dir -ComputerName DC01 -OriginalDatabasePath "$NTDS\ntds.dit" -OriginalLogPath $NTDS @Extra -ErrorAction Stop
    }
    function script:Get-Caught([scriptblock] $Block) { try { $null = & $Block; $null } catch { $_ } }
    function script:New-LiveFolder([string] $Root) {
        $live = Join-Path $Root 'C/Windows/NTDS'
        $null = New-Item -ItemType Directory -Path $live -Force
        $live
    }
}

AfterAll {
    Remove-TestWork
}

Describe 'Backup, list, verify, plan and restore' {
    It 'end to end: Backup-ADDatabase, Get-ADDatabaseBackup | Test-ADDatabaseBackup, Restore -WhatIf changes nothing, then a restore into a temp root with a .reg file' {
        $out = New-TestFolder backups
        $root = New-TestFolder root
        $live = New-LiveFolder $root
        Set-Content -LiteralPath (Join-Path $live 'ntds.dit') -Value 'the broken database' -NoNewline
        Set-Content -LiteralPath (Join-Path $live 'edb.log') -Value 'the broken current log' -NoNewline

        # No ADBACKUP_EXE: the module finds bin/linux-x64/adbackup itself.
        $r = Use-Environment @{ ADBACKUP_EXE = '' } {
            $verbose = Backup-ADDatabase -Path $out -SourcePath $dsa.dir -ComputerName DC01 -Label e2e -TombstoneLifetimeDays 60 `
                -OriginalDatabasePath "$NTDS\ntds.dit" -OriginalLogPath $NTDS -Verbose 4>&1
            $b = $verbose | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] }
            [pscustomobject]@{
                Backup   = $b
                Verbose  = @($verbose | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message)
                List     = @(Get-ADDatabaseBackup -Path $out)
                Verified = @(Get-ADDatabaseBackup -Path $out | Test-ADDatabaseBackup)
                Plan     = Get-ADDatabaseBackup -Path $out | Restore-ADDatabase -Root $root -WhatIf
            }
        }
        $b = $r.Backup
        $b.PSTypeNames[0] | Should -Be 'ADDatabaseBackup.BackupResult'
        $b.ComputerName | Should -Be 'DC01'
        $b.Label | Should -Be 'e2e'
        $b.SourceType | Should -Be 'folder'
        $b.Compression | Should -Be 'zstd'
        $b.DatabaseState | Should -Be 'Dirty Shutdown'
        "$($b.LowLog)-$($b.HighLog)/$($b.LogCount)" | Should -Be '1-5/5'
        $b.Restorable | Should -BeTrue
        $b.TombstoneLifetimeDays | Should -Be 60
        $b.CorruptPages | Should -Be 0
        $b.Name | Should -Match '^DC01-ntds-\d{8}T\d{6}Z\.tar\.zst$'
        Test-Path -LiteralPath $b.Path, $b.SidecarPath | Should -Be @($true, $true)
        $b.GoodPages + $b.BlankPages | Should -Be $b.PageCount
        $b.CreatedAt.Kind | Should -Be 'Local' -Because 'timestamps are local DateTime, comparable with Get-Date'
        $b.Sha256 | Should -Match '^[0-9a-f]{64}$'
        $r.Verbose | Where-Object { $_ -like '*Backing up the Active Directory database from the folder*' } | Should -Not -BeNullOrEmpty

        $r.List.Count | Should -Be 1
        $info = $r.List[0]
        $info.PSTypeNames[0] | Should -Be 'ADDatabaseBackup.BackupInfo'
        foreach ($k in 'Path', 'Name', 'Size', 'SidecarPath', 'BackupId', 'GoodPages', 'ExpiresAt') { $info.$k | Should -Be $b.$k -Because $k }
        $info.Expired | Should -BeFalse
        $info.ReadFrom | Should -Be 'sidecar'

        $r.Verified.Count | Should -Be 1
        $v = $r.Verified[0]
        $v.PSTypeNames[0] | Should -Be 'ADDatabaseBackup.VerifyResult'
        $v.IsValid | Should -BeTrue
        $v.Format | Should -Be 'zstd'
        $v.ErrorCount | Should -Be 0
        $v.EntryCount | Should -Be 7
        $v.PageCount | Should -Be $b.PageCount
        @($v.CorruptPageNumbers).Count | Should -Be 0

        $r.Plan.PSTypeNames[0] | Should -Be 'ADDatabaseBackup.RestoreResult'
        $r.Plan.Plan | Should -BeTrue
        $r.Plan.FileCount | Should -Be (1 + $dsa.logNames.Count)
        $r.Plan.MovedAsideCount | Should -Be 2
        $r.Plan.DatabasePath | Should -Be (Join-Path $live 'ntds.dit')
        @(Get-ChildItem -LiteralPath $live -Name | Sort-Object) | Should -Be @('edb.log', 'ntds.dit') -Because '-WhatIf changed nothing'
        Get-Content -Raw -LiteralPath (Join-Path $live 'ntds.dit') | Should -Be 'the broken database'

        $regFile = Join-Path $root 'restore-in-progress.reg'
        $restored = Use-Environment @{ ADBACKUP_EXE = '' } {
            Restore-ADDatabase -LiteralPath $b.Path -Root $root -ExportRegistryFile $regFile -Confirm:$false -InformationVariable info
            $script:nextSteps = @($info)
        }
        $restored.PSTypeNames[0] | Should -Be 'ADDatabaseBackup.RestoreResult'
        $restored.Plan | Should -BeFalse
        $restored.MovedAsideCount | Should -Be 2
        @($restored.RegistryWrittenTo) | Should -Be @($regFile)
        $restored.Root | Should -Be $root
        $after = Get-TreeHash $live
        $source = Get-TreeHash $dsa.dir
        foreach ($n in @('ntds.dit') + $dsa.logNames) { $after[$n] | Should -Be $source[$n] -Because $n }
        $aside = @(Get-ChildItem -LiteralPath $live -Directory -Filter 'pre-restore-*')
        $aside.Count | Should -Be 1
        Get-Content -Raw -LiteralPath (Join-Path $aside[0].FullName 'ntds.dit') | Should -Be 'the broken database' -Because 'the replaced database is moved aside, not deleted'
        $reg = @(Invoke-Fixture reg $regFile)
        ($reg | ForEach-Object { "$($_.key)|$($_.name)|$($_.type)|$($_.value)" }) |
            Should -Be @($restored.Registry | ForEach-Object { "$($_.key)|$($_.name)|$($_.type)|$($_.value)" }) -Because 'the .reg holds exactly the values the result reports'
        ($reg | Where-Object name -EQ 'LowLog Number').value | Should -Be 1
        ($reg | Where-Object name -EQ 'HighLog Number').value | Should -Be 4
        ($reg | Where-Object name -EQ 'BackupLogPath').value | Should -Be '\\DC01\C$\Windows\NTDS'
        $script:nextSteps | Where-Object { $_.Tags -contains 'NextStep' -and "$($_.MessageData)" -match 'reg import' } | Should -Not -BeNullOrEmpty
    }

    It 'Restore-ADDatabase -WhatIf writes one What-if line per move, write and registry value' {
        $out = New-TestFolder whatif
        $root = New-TestFolder root
        $live = New-LiveFolder $root
        Set-Content -LiteralPath (Join-Path $live 'edb.log') -Value 'old'
        $b = Backup-Dsa $out
        $child = Invoke-ChildPwsh "Restore-ADDatabase -LiteralPath $(ConvertTo-PsLiteral $b.Path) -Root $(ConvertTo-PsLiteral $root) -WhatIf | Out-Null"
        $child.ExitCode | Should -Be 0 -Because $child.StdErr
        $whatIf = @($child.StdOut -split "`r?`n" | Where-Object { $_.StartsWith('What if: ') })
        $whatIf | Where-Object { $_.Contains('"Write ntds/ntds.dit from the archive') -and $_.Contains((Join-Path $live 'ntds.dit')) } | Should -Not -BeNullOrEmpty
        $whatIf | Where-Object { $_.Contains('Move aside to') -and $_.Contains((Join-Path $live 'edb.log')) } | Should -Not -BeNullOrEmpty
        $whatIf | Where-Object { $_.Contains('Restore in Progress\LowLog Number') -and $_.Contains('Set REG_DWORD 1') } | Should -Not -BeNullOrEmpty
    }

    It 'a damaged archive: Test-ADDatabaseBackup returns the failed result AND writes VERIFY_FAILED; -Quiet says $false; Restore-ADDatabase stops with ARCHIVE_INVALID' {
        $out = New-TestFolder damaged
        $b = Backup-Dsa $out
        $bad = Join-Path $out 'damaged.tar.zst'
        $bytes = [System.IO.File]::ReadAllBytes($b.Path)
        $bytes[$bytes.Length -shr 1] = $bytes[$bytes.Length -shr 1] -bxor 0x10
        [System.IO.File]::WriteAllBytes($bad, $bytes)
        $root = New-TestFolder root
        $null = New-LiveFolder $root
        $before = Get-TreeHash $root

        $results = @(Test-ADDatabaseBackup -Path $out -ErrorVariable failures -ErrorAction SilentlyContinue)
        $quiet = @(Test-ADDatabaseBackup -LiteralPath $bad, $b.Path -Quiet)
        $restoreError = Get-Caught { Restore-ADDatabase -Path $bad -Root $root -ExportRegistryFile (Join-Path $root 'r.reg') -Confirm:$false }

        @($results | ForEach-Object { "$($_.Name)=$($_.IsValid)" }) | Should -Be @('damaged.tar.zst=False', "$($b.Name)=True")
        $results[0].ErrorCount | Should -BeGreaterThan 0
        $results[0].Findings | Where-Object severity -EQ 'error' | Should -Not -BeNullOrEmpty
        $failures.Count | Should -Be 1
        $failures[0].FullyQualifiedErrorId | Should -Be 'ADDatabaseBackup.VERIFY_FAILED,Test-ADDatabaseBackup'
        $failures[0].CategoryInfo.Category | Should -Be 'InvalidData'
        $failures[0].TargetObject | Should -Be $bad
        $failures[0].Exception | Should -BeOfType System.IO.InvalidDataException
        $failures[0].Exception.Message | Should -Match 'failed verification: '
        $failures[0].Exception.Data['ExitCode'] | Should -Be 3
        $quiet | Should -Be @($false, $true)
        $restoreError.FullyQualifiedErrorId | Should -Be 'ADDatabaseBackup.ARCHIVE_INVALID,Restore-ADDatabase'
        $restoreError.CategoryInfo.Category | Should -Be 'InvalidData'
        $restoreError.ErrorDetails.RecommendedAction | Should -Not -BeNullOrEmpty
        (Get-TreeHash $root | ConvertTo-Json) | Should -Be ($before | ConvertTo-Json) -Because 'nothing restored'
    }

    It 'Get-ADDatabaseFileInfo: each file kind, -Kind, -Pages statistics, and corrupt pages give the object AND PAGES_CORRUPT' {
        $broken = New-SyntheticDsa -Options @{ corruptPages = @(7, 9) }
        $all = @(Get-ADDatabaseFileInfo -Path $dsa.dir -Pages)
        $forced = Get-ADDatabaseFileInfo -LiteralPath $dsa.databasePath -Kind Database
        $corrupt = @(Get-ADDatabaseFileInfo -Path $broken.databasePath -Pages -ErrorVariable pageErrors -ErrorAction SilentlyContinue)
        $wrongKind = @(Get-ADDatabaseFileInfo -LiteralPath $dsa.databasePath -Kind Log -ErrorVariable kindErrors -ErrorAction SilentlyContinue)

        $byName = @{}; foreach ($f in $all) { $byName[$f.Name] = $f }
        @($byName.Keys | Sort-Object) | Should -Be @(Get-ChildItem -LiteralPath $dsa.dir -Name | Sort-Object)
        $all | ForEach-Object { $_.PSTypeNames[0] } | Select-Object -Unique | Should -Be 'ADDatabaseBackup.FileInfo'
        $db = $byName['ntds.dit']
        $db.Kind | Should -Be 'database'
        $db.State | Should -Be 'Dirty Shutdown'
        $db.PageSize | Should -Be 8192
        # A VSS snapshot's database: the header's Log Required is the dirty range (the last 3 generations), not the
        # range a restore replays from (expected.required is the analysis range).
        $db.LogRequired | Should -Be "$($dsa.expected.high - 2)-$($dsa.expected.high)"
        $db.PagesChecked | Should -BeTrue
        $db.CorruptPages | Should -Be 0
        $db.GoodPages | Should -BeGreaterThan 0
        $db.SignDb | Should -Match 'Computer:DC01'
        $byName['edb.log'].Kind | Should -Be 'log'
        $byName['edb.log'].Generation | Should -Be $dsa.expected.high
        $byName['edb.log'].PagesChecked | Should -BeFalse
        $byName['edb.log'].Created.Kind | Should -Be 'Local'
        $byName['edb.chk'].Kind | Should -Be 'checkpoint'
        $byName['edb.chk'].Generation | Should -Be $dsa.expected.checkpointGeneration
        $byName['edbres00001.jrs'].Kind | Should -Be 'unused'
        $forced.Kind | Should -Be 'database'
        $forced.PagesChecked | Should -BeFalse
        $corrupt[0].CorruptPages | Should -Be 2
        @($corrupt[0].CorruptPageNumbers) | Should -Be @(7, 9)
        $pageErrors.Count | Should -Be 1
        $pageErrors[0].FullyQualifiedErrorId | Should -Be 'ADDatabaseBackup.PAGES_CORRUPT,Get-ADDatabaseFileInfo'
        $pageErrors[0].CategoryInfo.Category | Should -Be 'InvalidData'
        $pageErrors[0].TargetObject | Should -Be $broken.databasePath
        $pageErrors[0].Exception.Message | Should -Match '2 corrupt page\(s\): 7, 9'
        $wrongKind.Count | Should -Be 0
        $kindErrors.Count | Should -Be 1
        $kindErrors[0].FullyQualifiedErrorId | Should -Match '^ADDatabaseBackup\.ESE_[A-Z_]+,Get-ADDatabaseFileInfo$'
        $kindErrors[0].CategoryInfo.Category | Should -Be 'InvalidData'
    }
}

Describe 'Errors' {
    It 'refusals are ErrorRecords with stable ids: missing path, DESTINATION_EXISTS, BACKUP_EXPIRED, the API source off Windows, a missing executable' {
        $out = New-TestFolder refusals
        $b = Backup-Dsa $out
        $old = Join-Path (New-TestFolder expired) 'old.tar.zst'
        $null = Invoke-Fixture backup-at $dsa.dir $old 200
        $root = New-TestFolder root
        $null = New-LiveFolder $root

        $listed = @(Get-ADDatabaseBackup -Path (Join-Path $out 'missing.tar.zst'), $b.Path, $old -ErrorVariable listErrors -ErrorAction SilentlyContinue)
        $exists = Get-Caught { Backup-ADDatabase -Path $b.Path -SourcePath $dsa.dir }
        $expired = Get-Caught { Restore-ADDatabase -LiteralPath $old -Root $root -ExportRegistryFile (Join-Path $root 'r.reg') -Confirm:$false }
        $expiredPlan = Restore-ADDatabase -LiteralPath $old -Root $root -AllowExpired -WhatIf
        $api = Get-Caught { Backup-ADDatabase -Path $out -TruncateLogs }
        $noExe = Use-Environment @{ ADBACKUP_EXE = (Join-Path $out 'no-such-adbackup') } { Get-Caught { Test-ADDatabaseBackup -LiteralPath $b.Path -ErrorAction Stop } }

        @($listed | ForEach-Object { "$($_.Name)=$($_.Expired)" }) | Should -Be @("$($b.Name)=False", 'old.tar.zst=True') -Because 'the missing path does not stop the others'
        $listed[1].AgeDays | Should -BeGreaterOrEqual 199
        $listErrors.Count | Should -Be 1
        $listErrors[0].FullyQualifiedErrorId | Should -Be 'ADDatabaseBackup.PATH_NOT_FOUND,Get-ADDatabaseBackup'
        $listErrors[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $listErrors[0].TargetObject | Should -Be (Join-Path $out 'missing.tar.zst')
        $exists.FullyQualifiedErrorId | Should -Be 'ADDatabaseBackup.DESTINATION_EXISTS,Backup-ADDatabase'
        $exists.CategoryInfo.Category | Should -Be 'ResourceExists'
        $exists.TargetObject | Should -Be $b.Path
        $exists.ErrorDetails.RecommendedAction | Should -Match '-Force'
        $expired.FullyQualifiedErrorId | Should -Be 'ADDatabaseBackup.BACKUP_EXPIRED,Restore-ADDatabase'
        $expired.CategoryInfo.Category | Should -Be 'InvalidOperation'
        $expired.Exception | Should -BeOfType System.InvalidOperationException
        $expired.ErrorDetails.RecommendedAction | Should -Match '-AllowExpired'
        $expired.Exception.Data['ExitCode'] | Should -Be 4
        $expiredPlan.Plan | Should -BeTrue
        $expiredPlan.Expired | Should -BeTrue
        $expiredPlan.ExpiredOverride | Should -BeTrue
        $api.FullyQualifiedErrorId | Should -Be 'ADDatabaseBackup.NTDSBCLI_UNAVAILABLE,Backup-ADDatabase'
        $api.CategoryInfo.Category | Should -Be 'NotInstalled'
        $api.ErrorDetails.RecommendedAction | Should -Match '-SourcePath'
        $noExe.FullyQualifiedErrorId | Should -Be 'ADDatabaseBackup.EXECUTABLE_NOT_FOUND,Test-ADDatabaseBackup'
        $noExe.CategoryInfo.Category | Should -Be 'NotInstalled'
        $noExe.Exception.Message | Should -Match 'no-such-adbackup'
    }

    It 'Test-ADDatabaseBackup says when a valid backup is expired: Expired $true and a warning naming the tombstone lifetime; a fresh one is not' {
        $old = Join-Path (New-TestFolder expired-verify) 'old.tar.zst'
        $null = Invoke-Fixture backup-at $dsa.dir $old 200
        $fresh = Backup-Dsa (New-TestFolder fresh-verify)
        $r = Invoke-Captured { Test-ADDatabaseBackup -LiteralPath $old } -Variable @{ old = $old }
        $f = Invoke-Captured { Test-ADDatabaseBackup -LiteralPath $fresh } -Variable @{ fresh = $fresh.Path }

        $r.Terminating | Should -BeNullOrEmpty
        $r.Error | Should -BeNullOrEmpty -Because 'an expired backup is intact: no error'
        $r.Output.Count | Should -Be 1
        $r.Output[0].IsValid | Should -BeTrue
        $r.Output[0].Expired | Should -BeTrue
        $r.Warning.Count | Should -Be 1
        $r.Warning[0] | Should -Match 'old\.tar\.zst.*expired.*tombstone lifetime \(180 days'
        $r.Warning[0] | Should -Match '-AllowExpired'
        (Test-ADDatabaseBackup -LiteralPath $old -WarningAction SilentlyContinue | Out-String -Width 250) | Should -Match 'True +True +\d+'
        $f.Output[0].Expired | Should -BeFalse
        $f.Warning | Should -BeNullOrEmpty
    }

    It 'Restore-ADDatabase -WhatIf on an expired backup shows the plan AND the refusal (a non-terminating BACKUP_EXPIRED naming -AllowExpired) instead of throwing' {
        $old = Join-Path (New-TestFolder expired-plan) 'old.tar.zst'
        $null = Invoke-Fixture backup-at $dsa.dir $old 200
        $root = New-TestFolder root
        $live = New-LiveFolder $root
        $before = Get-TreeHash $root
        $child = Invoke-ChildPwsh @"
`$plan = Restore-ADDatabase -LiteralPath $(ConvertTo-PsLiteral $old) -Root $(ConvertTo-PsLiteral $root) -WhatIf -ErrorVariable ev -ErrorAction SilentlyContinue -WarningVariable wv -WarningAction SilentlyContinue
"PLAN=`$(`$plan.Plan)|EXPIRED=`$(`$plan.Expired)|OVERRIDE=`$(`$plan.ExpiredOverride)|FILES=`$(`$plan.FileCount)"
"ERRORS=`$(@(`$ev).Count)|`$(`$ev[0].FullyQualifiedErrorId)|`$(`$ev[0].CategoryInfo.Category)"
"ACTION=`$(`$ev[0].ErrorDetails.RecommendedAction)"
"WARNINGS=`$(@(`$wv) -join ' / ')"
"@
        $child.ExitCode | Should -Be 0 -Because $child.StdErr
        $lines = @($child.StdOut -split "`r?`n")
        $lines | Where-Object { $_.StartsWith('What if: ') -and $_.Contains('"Write ntds/ntds.dit from the archive') -and $_.Contains((Join-Path $live 'ntds.dit')) } |
            Should -Not -BeNullOrEmpty -Because 'the plan is shown'
        $lines | Should -Contain "PLAN=True|EXPIRED=True|OVERRIDE=False|FILES=$(1 + $dsa.logNames.Count)"
        $lines | Should -Contain 'ERRORS=1|ADDatabaseBackup.BACKUP_EXPIRED,Restore-ADDatabase|InvalidOperation'
        ($lines | Where-Object { $_.StartsWith('ACTION=') }) | Should -Match '-AllowExpired'
        ($lines | Where-Object { $_.StartsWith('WARNINGS=') }) | Should -Not -Match 'allowExpired' -Because 'nothing was allowed: no warning about an override'
        (Get-TreeHash $root | ConvertTo-Json) | Should -Be ($before | ConvertTo-Json) -Because '-WhatIf changed nothing'
    }

    It 'adbackup <code> (<category>, exit <exit>) becomes ErrorCategory <expected>' -ForEach @(
        @{ code = 'SCHEMA_VIOLATION'; category = 'InvalidRequest'; exit = 2; expected = 'InvalidArgument' }
        @{ code = 'DESTINATION_NAME_MISMATCH'; category = 'InvalidRequest'; exit = 2; expected = 'InvalidArgument' }
        @{ code = 'ESE_BAD_MAGIC'; category = 'Integrity'; exit = 3; expected = 'InvalidData' }
        @{ code = 'NOT_IN_RESTORE_MODE'; category = 'Precondition'; exit = 4; expected = 'InvalidOperation' }
        @{ code = 'TARGET_IN_USE'; category = 'Precondition'; exit = 4; expected = 'ResourceBusy' }
        @{ code = 'DESTINATION_EXISTS'; category = 'Precondition'; exit = 4; expected = 'ResourceExists' }
        @{ code = 'ARCHIVE_ENCRYPTED'; category = 'Precondition'; exit = 4; expected = 'SecurityError' }
        @{ code = 'IO_ERROR'; category = 'IO'; exit = 5; expected = 'ReadError' }
        @{ code = 'FILE_NOT_FOUND'; category = 'IO'; exit = 5; expected = 'ObjectNotFound' }
        @{ code = 'ACCESS_DENIED'; category = 'IO'; exit = 5; expected = 'PermissionDenied' }
        @{ code = 'DISK_FULL'; category = 'IO'; exit = 5; expected = 'WriteError' }
        @{ code = 'INTERRUPTED'; category = 'IO'; exit = 5; expected = 'OperationStopped' }
        @{ code = 'NTDSBCLI_UNAVAILABLE'; category = 'Platform'; exit = 6; expected = 'NotInstalled' }
        @{ code = 'NTDSBCLI_EXPORT_MISSING'; category = 'Platform'; exit = 6; expected = 'NotImplemented' }
        @{ code = 'NTDSBCLI_ERROR'; category = 'Platform'; exit = 6; expected = 'ResourceUnavailable' }
        @{ code = 'REGISTRY_ERROR'; category = 'Precondition'; exit = 4; expected = 'PermissionDenied'; details = @{ win32 = 5 } }
        @{ code = 'INTERNAL_ERROR'; category = 'Internal'; exit = 1; expected = 'NotSpecified' }
    ) {
        $body = @{ code = $code; category = $category; message = "$code happened"; target = '/x/target' }
        if ($_.ContainsKey('details')) { $body['details'] = $_.details }
        $e = Use-Environment @{ ADBACKUP_EXE = $fake; FAKE_STDOUT = (ConvertTo-Json -Compress -InputObject @{ error = $body }); FAKE_EXIT = $exit } {
            $null = Get-ADDatabaseFileInfo -LiteralPath $dsa.databasePath -ErrorVariable ev -ErrorAction SilentlyContinue
            $ev[0]
        }
        $e.FullyQualifiedErrorId | Should -Be "ADDatabaseBackup.$code,Get-ADDatabaseFileInfo"
        $e.CategoryInfo.Category | Should -Be $expected
        $e.TargetObject | Should -Be '/x/target'
        $e.Exception.Message | Should -Be "$code happened"
        $e.Exception.Data['Code'] | Should -Be $code
        $e.Exception.Data['Category'] | Should -Be $category
        $e.Exception.Data['ExitCode'] | Should -Be $exit
    }

    It 'an IO error of a backup is a WriteError; unreadable output is EXECUTABLE_FAILED (InvalidResult) with stderr in the message' {
        $io = Use-Environment @{ ADBACKUP_EXE = $fake; FAKE_STDOUT = '{"error":{"code":"IO_ERROR","category":"IO","message":"write failed"}}'; FAKE_EXIT = 5 } {
            Get-Caught { Backup-ADDatabase -Path (New-TestFolder x) -SourcePath $dsa.dir }
        }
        $io.FullyQualifiedErrorId | Should -Be 'ADDatabaseBackup.IO_ERROR,Backup-ADDatabase'
        $io.CategoryInfo.Category | Should -Be 'WriteError'
        $garbage = Use-Environment @{ ADBACKUP_EXE = $fake; FAKE_STDOUT = 'not json'; FAKE_STDERR = 'adbackup: fatal: boom'; FAKE_EXIT = 1 } {
            $null = Get-ADDatabaseFileInfo -LiteralPath $dsa.databasePath -ErrorVariable ev -ErrorAction SilentlyContinue
            $ev[0]
        }
        $garbage.FullyQualifiedErrorId | Should -Be 'ADDatabaseBackup.EXECUTABLE_FAILED,Get-ADDatabaseFileInfo'
        $garbage.CategoryInfo.Category | Should -Be 'InvalidResult'
        $garbage.Exception.Message | Should -Match 'exit code 1: adbackup: fatal: boom'
    }

    It 'invalid parameters are rejected before adbackup runs' {
        $rec = New-Recording
        $two = New-TestFolder two
        Set-Content -LiteralPath (Join-Path $two 'a.tar.zst'), (Join-Path $two 'b.tar.zst') -Value x
        $cases = [ordered]@{
            'api switch with a folder'         = @({ Backup-ADDatabase -Path x -SourcePath $dsa.dir -TruncateLogs }, '^AmbiguousParameterSet,Backup-ADDatabase$', 'InvalidArgument')
            'level out of range'               = @({ Backup-ADDatabase -Path x -SourcePath $dsa.dir -CompressionLevel 25 }, '^ParameterArgumentValidationError,Backup-ADDatabase$', 'InvalidData')
            'unknown compression'              = @({ Backup-ADDatabase -Path x -SourcePath $dsa.dir -Compression Brotli }, '^ParameterArgumentValidationError,Backup-ADDatabase$', 'InvalidData')
            'tombstone lifetime too short'     = @({ Backup-ADDatabase -Path x -SourcePath $dsa.dir -TombstoneLifetimeDays 1 }, '^ParameterArgumentValidationError,Backup-ADDatabase$', 'InvalidData')
            'api source with folder paths'     = @({ Backup-ADDatabase -Path x -Source Api -SourcePath $dsa.dir }, '^ADDatabaseBackup\.SOURCE_PARAMETERS,Backup-ADDatabase$', 'InvalidArgument')
            'folder source without a path'     = @({ Backup-ADDatabase -Path x -Source Folder }, '^ADDatabaseBackup\.SOURCE_PARAMETERS,Backup-ADDatabase$', 'InvalidArgument')
            'vss source with folder paths'     = @({ Backup-ADDatabase -Path x -Source Vss -SourcePath $dsa.dir }, '^ADDatabaseBackup\.SOURCE_PARAMETERS,Backup-ADDatabase$', 'InvalidArgument')
            'vss source with an api switch'    = @({ Backup-ADDatabase -Path x -Source Vss -TruncateLogs }, '^ADDatabaseBackup\.SOURCE_PARAMETERS,Backup-ADDatabase$', 'InvalidArgument')
            'name template for a file'         = @({ Backup-ADDatabase -Path x.tar.zst -SourcePath $dsa.dir -NameTemplate '{computer}' }, '^ADDatabaseBackup\.DESTINATION_PARAMETERS,Backup-ADDatabase$', 'InvalidArgument')
            'bad computer name'                = @({ Backup-ADDatabase -Path x -SourcePath $dsa.dir -ComputerName 'no spaces' }, '^ParameterArgumentValidationError,Backup-ADDatabase$', 'InvalidData')
            'files option with the api method' = @({ Restore-ADDatabase -Path (Join-Path $two 'a.tar.zst') -Method Api -Root x -Confirm:$false }, '^ADDatabaseBackup\.METHOD_PARAMETERS,Restore-ADDatabase$', 'InvalidArgument')
            'two archives'                     = @({ Restore-ADDatabase -Path (Join-Path $two '*.tar.zst') -Confirm:$false }, '^ADDatabaseBackup\.AMBIGUOUS_PATH,Restore-ADDatabase$', 'InvalidArgument')
            'path and literal path'            = @({ Test-ADDatabaseBackup -Path x -LiteralPath y }, '^AmbiguousParameterSet,Test-ADDatabaseBackup$', 'InvalidArgument')
            'unknown kind'                     = @({ Get-ADDatabaseFileInfo -Path x -Kind Journal }, '^ParameterArgumentValidationError,Get-ADDatabaseFileInfo$', 'InvalidData')
        }
        Use-Environment $rec.Env {
            foreach ($name in $cases.Keys) {
                $block, $fqid, $category = $cases[$name]
                $e = Get-Caught $block
                $e | Should -Not -BeNullOrEmpty -Because "$name is rejected"
                $e.FullyQualifiedErrorId | Should -Match $fqid -Because $name
                $e.CategoryInfo.Category | Should -Be $category -Because $name
            }
        }
        @(Get-RecordedRequest $rec) | Should -BeNullOrEmpty -Because 'adbackup never ran'
    }
}

Describe 'Confirmation, progress, views and pipelines' {
    It 'Restore-ADDatabase confirms first (ConfirmImpact High): "no" does nothing, "yes" and -Confirm:$false restore' {
        $out = New-TestFolder confirm
        $b = Backup-Dsa $out
        $root = New-TestFolder root
        $live = New-LiveFolder $root
        $restore = "Restore-ADDatabase -Path $(ConvertTo-PsLiteral $b.Path) -Root $(ConvertTo-PsLiteral $root) -ExportRegistryFile $(ConvertTo-PsLiteral (Join-Path $root 'r.reg')) -Force"
        $before = Get-TreeHash $root
        $rec = New-Recording
        $no = Invoke-ChildPwsh "$restore | Select-Object -ExpandProperty Plan" -Interactive -InputText "N`n" -Environment $rec.Env
        $no.ExitCode | Should -Be 0 -Because $no.StdErr
        ($no.StdOut -replace '\s+', ' ') | Should -Match "Restore the Active Directory database from '.*' and register the restore as .*r\.reg"
        $no.StdOut | Should -Not -Match 'False'
        @(Get-RecordedRequest $rec) | Should -BeNullOrEmpty -Because 'declined: adbackup never ran'
        (Get-TreeHash $root | ConvertTo-Json) | Should -Be ($before | ConvertTo-Json)

        $yes = Invoke-ChildPwsh "$restore | Select-Object -ExpandProperty Plan" -Interactive -InputText "Y`n"
        $yes.ExitCode | Should -Be 0 -Because $yes.StdErr
        $yes.StdOut | Should -Match '(?m)^False\s*$' -Because 'the restore ran and returned its result'
        Test-Path -LiteralPath (Join-Path $root 'r.reg') | Should -BeTrue
        $unattended = Invoke-ChildPwsh "$restore -Confirm:`$false | Select-Object -ExpandProperty Plan"
        $unattended.ExitCode | Should -Be 0 -Because $unattended.StdErr
        $unattended.StdOut.Trim() | Should -Be 'False'
        # The first restore (into an empty folder) set nothing aside: its folder holds only its receipt. The second moved
        # the first one's files aside into a folder of its own.
        $asides = @(Get-ChildItem -LiteralPath $live -Directory -Filter 'pre-restore-*' | Sort-Object Name)
        $asides.Count | Should -Be 2 -Because "the second restore moved the first one's files aside"
        @(Get-ChildItem -LiteralPath $asides[0].FullName -Name) | Should -Be @('restore-receipt.json')
        @(Get-ChildItem -LiteralPath $asides[1].FullName -Name) | Should -Contain 'ntds.dit'
    }

    It 'progress events become progress records (completed at the end); -Verbose narrates' {
        $out = New-TestFolder progress
        $r = Invoke-Captured { Backup-ADDatabase -Path $out -SourcePath $src -ComputerName DC01 -Verbose } -Variable @{ out = $out; src = $dsa.dir }
        $r.Terminating | Should -BeNullOrEmpty
        $r.Error | Should -BeNullOrEmpty
        $backup = @($r.Progress | Where-Object Activity -EQ 'Backing up the Active Directory database')
        $backup.Count | Should -BeGreaterOrEqual 2
        $backup[0].StatusDescription | Should -Match '^backup: [\d.]+ of [\d.]+ MiB$'
        $backup[0].CurrentOperation | Should -Be 'ntds/ntds.dit'
        $backup[-1].RecordType | Should -Be 'Completed'
        $r.Verbose | Where-Object { $_ -match '^adbackup backup finished in [\d.]+ s with exit code 0\.$' } | Should -Not -BeNullOrEmpty
        $r.Verbose | Where-Object { $_.StartsWith('Archive ') -and $_.Contains('restorable until') } | Should -Not -BeNullOrEmpty
        $v = Invoke-Captured { Test-ADDatabaseBackup -LiteralPath (Get-ChildItem $out -Filter *.zst).FullName } -Variable @{ out = $out }
        $v.Progress | Where-Object { $_.Activity.StartsWith('Verifying ') -and $_.PercentComplete -eq 100 } | Should -Not -BeNullOrEmpty
    }

    It 'the default views render' {
        $out = New-TestFolder views
        $b = Backup-Dsa $out
        ($b | Out-String -Width 250) | Should -Match 'ComputerName +CreatedAt +ExpiresAt +Logs +CorruptPages +Size\(MiB\) Name'
        (Get-ADDatabaseBackup -LiteralPath $b.Path | Out-String -Width 250) | Should -Match 'ComputerName +CreatedAt +ExpiresAt +Expired +Encrypted +Logs +Size\(MiB\) Name'
        $verify = Test-ADDatabaseBackup -LiteralPath $b.Path | Out-String -Width 250
        $verify | Should -Match 'IsValid +Expired +GoodPages +BlankPages +CorruptPages Logs +Errors Name'
        $verify | Should -Match 'True +False +\d+ +\d+ +0 1-5 +0 DC01-ntds-'
        (Get-ADDatabaseFileInfo -LiteralPath $dsa.databasePath | Out-String -Width 250) | Should -Match 'Name +Kind +State +Generation +LogRequired +Checkpoint +CorruptPages +FileSize'
    }

    It 'an AD database: the backup and Get-ADDatabaseBackup name its DC, invocation ID and highest USN (Format-List too)' {
        $gz = [System.IO.Path]::Combine($p.Root, '..', 'shared', 'fixtures', 'ntds-2012r2.dit.gz')
        if (-not (Test-Path -LiteralPath $gz)) {
            if ($env:CI) { throw "the ntds.dit fixture is missing: $gz" }
            Set-ItResult -Skipped -Because 'the ntds.dit fixture is not here'
            return
        }
        $ad = New-SyntheticDsa
        # The 2012 R2 template in place of the synthetic database: its logs belong to another set (archived knowingly).
        $in = [System.IO.File]::OpenRead($gz)
        try {
            $unzip = [System.IO.Compression.GZipStream]::new($in, [System.IO.Compression.CompressionMode]::Decompress)
            $dit = [System.IO.File]::Create($ad.databasePath)
            try { $unzip.CopyTo($dit) } finally { $dit.Dispose(); $unzip.Dispose() }
        } finally { $in.Dispose() }
        $b = Backup-ADDatabase -Path (New-TestFolder adbackups) -SourcePath $ad.dir -ComputerName DC01 -AllowUnrestorable -ErrorAction Stop
        $b.DC | Should -Be 'CN=BootMachine,O=Boot'
        $b.InvocationId | Should -Be '00000000-0000-0000-0000-000000000000'
        $b.HighestUsn | Should -Be 1994
        $b.Domain | Should -BeNullOrEmpty -Because 'the template holds no domain yet'
        $info = Get-ADDatabaseBackup -LiteralPath $b.Path
        $info.Identity.schemaDn | Should -Be 'CN=Schema,O=Boot'
        $list = $info | Format-List | Out-String -Width 200
        $list | Should -Match 'DC +: CN=BootMachine,O=Boot'
        $list | Should -Match 'InvocationId +: 00000000-0000-0000-0000-000000000000'
        $list | Should -Match 'HighestUsn +: 1994'
        (Backup-Dsa (New-TestFolder plain)).Identity | Should -BeNullOrEmpty -Because 'the synthetic database is no AD database'
    }

    It 'the Get-ADDatabaseBackup table keeps the whole archive name in a 120-column console: a default name on one line, a longer one wrapped, never cut' {
        $out = New-TestFolder wide
        $short = Backup-ADDatabase -Path $out -SourcePath $dsa.dir -ComputerName 'DC01' -ErrorAction Stop
        $long = Backup-ADDatabase -Path $out -SourcePath $dsa.dir -ComputerName 'BRANCH-DC-0042' -NameTemplate '{computer}-ntds-{date}-nightly-before-upgrade' -Label nightly -ErrorAction Stop
        $table = @((Get-ADDatabaseBackup -LiteralPath $short.Path, $long.Path | Out-String -Width 120) -split "`r?`n")
        $table | Where-Object { $_.Length -gt 120 } | Should -BeNullOrEmpty
        $table | Where-Object { $_.EndsWith(" $($short.Name)") } | Should -Not -BeNullOrEmpty -Because "$($short.Name) fits on its line: $($table -join "`n")"
        $table -join "`n" | Should -Not -Match '…' -Because 'nothing is cut'
        $column = $table[1].LastIndexOf('Name')
        $column | Should -BeGreaterThan 0
        $rows = @($table | Select-Object -Skip 3 | Where-Object { $_.Length -gt $column })
        (($rows | ForEach-Object { $_.Substring($column).Trim() }) -join '') | Should -BeLike "*$($long.Name)*" -Because "the long name is wrapped in its column: $($table -join "`n")"
    }

    It 'pipelines: Get-ADDatabaseBackup | Test-ADDatabaseBackup; strings by value; FileInfo objects by FullName; folders and wildcards' {
        $out = New-TestFolder pipeline
        $b1 = Backup-Dsa $out @{ Label = 'one' }
        $b2 = Backup-Dsa $out @{ Label = 'two'; NameTemplate = '{computer}-{label}' }
        Set-Content -LiteralPath (Join-Path $out 'work.tar.zst.partial') -Value 'not an archive'
        $nested = New-Item -ItemType Directory -Path (Join-Path $out 'DC02')
        Copy-Item -LiteralPath $b1.Path -Destination (Join-Path $nested 'copy.tar.zst')
        @(Get-ADDatabaseBackup -Path $out | Test-ADDatabaseBackup | ForEach-Object Name | Sort-Object) | Should -Be @(@($b1.Name, $b2.Name) | Sort-Object)
        @($b1.Path, $b2.Path | Test-ADDatabaseBackup | ForEach-Object Name) | Should -Be @($b1.Name, $b2.Name)
        @([System.IO.FileInfo]::new($b2.Path) | Get-ADDatabaseBackup | ForEach-Object Label) | Should -Be @('two')
        @(Get-Item -LiteralPath $b2.Path | Get-ADDatabaseBackup | ForEach-Object Label) | Should -Be @('two')
        @(Get-ADDatabaseBackup -Path (Join-Path $out '*-two.tar.zst') | ForEach-Object Label) | Should -Be @('two')
        @(Get-ADDatabaseBackup -Path $out -Recurse | ForEach-Object Name | Sort-Object) | Should -Be @(@($b1.Name, $b2.Name, 'copy.tar.zst') | Sort-Object) -Because 'subfolders with -Recurse; work files skipped'
        (Get-ADDatabaseBackup -LiteralPath $b2.Path | Restore-ADDatabase -Root $out -CreateFolders -WhatIf).Path | Should -Be $b2.Path
    }
}

Describe 'Archive names and restore status' {
    It 'archive names: -Path x.tgz is the archive file (gzip, the name decides) and folders list it; a -Compression or encryption that contradicts the name is adbackup''s DESTINATION_NAME_MISMATCH, nothing written' {
        $out = New-TestFolder names
        $rec = New-Recording
        $r = Use-Environment $rec.Env {
            [pscustomobject]@{
                Tgz           = Backup-ADDatabase -Path (Join-Path $out 'dc01.tgz') -SourcePath $dsa.dir -ComputerName DC01 -ErrorAction Stop
                Listed        = @(Get-ADDatabaseBackup -Path $out | ForEach-Object Name)
                Contradiction = Get-Caught { Backup-ADDatabase -Path (Join-Path $out 'dc02.tar.gz') -SourcePath $dsa.dir -Compression Zstd }
                AgeName       = Get-Caught { Backup-ADDatabase -Path (Join-Path $out 'dc03.tgz.age') -SourcePath $dsa.dir }
            }
        }
        $r.Tgz.Name | Should -Be 'dc01.tgz'
        $r.Tgz.Compression | Should -Be 'gzip'
        $r.Tgz.Encrypted | Should -BeFalse
        $r.Listed | Should -Be @('dc01.tgz')
        foreach ($name in 'Contradiction', 'AgeName') {
            $e = $r.$name
            $e | Should -Not -BeNullOrEmpty -Because "$name is refused"
            $e.FullyQualifiedErrorId | Should -Be 'ADDatabaseBackup.DESTINATION_NAME_MISMATCH,Backup-ADDatabase' -Because $name
            $e.CategoryInfo.Category | Should -Be 'InvalidArgument' -Because $name
            $e.Exception | Should -BeOfType System.ArgumentException -Because $name
            $e.Exception.Data['Code'] | Should -Be 'DESTINATION_NAME_MISMATCH' -Because $name
            $e.Exception.Data['ExitCode'] | Should -Be 2 -Because $name
        }
        $r.Contradiction.Exception.Message | Should -Match "'dc02\.tar\.gz' names a gzip archive, but compression\.type is zstd"
        $r.AgeName.Exception.Message | Should -Match 'ends in \.age, the name of an encrypted archive'
        $backups = @(Get-RecordedRequest $rec | Where-Object command -EQ 'backup' | ForEach-Object request)
        @($backups | ForEach-Object { $_.destination.path }) | Should -Be @((Join-Path $out 'dc01.tgz'), (Join-Path $out 'dc02.tar.gz'), (Join-Path $out 'dc03.tgz.age'))
        @($backups | ForEach-Object { if ($_.PSObject.Properties['compression']) { $_.compression | ConvertTo-Json -Compress } else { 'unset' } }) |
            Should -Be @('unset', '{"type":"zstd"}', 'unset') -Because 'the module sends -Compression only when given; adbackup reads the name'
        @(Get-ChildItem -LiteralPath $out -Name | Sort-Object) | Should -Be @('dc01.tgz', 'dc01.tgz.manifest.json') -Because 'the refused backups wrote nothing'
    }

    It 'Test-ADDatabaseRestore after a restore into a temp root: the receipt is found from the DC''s database path; off Windows the registry and the event logs cannot be read, so the status is Unknown' {
        $out = New-TestFolder status-backups
        $b = Backup-Dsa $out
        $root = New-TestFolder status-root
        $null = New-LiveFolder $root
        $r = Use-Environment @{ ADBACKUP_EXE = '' } {
            $restored = Restore-ADDatabase -LiteralPath $b.Path -Root $root -ExportRegistryFile (Join-Path $root 'r.reg') -Confirm:$false -ErrorAction Stop
            [pscustomobject]@{
                Restored  = $restored
                Status    = Test-ADDatabaseRestore -DatabasePath "$NTDS\ntds.dit" -Root $root -ErrorAction Stop
                ByReceipt = $restored | Test-ADDatabaseRestore -ErrorAction Stop
            }
        }
        $r.Restored.Method | Should -Be 'restore-in-progress'
        $r.Restored.ReceiptPath | Should -Not -BeNullOrEmpty
        $s = $r.Status
        $s.PSTypeNames[0] | Should -Be 'ADDatabaseBackup.RestoreStatus'
        $s.Status | Should -Be 'Unknown' -Because 'off Windows the registry cannot be read'
        $s.Method | Should -Be 'restore-in-progress'
        $s.ReceiptPath | Should -Be $r.Restored.ReceiptPath
        $s.SameDatabase | Should -BeTrue
        $s.EventsChecked | Should -BeFalse
        $s.RidPoolInvalidated | Should -BeNullOrEmpty
        $null -eq $s.RidPoolInvalidated | Should -BeTrue -Because 'not known: neither $true nor $false'
        $s.BackupId | Should -Be $b.BackupId
        @($s.Reasons)[0] | Should -Match 'registry cannot be read here'
        $r.ByReceipt.ReceiptPath | Should -Be $r.Restored.ReceiptPath -Because 'the result pipes into Test-ADDatabaseRestore by ReceiptPath'
        $r.ByReceipt.Status | Should -Be 'Unknown'
    }
}

Describe 'Requests and platforms' {
    It "every request the cmdlets send validates against adbackup's request schema; argv carries only the command and --progress" {
        $rec = New-Recording
        $out = New-TestFolder requests
        $root = New-TestFolder root
        $null = New-LiveFolder $root
        $reg = Join-Path $root 'r.reg'
        Use-Environment $rec.Env {
            $b = Backup-ADDatabase -Path $out -SourcePath $dsa.dir -ComputerName DC01 -OriginalDatabasePath "$NTDS\ntds.dit" `
                -OriginalLogPath $NTDS -OriginalCheckpointPath $NTDS -Compression Gzip -CompressionLevel 9 -Label 'all options' `
                -NameTemplate '{computer}-{date}-{label}' -TombstoneLifetimeDays 90 -AllowCorruptPages -AllowUnrestorable -Force
            $null = Backup-ADDatabase -Path (Join-Path $out 'plain.tar') -DatabasePath $dsa.databasePath -LogPath $dsa.logPath -CheckpointPath $dsa.checkpointPath
            $null = Backup-ADDatabase -Path (Join-Path $out 'file.tar.zst') -SourcePath $dsa.dir -Source Folder
            try { $null = Backup-ADDatabase -Path $out -Server DC07 -TruncateLogs -Source Api } catch { $null = $_ }
            try { $null = Backup-ADDatabase -Path $out } catch { $null = $_ }
            try { $null = Backup-ADDatabase -Path $out -Source Vss } catch { $null = $_ }
            try { $null = Backup-ADDatabase -Path $out -Source Api } catch { $null = $_ }
            $null = Get-ADDatabaseBackup -LiteralPath $b.Path
            $null = Test-ADDatabaseBackup -LiteralPath $b.Path
            $null = Get-ADDatabaseFileInfo -Path $dsa.dir -Pages
            $null = Get-ADDatabaseFileInfo -LiteralPath $dsa.checkpointPath -Kind Checkpoint
            $null = Restore-ADDatabase -LiteralPath $b.Path -Root $root -DatabasePath 'D:\NTDS\ntds.dit' -LogPath $NTDS -BackupLogPath $NTDS `
                -CheckpointPath $NTDS -ComputerName DC01 -CreateFolders -RestoreCheckpoint -ExportRegistryFile $reg -ApplyRegistry `
                -RegistryPathStyle Local -AllowExpired -Force -WhatIf
            $null = Restore-ADDatabase -LiteralPath $b.Path -Root $root -ExportRegistryFile $reg -RegistryPathStyle Unc -Confirm:$false
            try { $null = Restore-ADDatabase -LiteralPath $b.Path -Method Api -Server DC01 -Confirm:$false } catch { $null = $_ }
            try { $null = Restore-ADDatabase -LiteralPath $b.Path -Root $root -ApplyRegistry -Confirm:$false } catch { $null = $_ }
        }
        $captured = @(Get-RecordedRequest $rec)
        @($captured.command | Sort-Object -Unique) | Should -Be @('backup', 'header', 'inspect', 'pages', 'restore', 'verify')
        $captured.Count | Should -BeGreaterOrEqual 20
        foreach ($c in $captured) {
            @($c.argv) | Should -Be @($c.command, '--progress') -Because 'nothing but the command and --progress on the command line'
            $c.valid | Should -BeTrue -Because "$($c.command) $($c.request | ConvertTo-Json -Compress -Depth 9): $($c.schemaErrors | ConvertTo-Json -Compress -Depth 9)"
        }
        $backups = @($captured | Where-Object command -EQ 'backup' | ForEach-Object request)
        ($backups[0] | ConvertTo-Json -Depth 9 -Compress) | Should -Be (ConvertTo-Json -Depth 9 -Compress -InputObject ([ordered]@{
                    source = [ordered]@{ type = 'folder'; path = $dsa.dir; computer = 'DC01'; recordAs = [ordered]@{ databasePath = "$NTDS\ntds.dit"; logPath = $NTDS; checkpointPath = $NTDS } }
                    destination = [ordered]@{ directory = $out; nameTemplate = '{computer}-{date}-{label}' }
                    compression = [ordered]@{ type = 'gzip'; level = 9 }
                    label = 'all options'; overwrite = $true; allowCorruptPages = $true; allowUnrestorable = $true; tombstoneLifetimeDays = 90
                }))
        ($backups[1].destination | ConvertTo-Json -Compress) | Should -Be (ConvertTo-Json -Compress @{ path = (Join-Path $out 'plain.tar') })
        $backups[1].PSObject.Properties['compression'] | Should -BeNullOrEmpty -Because "the extension decides the compression: adbackup's rule, not the module's"
        ($backups[1].source | ConvertTo-Json -Compress) | Should -Be (ConvertTo-Json -Compress ([ordered]@{ type = 'folder'; databasePath = $dsa.databasePath; logPath = $dsa.logPath; checkpointPath = $dsa.checkpointPath }))
        ($backups[3].source | ConvertTo-Json -Compress) | Should -Be '{"type":"api","server":"DC07","truncateLogs":true}'
        ($backups[4].source | ConvertTo-Json -Compress) | Should -Be '{"type":"vss"}' -Because 'no source given: VSS with the NTDS writer'
        ($backups[5].source | ConvertTo-Json -Compress) | Should -Be '{"type":"vss"}'
        ($backups[6].source | ConvertTo-Json -Compress) | Should -Be '{"type":"api"}' -Because '-Source Api alone still means the Directory Backup API'
        $restores = @($captured | Where-Object command -EQ 'restore' | ForEach-Object request)
        ($restores[0].target | ConvertTo-Json -Compress) | Should -Be (ConvertTo-Json -Compress ([ordered]@{ type = 'files'; root = $root; databasePath = 'D:\NTDS\ntds.dit'; logPath = $NTDS; backupLogPath = $NTDS; checkpointPath = $NTDS; computer = 'DC01'; createFolders = $true; restoreCheckpoint = $true }))
        $restores[0].allowExpired | Should -BeTrue
        ($restores[0].registry | ConvertTo-Json -Compress) | Should -Be '{"pathStyle":"local"}' -Because '-WhatIf sends a plan without registry writers'
        $restores[0].plan | Should -BeTrue
        ($restores[1].registry | ConvertTo-Json -Compress) | Should -Be (ConvertTo-Json -Compress ([ordered]@{ regFile = $reg; pathStyle = 'unc' }))
        ($restores[2].target | ConvertTo-Json -Compress) | Should -Be '{"type":"api","server":"DC01"}'
        ($restores[3].registry | ConvertTo-Json -Compress) | Should -Be '{"apply":true}'
        @($captured | Where-Object command -EQ 'header' | ForEach-Object { $_.request.kind }) | Should -Contain 'checkpoint'
    }

    It 'Windows, simulated: bin/win-x64/adbackup.exe is chosen; the tombstone lifetime comes from AD, 60 days when unset, the default when AD cannot be read' {
        $rec = New-Recording
        $out = New-TestFolder tsl
        $r = Use-Environment $rec.Env {
            $module = Get-Module ADDatabaseBackup
            # The module decides "Windows" once, at import; flip it as 5.1 or PowerShell 7 on Windows would.
            & $module { $script:ADBOnWindows = $true }
            try {
                $exe = & $module { $saved = $env:ADBACKUP_EXE; $env:ADBACKUP_EXE = ''; function Show-Exe { [CmdletBinding()] param() (Get-ADBExecutablePath -Cmdlet $PSCmdlet).Path }; Show-Exe; $env:ADBACKUP_EXE = $saved }
                $global:adbLifetime = 240
                $null = New-Module -Name ActiveDirectory -ScriptBlock {
                    function Get-ADRootDSE { [pscustomobject]@{ configurationNamingContext = 'CN=Configuration,DC=contoso,DC=com' } }
                    function Get-ADObject { param($Identity, $Properties) $global:adbAsked = "$Identity|$Properties"; if ($null -eq $global:adbLifetime) { [pscustomobject]@{ Name = 'Directory Service' } } else { [pscustomobject]@{ tombstoneLifetime = $global:adbLifetime } } }
                } | Import-Module -Global
                $fromAd = Backup-ADDatabase -Path $out -SourcePath $dsa.dir -NameTemplate from-ad -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -like '*tombstone*' }
                $global:adbLifetime = $null
                $unset = Backup-ADDatabase -Path $out -SourcePath $dsa.dir -NameTemplate unset
                Remove-Module ActiveDirectory
                $unreadable = Backup-ADDatabase -Path $out -SourcePath $dsa.dir -NameTemplate unreadable 3>&1 | Where-Object { $_ -is [System.Management.Automation.WarningRecord] -and $_.Message -like '*tombstone*' }
                [pscustomobject]@{ Exe = $exe; Asked = $global:adbAsked; FromAd = [string]$fromAd; Unset = $unset.TombstoneLifetimeDays; Unreadable = [string]$unreadable }
            } finally {
                & $module { $script:ADBOnWindows = ($PSVersionTable.PSEdition -eq 'Desktop') -or $IsWindows }
                Remove-Variable -Name adbLifetime, adbAsked -Scope Global -ErrorAction SilentlyContinue
            }
        }
        $r.Exe | Should -Be (Join-Path $p.Module 'bin/win-x64/adbackup.exe')
        $r.Asked | Should -Be 'CN=Directory Service,CN=Windows NT,CN=Services,CN=Configuration,DC=contoso,DC=com|tombstoneLifetime'
        $r.FromAd | Should -Match 'tombstone lifetime is 240 days \(read through the ActiveDirectory module\)'
        $r.Unset | Should -Be 60 -Because 'an unset tombstoneLifetime means 60 days'
        $r.Unreadable | Should -Match 'could not be read from Active Directory .*180 days'
        $lifetimes = @(Get-RecordedRequest $rec | Where-Object command -EQ 'backup' | ForEach-Object { if ($_.request.PSObject.Properties['tombstoneLifetimeDays']) { $_.request.tombstoneLifetimeDays } else { 'unset' } })
        $lifetimes | Should -Be @(240, 60, 'unset') -Because 'sent when read, left to adbackup otherwise'
    }
}
