// adbackup <command> [--request FILE] [--progress] [--pretty]
// One JSON request in (stdin or file), one JSON document out on stdout, NDJSON progress on stderr, and an exit
// code from the error category. Nothing else is ever printed on stdout.
import { AppError, fsError } from '../errors.ts';
import { describeIssues } from '../protocol/validator.ts';
import { type CliArgs, parseArgs } from './args.ts';
import { type Command, COMMANDS, StatusResult } from './commands.ts';
import { EXIT_CODES } from './exit-codes.ts';
import type { ReportRequest } from '../ops/report-run.ts';
import { REPORTED_COMMANDS, type ReportedCommand, recordOfError, recordOfResult } from '../ops/outcome.ts';
import type { RunRecord } from '../ops/run-log.ts';

/** No request is anywhere near this; a larger one (or an endless stdin such as /dev/zero) is refused unread. */
export const MAX_REQUEST_BYTES = 16 << 20;

export function requestTooLarge(): AppError {
  return new AppError('InvalidRequest', 'REQUEST_TOO_LARGE', `the request is larger than ${MAX_REQUEST_BYTES} bytes`);
}

export interface CliIo {
  readStdin(): Promise<string>;
  stdinIsTty: boolean;
  stdout(text: string): void;
  stderr(text: string): void;
  standalone: boolean;
  signal?: AbortSignal;
}

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const pretty = argv.includes('--pretty');
  try {
    const args = parseArgs(argv);
    if (args.help) {
      io.stdout(usage());
      return 0;
    }
    const { name, command } = commandNamed(args.command);
    const request = await readRequest(args, io);
    if (!command.validate(request)) {
      const issues = describeIssues(command.validate.errors ?? []);
      throw new AppError(
        'InvalidRequest',
        'SCHEMA_VIOLATION',
        `the ${name} request does not match its schema: ${issues.join('; ')}`,
        {
          details: { issues },
        },
      );
    }
    const { value, status } = await runReported(name, command, request, args, io);
    io.stdout(toJson(value, args.pretty));
    return status ? EXIT_CODES[status.category] : 0;
  } catch (err) {
    return reportError(err, io, pretty);
  }
}

/**
 * Runs the command. A backup, verify, restore or prune that is not a plan is reported (run log, event log): its
 * `report` options are taken out of the request, and what reporting could not do comes back as warnings.
 */
async function runReported(
  name: string,
  command: Command,
  request: unknown,
  args: CliArgs,
  io: CliIo,
): Promise<{ value: unknown; status: StatusResult | null }> {
  // A plan (restore or prune with plan: true) changes nothing: not a run to log.
  const reported = isReported(name) && (request as { plan?: boolean }).plan !== true ? name : null;
  const { report, ...body } = request as { report?: ReportRequest };
  const started = new Date();
  let result: unknown;
  try {
    result = await command.run(isReported(name) ? body : request, {
      standalone: io.standalone,
      signal: io.signal ?? new AbortController().signal,
      progress: args.progress
        ? (event) => io.stderr(JSON.stringify({ event: 'progress', ...event }, jsonReplacer) + '\n')
        : () => {},
    });
  } catch (err) {
    if (reported) {
      const e = err instanceof AppError ? err : internal(err);
      for (const w of await reportOutcome(
        reported,
        recordOfError(reported, e, { start: started, end: new Date() }),
        report,
      ))
        io.stderr(`adbackup: warning: ${w}\n`);
    }
    throw err;
  }
  const status = result instanceof StatusResult ? result : null;
  let value = status ? status.value : result;
  if (reported) {
    const record = recordOfResult(
      reported,
      value as Record<string, unknown>,
      { start: started, end: new Date() },
      status?.category === 'Integrity',
    );
    value = withWarnings(value, await reportOutcome(reported, record, report));
  }
  return { value, status };
}

/** The run log and event log report of a run (src/ops/report-run.ts) with this platform's event writer. */
async function reportOutcome(command: ReportedCommand, record: RunRecord, report: ReportRequest | undefined) {
  // Loaded when a reported command has run: the run log's node:fs/promises is not part of every start.
  const { reportRun } = await import('../ops/report-run.ts');
  return reportRun(command, record, report, {
    platform: process.platform,
    reportEvent: async (e) => (await import('../platform/event-log.ts')).reportEvent(e),
  });
}

