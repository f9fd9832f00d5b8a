// The shape of a precompiled ajv validator, without depending on ajv at run time.
export interface ValidationIssue {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

export interface Validator {
  (data: unknown): boolean;
  errors?: ValidationIssue[] | null;
}

/** "/files/0: must NOT have fewer than 1 characters" — one line per issue, for error messages. */
export function describeIssues(issues: readonly ValidationIssue[]): string[] {
  return issues.map((i) => {
    const where = i.instancePath === '' ? '(request)' : i.instancePath;
    const extra =
      i.keyword === 'additionalProperties'
        ? ` '${String(i.params['additionalProperty'])}'`
        : i.keyword === 'enum'
          ? ` (${(i.params['allowedValues'] as unknown[]).join(', ')})`
          : '';
    return `${where}: ${i.message ?? i.keyword}${extra}`;
  });
}
