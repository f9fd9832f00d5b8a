# The module on Windows: pwsh 7.6.10 for Windows under Wine 10 (run-pester.ts), the module folder as built, which runs
# its own bin\win-x64\adbackup.exe. The environment (set by run-pester.ts, Z:\ paths): ADB_TEST_MODULE (the .psd1),
# ADB_TEST_DSA (a synthetic DSA folder: a VSS snapshot's database with logs), ADB_TEST_OFFLINE (an offline copy of a
# clean database without logs), ADB_TEST_DLL (the emulated ntdsbcli.dll), ADB_TEST_VSSAPI (the emulated vssapi.dll,
# loaded instead of Wine's through WINEDLLOVERRIDES vssapi=n), ADB_TEST_WORK (scratch).
BeforeAll {
    Import-Module $env:ADB_TEST_MODULE -Force
    $script:Work = $env:ADB_TEST_WORK
    $script:Dsa = $env:ADB_TEST_DSA
    $script:RestoreKey = 'HKLM\SYSTEM\CurrentControlSet\Services\NTDS\Restore in Progress'

    function New-TestFolder([string] $Name) {
        $path = Join-Path $script:Work $Name
        $null = New-Item -ItemType Directory -Path $path -Force
        $path
    }
    # reg query KEY → name → data (reg.exe of the Wine prefix).
    function Get-RegValues([string] $Key) {
        $values = @{}
        foreach ($line in (& reg.exe query $Key)) {
            if ($line -match '^\s+(.+?)\s{4}(REG_\w+)\s{4}(.*)$') { $values[$Matches[1]] = @($Matches[2], $Matches[3].Trim()) }
        }
        $values
    }
    # The emulated ntdsbcli.dll serving the DSA folder, as the module's adbackup.exe finds it.
    function Set-Emulator([string] $Dsa, [hashtable] $Extra = @{}) {
        $env:ADBACKUP_NTDSBCLI = $env:ADB_TEST_DLL
        $env:NTDSBCLI_EMU_DSA = $Dsa
        $env:NTDSBCLI_EMU_COMPUTER = 'DC01'
        foreach ($k in $Extra.Keys) { [Environment]::SetEnvironmentVariable($k, $Extra[$k]) }
    }
    # The emulated vssapi.dll as this machine's VSS: a DC stand-in whose NTDS writer serves the DSA folder. A fresh
    # snapshot folder (\\?\GLOBALROOT\Device) and call log per backup; the injections of earlier tests are cleared.
    $script:VssScenes = 0
    function Set-VssEmulator([hashtable] $Extra = @{}) {
        $root = New-TestFolder "vss-$((++$script:VssScenes))"
        $scene = @{ Root = $root; Log = (Join-Path $root 'calls.log'); Snapshots = (New-TestFolder "vss-$($script:VssScenes)\GLOBALROOT-Device") }
        foreach ($k in @('VSSAPI_EMU_FAIL', 'VSSAPI_EMU_WRITER', 'VSSAPI_EMU_WRITER_FAILS_AT', 'VSSAPI_EMU_WATCH', 'VSSAPI_EMU_PENDING')) {
            [Environment]::SetEnvironmentVariable($k, $null)
        }
        $env:ADBACKUP_VSSAPI = $env:ADB_TEST_VSSAPI
        $env:VSSAPI_EMU_NTDS = $script:Dsa
        $env:VSSAPI_EMU_SNAPSHOTS = $scene.Snapshots
        $env:VSSAPI_EMU_LOG = $scene.Log
        foreach ($k in $Extra.Keys) { [Environment]::SetEnvironmentVariable($k, $Extra[$k]) }
        $scene
    }
    # The call log as lines, and the methods called (without the IVssAsync/IVssExamineWriterMetadata calls).
    function Get-VssCalls([hashtable] $Scene) {
        if (Test-Path -LiteralPath $Scene.Log) { @(Get-Content -LiteralPath $Scene.Log) } else { @() }
    }
    function Get-VssMethods([string[]] $Calls) {
        @($Calls | ForEach-Object { ($_ -split ' ')[0] } | Where-Object { $_ -notlike 'IVss*' })
    }
}

