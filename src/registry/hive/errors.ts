// The errors a hive raises. Every problem with the file's contents is an Integrity error (exit 3) naming the file
// and, where it helps, the cell offset (relative to the first hive bin, as the format counts them); a hive that is
// valid but not in a state we may write (dirty, a log file, a newer format) is a Precondition (exit 4).
import { AppError } from '../../errors.ts';

export const hex = (n: number): string => '0x' + n.toString(16);

/** The hive's structure is broken: a cell, list or record is not what the format allows. */
export function corrupt(target: string | undefined, message: string, details?: Record<string, unknown>): AppError {
  return new AppError('Integrity', 'HIVE_CORRUPT', `${label(target)}: ${message}`, { target, details });
}

export function hiveError(
  category: 'Integrity' | 'Precondition' | 'InvalidRequest',
  code: string,
  target: string | undefined,
  message: string,
  details?: Record<string, unknown>,
): AppError {
  return new AppError(category, code, `${label(target)}: ${message}`, { target, details });
}

const label = (target: string | undefined): string => (target === undefined ? 'registry hive' : `'${target}'`);
