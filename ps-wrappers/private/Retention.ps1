# Output objects and warnings of the retention and monitoring cmdlets (Remove-ADDatabaseBackup,
# Get-ADDatabaseBackupStatus), built from adbackup prune / status documents. Marshalling only: the rules and
# verdicts are adbackup's.

function Add-ADBFolderScope {
    <#
    .SYNOPSIS
    Adds what prune and status requests share to a request: which DCs, subfolders, and how deep the newest backups
    are checked (-Verify: the full check, with the key of encrypted archives).
    .PARAMETER Cmdlet
    The calling cmdlet ($PSCmdlet).
    .PARAMETER Request
    The request being built (changed in place).
    .PARAMETER ComputerName
    Only these DCs.
    .PARAMETER Recurse
    Also the backups in subfolders.
    .PARAMETER Verify
    The full check instead of the default.
    .PARAMETER IdentityFile
    With -Verify: the age identity file.
    .PARAMETER Passphrase
    With -Verify: the passphrase.
    .PARAMETER PassphraseGiven
    Whether -Passphrase was bound (an empty SecureString is refused rather than ignored).
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] [System.Management.Automation.PSCmdlet] $Cmdlet,
        [Parameter(Mandatory)] [System.Collections.IDictionary] $Request,
        [string[]] $ComputerName,
        [switch] $Recurse,
        [switch] $Verify,
        [string] $IdentityFile,
        [securestring] $Passphrase,
        [switch] $PassphraseGiven
    )
    if ($ComputerName) { $Request['computers'] = [string[]]$ComputerName }
    if ($Recurse) { $Request['recurse'] = $true }
    if ($Verify) {
        $Request['check'] = 'full'
        $decryption = New-ADBDecryptionRequest -Cmdlet $Cmdlet -IdentityFile $IdentityFile -Passphrase $Passphrase -PassphraseGiven:$PassphraseGiven
        if ($null -ne $decryption) { $Request['decryption'] = $decryption }
    }
}

function Write-ADBPruneWarning {
    <#
    .SYNOPSIS
    Warns about each DC of a prune result without a good backup (nothing of it is protected).
    .PARAMETER Result
    adbackup prune's result.
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory)] [object] $Result)
    foreach ($c in @(Get-ADBMember $Result 'computers')) {
        $w = Get-ADBMember $c 'warning'
        if ($w) { Write-Warning -Message $w }
    }
}

function New-ADBPruneItem {
    <#
    .SYNOPSIS
    ADDatabaseBackup.PruneItem from one item of adbackup prune's result.
    .PARAMETER Item
    One element of the result's items.
    #>
    [CmdletBinding()]
    [OutputType([System.Management.Automation.PSObject])]
    param([Parameter(Mandatory)] [object] $Item)

    $action = [string](Get-ADBMember $Item 'action')
    $reasons = [string[]]@(Get-ADBMember $Item 'reasons')
    # Only a plan that was not carried out (nothing confirmed) has would-remove items: nothing was removed.
    if ($action -eq 'would-remove') {
        $action = 'kept'
        $reasons = [string[]]($reasons + 'not-confirmed')
    }
    $archive = [string](Get-ADBMember $Item 'archive')
    $failure = Get-ADBMember $Item 'error'
    $p = [ordered]@{
        Action       = $action.Substring(0, 1).ToUpperInvariant() + $action.Substring(1)
        ComputerName = Get-ADBMember $Item 'computer'
        CreatedAt    = ConvertTo-ADBDateTime (Get-ADBMember $Item 'createdAt')
        ExpiresAt    = ConvertTo-ADBDateTime (Get-ADBMember $Item 'expiresAt')
        Name         = [System.IO.Path]::GetFileName($archive)
        Path         = $archive
        SidecarPath  = Get-ADBMember $Item 'sidecar'
        Size         = Get-ADBMember $Item 'size'
        Reasons      = $reasons
        Error        = if ($failure) { '{0}: {1}' -f (Get-ADBMember $failure 'code'), (Get-ADBMember $failure 'message') } else { $null }
    }
    New-ADBObject -TypeName 'ADDatabaseBackup.PruneItem' -Property $p
}

function New-ADBBackupStatus {
    <#
    .SYNOPSIS
    ADDatabaseBackup.BackupStatus from one DC of adbackup status's result.
    .PARAMETER Computer
    One element of the result's computers.
    .PARAMETER Folder
    The folder the status is of.
    #>
    [CmdletBinding()]
    [OutputType([System.Management.Automation.PSObject])]
    param([Parameter(Mandatory)] [object] $Computer, [Parameter(Mandatory)] [string] $Folder)

    $newest = Get-ADBMember $Computer 'newest'
    $good = Get-ADBMember $Computer 'newestGood'
    $p = [ordered]@{
        ComputerName        = Get-ADBMember $Computer 'computer'
        Verdict             = Get-ADBMember $Computer 'verdict'
        Reasons             = [string[]]@(Get-ADBMember $Computer 'reasons')
        NewestGoodBackup    = if ($good) { Get-ADBMember $good 'archive' } else { $null }
        NewestGoodCreatedAt = if ($good) { ConvertTo-ADBDateTime (Get-ADBMember $good 'createdAt') } else { $null }
        AgeDays             = if ($good) { Get-ADBMember $good 'ageDays' } else { $null }
        DaysLeft            = if ($good) { Get-ADBMember $good 'daysLeft' } else { $null }
        NewestBackup        = if ($newest) { Get-ADBMember $newest 'archive' } else { $null }
        NewestIsGood        = if ($newest) { Get-ADBMember $newest 'good' } else { $null }
        NewestProblem       = if ($newest) { Get-ADBMember $newest 'problem' } else { $null }
        BackupCount         = Get-ADBMember $Computer 'backups'
        Folder              = $Folder
    }
    New-ADBObject -TypeName 'ADDatabaseBackup.BackupStatus' -Property $p
}

function Add-ADBRetentionOutcome {
    <#
    .SYNOPSIS
    Adds RemovedBackups to a BackupResult from the retention its backup ran (Invoke-ADBExecutable has shown the
    warnings of what the retention could not do; the backup itself stands).
    .PARAMETER Result
    The ADDatabaseBackup.BackupResult.
    .PARAMETER Response
    adbackup backup's result (with its retention).
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory)] [object] $Result, [Parameter(Mandatory)] [object] $Response)

    $retention = Get-ADBMember $Response 'retention'
    $removed = @(Get-ADBMember $retention 'items' | Where-Object { (Get-ADBMember $_ 'action') -eq 'removed' } | ForEach-Object { [string](Get-ADBMember $_ 'archive') })
    foreach ($a in $removed) { Write-Verbose -Message "Retention removed $a and its sidecar." }
    $Result.PSObject.Properties.Add([System.Management.Automation.PSNoteProperty]::new('RemovedBackups', [string[]]$removed))
}
