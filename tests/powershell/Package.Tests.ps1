# The NuGet packages of `npm run package` (scripts/package-module.ts) as an admin uses them: a folder repository,
# Register-PSResourceRepository + Install-PSResource (PSResourceGet) and Register-PSRepository + Install-Module
# (PowerShellGet 2.x), Import-Module by name, a cmdlet on a synthetic DSA. The installs run in child pwsh processes
# whose HOME is a temp folder, so the CurrentUser scope and the repository lists they write are the test's own.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'support/TestSupport.psm1') -Force
    Assert-ModuleBuilt
    $script:p = Get-TestPath
    $script:manifest = Import-PowerShellDataFile -LiteralPath $p.Manifest
    $script:version = $manifest.ModuleVersion
    Add-Type -AssemblyName System.IO.Compression.FileSystem

    # The packages of this build: written now if missing or out of date (kept otherwise, in about a second).
    $node = if ($env:ADB_TEST_NODE) { $env:ADB_TEST_NODE } else { 'node' }
    $out = & $node (Join-Path $p.Root 'scripts/package-module.ts') 2>&1
    if ($LASTEXITCODE -ne 0) { throw "scripts/package-module.ts failed ($LASTEXITCODE): $($out -join "`n")" }
    $script:packages = @{}
    foreach ($rid in 'linux-x64', 'win-x64') {
        $packages[$rid] = Join-Path $p.Root "build/packages/$rid/ADDatabaseBackup.$version.nupkg"
    }
    $script:dsa = New-SyntheticDsa

    # A folder repository holding one package (a feed holds one package per id and version).
    function script:New-Feed([string] $Rid) {
        $feed = New-TestFolder "feed-$Rid"
        Copy-Item -LiteralPath $packages[$Rid] -Destination $feed
        $feed
    }
    # The zip entries of a package: name -> uncompressed size.
    function script:Get-PackageEntry([string] $Path) {
        $zip = [System.IO.Compression.ZipFile]::OpenRead($Path)
        try {
            $entries = [ordered]@{}
            foreach ($e in $zip.Entries) { $entries[$e.FullName] = $e.Length }
            $entries
        } finally { $zip.Dispose() }
    }
    # Runs an install script in a child pwsh whose HOME is a new temp folder; returns its last output line as JSON.
    function script:Invoke-Install([string] $Script) {
        $homeDir = New-TestFolder home
        $environment = @{ HOME = $homeDir; ADBACKUP_EXE = ''; PSModulePath = '' }
        $r = Invoke-ChildPwsh "`$ErrorActionPreference = 'Stop'`n$Script" -Environment $environment -NoImport
        if ($r.ExitCode -ne 0) { throw "child pwsh exited $($r.ExitCode):`n$($r.StdOut)`n$($r.StdErr)" }
        $result = (@($r.StdOut -split "`n" | Where-Object { $_.Trim() }))[-1] | ConvertFrom-Json
        $result | Add-Member -NotePropertyName Home -NotePropertyValue $homeDir -PassThru
    }
    # After Import-Module ADDatabaseBackup in a child: where it came from and what Get-ADDatabaseFileInfo says.
    $script:useModule = @"
