import { AppError } from '../errors.ts';

/** Why a header could not be accepted. Each is a distinct condition an admin can act on. */
export type EseProblem =
  | 'ESE_TRUNCATED' // the file ends before the header (or its shadow) does
  | 'ESE_UNUSED' // every byte is zero: a never-used reserve/temp log, not damage
  | 'ESE_BAD_MAGIC' // not an ESE database header
  | 'ESE_WRONG_FILE_TYPE' // an ESE header of another kind (log where a database was expected …)
  | 'ESE_UNSUPPORTED_PAGE_SIZE'
  | 'ESE_CHECKSUM_MISMATCH';

export class EseHeaderError extends AppError {
  readonly problem: EseProblem;
  constructor(problem: EseProblem, message: string, details: Record<string, unknown> = {}, target?: string) {
    super('Integrity', problem, message, target === undefined ? { details } : { details, target });
    this.problem = problem;
    this.name = 'EseHeaderError';
  }
}
