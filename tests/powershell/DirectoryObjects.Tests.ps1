# Get-ADDatabaseObject and Compare-ADDatabaseBackup in real pwsh against the Linux adbackup executable, on the
# Windows Server 2012 R2 ntds.dit template (its schema under CN=Schema,O=Boot) and on a copy of it whose schema
# attribute values a test rewrote in place (tests/ad/rewrite.ts: "User" becomes "resU", the pages sealed again).
BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot 'support/TestSupport.psm1') -Force
    $fixture = [System.IO.Path]::Combine((Get-TestPath).Root, '..', 'shared', 'fixtures', 'ntds-2012r2.dit.gz')
    # Like the ava suites: without the shared fixture the tests are skipped, unless CI is set.
    $script:skip = -not (Test-Path -LiteralPath $fixture) -and -not $env:CI
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'support/TestSupport.psm1') -Force
    Assert-ModuleBuilt
    $script:p = Get-TestPath
    Import-Module $p.Manifest -Force -ErrorAction Stop
    $script:pair = Invoke-Fixture ntds-pair (New-TestFolder ntds)
    $script:schema = @{ SearchBase = 'CN=Schema,O=Boot' }
}

AfterAll {
    Remove-TestWork
}

Describe 'Get-ADDatabaseObject' -Skip:$skip {
    It 'finds the cn attribute (RDN Common-Name) by base, class and name, as an ADDatabaseBackup.DirectoryObject' {
        $found = @(Get-ADDatabaseObject -Path $pair.reference @schema -ObjectClass attributeSchema -Name 'Common-Name' -Properties lDAPDisplayName, attributeID -ErrorAction Stop)
        $found.Count | Should -Be 1
        $cn = $found[0]
        $cn.PSObject.TypeNames[0] | Should -Be 'ADDatabaseBackup.DirectoryObject'
        $cn.distinguishedName | Should -Be 'CN=Common-Name,CN=Schema,O=Boot'
        $cn.lDAPDisplayName | Should -Be 'cn'
        $cn.attributeID | Should -Be '2.5.4.3'
        @($cn.objectClass) | Should -Be @('attributeSchema', 'top')
        $cn.whenChanged | Should -BeOfType [datetime]
        $cn.objectGUID | Should -Match '^[0-9a-f-]{36}$'
        $cn.PSObject.Properties.Name | Should -Not -Contain 'adminDisplayName' -Because 'only the default attributes and -Properties'
    }

    It 'wildcards in -Name; the table view shows distinguishedName, the most specific objectClass and whenChanged' {
        $users = @(Get-ADDatabaseObject -Path $pair.reference @schema -ObjectClass attributeSchema -Name 'user*' -ErrorAction Stop)
        $users.Count | Should -Be 12
        $table = ($users | Select-Object -First 2 | Format-Table | Out-String -Width 200)
        $table | Should -Match 'distinguishedName\s+objectClass\s+whenChanged'
        $table | Should -Match 'CN=User-Account-Control,CN=Schema,O=Boot\s+attributeSchema\s+\d{4}-\d\d-\d\d \d\d:\d\d'
        $dsa = Get-ADDatabaseObject -Path $pair.reference -SearchBase 'CN=BootMachine,O=Boot' -ErrorAction Stop
        @($dsa.objectClass) | Should -Be @('nTDSDSA', 'applicationSettings', 'top')
        ($dsa | Format-Table | Out-String -Width 200) | Should -Match 'CN=BootMachine,O=Boot\s+nTDSDSA\s'
    }

    It 'pages of 50 give the same objects as one page, in the same order, and every page is fetched' {
        $one = @(Get-ADDatabaseObject -Path $pair.reference @schema -ObjectClass classSchema -ErrorAction Stop)
        $verbose = @(Get-ADDatabaseObject -Path $pair.reference @schema -ObjectClass classSchema -ResultPageSize 50 -Verbose -ErrorAction Stop 4>&1)
        $paged = @($verbose | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] })
        $one.Count | Should -BeGreaterThan 100
        @($paged.distinguishedName) | Should -Be @($one.distinguishedName)
        $pages = @($verbose | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -match 'page \d+' })
        $pages.Count | Should -Be ([math]::Ceiling($one.Count / 50) + $(if ($one.Count % 50 -eq 0) { 1 } else { 0 }))
    }

    It 'stops early without an error when the pipeline needs no more' {
        $first = @(Get-ADDatabaseObject -Path $pair.reference -ResultPageSize 5 -ErrorVariable e -ErrorAction SilentlyContinue | Select-Object -First 3)
        $first.Count | Should -Be 3
        $e | Should -BeNullOrEmpty
    }

    It 'a damaged database: the objects that can be read, then one DATABASE_FINDINGS error however many pages' {
        $r = @(Get-ADDatabaseObject -Path $pair.damaged -ResultPageSize 500 -ErrorVariable e -ErrorAction SilentlyContinue)
        $r.Count | Should -BeGreaterThan 1000
        $r.Count | Should -BeLessThan 1741 -Because 'the objects of the damaged page are not read'
        $e.Count | Should -Be 1
        $e[0].FullyQualifiedErrorId | Should -Be 'ADDatabaseBackup.DATABASE_FINDINGS,Get-ADDatabaseObject'
        $e[0].CategoryInfo.Category | Should -Be 'InvalidData'
        $e[0].Exception.Message | Should -Match 'fails its checksum'
    }

    It 'a missing file is a non-terminating PATH_NOT_FOUND error' {
        $r = @(Get-ADDatabaseObject -Path (Join-Path $pair.reference 'missing.dit') -ErrorVariable e -ErrorAction SilentlyContinue)
        $r.Count | Should -Be 0
        $e[0].FullyQualifiedErrorId | Should -BeLike 'ADDatabaseBackup.PATH_NOT_FOUND*'
    }
}