Describe 'ADDatabaseBackup on Windows (pwsh for Windows, Wine 10)' {
    It 'is Windows PowerShell 7 on Windows, and the module exports its twelve cmdlets' {
        $IsWindows | Should -BeTrue
        $PSVersionTable.PSVersion.ToString() | Should -Be '7.6.10'
        $names = (Get-Command -Module ADDatabaseBackup).Name | Sort-Object
        $names | Should -Be @('Backup-ADDatabase', 'Compare-ADDatabaseBackup', 'Get-ADDatabaseBackup', 'Get-ADDatabaseBackupStatus', 'Get-ADDatabaseFileInfo', 'Get-ADDatabaseObject', 'New-ADDatabaseBackupKey', 'Register-ADDatabaseBackupEventSource', 'Remove-ADDatabaseBackup', 'Restore-ADDatabase', 'Test-ADDatabaseBackup', 'Test-ADDatabaseRestore')
        (Get-Help Backup-ADDatabase).Synopsis | Should -Not -BeNullOrEmpty
    }

    It 'chooses bin\win-x64\adbackup.exe beside the module (no ADBACKUP_EXE)' {
        $env:ADBACKUP_EXE | Should -BeNullOrEmpty
        $module = Get-Module ADDatabaseBackup
        $exe = & $module { function Show-Exe { [CmdletBinding()] param() (Get-ADBExecutablePath -Cmdlet $PSCmdlet).Path }; Show-Exe }
        $exe | Should -Be (Join-Path $module.ModuleBase 'bin\win-x64\adbackup.exe')
    }

    It 'reads a database header through the executable (Get-ADDatabaseFileInfo -Pages)' {
        $info = Get-ADDatabaseFileInfo -Path (Join-Path $script:Dsa 'ntds.dit') -Pages
        $info.PSObject.TypeNames | Should -Contain 'ADDatabaseBackup.FileInfo'
        $info.State | Should -Be 'Dirty Shutdown'
        $info.CorruptPages | Should -Be 0
    }

    It 'backs up a folder, lists it, verifies it and restores it under a temp root with -ExportRegistryFile' {
        $out = New-TestFolder 'folder-backups'
        $backup = Backup-ADDatabase -Path $out -SourcePath $script:Dsa -ComputerName DC01 -OriginalDatabasePath 'C:\Windows\NTDS\ntds.dit' -OriginalLogPath 'C:\Windows\NTDS' -TombstoneLifetimeDays 180 -Label win
        $backup.PSObject.TypeNames | Should -Contain 'ADDatabaseBackup.BackupResult'
        Test-Path -LiteralPath $backup.Path | Should -BeTrue
        $backup.Path | Should -BeLike "$out\DC01-ntds-*.tar.zst"

        $listed = @(Get-ADDatabaseBackup -Path $out)
        $listed.Count | Should -Be 1
        $listed[0].Label | Should -Be 'win'
        $listed[0].Expired | Should -BeFalse
        $verified = $listed | Test-ADDatabaseBackup
        $verified.IsValid | Should -BeTrue
        $verified.CorruptPages | Should -Be 0

        $root = New-TestFolder 'restore-root'
        $null = New-Item -ItemType Directory -Path (Join-Path $root 'C\Windows\NTDS') -Force
        $reg = Join-Path $script:Work 'restore.reg'
        # A DC in DSRM (adbackup on Windows refuses a restore otherwise), the registration only exported.
        $env:SAFEBOOT_OPTION = 'DSREPAIR'
        try { $result = Restore-ADDatabase -Path $backup.Path -Root $root -ExportRegistryFile $reg -Confirm:$false } finally { $env:SAFEBOOT_OPTION = $null }
        $result.PSObject.TypeNames | Should -Contain 'ADDatabaseBackup.RestoreResult'
        $result.RegistryWrittenTo | Should -Not -Contain 'HKLM (advapi32)'
        $restored = Join-Path $root 'C\Windows\NTDS\ntds.dit'
        (Get-FileHash -LiteralPath $restored -Algorithm SHA256).Hash | Should -Be (Get-FileHash -LiteralPath (Join-Path $script:Dsa 'ntds.dit') -Algorithm SHA256).Hash
        $text = Get-Content -LiteralPath $reg -Raw
        $text | Should -Match '^Windows Registry Editor Version 5\.00'
        $text | Should -Match ([regex]::Escape('[HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Services\NTDS\Restore in Progress]'))
        $text | Should -Match '"LowLog Number"=dword:00000001'
    }

    It 'takes an online backup through the Directory Backup API (the emulated ntdsbcli.dll) with -Source Api' {
        Set-Emulator $script:Dsa
        $out = New-TestFolder 'api-backups'
        $backup = Backup-ADDatabase -Path $out -Source Api -Server DC01 -TombstoneLifetimeDays 180
        $backup.ComputerName | Should -Be 'DC01'
        $entries = $backup.Manifest.files | ForEach-Object entry
        $entries | Should -Contain 'ntds/ntds.dit'
        $entries | Should -Contain 'meta/expiry-token.bin'
        (Test-ADDatabaseBackup -Path $backup.Path).IsValid | Should -BeTrue
    }

    It 'takes a VSS backup with no source argument on a DC stand-in (the emulated vssapi.dll): it verifies, holds the bytes a folder backup holds, and the calls come in the documented order' {
        $scene = Set-VssEmulator
        $archive = Join-Path $scene.Root 'vss.tar.zst'
        $env:VSSAPI_EMU_WATCH = $archive
        $backup = Backup-ADDatabase -Path $archive -TombstoneLifetimeDays 180
        $backup.SourceType | Should -Be 'vss'
        $backup.Path | Should -Be $archive
        @($backup.Manifest.files | ForEach-Object entry) | Should -Contain 'meta/vss-backup-components.xml'
        $vss = $backup.Manifest.source.extra.vss
        $vss.writer.writerId | Should -Be 'b2014c9e-8711-4c5c-a5a9-3cf384484757'
        $vss.writer.component.name | Should -Be 'ntds'
        $backup.Manifest.source.paths.database.path | Should -Be (Join-Path $script:Dsa 'ntds.dit') -Because 'recorded under the live path, not the snapshot''s'
        (Test-ADDatabaseBackup -Path $backup.Path).IsValid | Should -BeTrue

        $folder = Backup-ADDatabase -Path (Join-Path $scene.Root 'folder.tar.zst') -SourcePath $script:Dsa -TombstoneLifetimeDays 180
        $folder.SourceType | Should -Be 'folder'
        $data = { param($manifest) @($manifest.files | Where-Object { $_.role -in @('database', 'log', 'checkpoint') } | ForEach-Object { "$($_.entry) $($_.sha256)" }) }
        $same = & $data $folder.Manifest
        $same.Count | Should -BeGreaterThan 2
        (& $data $backup.Manifest) | Should -Be $same -Because 'the same database, log and checkpoint bytes as a folder backup of the same files'

        $calls = Get-VssCalls $scene
        Get-VssMethods $calls | Should -Be @('CreateVssBackupComponents', 'InitializeForBackup', 'SetContext', 'SetBackupState',
            'GatherWriterMetadata', 'GetWriterMetadataCount', 'GetWriterMetadata', 'GetWriterMetadata', 'FreeWriterMetadata',
            'AddComponent', 'StartSnapshotSet', 'IsVolumeSupported', 'AddToSnapshotSet', 'PrepareForBackup', 'GatherWriterStatus',
            'DoSnapshotSet', 'GatherWriterStatus', 'SaveAsXML', 'GetSnapshotProperties', 'VssFreeSnapshotProperties',
            'SetBackupSucceeded', 'BackupComplete', 'GatherWriterStatus', 'Release')
        $calls | Should -Contain 'SetBackupState 0x00000000 select=1 bootable=0 type=1 partial=0'
        @($calls | Where-Object { $_ -like 'DoSnapshotSet 0x00000000 *watch=absent' }).Count | Should -Be 1 -Because 'no archive while the snapshot is taken'
        $calls | Should -Contain 'SetBackupSucceeded 0x00000000 succeeded=1 watch=present'
        $calls | Should -Contain 'BackupComplete 0x00000000 recorded watch=present' -Because 'BackupComplete only once the archive is published'
        $calls[-1] | Should -Match '^Release final .* live=0 completed=1 aborted=0$'
        @(Get-ChildItem -LiteralPath $scene.Snapshots -Force).Count | Should -Be 0 -Because 'no snapshot left behind'
    }

    It 'a failure injected at each VSS step: an ADDatabaseBackup.* error record, no archive, no snapshot, the set released, never BackupComplete' {
        $cases = @(
            @{ Name = 'GatherWriterMetadata fails'; Env = @{ VSSAPI_EMU_FAIL = 'GatherWriterMetadata:0x80042318' }; Code = 'VSS_ERROR'; Exit = 6; Aborted = $false }
            @{ Name = 'no NTDS writer (not a DC)'; Env = @{ VSSAPI_EMU_WRITER = 'missing' }; Code = 'NTDS_WRITER_MISSING'; Exit = 4; Aborted = $false; Message = 'not a domain controller' }
            @{ Name = 'AddToSnapshotSet: another backup'; Env = @{ VSSAPI_EMU_FAIL = 'AddToSnapshotSet:0x80042316' }; Code = 'VSS_BACKUP_IN_PROGRESS'; Exit = 4; Aborted = $false }
            @{ Name = 'PrepareForBackup vetoed'; Env = @{ VSSAPI_EMU_FAIL = 'PrepareForBackup:0x80042306' }; Code = 'VSS_ERROR'; Exit = 6; Aborted = $false }
            @{ Name = 'DoSnapshotSet: insufficient storage'; Env = @{ VSSAPI_EMU_FAIL = 'DoSnapshotSet:0x8004231F' }; Code = 'VSS_ERROR'; Exit = 6; Aborted = $true; Message = 'DoSnapshotSet failed: VSS_E_INSUFFICIENT_STORAGE \(0x8004231F\)' }
            @{ Name = 'the writer fails at freeze'; Env = @{ VSSAPI_EMU_WRITER_FAILS_AT = 'DoSnapshotSet' }; Code = 'NTDS_WRITER_FAILED'; Exit = 4; Aborted = $true }
        )
        foreach ($case in $cases) {
            $scene = Set-VssEmulator $case.Env
            $archive = Join-Path $scene.Root 'vss.tar.zst'
            $caught = $null
            try { Backup-ADDatabase -Path $archive -TombstoneLifetimeDays 180 } catch { $caught = $_ }
            $caught.FullyQualifiedErrorId | Should -Be "ADDatabaseBackup.$($case.Code),Backup-ADDatabase" -Because $case.Name
            $caught.Exception.Data['ExitCode'] | Should -Be $case.Exit -Because $case.Name
            if ($case.Message) { $caught.Exception.Message | Should -Match $case.Message -Because $case.Name }
            Test-Path -LiteralPath $archive | Should -BeFalse -Because "$($case.Name): no archive"
            @(Get-ChildItem -LiteralPath $scene.Root -Filter '*.partial').Count | Should -Be 0 -Because "$($case.Name): no .partial"
            @(Get-ChildItem -LiteralPath $scene.Snapshots -Force).Count | Should -Be 0 -Because "$($case.Name): no snapshot left behind"
            $calls = Get-VssCalls $scene
            $methods = Get-VssMethods $calls
            $methods | Should -Not -Contain 'SetBackupSucceeded' -Because "$($case.Name): the writer never hears of success"
            $methods | Should -Not -Contain 'BackupComplete' -Because $case.Name
            ($methods -contains 'AbortBackup') | Should -Be $case.Aborted -Because "$($case.Name): AbortBackup exactly when PrepareForBackup had succeeded"
            $calls[-1] | Should -Match '^Release final .* live=0 completed=0' -Because "$($case.Name): the set released`n$($calls -join "`n")"
        }
    }

    It 'refuses -ApplyRegistry outside DSRM, then restores in a DSRM stand-in (SAFEBOOT_OPTION=DSREPAIR) and the values are in the registry' {
        $out = New-TestFolder 'dsrm-backups'
        $backup = Backup-ADDatabase -Path $out -SourcePath $script:Dsa -ComputerName DC01 -OriginalDatabasePath 'C:\Windows\NTDS\ntds.dit' -OriginalLogPath 'C:\Windows\NTDS' -TombstoneLifetimeDays 180
        $root = New-TestFolder 'dsrm-root'
        $null = New-Item -ItemType Directory -Path (Join-Path $root 'C\Windows\NTDS') -Force
        $env:SAFEBOOT_OPTION = $null
        $refused = $null
        try { Restore-ADDatabase -Path $backup.Path -Root $root -ApplyRegistry -Confirm:$false } catch { $refused = $_ }
        $refused.FullyQualifiedErrorId | Should -Be 'ADDatabaseBackup.NOT_IN_RESTORE_MODE,Restore-ADDatabase'

        $env:SAFEBOOT_OPTION = 'DSREPAIR'
        try { $result = Restore-ADDatabase -Path $backup.Path -Root $root -ApplyRegistry -Confirm:$false } finally { $env:SAFEBOOT_OPTION = $null }
        $result.RegistryWrittenTo | Should -Contain 'HKLM (advapi32)'
        $values = Get-RegValues $script:RestoreKey
        $values['LogPath'] | Should -Be @('REG_SZ', '\\DC01\C$\Windows\NTDS')
        $values['LowLog Number'] | Should -Be @('REG_DWORD', '0x1')
        $values['NTDS Database recovered'][0] | Should -Be 'REG_BINARY'
        (Get-RegValues 'HKLM\SYSTEM\CurrentControlSet\Services\NTDS\Parameters')['New Database GUID'][1] | Should -Match '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
    }

    It 'restores an offline copy without logs as "Database restored from backup" in the registry, and Test-ADDatabaseRestore says Pending, then Completed' {
        $params = 'HKLM\SYSTEM\CurrentControlSet\Services\NTDS\Parameters'
        & reg.exe delete $script:RestoreKey /f 2>$null | Out-Null
        & reg.exe add $params /v 'DSA Previous Restore Count' /t REG_DWORD /d 4 /f | Out-Null
        & reg.exe add $params /v 'DSA Database Epoch' /t REG_DWORD /d 777 /f | Out-Null
        $out = New-TestFolder 'offline-backups'
        $backup = Backup-ADDatabase -Path $out -SourcePath $env:ADB_TEST_OFFLINE -ComputerName DC01 -OriginalDatabasePath 'C:\Windows\NTDS\ntds.dit' -OriginalLogPath 'C:\Windows\NTDS' -TombstoneLifetimeDays 180
        (Get-ADDatabaseBackup -LiteralPath $backup.Path).RestoreMethod | Should -Be 'database-restored-from-backup'
        $root = New-TestFolder 'offline-root'
        $null = New-Item -ItemType Directory -Path (Join-Path $root 'C\Windows\NTDS') -Force
        $env:SAFEBOOT_OPTION = 'DSREPAIR'
        try { $result = Restore-ADDatabase -LiteralPath $backup.Path -Root $root -ApplyRegistry -Confirm:$false } finally { $env:SAFEBOOT_OPTION = $null }
        $result.Method | Should -Be 'database-restored-from-backup'
        $result.RegistryBefore.previousRestoreCount | Should -Be 4
        $values = Get-RegValues $params
        $values['Database restored from backup'] | Should -Be @('REG_DWORD', '0x1')
        $values.ContainsKey('DSA Database Epoch') | Should -BeFalse

        $pending = Test-ADDatabaseRestore -ReceiptPath $result.ReceiptPath
        $pending.PSObject.TypeNames | Should -Contain 'ADDatabaseBackup.RestoreStatus'
        $pending.Status | Should -Be 'Pending'
        # NTDS's next start, stood in for: the restore counted.
        & reg.exe add $params /v 'DSA Previous Restore Count' /t REG_DWORD /d 5 /f | Out-Null
        $done = Test-ADDatabaseRestore -DatabasePath 'C:\Windows\NTDS\ntds.dit' -Root $root
        $done.Status | Should -Be 'Completed'
        $done.RestoreCountBefore | Should -Be 4
        $done.RestoreCountNow | Should -Be 5
        & reg.exe delete $params /v 'Database restored from backup' /f | Out-Null
    }

    It 'registers the event source in the registry; then a backup reports its event without a warning, and the nightly cmdlets run with Windows paths' {
        $key = 'HKLM\SYSTEM\CurrentControlSet\Services\EventLog\Application\ADDatabaseBackup'
        $null = & reg.exe delete $key /f 2>&1
        $out = New-TestFolder 'nightly'
        $null = Backup-ADDatabase -Path $out -SourcePath $script:Dsa -ComputerName DC01 -TombstoneLifetimeDays 180 -WarningVariable before -WarningAction SilentlyContinue
        ($before -join "`n") | Should -Match 'event source ADDatabaseBackup is not registered'
        ($before -join "`n") | Should -Match 'not encrypted'
        $registered = Register-ADDatabaseBackupEventSource -Confirm:$false
        $registered.Changed | Should -BeTrue
        $values = Get-RegValues $key
        $values['EventMessageFile'] | Should -Be @('REG_EXPAND_SZ', '%SystemRoot%\Microsoft.NET\Framework64\v4.0.30319\EventLogMessages.dll')
        $values['TypesSupported'] | Should -Be @('REG_DWORD', '0x7')
        (Register-ADDatabaseBackupEventSource -Confirm:$false).Changed | Should -BeFalse
        $log = Join-Path $out 'runs.jsonl'
        $second = Backup-ADDatabase -Path $out -SourcePath $script:Dsa -ComputerName DC01 -TombstoneLifetimeDays 180 -NameTemplate '{computer}-second' -RunLogPath $log -WarningVariable after -WarningAction SilentlyContinue
        ($after -join "`n") | Should -Not -Match 'not registered'
        (Get-Content -LiteralPath $log | ConvertFrom-Json).archive | Should -Be $second.Path
        (Get-ADDatabaseBackupStatus -Path $out).Verdict | Should -Be 'Healthy'
        $pruned = @(Remove-ADDatabaseBackup -Path $out -KeepLast 1 -Confirm:$false)
        @($pruned | Where-Object Action -EQ 'Removed').Count | Should -Be 1
        @(Get-ChildItem -LiteralPath $out -Filter '*.tar.zst').Name | Should -Be @('DC01-second.tar.zst')
    }

    It 'maps adbackup''s errors to ADDatabaseBackup.* error records' {
        $missing = Join-Path $script:Work 'nowhere\ntds.dit'
        Get-ADDatabaseFileInfo -Path $missing -ErrorVariable e -ErrorAction SilentlyContinue
        $e[0].FullyQualifiedErrorId | Should -Be 'ADDatabaseBackup.PATH_NOT_FOUND,Get-ADDatabaseFileInfo'

        Set-Emulator $script:Dsa
        $env:ADBACKUP_NTDSBCLI = Join-Path $script:Work 'no-such\ntdsbcli.dll'
        $caught = $null
        try { Backup-ADDatabase -Path (New-TestFolder 'never') -Source Api -TombstoneLifetimeDays 180 } catch { $caught = $_ }
        $caught.FullyQualifiedErrorId | Should -Be 'ADDatabaseBackup.NTDSBCLI_UNAVAILABLE,Backup-ADDatabase'
        $caught.CategoryInfo.Category | Should -Be 'NotInstalled'
        $caught.Exception.Data['ExitCode'] | Should -Be 6

        $damaged = Join-Path $script:Work 'damaged.tar.zst'
        $good = Backup-ADDatabase -Path (New-TestFolder 'to-damage') -SourcePath $script:Dsa -TombstoneLifetimeDays 180
        $bytes = [System.IO.File]::ReadAllBytes($good.Path)
        $bytes[[int]($bytes.Length / 2)] = $bytes[[int]($bytes.Length / 2)] -bxor 0xFF
        [System.IO.File]::WriteAllBytes($damaged, $bytes)
        $verify = Test-ADDatabaseBackup -Path $damaged -ErrorVariable v -ErrorAction SilentlyContinue
        $verify.IsValid | Should -BeFalse
        $v[0].FullyQualifiedErrorId | Should -Be 'ADDatabaseBackup.VERIFY_FAILED,Test-ADDatabaseBackup'
        $v[0].CategoryInfo.Category | Should -Be 'InvalidData'
    }

    It 'takes adbackup''s default tombstone lifetime, with a warning, when no directory can be read' {
        $backup = Backup-ADDatabase -Path (New-TestFolder 'no-directory') -SourcePath $script:Dsa -WarningVariable warned -WarningAction SilentlyContinue
        $backup.TombstoneLifetimeDays | Should -Be 180
        ($warned -join "`n") | Should -Match 'tombstone lifetime'
        ($warned -join "`n") | Should -Match '180 days'
    }
}
