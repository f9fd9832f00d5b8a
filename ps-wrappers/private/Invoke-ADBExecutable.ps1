function Get-ADBExecutablePath {
    <#
    .SYNOPSIS
    The adbackup executable this module runs.
    .DESCRIPTION
    ADBACKUP_EXE (an environment variable naming an executable) wins; it exists for tests and for running a build
    from elsewhere. Otherwise bin\win-x64\adbackup.exe on Windows (Windows PowerShell 5.1 is always Windows) and
    bin/linux-x64/adbackup elsewhere, beside the module. Returns $null and an ErrorRecord when there is none.
    .PARAMETER Cmdlet
    The calling cmdlet ($PSCmdlet), to resolve a relative override against the current location.
    #>
    [CmdletBinding()]
    [OutputType([System.Management.Automation.PSObject])]
    param([Parameter(Mandatory)] [System.Management.Automation.PSCmdlet] $Cmdlet)

    $override = [System.Environment]::GetEnvironmentVariable('ADBACKUP_EXE')
    if ($override) {
        $path = $Cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath($override)
        $origin = 'the ADBACKUP_EXE environment variable'
    } else {
        if ($script:ADBOnWindows) {
            $path = [System.IO.Path]::Combine($script:ADBModuleRoot, 'bin', 'win-x64', 'adbackup.exe')
        } elseif ($IsMacOS) {
            $path = $null
        } else {
            $path = [System.IO.Path]::Combine($script:ADBModuleRoot, 'bin', 'linux-x64', 'adbackup')
        }
        $origin = 'the module folder'
    }
    if ($path -and [System.IO.File]::Exists($path)) {
        return [pscustomobject]@{ Path = $path; ErrorRecord = $null }
    }
    $message = if ($path) {
        "The adbackup executable '$path' (from $origin) does not exist. Reinstall the module, or build it with 'npm run build'."
    } else {
        'This module ships adbackup for Windows x64 and Linux x64 only; set ADBACKUP_EXE to an adbackup executable for this platform.'
    }
    $record = New-ADBErrorRecord -Code 'EXECUTABLE_NOT_FOUND' -Message $message -TargetObject $path `
        -ErrorCategory ([System.Management.Automation.ErrorCategory]::NotInstalled)
    [pscustomobject]@{ Path = $null; ErrorRecord = $record }
}

function Invoke-ADBExecutable {
    <#
    .SYNOPSIS
    Runs one adbackup command: the request as JSON on stdin, one JSON document back on stdout.
    .DESCRIPTION
    The request never travels on the command line (only the command name and --progress do), so paths and secrets
    stay out of process listings. A SecureString in the request (a passphrase) is written to stdin as plain text
    only inside the JSON (Write-ADBRequest) and shown as '<redacted>' in the debug stream. Progress events (NDJSON on stderr) become Write-Progress records, written
    from this, the pipeline thread, while stdout is drained on a task. Returns an object with ExitCode, Result (the
    parsed document, also for exit 3 of verify/pages, which print a full result) and ErrorRecord (an ErrorRecord
    for the caller to write or throw, or $null).
    .PARAMETER Cmdlet
    The public cmdlet's $PSCmdlet: progress, verbose and debug records are written through it.
    .PARAMETER Command
    The adbackup command.
    .PARAMETER Request
    The request; converted with ConvertTo-Json, SecureString values as secrets (see ConvertTo-ADBRequestJson).
    .PARAMETER Activity
    The progress activity text.
    .PARAMETER TargetObject
    What an error record names as its target.
    #>
    [CmdletBinding()]
    [OutputType([System.Management.Automation.PSObject])]
    param(
        [Parameter(Mandatory)] [System.Management.Automation.PSCmdlet] $Cmdlet,
        [Parameter(Mandatory)] [ValidateSet('backup', 'verify', 'inspect', 'restore', 'restore-status', 'prune', 'status', 'header', 'pages', 'tables', 'objects', 'compare', 'keygen', 'version')] [string] $Command,
        [Parameter(Mandatory)] [System.Collections.IDictionary] $Request,
        [string] $Activity = "adbackup $Command",
        [object] $TargetObject
    )

    $exe = Get-ADBExecutablePath -Cmdlet $Cmdlet
    if (-not $exe.Path) {
        return [pscustomobject]@{ ExitCode = -1; Result = $null; ErrorRecord = $exe.ErrorRecord }
    }
    # Secrets (SecureString values, e.g. a -Passphrase) stay SecureStrings until the bytes go to stdin; the debug
    # line shows '<redacted>' in their place.
    $requestJson = ConvertTo-ADBRequestJson -Request $Request
    Write-Debug -Message ("adbackup $Command request: $($requestJson.DebugText)")

    $utf8 = [System.Text.UTF8Encoding]::new($false)
    $psi = [System.Diagnostics.ProcessStartInfo]::new($exe.Path, "$Command --progress")
    $psi.UseShellExecute = $false
    $psi.CreateNoWindow = $true
    $psi.RedirectStandardInput = $true
    $psi.RedirectStandardOutput = $true
    $psi.RedirectStandardError = $true
    $psi.StandardOutputEncoding = $utf8
    $psi.StandardErrorEncoding = $utf8

    $clock = [System.Diagnostics.Stopwatch]::StartNew()
    try {
        $process = [System.Diagnostics.Process]::Start($psi)
    } catch {
        $record = New-ADBErrorRecord -Code 'EXECUTABLE_FAILED' -TargetObject $exe.Path `
            -Message "Cannot start '$($exe.Path)': $($_.Exception.Message)" -Exception $_.Exception `
            -ErrorCategory ([System.Management.Automation.ErrorCategory]::NotInstalled)
        return [pscustomobject]@{ ExitCode = -1; Result = $null; ErrorRecord = $record }
    }

    $progressShown = $false
    $lastProgress = -1000
    $diagnostics = [System.Collections.Generic.List[string]]::new()
    try {
        try {
            Write-ADBRequest -Stream $process.StandardInput.BaseStream -Request $requestJson
            $process.StandardInput.Close()
        } catch [System.IO.IOException] {
            # The process ended before reading its request; its exit code and output say why.
            $diagnostics.Add("writing the request failed: $($_.Exception.Message)")
        }
        $stdoutTask = $process.StandardOutput.ReadToEndAsync()
        while ($null -ne ($line = $process.StandardError.ReadLine())) {
            if (-not $line.StartsWith('{"event":"progress"')) {
                $diagnostics.Add($line)
                continue
            }
            $progressEvent = ConvertFrom-Json -InputObject $line
            $finished = [bool](Get-ADBMember $progressEvent 'done')
            if (-not $finished -and ($clock.ElapsedMilliseconds - $lastProgress) -lt 250) { continue }
            $lastProgress = $clock.ElapsedMilliseconds
            $done = Get-ADBMember $progressEvent 'bytesDone'
            $total = Get-ADBMember $progressEvent 'bytesTotal'
            $file = Get-ADBMember $progressEvent 'file'
            $phase = Get-ADBMember $progressEvent 'phase'
            # A new record each time: hosts may keep (and render later) the records they were given.
            $progress = [System.Management.Automation.ProgressRecord]::new(1, $Activity, $(if ($phase) { "$phase" } else { 'working' }))
            if ($null -ne $done -and $total -gt 0) {
                $progress.PercentComplete = [int][System.Math]::Min(100, [System.Math]::Floor(100.0 * $done / $total))
                $progress.StatusDescription = '{0}: {1:N1} of {2:N1} MiB' -f $phase, ($done / 1MB), ($total / 1MB)
            } elseif ($finished) {
                $progress.PercentComplete = 100
            }
            if ($file) { $progress.CurrentOperation = "$file" }
            $Cmdlet.WriteProgress($progress)
            $progressShown = $true
        }
        $stdout = $stdoutTask.GetAwaiter().GetResult()
        $process.WaitForExit()
        $exitCode = $process.ExitCode
    } finally {
        if (-not $process.HasExited) {
            # The pipeline was stopped (Ctrl+C) or failed: do not leave adbackup running. A backup stopped this way
            # leaves only its '.partial' file, never an archive under the final name.
            try { $process.Kill() } catch [System.InvalidOperationException] { $null = $_ }
        }
        $process.Dispose()
        if ($progressShown) {
            $completed = [System.Management.Automation.ProgressRecord]::new(1, $Activity, 'Completed')
            $completed.RecordType = [System.Management.Automation.ProgressRecordType]::Completed
            $Cmdlet.WriteProgress($completed)
        }
    }
    foreach ($d in $diagnostics) { Write-Debug -Message ("adbackup: $d") }
    Write-Verbose -Message (('adbackup {0} finished in {1:N1} s with exit code {2}.' -f $Command, $clock.Elapsed.TotalSeconds, $exitCode))

    $document = $null
    # Only what looks like a JSON document is parsed: a caught parse failure would still land in the caller's
    # -ErrorVariable.
    if ($stdout -and $stdout.TrimStart().StartsWith('{')) {
        try {
            $document = ConvertFrom-Json -InputObject $stdout
        } catch {
            $document = $null
        }
    }
    $errorBody = if ($null -ne $document) { Get-ADBMember $document 'error' } else { $null }
    # What did not fail the run but must be heard: an unencrypted archive, a retention or report that could not run.
    # (Restore-ADDatabase shows its own result's warnings; header's are per file, in Get-ADDatabaseFileInfo's output.)
    if ($null -ne $document -and $null -eq $errorBody -and $Command -in @('backup', 'verify', 'prune')) {
        foreach ($w in @(Get-ADBMember $document 'warnings')) { if ($w) { Write-Warning -Message ([string]$w) } }
    }
    if ($exitCode -eq 0 -and $null -ne $document -and $null -eq $errorBody) {
        return [pscustomobject]@{ ExitCode = 0; Result = $document; ErrorRecord = $null }
    }
    if ($null -ne $errorBody) {
        $target = Get-ADBMember $errorBody 'target'
        $message = ConvertTo-ADBParameterText -Message ([string](Get-ADBMember $errorBody 'message'))
        # A message about a file's content (a damaged archive) comes without a target and does not always name the
        # file: per-item cmdlets report many files, so the message says which one.
        if (-not $target -and $TargetObject -is [string] -and $TargetObject -and -not $message.Contains($TargetObject)) {
            $message = "'$TargetObject': $message"
        }
        $record = New-ADBErrorRecord -Code (Get-ADBMember $errorBody 'code') -Message $message `
            -Category (Get-ADBMember $errorBody 'category') -Command $Command -ExitCode $exitCode `
            -Details (Get-ADBMember $errorBody 'details') -TargetObject $(if ($target) { $target } else { $TargetObject })
        return [pscustomobject]@{ ExitCode = $exitCode; Result = $null; ErrorRecord = $record }
    }
    if (($exitCode -eq 3 -or ($exitCode -eq 4 -and $Command -eq 'verify')) -and $null -ne $document) {
        # verify and pages print their full result with exit 3 (damage), and verify with exit 4 when an encrypted
        # archive's content could not be checked without its key: the caller reports that and the result.
        return [pscustomobject]@{ ExitCode = $exitCode; Result = $document; ErrorRecord = $null }
    }
    $detail = ($diagnostics -join ' ').Trim()
    if (-not $detail) { $detail = 'no JSON document on stdout' }
    $record = New-ADBErrorRecord -Code 'EXECUTABLE_FAILED' -TargetObject $TargetObject `
        -Message "adbackup $Command failed with exit code ${exitCode}: $detail" `
        -ErrorCategory ([System.Management.Automation.ErrorCategory]::InvalidResult)
    [pscustomobject]@{ ExitCode = $exitCode; Result = $null; ErrorRecord = $record }
}
