// Named findings of a log-set analysis. Severity `error` means the set, as it is, cannot restore the database;
// `warning` means ESE would cope but an admin should know; `info` is context.

export const FINDING_CODES = [
  'log-header-invalid',
  'log-name-generation-mismatch',
  'log-size-mismatch',
  'log-duplicate-generation',
  'log-signature-mismatch',
  'log-not-contiguous',
  'log-current-not-last',
  'log-gap',
  'log-geometry-mismatch',
  'log-version-regression',
  'log-set-empty',
  'reserve-log-invalid',
  'database-state-unsupported',
  'database-header-inconsistent',
  'database-required-log-missing',
  'database-committed-log-missing',
  'database-log-signature-mismatch',
  'database-page-size-mismatch',
  'checkpoint-signature-mismatch',
  'checkpoint-generation-missing',
  'restore-method-unavailable',
] as const;

export type FindingCode = (typeof FINDING_CODES)[number];
export type Severity = 'error' | 'warning' | 'info';

export interface GenerationRange {
  low: number;
  high: number;
}

export interface Finding {
  code: FindingCode;
  severity: Severity;
  message: string;
  files?: string[];
  ranges?: GenerationRange[];
}
