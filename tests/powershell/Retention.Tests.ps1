# Nightly operations through the module: Remove-ADDatabaseBackup (retention by rule, ShouldProcess per backup) and
# Get-ADDatabaseBackupStatus (a verdict per DC, and exit codes for a monitoring agent). The rules themselves are
# checked to the day in tests/retention (ava); here: the cmdlets' contract in real pwsh.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'support/TestSupport.psm1') -Force
    Assert-ModuleBuilt
    $script:p = Get-TestPath
    Import-Module $p.Manifest -Force -ErrorAction Stop
    $script:dsa = New-SyntheticDsa
    # DC01: backups 1, 3, 10 and 200 days old (200: past the default 180-day shelf life); DC02: 1 and 5 days old.
    $script:generated = New-TestFolder generated
    foreach ($b in @(@('DC01', 1), @('DC01', 3), @('DC01', 10), @('DC01', 200), @('DC02', 1), @('DC02', 5))) {
        $null = Invoke-Fixture backup-at $dsa.dir (Join-Path $generated ('{0}-{1}d.tar.zst' -f $b[0], $b[1])) $b[1] $b[0]
    }
    function script:Copy-Generated {
        $to = Join-Path (New-TestFolder backups) 'b'
        Copy-Item -LiteralPath $generated -Destination $to -Recurse
        $to
    }
    function script:Get-Left([string] $Folder) { @(Get-ChildItem -LiteralPath $Folder -Filter '*.tar.zst' | ForEach-Object Name | Sort-Object) }
}

AfterAll {
    Remove-TestWork
}

Describe 'Remove-ADDatabaseBackup' {
    It '-WhatIf lists what -KeepLast 1 would remove and removes nothing' {
        $folder = Copy-Generated
        $before = Get-ChildItem -LiteralPath $folder | ForEach-Object Name
        $out = @(Remove-ADDatabaseBackup -Path $folder -KeepLast 1 -WhatIf)
        $out.Count | Should -Be 0
        (Get-ChildItem -LiteralPath $folder | ForEach-Object Name) | Should -Be $before
    }

    It '-KeepLast 1 -Confirm:$false keeps the newest of each DC, removes the rest with their sidecars, and says why' {
        $folder = Copy-Generated
        $out = @(Remove-ADDatabaseBackup -Path $folder -KeepLast 1 -Confirm:$false)
        Get-Left $folder | Should -Be @('DC01-1d.tar.zst', 'DC02-1d.tar.zst')
        @(Get-ChildItem -LiteralPath $folder -Filter '*.manifest.json').Count | Should -Be 2
        $out.Count | Should -Be 6
        $out[0].PSObject.TypeNames[0] | Should -Be 'ADDatabaseBackup.PruneItem'
        @($out | Where-Object Action -EQ 'Removed').Count | Should -Be 4
        ($out | Where-Object Name -EQ 'DC01-1d.tar.zst').Reasons | Should -Contain 'newest-good'
        ($out | Where-Object Name -EQ 'DC01-10d.tar.zst').Reasons | Should -Be @('beyond-keep-last')
        ($out | Out-String -Width 200) | Should -Match 'Action\s+ComputerName\s+CreatedAt\s+Reasons'
    }

    It '-Expired removes only the backup past its shelf life; -ComputerName limits the DCs' {
        $folder = Copy-Generated
        $null = Remove-ADDatabaseBackup -Path $folder -Expired -Confirm:$false
        Get-Left $folder | Should -Not -Contain 'DC01-200d.tar.zst'
        (Get-Left $folder).Count | Should -Be 5
        $null = Remove-ADDatabaseBackup -Path $folder -KeepDays 2 -ComputerName dc02 -Confirm:$false
        Get-Left $folder | Should -Be @('DC01-10d.tar.zst', 'DC01-1d.tar.zst', 'DC01-3d.tar.zst', 'DC02-1d.tar.zst')
    }

    It 'without a rule: ADDatabaseBackup.NO_RETENTION_RULE; in a host that cannot prompt: CONFIRMATION_REQUIRED and nothing removed' {
        $folder = Copy-Generated
        $e = { Remove-ADDatabaseBackup -Path $folder -Confirm:$false } | Should -Throw -PassThru
        $e.FullyQualifiedErrorId | Should -BeLike 'ADDatabaseBackup.NO_RETENTION_RULE*'
        $r = Invoke-ChildPwsh -Script "try { Remove-ADDatabaseBackup -Path $(ConvertTo-PsLiteral $folder) -KeepLast 1 } catch { `$_.FullyQualifiedErrorId; `$_.Exception.Message }"
        $lines = @($r.StdOut -split "`r?`n" | Where-Object { $_ })
        $lines[0] | Should -Be 'ADDatabaseBackup.CONFIRMATION_REQUIRED,Remove-ADDatabaseBackup'
        ($lines[1..($lines.Count - 1)] -join ' ') | Should -Match '-Confirm:\$false'
        (Get-Left $folder).Count | Should -Be 6
    }
}

