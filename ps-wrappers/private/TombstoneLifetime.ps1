function Get-ADBTombstoneLifetime {
    <#
    .SYNOPSIS
    The forest's tombstone lifetime in days, read from Active Directory, or $null when it cannot be read.
    .DESCRIPTION
    The tombstoneLifetime attribute of CN=Directory Service,CN=Windows NT,CN=Services,<configuration naming
    context>: through the ActiveDirectory module when it is loaded or installed, else through [adsi] (LDAP
    RootDSE). An unset attribute means 60 days (forests created before Windows Server 2003 SP1). Off Windows, or when
    the directory cannot be reached, $null: the caller then leaves the shelf life to adbackup's default of 180 days.
    On Windows that default is a warning: a forest with a shorter lifetime would get backups that look usable for
    longer than they are.
    .PARAMETER Cmdlet
    The calling cmdlet ($PSCmdlet), for verbose messages.
    #>
    [CmdletBinding()]
    [OutputType([System.Nullable[int]])]
    param([Parameter(Mandatory)] [System.Management.Automation.PSCmdlet] $Cmdlet)

    if (-not $script:ADBOnWindows) {
        Write-Verbose -Message ('Not on Windows: the tombstone lifetime is not read from Active Directory (adbackup assumes 180 days unless -TombstoneLifetimeDays is given).')
        return $null
    }
    $value = $null
    $read = $false
    try {
        $adModule = Get-Module -Name ActiveDirectory
        if (-not $adModule -and (Get-Module -Name ActiveDirectory -ListAvailable)) {
            $adModule = Import-Module -Name ActiveDirectory -PassThru -ErrorAction Stop -Verbose:$false
        }
        if ($adModule) {
            $configuration = Get-ADBMember (& 'ActiveDirectory\Get-ADRootDSE') 'configurationNamingContext'
            $ds = & 'ActiveDirectory\Get-ADObject' -Identity "CN=Directory Service,CN=Windows NT,CN=Services,$configuration" -Properties tombstoneLifetime
            $value = Get-ADBMember $ds 'tombstoneLifetime'
            $read = $true
            $how = 'the ActiveDirectory module'
        } else {
            $rootDse = [adsi]'LDAP://RootDSE'
            $configuration = [string]$rootDse.Properties['configurationNamingContext'].Value
            if ($configuration) {
                $ds = [adsi]"LDAP://CN=Directory Service,CN=Windows NT,CN=Services,$configuration"
                $value = $ds.Properties['tombstoneLifetime'].Value
                $read = $true
                $how = '[adsi]'
            }
        }
    } catch {
        Write-Warning -Message ("The tombstone lifetime could not be read from Active Directory ($($_.Exception.Message)); adbackup assumes 180 days. Give -TombstoneLifetimeDays to set it.")
        return $null
    }
    if (-not $read) {
        Write-Warning -Message ('No Active Directory forest reachable: adbackup assumes a tombstone lifetime of 180 days. Give -TombstoneLifetimeDays to set it.')
        return $null
    }
    if ($null -eq $value -or "$value" -eq '') {
        Write-Verbose -Message ("tombstoneLifetime is not set in the forest (read through $how): 60 days applies.")
        return 60
    }
    Write-Verbose -Message ("The forest's tombstone lifetime is $value days (read through $how).")
    [int]$value
}