Describe 'Compare-ADDatabaseBackup' -Skip:$skip {
    It 'a database compared with itself emits nothing' {
        $r = @(Compare-ADDatabaseBackup -ReferencePath $pair.reference -DifferencePath $pair.reference -ErrorVariable e -ErrorAction SilentlyContinue)
        $r.Count | Should -Be 0
        $e | Should -BeNullOrEmpty
    }

    It 'the rewritten copy: exactly the changed attributes, with reference and difference values' {
        $r = @(Compare-ADDatabaseBackup -ReferencePath $pair.reference -DifferencePath $pair.difference -ErrorAction Stop)
        $r.Count | Should -Be 4
        $r[0].PSObject.TypeNames[0] | Should -Be 'ADDatabaseBackup.DatabaseDifference'
        @($r | ForEach-Object ChangeType | Sort-Object -Unique) | Should -Be @('Changed')
        $got = @($r | Sort-Object DistinguishedName, Attribute | ForEach-Object { '{0}|{1}|{2}|{3}' -f $_.DistinguishedName, $_.Attribute, $_.ReferenceValue, $_.DifferenceValue })
        $got | Should -Be @(
            'CN=Common-Name,CN=Schema,O=Boot|adminDisplayName|Common-Name|emaN-nommoC'
            'CN=Description,CN=Schema,O=Boot|adminDisplayName|Description|noitpircseD'
            'CN=User,CN=Schema,O=Boot|adminDescription|User|resU'
            'CN=User,CN=Schema,O=Boot|adminDisplayName|User|resU'
        )
        $table = ($r | Format-Table | Out-String -Width 200)
        $table | Should -Match 'ChangeType\s+DistinguishedName\s+Attribute\s+ReferenceValue\s+DifferenceValue'
        $table | Should -Match 'Changed\s+CN=User,CN=Schema,O=Boot\s+admin\w+\s+User\s+resU'
    }

    It '-Property narrows the comparison; -IgnoreProperty replaces the default list (empty: compare everything)' {
        $only = @(Compare-ADDatabaseBackup -ReferencePath $pair.reference -DifferencePath $pair.difference -Property adminDescription -ErrorAction Stop)
        @($only | ForEach-Object { "$($_.DistinguishedName)|$($_.Attribute)" }) | Should -Be @('CN=User,CN=Schema,O=Boot|adminDescription')
        $ignored = @(Compare-ADDatabaseBackup -ReferencePath $pair.reference -DifferencePath $pair.difference -IgnoreProperty adminDisplayName -ErrorAction Stop)
        $ignored.Count | Should -Be 1
        $rec = New-Recording
        $all = Use-Environment $rec.Env {
            @(Compare-ADDatabaseBackup -ReferencePath $pair.reference -DifferencePath $pair.difference -IgnoreProperty @() -ErrorAction Stop)
        }
        $all.Count | Should -Be 4
        $sent = @(Get-RecordedRequest $rec)
        $sent.Count | Should -Be 1
        $sent[0].valid | Should -BeTrue -Because ($sent[0].schemaErrors | ConvertTo-Json -Depth 5)
        @($sent[0].request.ignore).Count | Should -Be 0 -Because 'an empty list, not the default one (@($null) would count 1)'
        $sent[0].request.PSObject.Properties.Name | Should -Contain 'ignore'
    }

    It 'the requests it and Get-ADDatabaseObject send match the request schemas' {
        $rec = New-Recording
        Use-Environment $rec.Env {
            $null = Compare-ADDatabaseBackup -ReferencePath $pair.reference -DifferencePath $pair.difference -Property description -ErrorAction Stop
            $null = Get-ADDatabaseObject -Path $pair.reference @schema -Name 'User*' -IncludeDeleted -ChangedSinceUsn 5 -Properties '*' -ResultPageSize 10 -ErrorAction Stop
        }
        $sent = @(Get-RecordedRequest $rec)
        @($sent.command | Sort-Object -Unique) | Should -Be @('compare', 'objects')
        foreach ($s in $sent) { $s.valid | Should -BeTrue -Because "$($s.command): $($s.schemaErrors | ConvertTo-Json -Depth 5)" }
        $objects = @($sent | Where-Object command -EQ 'objects')
        $objects.Count | Should -BeGreaterThan 1 -Because 'paged by 10'
        $objects[0].request.deleted | Should -Be 'include'
        $objects[0].request.changedSinceUsn | Should -Be 5
        $objects[1].request.cursor | Should -Match '^dnt:\d+$'
    }

    It 'a damaged side: the differences that can be read (its unread objects as deleted), and DATABASE_FINDINGS for it' {
        $r = @(Compare-ADDatabaseBackup -ReferencePath $pair.reference -DifferencePath $pair.damaged -ErrorVariable e -ErrorAction SilentlyContinue)
        @($r | Where-Object ChangeType -EQ 'Deleted' | ForEach-Object Detail | Sort-Object -Unique) | Should -Be @('gone')
        $e.Count | Should -Be 1
        $e[0].FullyQualifiedErrorId | Should -Be 'ADDatabaseBackup.DATABASE_FINDINGS,Compare-ADDatabaseBackup'
        $e[0].TargetObject | Should -Be $pair.damaged
    }

    It 'a missing side is a non-terminating error and nothing is compared' {
        $r = @(Compare-ADDatabaseBackup -ReferencePath $pair.reference -DifferencePath (Join-Path $pair.reference 'missing.dit') -ErrorVariable e -ErrorAction SilentlyContinue)
        $r.Count | Should -Be 0
        $e[0].FullyQualifiedErrorId | Should -BeLike 'ADDatabaseBackup.PATH_NOT_FOUND*'
    }
}

