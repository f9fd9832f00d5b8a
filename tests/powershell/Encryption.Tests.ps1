# Encrypted backups through the module (age): to a recipient, and with a SecureString passphrase that travels only
# inside the JSON on adbackup's stdin, never on argv, in -Verbose/-Debug, errors, warnings or output.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'support/TestSupport.psm1') -Force
    Assert-ModuleBuilt
    $script:p = Get-TestPath
    Import-Module $p.Manifest -Force -ErrorAction Stop
    $script:dsa = New-SyntheticDsa
    $script:NTDS = 'C:\Windows\NTDS'
    function script:Get-Caught([scriptblock] $Block) { try { $null = & $Block; $null } catch { $_ } }
    function script:New-Secret([string] $Text) { $s = [securestring]::new(); foreach ($c in $Text.ToCharArray()) { $s.AppendChar($c) }; $s.MakeReadOnly(); $s }
    # A new age identity made by adbackup keygen: its file and public key.
    function script:New-Key {
        $identityFile = Join-Path (New-TestFolder keys) 'key.txt'
        $answer = ConvertTo-Json -Compress @{ identityFile = $identityFile } | & $p.RealExe keygen | ConvertFrom-Json
        [pscustomobject]@{ IdentityFile = $identityFile; Recipient = $answer.recipient }
    }
}

AfterAll {
    Remove-TestWork
}