Describe 'Backup-ADDatabase -KeepLast' {
    It 'prunes this DC''s older backups after the backup is written, and names what it removed' {
        $folder = Copy-Generated
        $b = Backup-ADDatabase -Path $folder -SourcePath $dsa.dir -ComputerName DC01 -KeepLast 2 -WarningAction SilentlyContinue -ErrorAction Stop
        $left = Get-Left $folder
        $left | Should -Contain $b.Name
        $left | Should -Contain 'DC01-1d.tar.zst'
        @($left | Where-Object { $_ -like 'DC01*' }).Count | Should -Be 2 # the new one and DC01-1d
        @($left | Where-Object { $_ -like 'DC02*' }).Count | Should -Be 2
        @($b.RemovedBackups | ForEach-Object { Split-Path -Leaf $_ } | Sort-Object) | Should -Be @('DC01-10d.tar.zst', 'DC01-200d.tar.zst', 'DC01-3d.tar.zst')
    }
}

Describe 'Run log, event source and secure defaults' {
    It '-RunLogPath: one JSON line per backup and per prune, with the archive and the outcome' {
        $folder = Copy-Generated
        $log = Join-Path (New-TestFolder runlog) 'runs.jsonl'
        $b = Backup-ADDatabase -Path $folder -SourcePath $dsa.dir -ComputerName DC02 -RunLogPath $log -WarningAction SilentlyContinue -ErrorAction Stop
        $null = Remove-ADDatabaseBackup -Path $folder -KeepLast 1 -ComputerName DC02 -RunLogPath $log -Confirm:$false
        $lines = @(Get-Content -LiteralPath $log | ForEach-Object { $_ | ConvertFrom-Json })
        $lines.Count | Should -Be 2
        $lines[0].command | Should -Be 'backup'
        $lines[0].archive | Should -Be $b.Path
        $lines[0].sha256 | Should -Be $b.Sha256
        $lines[0].outcome | Should -Be 'warning' # not encrypted
        $lines[1].command | Should -Be 'prune'
        $lines[1].outcome | Should -Be 'success'
    }

    It 'an unencrypted backup warns that the archive holds every password hash; an encrypted one does not' {
        $out = New-TestFolder plain
        $null = Backup-ADDatabase -Path $out -SourcePath $dsa.dir -ComputerName DC01 -WarningVariable plain -WarningAction SilentlyContinue -ErrorAction Stop
        ($plain -join "`n") | Should -Match 'not encrypted: it holds every password hash'
        $key = Join-Path (New-TestFolder key) 'key.txt'
        $recipient = New-ADDatabaseBackupKey -Path $key
        $null = Backup-ADDatabase -Path $out -SourcePath $dsa.dir -ComputerName DC03 -Recipient $recipient -WarningVariable sealed -WarningAction SilentlyContinue -ErrorAction Stop
        ($sealed -join "`n") | Should -Not -Match 'not encrypted'
    }

    It 'Register-ADDatabaseBackupEventSource off Windows: ADDatabaseBackup.PLATFORM_NOT_SUPPORTED' {
        $e = { Register-ADDatabaseBackupEventSource -Confirm:$false } | Should -Throw -PassThru
        $e.FullyQualifiedErrorId | Should -BeLike 'ADDatabaseBackup.PLATFORM_NOT_SUPPORTED*'
    }
}

Describe 'Get-ADDatabaseBackupStatus' {
    It 'one ADDatabaseBackup.BackupStatus per DC with the newest good backup, its age and a verdict at the thresholds' {
        $s = @(Get-ADDatabaseBackupStatus -Path $generated)
        $s.ComputerName | Should -Be @('DC01', 'DC02')
        $s.Verdict | Should -Be @('Healthy', 'Healthy')
        $s[0].PSObject.TypeNames[0] | Should -Be 'ADDatabaseBackup.BackupStatus'
        $s[0].NewestGoodBackup | Should -BeLike '*DC01-1d.tar.zst'
        $s[0].AgeDays | Should -BeGreaterOrEqual 1
        $s[0].BackupCount | Should -Be 4
        (Get-ADDatabaseBackupStatus -Path $generated -WarningDays 0.5).Verdict | Should -Be @('Warning', 'Warning')
        (Get-ADDatabaseBackupStatus -Path $generated -CriticalDays 0.5).Verdict | Should -Be @('Critical', 'Critical')
        (Get-ADDatabaseBackupStatus -Path $generated -ComputerName DC03).Verdict | Should -Be 'Critical'
        (Get-ADDatabaseBackupStatus -Path $generated | Out-String -Width 200) | Should -Match 'ComputerName\s+Verdict\s+AgeDays\s+DaysLeft'
    }

    It '-ExitCode ends the process with 0, 1 or 2 for the verdict; an empty folder is Critical' {
        $g = ConvertTo-PsLiteral $generated
        (Invoke-ChildPwsh -Script "Get-ADDatabaseBackupStatus -Path $g -ExitCode").ExitCode | Should -Be 0
        (Invoke-ChildPwsh -Script "Get-ADDatabaseBackupStatus -Path $g -WarningDays 0.5 -ExitCode").ExitCode | Should -Be 1
        (Invoke-ChildPwsh -Script "Get-ADDatabaseBackupStatus -Path $g -CriticalDays 0.5 -ExitCode").ExitCode | Should -Be 2
        $empty = Invoke-ChildPwsh -Script "Get-ADDatabaseBackupStatus -Path $(ConvertTo-PsLiteral (New-TestFolder empty)) -ExitCode"
        $empty.ExitCode | Should -Be 2
        $empty.StdOut + $empty.StdErr | Should -Match 'No backup of ours'
        $missing = Invoke-ChildPwsh -Script "Get-ADDatabaseBackupStatus -Path $(ConvertTo-PsLiteral (Join-Path $generated 'nope')) -ExitCode"
        $missing.ExitCode | Should -Be 2
    }
}
