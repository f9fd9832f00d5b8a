# The samples of samples/ run as an admin runs them (pwsh -File, in a process of their own), against the Linux
# adbackup executable and synthetic DSA folders: what they choose and their exit codes.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'support/TestSupport.psm1') -Force
    Assert-ModuleBuilt
    $script:p = Get-TestPath
    Import-Module $p.Manifest -Force -ErrorAction Stop
    $script:dsa = New-SyntheticDsa
    $script:NTDS = 'C:\Windows\NTDS'

    # The samples import the module by name: a module path where ADDatabaseBackup is the built module folder.
    $script:modulePath = New-TestFolder modules
    $null = New-Item -ItemType SymbolicLink -Path (Join-Path $modulePath 'ADDatabaseBackup') -Target $p.Module

    # Runs a sample as `pwsh -File` does (a process of its own; its exit code is the script's).
    function script:Invoke-Sample([string] $Name, [string] $Arguments, [hashtable] $Environment = @{}) {
        $sample = ConvertTo-PsLiteral (Join-Path $p.Samples $Name)
        $env = @{ PSModulePath = "$modulePath$([System.IO.Path]::PathSeparator)$env:PSModulePath" } + $Environment
        Invoke-ChildPwsh "& $sample $Arguments; exit `$LASTEXITCODE" -Environment $env -NoImport
    }
}

AfterAll {
    Remove-TestWork
}

Describe 'dsrm-restore-runbook.ps1' {
    It '-BackupFolder restores the newest backup that verifies: an unreadable archive and a damaged newer one are skipped with a warning' {
        $folder = New-TestFolder runbook
        $null = Invoke-Fixture backup-at $dsa.dir (Join-Path $folder 'DC01-older.tar.zst') 3
        $null = Invoke-Fixture backup-at $dsa.dir (Join-Path $folder 'DC01-good.tar.zst') 2
        # The newest listed backup is damaged (its sidecar still describes it: listed, but it fails verification).
        $damaged = Backup-ADDatabase -Path $folder -SourcePath $dsa.dir -ComputerName DC01 -NameTemplate 'DC01-damaged' `
            -OriginalDatabasePath "$NTDS\ntds.dit" -OriginalLogPath $NTDS -ErrorAction Stop
        $bytes = [System.IO.File]::ReadAllBytes($damaged.Path)
        $bytes[$bytes.Length -shr 1] = $bytes[$bytes.Length -shr 1] -bxor 0x10
        [System.IO.File]::WriteAllBytes($damaged.Path, $bytes)
        # An archive without a sidecar that cannot be read at all.
        Set-Content -LiteralPath (Join-Path $folder 'DC01-unreadable.tar.zst') -Value 'not an archive' -NoNewline

        $run = Invoke-Sample 'dsrm-restore-runbook.ps1' "-Phase Restore -BackupFolder $(ConvertTo-PsLiteral $folder) -WhatIf" @{ SAFEBOOT_OPTION = 'DSREPAIR' }
        $run.ExitCode | Should -Be 0 -Because "$($run.StdOut)`n$($run.StdErr)"
        $whatIf = @($run.StdOut -split "`r?`n" | Where-Object { $_.StartsWith('What if: ') -and $_.Contains('Restore the Active Directory database from') })
        $whatIf.Count | Should -Be 1
        $whatIf[0] | Should -Match ([regex]::Escape((Join-Path $folder 'DC01-good.tar.zst')))
        $text = ($run.StdOut + $run.StdErr) -replace '\s+', ' '
        $text | Should -Match 'WARNING: .*DC01-unreadable\.tar\.zst'
        $text | Should -Match 'WARNING: .*DC01-damaged\.tar\.zst failed verification'
    }

    It '-ArchivePath of a damaged archive still fails the script (non-zero exit) before anything is restored' {
        $folder = New-TestFolder runbook-one
        $bad = Join-Path $folder 'DC01-bad.tar.zst'
        Set-Content -LiteralPath $bad -Value 'not an archive' -NoNewline
        $run = Invoke-Sample 'dsrm-restore-runbook.ps1' "-Phase Restore -ArchivePath $(ConvertTo-PsLiteral $bad) -WhatIf" @{ SAFEBOOT_OPTION = 'DSREPAIR' }
        $run.ExitCode | Should -Not -Be 0
        $run.StdOut | Should -Not -Match 'What if: .*Restore the Active Directory database'
    }
}