Describe 'Encrypted backups' {
    It 'to a recipient: .tar.zst.age; Test- without a key returns the unverified result AND ARCHIVE_ENCRYPTED, with -IdentityFile verifies; Restore- without a key stops, with it restores the same bytes' {
        $key = New-Key
        $out = New-TestFolder encrypted
        $root = New-TestFolder root
        $bare = Join-Path (New-TestFolder no-sidecar) 'copy.tar.zst.age'
        $rec = New-Recording
        $o = Use-Environment $rec.Env {
            $b = Backup-ADDatabase -Path $out -SourcePath $dsa.dir -ComputerName DC01 -OriginalDatabasePath "$NTDS\ntds.dit" -OriginalLogPath $NTDS -Recipient $key.Recipient
            Copy-Item -LiteralPath $b.Path -Destination $bare
            [pscustomobject]@{
                Backup      = $b
                Info        = Get-ADDatabaseBackup -LiteralPath $b.Path
                View        = Get-ADDatabaseBackup -LiteralPath $b.Path | Out-String -Width 250
                Unverified  = @(Test-ADDatabaseBackup -LiteralPath $b.Path -ErrorVariable testErrors -ErrorAction SilentlyContinue)
                TestErrors  = @($testErrors)
                Quiet       = Test-ADDatabaseBackup -LiteralPath $b.Path -Quiet
                Verified    = Test-ADDatabaseBackup -LiteralPath $b.Path -IdentityFile $key.IdentityFile
                Bare        = @(Get-ADDatabaseBackup -LiteralPath $bare -ErrorVariable bareErrors -ErrorAction SilentlyContinue)
                BareErrors  = @($bareErrors)
                BareWithKey = Get-ADDatabaseBackup -LiteralPath $bare -IdentityFile $key.IdentityFile
                NoKey       = Get-Caught { Restore-ADDatabase -LiteralPath $b.Path -Root $root -CreateFolders -ExportRegistryFile (Join-Path $root 'r.reg') -Confirm:$false }
                Restored    = Restore-ADDatabase -LiteralPath $b.Path -Root $root -CreateFolders -ExportRegistryFile (Join-Path $root 'r.reg') -IdentityFile $key.IdentityFile -Confirm:$false
            }
        }
        $o.Backup.Name | Should -Match '^DC01-ntds-\d{8}T\d{6}Z\.tar\.zst\.age$'
        $o.Backup.Encrypted | Should -BeTrue
        $o.Backup.Encryption | Should -Be 'age (1 recipient)'
        @($o.Backup.Recipients) | Should -Be @($key.Recipient)
        $o.Info.Encrypted | Should -BeTrue
        @($o.Info.Recipients) | Should -Be @($key.Recipient)
        $o.Info.ReadFrom | Should -Be 'sidecar'
        $o.Info.BackupId | Should -Be $o.Backup.BackupId
        $o.View | Should -Match 'Expired +Encrypted[\s\S]*False +True +1-5 ' -Because 'the BackupInfo view shows Encrypted'

        $o.Unverified.Count | Should -Be 1 -Because 'the result is returned without a key'
        $o.Unverified[0].IsValid | Should -BeFalse
        $o.Unverified[0].ContentVerified | Should -BeFalse
        $o.Unverified[0].ErrorCount | Should -Be 0
        $o.Unverified[0].Findings | Where-Object code -EQ 'content-not-verified' | Should -Not -BeNullOrEmpty
        $o.TestErrors.Count | Should -Be 1
        $o.TestErrors[0].FullyQualifiedErrorId | Should -Be 'ADDatabaseBackup.ARCHIVE_ENCRYPTED,Test-ADDatabaseBackup'
        $o.TestErrors[0].CategoryInfo.Category | Should -Be 'SecurityError'
        $o.TestErrors[0].TargetObject | Should -Be $o.Backup.Path
        $o.TestErrors[0].Exception.Data['ExitCode'] | Should -Be 4
        $o.TestErrors[0].Exception.Message | Should -Match 'content was not verified'
        $o.TestErrors[0].ErrorDetails.RecommendedAction | Should -Not -BeNullOrEmpty
        $o.Quiet | Should -BeFalse -Because '-Quiet: not verified is not $true'
        $o.Verified.IsValid | Should -BeTrue
        $o.Verified.ContentVerified | Should -BeTrue
        $o.Verified.EntryCount | Should -Be 7

        $o.Bare.Count | Should -Be 0 -Because 'no sidecar and no key: nothing to describe'
        @($o.BareErrors | ForEach-Object { "$($_.FullyQualifiedErrorId)|$($_.CategoryInfo.Category)" }) | Should -Be @('ADDatabaseBackup.ARCHIVE_ENCRYPTED,Get-ADDatabaseBackup|SecurityError')
        $o.BareWithKey.ReadFrom | Should -Be 'archive'
        $o.BareWithKey.BackupId | Should -Be $o.Backup.BackupId
        $o.BareWithKey.SidecarPath | Should -BeNullOrEmpty

        $o.NoKey.FullyQualifiedErrorId | Should -Be 'ADDatabaseBackup.ARCHIVE_ENCRYPTED,Restore-ADDatabase'
        $o.NoKey.CategoryInfo.Category | Should -Be 'SecurityError'
        $o.Restored.Plan | Should -BeFalse
        $after = Get-TreeHash (Join-Path $root 'C/Windows/NTDS')
        $source = Get-TreeHash $dsa.dir
        foreach ($n in @('ntds.dit') + $dsa.logNames) { $after[$n] | Should -Be $source[$n] -Because $n }

        $captured = @(Get-RecordedRequest $rec)
        foreach ($c in $captured) { $c.valid | Should -BeTrue -Because "$($c.command): $($c.schemaErrors | ConvertTo-Json -Compress -Depth 9)" }
        (($captured | Where-Object command -EQ 'backup')[0].request.encryption | ConvertTo-Json -Compress) | Should -Be (ConvertTo-Json -Compress @{ recipients = @($key.Recipient) })
        $restores = @($captured | Where-Object command -EQ 'restore')
        $restores[0].request.PSObject.Properties['decryption'] | Should -BeNullOrEmpty
        $restores[1].request.decryption.identityFile | Should -Be $key.IdentityFile
    }

    It 'a SecureString passphrase round trips and shows up nowhere but in the request on stdin; wrong and conflicting passphrases are refused' {
        $marker = [guid]::NewGuid().ToString('n').Substring(0, 8)
        # Quote, backslash, a control character and non-ASCII (a surrogate pair too): the JSON escaping is tested with it.
        $passphrase = "pa`"ss\wörd`t$marker-$([char]::ConvertFromUtf32(0x1F600))"
        $out = New-TestFolder passphrase
        $root = New-TestFolder root
        $rec = New-Recording
        $r = Use-Environment $rec.Env {
            Invoke-Captured -Variable @{ passphrase = $passphrase; out = $out; root = $root; src = $dsa.dir; NTDS = $NTDS } {
                function New-Secret([string] $Text) { $s = [securestring]::new(); foreach ($c in $Text.ToCharArray()) { $s.AppendChar($c) }; $s.MakeReadOnly(); $s }
                function Get-Caught([scriptblock] $Block) { try { $null = & $Block; $null } catch { $_ } }
                $secret = New-Secret $passphrase
                $wrong = New-Secret 'not the passphrase'
                # -Debug and -Verbose on every call that carries the passphrase: the request lines are on the debug stream.
                $PSDefaultParameterValues = @{ '*-AD*:Debug' = $true; '*-AD*:Verbose' = $true }
                $b = Backup-ADDatabase -Path $out -SourcePath $src -ComputerName DC01 -OriginalDatabasePath "$NTDS\ntds.dit" -OriginalLogPath $NTDS -Passphrase $secret -PassphraseWorkFactor 12
                [pscustomobject]@{
                    Backup          = $b
                    Verified        = Test-ADDatabaseBackup -LiteralPath $b.Path -Passphrase $secret
                    Wrong           = @(Test-ADDatabaseBackup -LiteralPath $b.Path -Passphrase $wrong -ErrorVariable wrongErrors -ErrorAction SilentlyContinue)
                    WrongErrors     = @($wrongErrors)
                    WrongRestore    = Get-Caught { Restore-ADDatabase -LiteralPath $b.Path -Root $root -CreateFolders -ExportRegistryFile (Join-Path $root 'w.reg') -Passphrase $wrong -Confirm:$false }
                    Restored        = Restore-ADDatabase -LiteralPath $b.Path -Root $root -CreateFolders -ExportRegistryFile (Join-Path $root 'r.reg') -Passphrase $secret -Confirm:$false
                    Both            = Get-Caught { Backup-ADDatabase -Path $out -SourcePath $src -Passphrase $secret -Recipient 'age1qyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqs3290gq' }
                    Empty           = Get-Caught { Backup-ADDatabase -Path $out -SourcePath $src -Passphrase ([securestring]::new()) }
                    EmptyRestore    = Get-Caught { Restore-ADDatabase -LiteralPath $b.Path -Root $root -Passphrase ([securestring]::new()) -Confirm:$false }
                    WorkFactorAlone = Get-Caught { Backup-ADDatabase -Path $out -SourcePath $src -PassphraseWorkFactor 12 }
                    PlainName       = Get-Caught { Backup-ADDatabase -Path (Join-Path $out 'x.tar.zst') -SourcePath $src -Passphrase $secret }
                    AgeName         = Get-Caught { Backup-ADDatabase -Path (Join-Path $out 'x.tar.zst.age') -SourcePath $src }
                    NotAKey         = Get-Caught { Backup-ADDatabase -Path $out -SourcePath $src -Recipient 'AGE-SECRET-KEY-1XYZ' }
                    File            = Backup-ADDatabase -Path (Join-Path $out 'file.tar.gz.age') -SourcePath $src -Passphrase $secret -PassphraseWorkFactor 10
                }
            }
        }
        $r.Terminating | Should -BeNullOrEmpty
        $o = $r.Output[0]
        $o.Backup.Name | Should -Match '\.tar\.zst\.age$'
        $o.Backup.Encryption | Should -Be 'age (passphrase)'
        $o.Verified.IsValid | Should -BeTrue
        $o.Wrong.Count | Should -Be 0
        @($o.WrongErrors | ForEach-Object { "$($_.FullyQualifiedErrorId)|$($_.CategoryInfo.Category)" }) | Should -Be @('ADDatabaseBackup.AGE_NO_MATCHING_KEY,Test-ADDatabaseBackup|InvalidData')
        $o.WrongRestore.FullyQualifiedErrorId | Should -Be 'ADDatabaseBackup.AGE_NO_MATCHING_KEY,Restore-ADDatabase'
        Test-Path -LiteralPath (Join-Path $root 'w.reg') | Should -BeFalse -Because 'a wrong passphrase changes nothing'
        $o.Restored.Plan | Should -BeFalse
        $after = Get-TreeHash (Join-Path $root 'C/Windows/NTDS')
        $source = Get-TreeHash $dsa.dir
        foreach ($n in @('ntds.dit') + $dsa.logNames) { $after[$n] | Should -Be $source[$n] -Because $n }
        $expected = [ordered]@{
            Both = 'ADDatabaseBackup.ENCRYPTION_PARAMETERS,Backup-ADDatabase'; Empty = 'ADDatabaseBackup.ENCRYPTION_PARAMETERS,Backup-ADDatabase'
            EmptyRestore = 'ADDatabaseBackup.ENCRYPTION_PARAMETERS,Restore-ADDatabase'; WorkFactorAlone = 'ADDatabaseBackup.ENCRYPTION_PARAMETERS,Backup-ADDatabase'
            PlainName = 'ADDatabaseBackup.DESTINATION_NAME_MISMATCH,Backup-ADDatabase'; AgeName = 'ADDatabaseBackup.DESTINATION_NAME_MISMATCH,Backup-ADDatabase'
            NotAKey = 'ParameterArgumentValidationError,Backup-ADDatabase'
        }
        foreach ($name in $expected.Keys) {
            $o.$name.FullyQualifiedErrorId | Should -Be $expected[$name] -Because $name
            $o.$name.CategoryInfo.Category | Should -Be $(if ($name -eq 'NotAKey') { 'InvalidData' } else { 'InvalidArgument' }) -Because $name
        }
        $o.File.Name | Should -Be 'file.tar.gz.age'
        $o.File.Compression | Should -Be 'gzip'
        # The name rule is adbackup's: its refusal comes back as the ErrorRecord, with the advice, and nothing is written.
        $o.PlainName.Exception.Data['Code'] | Should -Be 'DESTINATION_NAME_MISMATCH'
        $o.PlainName.Exception.Data['Category'] | Should -Be 'InvalidRequest'
        $o.PlainName.Exception.Data['ExitCode'] | Should -Be 2
        $o.PlainName.TargetObject | Should -Be (Join-Path $out 'x.tar.zst')
        $o.PlainName.ErrorDetails.RecommendedAction | Should -Match '\.age when encrypted'
        Test-Path -LiteralPath (Join-Path $out 'x.tar.zst'), (Join-Path $out 'x.tar.zst.age') | Should -Be @($false, $false)

        # The requests: the passphrase is in them (adbackup needs it), in the schema's stdin form, and nowhere else.
        $captured = @(Get-RecordedRequest $rec)
        @($captured.command) | Should -Be @('backup', 'verify', 'verify', 'restore', 'restore', 'backup', 'backup', 'backup')
        foreach ($c in $captured) {
            @($c.argv) | Should -Be @($c.command, '--progress')
            $c.valid | Should -BeTrue -Because "$($c.command): $($c.schemaErrors | ConvertTo-Json -Compress -Depth 9)"
        }
        $captured[0].request.encryption.passphrase.value | Should -BeExactly $passphrase -Because 'escaped correctly: the JSON parses back to the exact passphrase'
        $captured[0].request.encryption.workFactor | Should -Be 12
        $captured[1].request.decryption.passphrase.value | Should -BeExactly $passphrase
        $captured[2].request.decryption.passphrase.value | Should -BeExactly 'not the passphrase'
        $captured[4].request.decryption.passphrase.value | Should -BeExactly $passphrase
        ($captured[5].request.destination | ConvertTo-Json -Compress) | Should -Be (ConvertTo-Json -Compress @{ path = (Join-Path $out 'x.tar.zst') }) -Because 'the name is checked by adbackup, not by the module'
        $captured[6].request.PSObject.Properties['encryption'] | Should -BeNullOrEmpty
        $captured[7].request.encryption.workFactor | Should -Be 10
        $captured[7].request.PSObject.Properties['compression'] | Should -BeNullOrEmpty -Because 'adbackup takes the compression from the name'

        # Every stream and object the runspace produced: no trace of the passphrase (its unique part, raw or escaped).
        $everything = @([System.Management.Automation.PSSerializer]::Serialize($r.Output, 6)) + @($r.Error | Out-String) + $r.Warning + $r.Verbose + $r.Debug + @($r.Information | ForEach-Object { "$($_.MessageData)" })
        ($everything -join "`n").Contains($marker) | Should -BeFalse -Because 'the passphrase appears in no output stream, error or object'
        $r.Debug | Where-Object { $_.StartsWith('adbackup backup request: ') -and $_.Contains('"passphrase":{"value":"<redacted>"}') } | Should -Not -BeNullOrEmpty
        $r.Debug | Where-Object { $_.StartsWith('adbackup restore request: ') -and $_.Contains('"decryption":{"passphrase":{"value":"<redacted>"}}') } | Should -Not -BeNullOrEmpty
        $r.Verbose | Where-Object { $_.Contains('encrypted (age) with a passphrase') } | Should -Not -BeNullOrEmpty
    }
}