Import-Module ADDatabaseBackup
`$m = Get-Module ADDatabaseBackup
`$info = @(Get-ADDatabaseFileInfo -Path $(ConvertTo-PsLiteral $dsa.dir))
`$db = Get-ADDatabaseFileInfo -LiteralPath $(ConvertTo-PsLiteral $dsa.databasePath) -Pages
[pscustomobject]@{
    ModuleBase = `$m.ModuleBase; Version = `$m.Version.ToString(); Files = `$info.Count
    Kind = `$db.Kind; State = `$db.State; PageSize = `$db.PageSize; SignDb = `$db.SignDb; CorruptPages = `$db.CorruptPages
    TypeName = `$db.PSTypeNames[0]; Executable = (Get-Item (Join-Path `$m.ModuleBase 'bin/linux-x64/adbackup')).UnixMode
} | ConvertTo-Json -Compress
"@
    function script:Assert-WorkingInstall($r) {
        $r.ModuleBase | Should -Be ([System.IO.Path]::Combine($r.Home, '.local/share/powershell/Modules/ADDatabaseBackup', $version))
        $r.Version | Should -Be $version
        $r.Files | Should -Be @(Get-ChildItem -LiteralPath $dsa.dir).Count
        $r.TypeName | Should -Be 'ADDatabaseBackup.FileInfo'
        $r.Kind | Should -Be 'database'
        $r.State | Should -Be 'Dirty Shutdown'
        $r.PageSize | Should -Be 8192
        $r.SignDb | Should -Match 'Computer:DC01'
        $r.CorruptPages | Should -Be 0
        $r.Executable | Should -Match '^-rwx'
    }
    $script:repository = $null
    # PowerShellGet 2.x, loaded by an elevated user (root), creates its empty AllUsers script folders
    # (<shared>/Scripts/InstalledScriptInfos): removed afterwards when this run made them and they are still empty.
    $script:sharedScripts = if ($IsLinux) { '/usr/local/share/powershell' } else { $null }
    $script:sharedScriptsExisted = $sharedScripts -and (Test-Path -LiteralPath $sharedScripts)
}

AfterAll {
    if ($repository) { Unregister-PSResourceRepository -Name $repository -ErrorAction SilentlyContinue }
    if ($sharedScripts -and -not $sharedScriptsExisted) {
        foreach ($dir in "$sharedScripts/Scripts/InstalledScriptInfos", "$sharedScripts/Scripts", $sharedScripts) {
            if ([System.IO.Directory]::Exists($dir) -and @([System.IO.Directory]::GetFileSystemEntries($dir)).Count -eq 0) {
                [System.IO.Directory]::Delete($dir)
            }
        }
    }
    Remove-TestWork
}

Describe 'The packages of npm run package' {
    It 'each package holds the module and its own platform''s executable only, under the id ADDatabaseBackup' {
        $linux = Get-PackageEntry $packages['linux-x64']
        $win = Get-PackageEntry $packages['win-x64']
        $linux['bin/linux-x64/adbackup'] | Should -Be (Get-Item -LiteralPath $p.RealExe).Length
        $win['bin/win-x64/adbackup.exe'] | Should -Be (Get-Item -LiteralPath (Join-Path $p.Module 'bin/win-x64/adbackup.exe')).Length
        @($linux.Keys | Where-Object { $_ -like 'bin/win-x64/*' }) | Should -BeNullOrEmpty
        @($win.Keys | Where-Object { $_ -like 'bin/linux-x64/*' }) | Should -BeNullOrEmpty
        foreach ($entries in $linux, $win) {
            foreach ($f in $manifest.FileList) { $entries.Contains($f) | Should -BeTrue -Because "FileList names $f" }
            $entries.Contains('ADDatabaseBackup.nuspec') | Should -BeTrue
            $entries.Contains('[Content_Types].xml') | Should -BeTrue
        }
        $zip = [System.IO.Compression.ZipFile]::OpenRead($packages['win-x64'])
        try {
            $reader = [System.IO.StreamReader]::new($zip.GetEntry('ADDatabaseBackup.nuspec').Open())
            [xml] $spec = $reader.ReadToEnd()
            $reader.Dispose()
        } finally { $zip.Dispose() }
        $spec.package.metadata.id | Should -Be 'ADDatabaseBackup'
        $spec.package.metadata.version | Should -Be $version
        $spec.package.metadata.tags -split ' ' | Should -Contain 'PSFunction_Get-ADDatabaseFileInfo'
        $spec.package.metadata.description | Should -Match 'Windows x64 executable only'
    }

    It 'the linux-x64 package: Register-PSResourceRepository, Install-PSResource, Import-Module by name, Get-ADDatabaseFileInfo on a real ESE database' {
        $feed = New-Feed 'linux-x64'
        $r = Invoke-Install @"
Register-PSResourceRepository -Name CorpFeed -Uri $(ConvertTo-PsLiteral $feed) -Trusted
`$found = Find-PSResource -Name ADDatabaseBackup -Repository CorpFeed
if (`$found.Version.ToString() -ne '$version') { throw "found `$(`$found.Version)" }
Install-PSResource -Name ADDatabaseBackup -Repository CorpFeed -Scope CurrentUser
$useModule
"@
        Assert-WorkingInstall $r
    }

    It 'the linux-x64 package: Register-PSRepository, Find-Module -Command, Install-Module (PowerShellGet 2.x), Import-Module by name, Get-ADDatabaseFileInfo' {
        $feed = New-Feed 'linux-x64'
        $r = Invoke-Install @"
Register-PSRepository -Name CorpShare -SourceLocation $(ConvertTo-PsLiteral $feed) -InstallationPolicy Trusted
`$found = Find-Module -Command Get-ADDatabaseFileInfo -Repository CorpShare
if (`$found.Name -ne 'ADDatabaseBackup') { throw "Find-Module -Command found '`$(`$found.Name)'" }
Install-Module -Name ADDatabaseBackup -Repository CorpShare -Scope CurrentUser
$useModule
"@
        Assert-WorkingInstall $r
    }

    It 'the win-x64 package: Publish-PSResource -NupkgPath to a registered folder repository, Save-PSResource saves every file of the module, byte for byte, and no Linux executable' {
        $script:repository = 'ADB-Pester-' + [guid]::NewGuid().ToString('n').Substring(0, 8)
        $feed = New-TestFolder feed-win-x64
        Register-PSResourceRepository -Name $repository -Uri $feed -Trusted
        Publish-PSResource -NupkgPath $packages['win-x64'] -Repository $repository -ErrorAction Stop
        (Get-FileHash -LiteralPath (Join-Path $feed "ADDatabaseBackup.$version.nupkg")).Hash | Should -Be (Get-FileHash -LiteralPath $packages['win-x64']).Hash
        $dest = New-TestFolder saved
        Save-PSResource -Name ADDatabaseBackup -Repository $repository -Path $dest -TrustRepository -ErrorAction Stop
        $saved = Join-Path $dest "ADDatabaseBackup/$version"
        $files = Get-TreeHash $saved
        $files.Remove('PSGetModuleInfo.xml')
        $expected = [ordered]@{}
        foreach ($f in @($manifest.FileList) + @(Get-ChildItem -LiteralPath (Join-Path $p.Module 'bin/win-x64') -Recurse -File |
                    ForEach-Object { $_.FullName.Substring($p.Module.Length + 1).Replace('\', '/') })) {
            $expected[$f] = (Get-FileHash -LiteralPath (Join-Path $p.Module $f) -Algorithm SHA256).Hash
        }
        @($files.Keys | Sort-Object) | Should -Be @($expected.Keys | Sort-Object)
        foreach ($f in $expected.Keys) { $files[$f] | Should -Be $expected[$f] -Because $f }
        (Test-ModuleManifest -Path (Join-Path $saved 'ADDatabaseBackup.psd1') -ErrorAction Stop).Version | Should -Be $version

        # It imports on Linux too, and says what it lacks here rather than failing obscurely.
        $child = Invoke-ChildPwsh -NoImport -Environment @{ ADBACKUP_EXE = '' } @"
Import-Module $(ConvertTo-PsLiteral (Join-Path $saved 'ADDatabaseBackup.psd1')) -ErrorAction Stop
Get-ADDatabaseFileInfo -LiteralPath $(ConvertTo-PsLiteral $dsa.databasePath) -ErrorVariable e -ErrorAction SilentlyContinue
`$e[0].FullyQualifiedErrorId
"@
        $child.StdOut.Trim() | Should -Be 'ADDatabaseBackup.EXECUTABLE_NOT_FOUND,Get-ADDatabaseFileInfo'
    }

    It 'samples/gpo-startup-backup-task.ps1 -PackageSource: installs from the package share at the first start, does nothing at the next, then registers the task' {
        # The sample beside a stand-in for register-nightly-backup-task.ps1 (no scheduled tasks here) that records its
        # call. Its AllUsers scope is a system folder here: the copy installs into the child's HOME (CurrentUser).
        $gpo = New-TestFolder gpo
        $text = Get-Content -Raw -LiteralPath (Join-Path $p.Samples 'gpo-startup-backup-task.ps1')
        $install = '(?m)^(\s+Install-Module [^\r\n]*)-Scope AllUsers'
        ([regex]::Matches($text, $install)).Count | Should -Be 1
        Set-Content -LiteralPath (Join-Path $gpo 'gpo-startup-backup-task.ps1') -Value ($text -replace $install, '$1-Scope CurrentUser')
        Set-Content -LiteralPath (Join-Path $gpo 'register-nightly-backup-task.ps1') -Value @'
param($BackupPath, $At, $KeepDays, $TruncateLogs, $Confirm)
Add-Content -LiteralPath (Join-Path $PSScriptRoot 'registered.txt') -Value "$BackupPath $At $KeepDays"
'@
        $feed = New-Feed 'linux-x64'
        $sample = ConvertTo-PsLiteral (Join-Path $gpo 'gpo-startup-backup-task.ps1')
        $data = New-TestFolder programdata
        # Off Windows, CIM says "a domain controller" through a stand-in.
        $r = Invoke-Install @"
`$env:ProgramData = $(ConvertTo-PsLiteral $data)
function global:Get-CimInstance([string] `$ClassName) { [pscustomobject]@{ DomainRole = 5 } }
`$log = ''
`$codes = foreach (`$run in 1, 2) {
    `$global:LASTEXITCODE = 0
    `$log += & $sample -PackageSource $(ConvertTo-PsLiteral $feed) -BackupPath /share/ad -KeepDays 30 *>&1 | Out-String
    `$LASTEXITCODE
}
[pscustomobject]@{
    Codes = @(`$codes); Installed = @(Get-Module -ListAvailable ADDatabaseBackup | ForEach-Object ModuleBase)
    Repository = (Get-PSRepository -Name ADDatabaseBackupFeed).SourceLocation
    Installing = ([regex]::Matches(`$log, 'Installing ADDatabaseBackup $version from')).Count
    Current = ([regex]::Matches(`$log, 'ADDatabaseBackup $version is installed')).Count
} | ConvertTo-Json -Compress
"@
        @($r.Codes) | Should -Be @(0, 0)
        @($r.Installed) | Should -Be @([System.IO.Path]::Combine($r.Home, '.local/share/powershell/Modules/ADDatabaseBackup', $version))
        $r.Repository | Should -Be $feed
        $r.Installing | Should -Be 1
        $r.Current | Should -Be 1
        @(Get-Content -LiteralPath (Join-Path $gpo 'registered.txt')) | Should -Be @('/share/ad 02:00 30', '/share/ad 02:00 30')
    }
}
