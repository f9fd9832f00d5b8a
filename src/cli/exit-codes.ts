import type { ErrorCategory } from '../errors.ts';

// The documented exit codes (README, Calling the executable). 0 is success.
export const EXIT_CODES: Record<ErrorCategory, number> = {
  Internal: 1,
  InvalidRequest: 2,
  Integrity: 3,
  Precondition: 4,
  IO: 5,
  Platform: 6,
};
