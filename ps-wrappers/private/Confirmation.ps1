function Confirm-ADBAction {
    <#
    .SYNOPSIS
    $Cmdlet.ShouldProcess, with a host that cannot prompt turned into ADDatabaseBackup.CONFIRMATION_REQUIRED.
    .DESCRIPTION
    A non-interactive host (pwsh -NonInteractive, a scheduled task, a remoting session without a console) throws
    from ShouldProcess when PowerShell would ask; the raw 'Exception calling "ShouldProcess"' does not say what to
    do. This stops the cmdlet with an InvalidOperation error that tells the script to pass -Confirm:$false.
    .PARAMETER Cmdlet
    The calling cmdlet ($PSCmdlet).
    .PARAMETER Target
    ShouldProcess's target.
    .PARAMETER Action
    ShouldProcess's action.
    #>
    [CmdletBinding()]
    [OutputType([bool])]
    param(
        [Parameter(Mandatory)] [System.Management.Automation.PSCmdlet] $Cmdlet,
        [Parameter(Mandatory)] [string] $Target,
        [Parameter(Mandatory)] [string] $Action
    )

    try {
        return $Cmdlet.ShouldProcess($Target, $Action)
    } catch {
        $inner = $_.Exception
        while ($inner.InnerException) { $inner = $inner.InnerException }
        if ($inner -isnot [System.Management.Automation.PSInvalidOperationException] -and $inner -isnot [System.Management.Automation.Host.HostException]) { throw }
        $name = $Cmdlet.MyInvocation.MyCommand.Name
        $message = "$name asks for confirmation, and this PowerShell host cannot prompt ($($inner.Message)). In scripts and scheduled tasks pass -Confirm:`$false."
        $record = New-ADBErrorRecord -Code 'CONFIRMATION_REQUIRED' -Message $message -TargetObject $Target -Exception $inner `
            -ErrorCategory ([System.Management.Automation.ErrorCategory]::InvalidOperation)
        $record.ErrorDetails = [System.Management.Automation.ErrorDetails]::new($message)
        $record.ErrorDetails.RecommendedAction = "Run $name with -Confirm:`$false (after -WhatIf has shown what it will do)."
        $Cmdlet.ThrowTerminatingError($record)
    }
}
