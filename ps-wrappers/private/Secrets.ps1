function ConvertTo-ADBRequestJson {
    <#
    .SYNOPSIS
    The request as JSON, every SecureString in it replaced by a placeholder token.
    .DESCRIPTION
    A request may carry secrets (a -Passphrase) as SecureString values, e.g. encryption.passphrase.value. They are
    never converted here: each becomes a random token (a string no request holds otherwise), so the JSON can be
    shown in the debug stream with the tokens redacted, and Write-ADBRequest puts the secret in place of its token
    only while writing the bytes to adbackup's standard input. Returns an object with Json (with tokens), DebugText
    (tokens replaced by '<redacted>') and Secrets (token -> SecureString).
    .PARAMETER Request
    The request: dictionaries, arrays and scalar values; SecureString values are secrets.
    #>
    [CmdletBinding()]
    [OutputType([System.Management.Automation.PSObject])]
    param([Parameter(Mandatory)] [System.Collections.IDictionary] $Request)

    $secrets = [ordered]@{}
    $prefix = "adb-secret-$([System.Guid]::NewGuid().ToString('N'))-"
    $copy = {
        param($value)
        if ($value -is [System.Security.SecureString]) {
            $token = "$prefix$($secrets.Count)"
            $secrets[$token] = $value
            return $token
        }
        if ($value -is [System.Collections.IDictionary]) {
            $dictionary = [ordered]@{}
            foreach ($key in $value.Keys) { $dictionary[$key] = & $copy $value[$key] }
            return $dictionary
        }
        if ($value -is [System.Array]) {
            return , [object[]]@(foreach ($item in $value) { & $copy $item })
        }
        $value
    }
    $shape = & $copy $Request
    $json = ConvertTo-Json -InputObject $shape -Depth 12 -Compress
    $debugText = $json
    foreach ($token in $secrets.Keys) { $debugText = $debugText.Replace($token, '<redacted>') }
    [pscustomobject]@{ Json = $json; DebugText = $debugText; Secrets = $secrets }
}

function Write-ADBRequest {
    <#
    .SYNOPSIS
    Writes a request (from ConvertTo-ADBRequestJson) to a stream as UTF-8, each secret in place of its token.
    .DESCRIPTION
    A secret is turned into plain text only here, at the last moment, and never into a .NET string: its characters
    are read from an unmanaged BSTR into a char array, JSON-escaped, encoded into a byte array and written; the
    arrays are cleared and the BSTR zeroed and freed (Marshal.ZeroFreeBSTR) right after, also when the write fails.
    Works on Windows PowerShell 5.1 and PowerShell 7.
    .PARAMETER Stream
    The child process's standard input stream.
    .PARAMETER Request
    The object ConvertTo-ADBRequestJson returned.
    #>
    [CmdletBinding()]
    [OutputType([void])]
    param(
        [Parameter(Mandatory)] [System.IO.Stream] $Stream,
        [Parameter(Mandatory)] [System.Management.Automation.PSObject] $Request
    )

    $utf8 = [System.Text.UTF8Encoding]::new($false)
    $rest = $Request.Json
    while ($rest.Length -gt 0) {
        $next = -1
        $nextToken = $null
        foreach ($token in $Request.Secrets.Keys) {
            $at = $rest.IndexOf($token, [System.StringComparison]::Ordinal)
            if ($at -ge 0 -and ($next -lt 0 -or $at -lt $next)) { $next = $at; $nextToken = $token }
        }
        if ($next -lt 0) {
            $bytes = $utf8.GetBytes($rest)
            $Stream.Write($bytes, 0, $bytes.Length)
            break
        }
        $bytes = $utf8.GetBytes($rest.Substring(0, $next))
        $Stream.Write($bytes, 0, $bytes.Length)
        Write-ADBSecretText -Stream $Stream -Secret $Request.Secrets[$nextToken]
        $rest = $rest.Substring($next + $nextToken.Length)
    }
    $Stream.Flush()
}