function isReported(command: string): command is ReportedCommand {
  return (REPORTED_COMMANDS as readonly string[]).includes(command);
}

/** The result with `warnings` added to any it already has (a backup's retention may have some). */
function withWarnings(value: unknown, warnings: string[]): unknown {
  if (warnings.length === 0 || typeof value !== 'object' || value === null) return value;
  const v = value as { warnings?: string[] };
  return { ...v, warnings: [...(v.warnings ?? []), ...warnings] };
}

function commandNamed(name: string | null): { name: string; command: Command } {
  if (name === null) {
    throw new AppError(
      'InvalidRequest',
      'MISSING_COMMAND',
      `no command given; commands: ${Object.keys(COMMANDS).join(', ')} (adbackup --help)`,
    );
  }
  // Own properties only: 'constructor' or '__proto__' are not commands.
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    throw new AppError(
      'InvalidRequest',
      'UNKNOWN_COMMAND',
      `unknown command '${name}'; commands: ${Object.keys(COMMANDS).join(', ')}`,
      { target: name },
    );
  }
  return { name, command };
}

/** The error document on stdout (an unexpected exception as Internal), and its exit code. */
function reportError(err: unknown, io: CliIo, pretty: boolean): number {
  const e = err instanceof AppError ? err : internal(err);
  const body: Record<string, unknown> = { code: e.code, category: e.category, message: e.message };
  if (e.target !== undefined) body['target'] = e.target;
  if (e.details !== undefined) body['details'] = e.details;
  io.stdout(toJson({ error: body }, pretty));
  if (e.category === 'Internal' && process.env['ADBACKUP_DEBUG'])
    io.stderr(String((err as Error)?.stack ?? err) + '\n');
  return EXIT_CODES[e.category];
}

async function readRequest(args: CliArgs, io: CliIo): Promise<unknown> {
  let text: string;
  if (args.requestFile !== null) {
    try {
      const { readSmallFile } = await import('../small-file.ts');
      text = (await readSmallFile(args.requestFile, MAX_REQUEST_BYTES)).toString('utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EFBIG') throw requestTooLarge();
      if (code === 'EINVAL')
        throw new AppError(
          'InvalidRequest',
          'REQUEST_FILE_INVALID',
          `the request file '${args.requestFile}' is not a regular file (a device or FIFO); pipe the request to stdin instead`,
          { target: args.requestFile },
        );
      throw fsError(err, args.requestFile, 'read the request file');
    }
  } else {
    text = io.stdinIsTty ? '' : await io.readStdin();
  }
  if (text.length > MAX_REQUEST_BYTES) throw requestTooLarge();
  text = text.replace(/^\uFEFF/, ''); // PowerShell 5.1 may write a BOM
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch (err) {
    // V8's message quotes the text around the error, which may be a passphrase: say only where it is.
    const at = /position (\d+)/.exec((err as Error).message)?.[1];
    throw new AppError(
      'InvalidRequest',
      'INVALID_JSON',
      `the request is not valid JSON${at === undefined ? '' : ` (at character ${at})`}`,
    );
  }
}

function internal(err: unknown): AppError {
  return new AppError(
    'Internal',
    'INTERNAL_ERROR',
    `internal error: ${err instanceof Error ? err.message : String(err)}`,
    { cause: err },
  );
}

export function jsonReplacer(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}

function toJson(value: unknown, pretty: boolean): string {
  return JSON.stringify(value, jsonReplacer, pretty ? 2 : undefined) + '\n';
}

function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(12)} ${c.summary}`);
  return [
    'usage: adbackup <command> [--request FILE] [--progress] [--pretty]',
    '',
    'The request is a JSON document on stdin (or in FILE); the result is one JSON document on stdout.',
    'Exit codes: 0 ok, 1 internal, 2 invalid request, 3 integrity failure, 4 precondition refused, 5 I/O, 6 platform API unavailable.',
    '',
    'commands:',
    ...lines,
    '',
    'Each command\'s request and response schema: echo \'{"command":"header"}\' | adbackup schema',
    '',
  ].join('\n');
}