Describe 'New-ADDatabaseBackupKey' {
    It 'makes an age identity file (owner-only) and returns its recipient, which encrypts a backup the file opens; never over an existing file; -WhatIf writes nothing; the secret is in no stream' {
        $folder = New-TestFolder new-key
        $identity = Join-Path $folder 'dc-restore.key'
        $recipients = Join-Path $folder 'dc-restore.recipients'
        $rec = New-Recording
        $r = Use-Environment $rec.Env {
            Invoke-Captured -Variable @{ identity = $identity; recipients = $recipients; folder = $folder } {
                function Get-Caught([scriptblock] $Block) { try { $null = & $Block; $null } catch { $_ } }
                $null = New-ADDatabaseBackupKey -Path (Join-Path $folder 'planned.key') -WhatIf
                [pscustomobject]@{
                    Recipient = New-ADDatabaseBackupKey -Path $identity -RecipientsFile $recipients -Verbose -Debug
                    Again     = Get-Caught { New-ADDatabaseBackupKey -Path $identity }
                }
            }
        }
        $r.Terminating | Should -BeNullOrEmpty
        $o = $r.Output[0]
        $o.Recipient | Should -BeOfType [string]
        $o.Recipient | Should -Match '^age1[0-9a-z]{58}$'
        (Get-Item -LiteralPath $identity).UnixFileMode | Should -Be ([System.IO.UnixFileMode]'UserRead, UserWrite') -Because 'owner-only'
        $text = Get-Content -Raw -LiteralPath $identity
        $text | Should -Match "(?m)^# public key: $($o.Recipient)$"
        $text | Should -Match '(?m)^AGE-SECRET-KEY-1[0-9A-Z]+$'
        (Get-Content -LiteralPath $recipients | Where-Object { $_ -notlike '#*' }) | Should -Be $o.Recipient
        Test-Path -LiteralPath (Join-Path $folder 'planned.key') | Should -BeFalse -Because '-WhatIf writes nothing'
        $o.Again.FullyQualifiedErrorId | Should -Be 'ADDatabaseBackup.DESTINATION_EXISTS,New-ADDatabaseBackupKey'
        $o.Again.CategoryInfo.Category | Should -Be 'ResourceExists'
        Get-Content -Raw -LiteralPath $identity | Should -BeExactly $text -Because 'the existing key is untouched'
        $secret = ([regex]::Match($text, 'AGE-SECRET-KEY-1[0-9A-Z]+')).Value
        $everything = @([System.Management.Automation.PSSerializer]::Serialize($r.Output, 6)) + @($r.Error | Out-String) + $r.Warning + $r.Verbose + $r.Debug + @($r.Information | ForEach-Object { "$($_.MessageData)" })
        ($everything -join "`n").Contains($secret) | Should -BeFalse -Because 'the private key goes to the file alone'
        $captured = @(Get-RecordedRequest $rec)
        @($captured.command) | Should -Be @('keygen', 'keygen')
        foreach ($c in $captured) { $c.valid | Should -BeTrue; @($c.argv) | Should -Be @('keygen', '--progress') }

        $out = New-TestFolder keyed
        $b = Backup-ADDatabase -Path $out -SourcePath $dsa.dir -ComputerName DC01 -Recipient $o.Recipient -ErrorAction Stop
        (Test-ADDatabaseBackup -LiteralPath $b.Path -IdentityFile $identity).IsValid | Should -BeTrue
    }
}
