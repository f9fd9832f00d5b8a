// The command table: each command's request validator and handler. Handlers get a validated request and return
// a JSON-serialisable result; they throw AppError for anything the caller should see as a structured error.
import type { Validator } from '../protocol/validator.ts';
import * as v from '../protocol/generated/validators.js';
import { schemas } from '../protocol/generated/schemas.js';
import { AppError } from '../errors.ts';
import { EseHeaderError } from '../ese/errors.ts';
import { type HeaderKind, readHeaderFile } from '../ese/read.ts';
import { summarizeHeaderFile } from '../ese/report.ts';
import { scanLogSet } from '../logs/scan.ts';
import { PROTOCOL_VERSION, TOOL_VERSION } from '../version.ts';

export interface CommandContext {
  progress(event: Record<string, unknown>): void;
  standalone: boolean;
}

export interface Command {
  summary: string;
  validate: Validator;
  run(request: any, ctx: CommandContext): Promise<unknown>;
}

export const COMMANDS: Record<string, Command> = {
  header: {
    summary: 'ESE header report of a database, log or checkpoint file (esentutl /mh /ml /mk)',
    validate: v.headerRequest,
    async run(req: { path: string; kind?: 'auto' | HeaderKind }) {
      const kind = req.kind === undefined || req.kind === 'auto' ? undefined : req.kind;
      try {
        return { path: req.path, ...summarizeHeaderFile(await readHeaderFile(req.path, kind)) };
      } catch (err) {
        // An all-zero file is a reserve/temp log that was never used: a state, not an error.
        if (err instanceof EseHeaderError && err.problem === 'ESE_UNUSED' && (kind === undefined || kind === 'log')) {
          return { path: req.path, kind: 'unused', fileSize: Number(err.details?.['fileSize'] ?? 0), message: err.message.replace(/^.*?: (?=every byte)/, '') };
        }
        throw err;
      }
    },
  },
  'log-range': {
    summary: 'LowLog/HighLog of a log set, with gaps, signature and contiguity findings',
    validate: v.logRangeRequest,
    run: (req) => scanLogSet(req),
  },
  schema: {
    summary: 'the JSON Schemas of the protocol',
    validate: v.schemaRequest,
    async run(req: { command?: string }) {
      if (req.command === undefined) return { protocol: PROTOCOL_VERSION, schemas };
      const request = schemas[`${req.command}.request`];
      if (!request) throw new AppError('InvalidRequest', 'UNKNOWN_COMMAND', `no command '${req.command}'`, { target: req.command });
      return { protocol: PROTOCOL_VERSION, command: req.command, request, response: schemas[`${req.command}.response`] ?? null, error: schemas['error'] };
    },
  },
  version: {
    summary: 'tool and protocol version',
    validate: v.versionRequest,
    async run(_req, ctx) {
      return {
        name: 'adbackup',
        version: TOOL_VERSION,
        protocol: PROTOCOL_VERSION,
        node: process.version,
        platform: process.platform,
        arch: process.arch,
        standalone: ctx.standalone,
        commands: Object.keys(COMMANDS),
      };
    },
  },
};
