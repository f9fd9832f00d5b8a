// Return codes of the Directory Backup API (ntdsbmsg.h; API.md §4). The API returns either these or raw
// Win32/RPC codes, so every non-zero value is a failure, decoded by name here.
const TABLE: Record<number, [name: string, text: string]> = {
  0x00000000: ['S_OK', 'success'],
  0xc0000001: ['hrNyi', 'not implemented'],
  0xc7ff0001: ['hrInvalidParam', 'a parameter is not valid'],
  0xc7ff0002: ['hrError', 'an internal error occurred'],
  0xc7ff0003: ['hrInvalidHandle', 'the handle is not valid (or no file is open)'],
  0xc7ff0004: ['hrRestoreInProgress', 'the restore process is in progress'],
  0xc7ff0005: ['hrAlreadyOpen', 'a file is already open on this backup handle'],
  0xc7ff0006: ['hrInvalidRecips', 'the recipients are not valid'],
  0xc7ff0007: [
    'hrCouldNotConnect',
    'could not connect to the directory service (not running, not a DC, or a bad server name)',
  ],
  0xc7ff0008: ['hrRestoreMapExists', 'a restore map already exists for the component'],
  0xc7ff0009: ['hrIncrementalBackupDisabled', 'the database was modified: perform a full backup'],
  0xc7ff000a: ['hrLogFileNotFound', 'a log file is missing'],
  0xc7ff000b: ['hrCircularLogging', 'circular logging: only full backups are possible'],
  0xc7ff000c: ['hrNoFullRestore', 'no full backup has been restored yet'],
  0xc7ff000d: ['hrCommunicationError', 'a communications error occurred during the local backup'],
  0xc7ff000e: ['hrFullBackupNotTaken', 'a full backup must be taken first'],
  0xc7ff000f: ['hrMissingExpiryToken', 'the expiry token is missing: cannot restore without the expiry data'],
  0xc7ff0010: ['hrUnknownExpiryTokenFormat', 'the expiry token is in an unrecognisable format'],
  0xc7ff0011: [
    'hrContentsExpired',
    'the directory contents in the backup are out of date (older than the tombstone lifetime)',
  ],
  0xc80001f5: ['hrLogFileCorrupt', 'a log file is corrupt'],
  0xc80001f7: ['hrNoBackupDirectory', 'no backup directory given'],
  0xc80001f8: ['hrBackupDirectoryNotEmpty', 'the backup directory is not empty'],
  0xc80001f9: ['hrBackupInProgress', 'a backup is already in progress'],
  0xc80001fd: ['hrMissingPreviousLogFile', 'the previous log file is missing'],
  0xc8000202: ['hrBadLogVersion', 'a log file has the wrong version'],
  0xc8000203: ['hrInvalidLogSequence', 'the log sequence is not valid'],
  0xc8000208: ['hrNoBackup', 'no backup in progress'],
  0xc8000209: ['hrInvalidBackupSequence', 'the backup calls are out of order'],
  0xc800020b: ['hrBackupNotAllowedYet', 'a backup cannot be taken yet'],
  0xc800020e: ['hrInvalidBackup', 'an incremental backup cannot be taken with circular logging'],
  0xc800020f: ['hrRecoveredWithErrors', 'recovered with errors'],
  0xc8000210: ['hrMissingLogFile', 'a log file is missing'],
  0xc8000211: ['hrLogDiskFull', 'the log disk is full'],
  0xc8000212: ['hrBadLogSignature', 'a log file has a bad signature'],
  0xc8000213: ['hrBadDbSignature', 'the database has a bad signature'],
  0xc8000214: ['hrBadCheckpointSignature', 'the checkpoint has a bad signature'],
  0xc8000215: ['hrCheckpointCorrupt', 'the checkpoint is corrupt'],
  0xc8000226: ['hrDatabaseInconsistent', 'the database is inconsistent'],
  0xc8000227: ['hrConsistentTimeMismatch', 'the consistency time does not match'],
  0xc8000228: ['hrPatchFileMismatch', 'the patch file does not match'],
  0xc8000229: ['hrRestoreLogTooLow', 'the starting log number is too low'],
  0xc800022a: ['hrRestoreLogTooHigh', 'the starting log number is too high'],
  0xc800022b: ['hrGivenLogFileHasBadSignature', 'a restored log file has a bad signature'],
  0xc800022c: ['hrGivenLogFileIsNotContiguous', 'the restored log files are not contiguous'],
  0xc800022d: ['hrMissingRestoreLogFiles', 'restored log files are missing'],
  0x8800022e: ['hrExistingLogFileHasBadSignature', 'an existing log file has a bad signature'],
  0x8800022f: ['hrExistingLogFileIsNotContiguous', 'the existing log files are not contiguous'],
  0xc8000230: ['hrMissingFullBackup', 'the full backup is missing'],
  0xc8000231: ['hrBadBackupDatabaseSize', 'the backed-up database has a bad size'],
  0xc80003fe: ['hrDiskIO', 'a disk I/O error occurred'],
  0xc80003ff: ['hrInvalidPath', 'the path is not valid'],
  0xc8000408: ['hrFileAccessDenied', 'access to a file was denied'],
  0xc8000710: ['hrDiskFull', 'the disk is full'],
  0xc8000713: ['hrFileNotFound', 'a file was not found'],
  0xc800073c: ['hrLogCorrupted', 'a log is corrupted'],
  0xc8000773: ['hrAccessDenied', 'access denied'],
  // Raw Win32 and RPC codes the API returns as they are.
  2: ['ERROR_FILE_NOT_FOUND', 'the file was not found'],
  5: [
    'ERROR_ACCESS_DENIED',
    'access denied (the backup needs SeBackupPrivilege, the restore SeRestorePrivilege: run elevated)',
  ],
  8: ['ERROR_NOT_ENOUGH_MEMORY', 'not enough memory'],
  38: ['ERROR_HANDLE_EOF', 'end of the backup file'],
  87: ['ERROR_INVALID_PARAMETER', 'a parameter is not valid'],
  1056: [
    'ERROR_SERVICE_ALREADY_RUNNING',
    'the directory service is running: restore in Directory Services Restore Mode',
  ],
  1702: [
    'RPC_S_INVALID_BINDING',
    'the binding is not valid (the server must be this computer, named without underscores)',
  ],
};

export const S_OK = 0;
export const ERROR_HANDLE_EOF = 38;

export function hresultName(hr: number): string {
  const u = hr >>> 0;
  return TABLE[u]?.[0] ?? (u & 0x80000000 ? `HRESULT 0x${u.toString(16).padStart(8, '0')}` : `Win32 error ${u}`);
}

export function hresultText(hr: number): string {
  const u = hr >>> 0;
  return TABLE[u]?.[1] ?? 'no description known';
}

export function hex(hr: number): string {
  return '0x' + (hr >>> 0).toString(16).toUpperCase().padStart(8, '0');
}
