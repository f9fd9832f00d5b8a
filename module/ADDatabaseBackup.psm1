# ADDatabaseBackup: PowerShell cmdlets over the adbackup executable (bin/<rid>/adbackup[.exe] beside this file).
#
# The function files live in ps-wrappers/ in the source tree; `npm run build` copies them into functions/ (public,
# one file per exported cmdlet) and functions/private/ (helpers) beside this file, so the shipped module folder is
# self-contained. Only .NET and engine calls are used to load them (no Get-ChildItem), so the module also loads in
# a bare PowerShell engine host.
Set-StrictMode -Version 3.0

$script:ADBModuleRoot = $PSScriptRoot
# Windows PowerShell 5.1 (Desktop) runs only on Windows; PowerShell 7 says so in $IsWindows. Decides which adbackup
# runs (bin/win-x64 or bin/linux-x64) and whether the forest's tombstone lifetime can be read from AD.
$script:ADBOnWindows = ($PSVersionTable.PSEdition -eq 'Desktop') -or $IsWindows
# Archive file names in a backup folder (work files *.partial and sidecars *.manifest.json do not match); also what
# makes Backup-ADDatabase -Path name the archive file rather than a folder. The names adbackup accepts for a backup.
$script:ADBArchivePattern = '(\.tar(\.zst|\.gz)?|\.tgz)(\.age)?$'

$functionRoot = [System.IO.Path]::Combine($PSScriptRoot, 'functions')
if (-not [System.IO.Directory]::Exists($functionRoot)) {
    throw "ADDatabaseBackup: '$functionRoot' is missing. In a source checkout run 'npm run build' first; otherwise reinstall the module."
}
$privateFiles = [System.IO.Directory]::GetFiles([System.IO.Path]::Combine($functionRoot, 'private'), '*.ps1')
$publicFiles = [System.IO.Directory]::GetFiles($functionRoot, '*.ps1')
[System.Array]::Sort($privateFiles, [System.StringComparer]::Ordinal)
[System.Array]::Sort($publicFiles, [System.StringComparer]::Ordinal)
foreach ($file in @($privateFiles) + @($publicFiles)) {
    . $file
}

# One public function per file, named like the file; the manifest's FunctionsToExport lists the same names.
Export-ModuleMember -Function @($publicFiles | ForEach-Object { [System.IO.Path]::GetFileNameWithoutExtension($_) })
