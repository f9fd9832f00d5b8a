@{
    RootModule           = 'ADDatabaseBackup.psm1'
    ModuleVersion        = '0.1.0'
    GUID                 = 'aa443482-7efe-4dd1-866e-5c50e1cee95c'
    Author               = 'ADDatabaseBackup contributors'
    CompanyName          = 'ADDatabaseBackup contributors'
    Copyright            = '(c) ADDatabaseBackup contributors. MIT License.'
    Description          = 'Backs up and restores an Active Directory domain controller''s database (ntds.dit, transaction logs, checkpoint) the way Microsoft documents it: online through VSS with the NTDS writer or the Directory Backup API, or from a snapshot / IFM folder into one verified archive (tar + zstd), verification of every hash, header and page, and the offline restore in DSRM with the KB 814167 registration. The work is done by the bundled adbackup executable (Windows x64, Linux x64).'
    PowerShellVersion    = '5.1'
    CompatiblePSEditions = @('Desktop', 'Core')
    FunctionsToExport    = @(
        'Backup-ADDatabase'
        'Compare-ADDatabaseBackup'
        'Get-ADDatabaseBackup'
        'Get-ADDatabaseBackupStatus'
        'Get-ADDatabaseFileInfo'
        'Get-ADDatabaseObject'
        'New-ADDatabaseBackupKey'
        'Register-ADDatabaseBackupEventSource'
        'Remove-ADDatabaseBackup'
        'Restore-ADDatabase'
        'Test-ADDatabaseBackup'
        'Test-ADDatabaseRestore'
    )
    CmdletsToExport      = @()
    AliasesToExport      = @()
    VariablesToExport    = @()
    FormatsToProcess     = @('ADDatabaseBackup.Format.ps1xml')
    TypesToProcess       = @('ADDatabaseBackup.Types.ps1xml')
    FileList             = @(
        'ADDatabaseBackup.psd1'
        'ADDatabaseBackup.psm1'
        'ADDatabaseBackup.Format.ps1xml'
        'ADDatabaseBackup.Types.ps1xml'
        'functions/Backup-ADDatabase.ps1'
        'functions/Compare-ADDatabaseBackup.ps1'
        'functions/Get-ADDatabaseBackup.ps1'
        'functions/Get-ADDatabaseBackupStatus.ps1'
        'functions/Get-ADDatabaseFileInfo.ps1'
        'functions/Get-ADDatabaseObject.ps1'
        'functions/New-ADDatabaseBackupKey.ps1'
        'functions/Register-ADDatabaseBackupEventSource.ps1'
        'functions/Remove-ADDatabaseBackup.ps1'
        'functions/Restore-ADDatabase.ps1'
        'functions/Test-ADDatabaseBackup.ps1'
        'functions/Test-ADDatabaseRestore.ps1'
        'functions/private/Confirmation.ps1'
        'functions/private/DirectoryObjects.ps1'
        'functions/private/ErrorRecords.ps1'
        'functions/private/Invoke-ADBExecutable.ps1'
        'functions/private/OutputObjects.ps1'
        'functions/private/Paths.ps1'
        'functions/private/RestoreStatus.ps1'
        'functions/private/Retention.ps1'
        'functions/private/Secrets.ps1'
        'functions/private/TombstoneLifetime.ps1'
    )
    PrivateData          = @{
        PSData = @{
            Tags         = @('ActiveDirectory', 'AD', 'DomainController', 'Backup', 'Restore', 'NTDS', 'ntds.dit', 'ESE', 'DSRM', 'DisasterRecovery', 'Windows', 'Linux', 'PSEdition_Desktop', 'PSEdition_Core')
            ReleaseNotes = @'
0.1.0
- Backup-ADDatabase: online backups through VSS with the NTDS writer (the default on a DC) or the Directory Backup
  API (ntdsbcli.dll), or backups of a snapshot, IFM or offline folder, into one .tar.zst/.tar.gz/.tar archive with SHA256SUMS, a manifest and a sidecar; every page
  checksum and log header checked while reading; shelf life from the forest's tombstone lifetime.
- Test-ADDatabaseBackup: end-to-end verification with page statistics (good, blank, corrupt pages).
- Get-ADDatabaseBackup: backup listing for retention (created, expires, expired, log range, size, DC, label).
- Restore-ADDatabase: offline restore in DSRM (files + KB 814167 registration, or the restore API), -WhatIf plan.
- Get-ADDatabaseFileInfo: esentutl-like header report of ntds.dit, logs and edb.chk, and page checks (-Pages).
- Get-ADDatabaseObject: directory objects of an ntds.dit file, filtered and paged, secrets never read.
- Compare-ADDatabaseBackup: what changed between two ntds.dit files (added, deleted, moved, changed attributes).
- New-ADDatabaseBackupKey: a key pair for encrypted backups (the identity file owner-only, the recipient returned).
'@
        }
    }
}