function Write-ADBSecretText {
    <#
    .SYNOPSIS
    Writes one SecureString's characters, JSON-escaped, as UTF-8 to a stream; no plain-text string is made.
    .PARAMETER Stream
    The stream.
    .PARAMETER Secret
    The SecureString.
    #>
    [CmdletBinding()]
    [OutputType([void])]
    param([Parameter(Mandatory)] [System.IO.Stream] $Stream, [Parameter(Mandatory)] [System.Security.SecureString] $Secret)

    $marshal = [System.Runtime.InteropServices.Marshal]
    $bstr = [System.IntPtr]::Zero
    $chars = $null
    $bytes = $null
    try {
        $bstr = $marshal::SecureStringToBSTR($Secret)
        $length = $Secret.Length
        # Worst case: every character escaped as \uXXXX.
        $chars = [char[]]::new(6 * $length)
        $n = 0
        for ($i = 0; $i -lt $length; $i++) {
            $c = [char][uint16]($marshal::ReadInt16($bstr, 2 * $i) -band 0xFFFF)
            if ($c -eq [char]'"' -or $c -eq [char]'\') {
                $chars[$n++] = [char]'\'
                $chars[$n++] = $c
            } elseif ([int]$c -lt 0x20) {
                $hex = '{0:x4}' -f [int]$c
                $chars[$n++] = [char]'\'
                $chars[$n++] = [char]'u'
                foreach ($h in $hex.ToCharArray()) { $chars[$n++] = $h }
            } else {
                $chars[$n++] = $c
            }
            $c = [char]0
        }
        $bytes = [System.Text.UTF8Encoding]::new($false).GetBytes($chars, 0, $n)
        $Stream.Write($bytes, 0, $bytes.Length)
    } finally {
        if ($null -ne $chars) { [System.Array]::Clear($chars, 0, $chars.Length) }
        if ($null -ne $bytes) { [System.Array]::Clear($bytes, 0, $bytes.Length) }
        if ($bstr -ne [System.IntPtr]::Zero) { $marshal::ZeroFreeBSTR($bstr) }
    }
}

function Test-ADBSecureString {
    <#
    .SYNOPSIS
    Whether a SecureString holds at least one character (an empty passphrase is refused before adbackup runs).
    .PARAMETER Secret
    The SecureString, or $null.
    #>
    [CmdletBinding()]
    [OutputType([bool])]
    param([AllowNull()] [System.Security.SecureString] $Secret)

    $null -ne $Secret -and $Secret.Length -gt 0
}

function New-ADBDecryptionRequest {
    <#
    .SYNOPSIS
    The request's 'decryption' object from -IdentityFile and -Passphrase, or $null when neither is given.
    .DESCRIPTION
    The identity file is sent as its absolute path (adbackup reads it); the passphrase stays a SecureString in
    decryption.passphrase.value until Invoke-ADBExecutable writes the request to adbackup's standard input. An empty
    passphrase stops the cmdlet (ENCRYPTION_PARAMETERS).
    .PARAMETER Cmdlet
    The calling cmdlet ($PSCmdlet): resolves the path and throws the error.
    .PARAMETER IdentityFile
    The age identity file, or empty.
    .PARAMETER Passphrase
    The passphrase, or $null.
    .PARAMETER PassphraseGiven
    Whether -Passphrase was given at all ($PSBoundParameters.ContainsKey('Passphrase')).
    #>
    [CmdletBinding()]
    [OutputType([System.Collections.Specialized.OrderedDictionary])]
    param(
        [Parameter(Mandatory)] [System.Management.Automation.PSCmdlet] $Cmdlet,
        [AllowEmptyString()] [AllowNull()] [string] $IdentityFile,
        [AllowNull()] [System.Security.SecureString] $Passphrase,
        [switch] $PassphraseGiven
    )

    if (-not $IdentityFile -and -not $PassphraseGiven) { return $null }
    if ($PassphraseGiven -and -not (Test-ADBSecureString -Secret $Passphrase)) {
        $Cmdlet.ThrowTerminatingError((New-ADBErrorRecord -Code 'ENCRYPTION_PARAMETERS' -Message 'The -Passphrase is empty.' -TargetObject $null `
                    -ErrorCategory ([System.Management.Automation.ErrorCategory]::InvalidArgument)))
    }
    $decryption = [ordered]@{}
    if ($IdentityFile) { $decryption['identityFile'] = Resolve-ADBOutputPath -Cmdlet $Cmdlet -Path $IdentityFile }
    if ($PassphraseGiven) { $decryption['passphrase'] = [ordered]@{ value = $Passphrase } }
    $decryption
}

function Set-ADBOwnerOnlyAccess {
    <#
    .SYNOPSIS
    On Windows: a file's permissions become full control for the current user alone (inheritance removed).
    .DESCRIPTION
    adbackup creates key files with mode 0600, which Windows ignores; the file inherits its folder's permissions.
    This replaces them, as an identity file (a private key) must be readable by its owner only.
    .PARAMETER Path
    The file.
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory)] [string] $Path)

    $user = [System.Security.Principal.WindowsIdentity]::GetCurrent().User
    $acl = [System.Security.AccessControl.FileSecurity]::new()
    $acl.SetAccessRuleProtection($true, $false)
    $acl.SetOwner($user)
    $acl.AddAccessRule([System.Security.AccessControl.FileSystemAccessRule]::new($user, 'FullControl', 'Allow'))
    # Set-Acl: FileInfo.SetAccessControl is not an instance method on .NET (Core), only in Windows PowerShell 5.1.
    Set-Acl -LiteralPath $Path -AclObject $acl
}
