// Damage found while reading is an Integrity AppError ARCHIVE_CORRUPT naming the compressed byte offset, so a
// report can say where the archive went bad; zlib's own message (and code) is kept as the reason.

import { AppError } from '../../errors.ts';

export function corrupt(message: string, compressedOffset: number, cause?: unknown): AppError {
  return new AppError('Integrity', 'ARCHIVE_CORRUPT', message, { details: { compressedOffset }, cause });
}

export function zlibMessage(err: unknown): string {
  const e = err as { message?: unknown; code?: unknown };
  const text = typeof e?.message === 'string' ? e.message : String(err);
  return typeof e?.code === 'string' && !text.includes(e.code) ? `${text} (${e.code})` : text;
}
