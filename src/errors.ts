// One error type crosses every layer. The category decides the process exit code (see src/cli/exit-codes.ts)
// and the PowerShell ErrorCategory; the code is stable and machine-readable; the message is for people.
export type ErrorCategory =
  | 'InvalidRequest' // exit 2
  | 'Integrity' // exit 3
  | 'Precondition' // exit 4
  | 'IO' // exit 5
  | 'Platform' // exit 6
  | 'Internal'; // exit 1

export class AppError extends Error {
  readonly code: string;
  readonly category: ErrorCategory;
  readonly target: string | undefined;
  readonly details: Record<string, unknown> | undefined;

  constructor(
    category: ErrorCategory,
    code: string,
    message: string,
    options: { target?: string; details?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.category = category;
    this.code = code;
    this.target = options.target;
    this.details = options.details;
  }
}

const FS_CODES: Record<string, string> = {
  ENOENT: 'FILE_NOT_FOUND',
  ENOTDIR: 'NOT_A_DIRECTORY',
  EISDIR: 'IS_A_DIRECTORY',
  EACCES: 'ACCESS_DENIED',
  EPERM: 'ACCESS_DENIED',
  ENOSPC: 'DISK_FULL',
  EDQUOT: 'DISK_FULL', // the user's quota: as full as the disk, for this user
  EFBIG: 'FILE_TOO_LARGE', // past the file-size limit (ulimit -f) or the file system's largest file
  EROFS: 'READ_ONLY_FILE_SYSTEM',
  EEXIST: 'ALREADY_EXISTS',
  EBUSY: 'FILE_IN_USE',
  ELOOP: 'SYMLINK_LOOP',
  ENAMETOOLONG: 'NAME_TOO_LONG',
};

/** Turns a Node file-system error into an IO AppError naming the path; anything else passes through. */
export function fsError(err: unknown, target: string, doing: string): unknown {
  if (err instanceof AppError) return err;
  const e = err as NodeJS.ErrnoException;
  // Node refuses a path with a NUL byte before asking the system: the request is at fault.
  if (e && e.code === 'ERR_INVALID_ARG_VALUE') {
    return new AppError(
      'InvalidRequest',
      'INVALID_PATH',
      `cannot ${doing} '${target.replace(/\0/g, '\\0')}': not a valid path`,
      { target, cause: err },
    );
  }
  if (e && typeof e.code === 'string') {
    const code = FS_CODES[e.code] ?? 'IO_ERROR';
    return new AppError('IO', code, `cannot ${doing} '${target}': ${e.code} (${e.message.replace(/^[A-Z]+: /, '')})`, {
      target,
      cause: err,
    });
  }
  return err;
}