Describe 'Backup archives as the source' -Skip:$skip {
    BeforeAll {
        # The template backed up through the module twice: plain tar.zst, and encrypted to a new age key.
        $script:dsa = New-SyntheticDsa
        Copy-Item -LiteralPath $pair.reference -Destination (Join-Path $dsa.dir 'ntds.dit') -Force
        $identityFile = Join-Path (New-TestFolder keys) 'key.txt'
        $answer = ConvertTo-Json -Compress @{ identityFile = $identityFile } | & $p.RealExe keygen | ConvertFrom-Json
        $script:key = $identityFile
        $common = @{ SourcePath = $dsa.dir; ComputerName = 'DC01'; OriginalDatabasePath = 'C:\Windows\NTDS\ntds.dit'; OriginalLogPath = 'C:\Windows\NTDS'; ErrorAction = 'Stop'; WarningAction = 'SilentlyContinue' }
        $script:plain = (Backup-ADDatabase -Path (New-TestFolder plain) @common).Path
        $script:sealed = (Backup-ADDatabase -Path (New-TestFolder sealed) -Recipient $answer.recipient @common).Path
    }

    It 'Get-ADDatabaseObject reads an archive (plain, and encrypted with -IdentityFile) as it reads the file' {
        $fromFile = @(Get-ADDatabaseObject -Path $pair.reference @schema -ObjectClass attributeSchema -Name 'user*' -ErrorAction Stop)
        $fromPlain = @(Get-ADDatabaseObject -LiteralPath $plain @schema -ObjectClass attributeSchema -Name 'user*' -ErrorAction Stop)
        $fromSealed = @(Get-ADDatabaseBackup -LiteralPath $sealed | Get-ADDatabaseObject @schema -ObjectClass attributeSchema -Name 'user*' -IdentityFile $key -ErrorAction Stop)
        $fromFile.Count | Should -Be 12
        @($fromPlain.distinguishedName) | Should -Be @($fromFile.distinguishedName)
        @($fromSealed.objectGUID) | Should -Be @($fromFile.objectGUID)
    }

    It 'an encrypted archive without a key: a non-terminating ARCHIVE_ENCRYPTED error, no objects' {
        $r = @(Get-ADDatabaseObject -LiteralPath $sealed -ErrorVariable e -ErrorAction SilentlyContinue)
        $r.Count | Should -Be 0
        $e[0].FullyQualifiedErrorId | Should -BeLike 'ADDatabaseBackup.ARCHIVE_ENCRYPTED*'
    }

    It 'Compare-ADDatabaseBackup: an encrypted archive against the plain one emits nothing; against the rewritten file, the changes' {
        $same = @(Compare-ADDatabaseBackup -ReferencePath $sealed -DifferencePath $plain -IdentityFile $key -ErrorVariable e -ErrorAction SilentlyContinue)
        $same.Count | Should -Be 0
        $e | Should -BeNullOrEmpty
        $changed = @(Compare-ADDatabaseBackup -ReferencePath $sealed -DifferencePath $pair.difference -IdentityFile $key -ErrorAction Stop)
        $changed.Count | Should -Be 4
        @($changed | ForEach-Object ChangeType | Sort-Object -Unique) | Should -Be @('Changed')
    }

    It 'Test-ADDatabaseBackup -Deep: the logical check passes and names the DC; without -Deep nothing is checked deeper' {
        $deep = Test-ADDatabaseBackup -LiteralPath $sealed -IdentityFile $key -Deep -ErrorAction Stop
        $deep.IsValid | Should -BeTrue
        $deep.DeepChecked | Should -BeTrue
        @($deep.DeepFindings).Count | Should -Be 0
        $deep.Identity.dsaDn | Should -Be 'CN=BootMachine,O=Boot'
        $shallow = Test-ADDatabaseBackup -LiteralPath $plain -ErrorAction Stop
        $shallow.DeepChecked | Should -BeFalse
        $shallow.Identity | Should -BeNullOrEmpty
    }
}
