function New-ADDatabaseBackupKey {
    <#
    .SYNOPSIS
    Makes a key pair for encrypted backups: writes the age identity file (the private key, owner-only) and returns
    its recipient (the public key) for Backup-ADDatabase -Recipient.

    .DESCRIPTION
    New-ADDatabaseBackupKey runs adbackup keygen: a new age X25519 identity is written to -Path as age-keygen writes
    it ('# created', '# public key: age1...', 'AGE-SECRET-KEY-1...'), created exclusively, so an existing file is
    never overwritten (ADDatabaseBackup.DESTINATION_EXISTS). The private key goes to that file alone: the cmdlet
    returns only the public key, and no message, error or object carries the secret.

    The file is readable and writable by its owner only: mode 0600 off Windows; on Windows the cmdlet then replaces
    its inherited permissions with full control for the current user alone. Until that moment the file has the
    folder's permissions, so create it in a folder only administrators can read.

    Keep the identity file offline (the restore needs it: Restore-ADDatabase -IdentityFile); give the DCs' backup
    jobs only the recipient.

    .PARAMETER Path
    The identity file to create. It must not exist yet.

    .PARAMETER RecipientsFile
    Also write the recipient to this new file (one public key, as age -R reads it), e.g. for the backup share.

    .PARAMETER WhatIf
    Shows the file that would be written; writes nothing.

    .PARAMETER Confirm
    Asks before writing.

    .EXAMPLE
    $recipient = New-ADDatabaseBackupKey -Path E:\Keys\ad-restore.key

    Makes the key pair on removable media and keeps the public key in $recipient.

    .EXAMPLE
    New-ADDatabaseBackupKey -Path E:\Keys\ad-restore.key -RecipientsFile \\backup01\ad$\recipients.txt
    Backup-ADDatabase -Path \\backup01\ad$\DC01 -RecipientFile \\backup01\ad$\recipients.txt

    Publishes the recipient beside the backups; the nightly jobs encrypt to it.

    .INPUTS
    None.

    .OUTPUTS
    System.String. The recipient (age1...), the public key Backup-ADDatabase -Recipient takes.

    .NOTES
    Errors: ADDatabaseBackup.DESTINATION_EXISTS (ResourceExists) when -Path or -RecipientsFile exists (nothing is
    written then); IO errors of adbackup (ACCESS_DENIED, FILE_NOT_FOUND for a missing folder, ...).

    .LINK
    Backup-ADDatabase

    .LINK
    Restore-ADDatabase
    #>
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'Low')]
    [OutputType([string])]
    param(
        [Parameter(Mandatory, Position = 0)]
        [ValidateNotNullOrEmpty()]
        [string] $Path,

        [ValidateNotNullOrEmpty()]
        [string] $RecipientsFile
    )

    try {
        $request = [ordered]@{ identityFile = Resolve-ADBOutputPath -Cmdlet $PSCmdlet -Path $Path }
        if ($RecipientsFile) { $request['recipientsFile'] = Resolve-ADBOutputPath -Cmdlet $PSCmdlet -Path $RecipientsFile }
        $what = 'Create an age identity file (a new private key for encrypted backups)'
        if ($RecipientsFile) { $what += " and its recipients file $($request['recipientsFile'])" }
        if (-not $PSCmdlet.ShouldProcess($request['identityFile'], $what)) { return }

        $run = Invoke-ADBExecutable -Cmdlet $PSCmdlet -Command keygen -Request $request -TargetObject $request['identityFile'] -Activity 'Making a key pair'
        if ($run.ErrorRecord) { $PSCmdlet.ThrowTerminatingError($run.ErrorRecord) }
        if ($script:ADBOnWindows) { Set-ADBOwnerOnlyAccess -Path $request['identityFile'] }
        $recipient = [string](Get-ADBMember $run.Result 'recipient')
        Write-Verbose -Message ("Wrote the identity file $($request['identityFile']) (keep it offline: restores need it); its recipient is $recipient.")
        $recipient
    } catch {
        $PSCmdlet.ThrowTerminatingError($_)
    }
}
