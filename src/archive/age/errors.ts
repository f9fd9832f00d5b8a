// Every age failure is an Integrity error (exit 3). The code says at which step decryption failed, in the order the
// age testkit distinguishes them: header syntax, no identity opens a stanza, header MAC, payload. Messages never
// carry key material, passphrases or stanza bodies.
import { AppError } from '../../errors.ts';

export type AgeFailure = 'header' | 'no-match' | 'mac' | 'payload';

export const AGE_ERROR_CODES: Record<AgeFailure, string> = {
  header: 'AGE_HEADER_INVALID',
  'no-match': 'AGE_NO_MATCHING_KEY',
  mac: 'AGE_HEADER_MAC_MISMATCH',
  payload: 'AGE_PAYLOAD_INVALID',
};

export function ageError(kind: AgeFailure, message: string, details?: Record<string, unknown>): AppError {
  return new AppError('Integrity', AGE_ERROR_CODES[kind], message, details ? { details } : {});
}

/** Which step an error belongs to, or null when it is not an age error. */
export function ageFailureOf(err: unknown): AgeFailure | null {
  if (!(err instanceof AppError)) return null;
  for (const [kind, code] of Object.entries(AGE_ERROR_CODES)) if (err.code === code) return kind as AgeFailure;
  return null;
}