Describe 'dsrm-restore-runbook.ps1 -Phase Offline' {
    It 'restores into a stand-in mounted Windows volume without DSRM and registers the restore in its SYSTEM hive' {
        $fx = Invoke-Fixture offline-volume (New-TestFolder runbook-offline)
        $run = Invoke-Sample 'dsrm-restore-runbook.ps1' "-Phase Offline -OfflineWindows $(ConvertTo-PsLiteral $fx.root) -ArchivePath $(ConvertTo-PsLiteral $fx.archive) -Confirm:`$false"
        $run.ExitCode | Should -Be 0 -Because "$($run.StdOut)`n$($run.StdErr)"
        (Get-FileHash -LiteralPath (Join-Path $fx.ntds 'ntds.dit')).Hash | Should -Be (Get-FileHash -LiteralPath $fx.sourceDatabase).Hash
        $values = @(Invoke-Fixture hive $fx.hive 'ControlSet001\Services\NTDS\Restore in Progress')
        @($values | Where-Object name -EQ 'LowLog Number').Count | Should -Be 1
        $run.StdOut | Should -Match 'start the DC normally'
    }
}

Describe 'Unattended samples exit non-zero on failure' {
    It 'nightly-backup-job.ps1: a failing backup ends the script with exit code 1 and the error in its transcript; its help says so' {
        $data = New-TestFolder programdata
        $run = Invoke-Sample 'nightly-backup-job.ps1' "-BackupPath $(ConvertTo-PsLiteral (New-TestFolder share))" @{ ProgramData = $data; COMPUTERNAME = 'DC01' }
        $run.ExitCode | Should -Be 1 -Because "the backup cannot run here (no VSS off Windows): $($run.StdErr)"
        $run.StdErr | Should -Match 'VSS_UNAVAILABLE|VSS exists only on' -Because 'no source given: VSS, which exists on Windows only'
        $transcript = @(Get-ChildItem -LiteralPath (Join-Path $data 'ADDatabaseBackup/logs') -Filter 'backup-*.log')
        $transcript.Count | Should -Be 1
        ((Get-Help (Join-Path $p.Samples 'nightly-backup-job.ps1')).description.Text -replace '\s+', ' ') | Should -Match 'exit code 0 on success and 1 on failure'
    }

    It 'gpo-startup-backup-task.ps1: a failure (here: no CIM off Windows) ends the script with exit code 1; its help says so' {
        $data = New-TestFolder programdata
        $run = Invoke-Sample 'gpo-startup-backup-task.ps1' "-ModuleSource $(ConvertTo-PsLiteral $p.Module) -BackupPath $(ConvertTo-PsLiteral (New-TestFolder share))" @{ ProgramData = $data }
        $run.ExitCode | Should -Be 1 -Because $run.StdErr
        ((Get-Help (Join-Path $p.Samples 'gpo-startup-backup-task.ps1')).description.Text -replace '\s+', ' ') | Should -Match 'exit code 0 on success and 1 on failure'
    }

    It 'the README shows the pattern for scripts run with pwsh -File: try/catch with -ErrorAction Stop and exit 1' {
        $readme = Get-Content -Raw -LiteralPath (Join-Path $p.Root 'README.md')
        $readme | Should -Match '(?s)```powershell\s+try \{.*-ErrorAction Stop.*\} catch \{.*exit 1.*\}.*exit 0\s+```'
    }
}
