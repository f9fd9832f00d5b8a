// Shared by the fault, corruption and fuzz suites: their size (bounded in `npm test`, full with FAULTS_FULL=1, as
// `npm run test:faults` sets it), a reproducible seed, the in-process CLI runner and the one check every outcome
// of the CLI must pass.
import type { ExecutionContext } from 'ava';
import { runCli } from '../../src/cli/main.ts';
import { EXIT_CODES } from '../../src/cli/exit-codes.ts';
import * as v from '../../src/protocol/generated/validators.js';
import type { Validator } from '../../src/protocol/validator.ts';

export const FULL = process.env['FAULTS_FULL'] === '1';

/** The bounded count in `npm test`, the full one under FAULTS_FULL=1. */
export function scale(bounded: number, full: number): number {
  return FULL ? full : bounded;
}

/** FAULTS_SEED reruns a failing case; otherwise a fixed seed per suite keeps CI reproducible. */
export function seedFor(suite: number): number {
  const s = process.env['FAULTS_SEED'];
  return s === undefined ? suite : Number(s);
}

/** Full runs take longer than ava's inactivity timeout allows one test: give it room. */
export function allowTime(t: ExecutionContext, boundedMs: number, fullMs: number): void {
  t.timeout(FULL ? fullMs : boundedMs);
}

export interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in this process, as entry.ts would, with `stdin` as the request text. */
export async function runInProcess(argv: string[], stdin: string): Promise<Outcome> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    readStdin: async () => stdin,
    stdinIsTty: false,
    stdout: (s) => {
      stdout += s;
    },
    stderr: (s) => {
      stderr += s;
    },
    standalone: false,
  });
  return { code, stdout, stderr };
}

const RESPONSES: Record<string, Validator> = {
  backup: v.backupResponse,
  header: v.headerResponse,
  inspect: v.inspectResponse,
  'log-range': v.logRangeResponse,
  pages: v.pagesResponse,
  restore: v.restoreResponse,
  'restore-map': v.restoreMapResponse,
  verify: v.verifyResponse,
  version: v.versionResponse,
  tables: v.tablesResponse,
  objects: v.objectsResponse,
  compare: v.compareResponse,
};
const CATEGORY_OF_EXIT = new Map(Object.entries(EXIT_CODES).map(([c, n]) => [n, c]));

/**
 * What is wrong with one run of the CLI, or null: the documented exit codes only (never 1), exactly one JSON
 * document on stdout — a structured error whose category gives the exit code, or a result that matches the
 * command's response schema — and nothing on stderr but progress events (no stack trace, no warning).
 */
export function problemWith(command: string | null, o: Outcome): string | null {
  if (![0, 2, 3, 4, 5, 6].includes(o.code)) return `exit ${o.code}`;
  const progress = o.stderr.split('\n').filter((l) => l !== '');
  for (const line of progress) {
    let ev: { event?: unknown } | null = null;
    try {
      ev = JSON.parse(line);
    } catch {
      /* not JSON */
    }
    if (ev?.event !== 'progress')
      return `stderr is not only progress events: ${JSON.stringify(o.stderr.slice(0, 300))}`;
  }
  if (!o.stdout.endsWith('\n')) return 'stdout does not end with a newline';
  let doc: any;
  try {
    doc = JSON.parse(o.stdout);
  } catch {
    return `stdout is not one JSON document: ${JSON.stringify(o.stdout.slice(0, 300))}`;
  }
  // (exit 0 with an `error` key is the schema command's answer: the error document's schema)
  if (o.code !== 0 && doc !== null && typeof doc === 'object' && 'error' in doc) {
    if (!v.error(doc)) return `malformed error document: ${JSON.stringify(v.error.errors)} ${o.stdout.slice(0, 300)}`;
    if (doc.error.category === 'Internal') return `internal error: ${o.stdout.slice(0, 500)}`;
    if (CATEGORY_OF_EXIT.get(o.code) !== doc.error.category) return `exit ${o.code} for category ${doc.error.category}`;
    return null;
  }
  // These answer exit 3 with their result document when what they read is damaged (README exit codes).
  const reportsDamage = ['verify', 'pages', 'tables', 'objects', 'compare'];
  if (o.code !== 0 && !(o.code === 3 && command !== null && reportsDamage.includes(command)))
    return `exit ${o.code} without an error document: ${o.stdout.slice(0, 300)}`;
  const validate = command === null ? undefined : RESPONSES[command];
  if (validate && !validate(doc))
    return `${command} result does not match its response schema: ${JSON.stringify(validate.errors?.slice(0, 3))}`;
  return null;
}
