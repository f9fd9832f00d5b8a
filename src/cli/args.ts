import { AppError } from '../errors.ts';

export interface CliArgs {
  command: string | null;
  requestFile: string | null;
  progress: boolean;
  pretty: boolean;
  help: boolean;
}

// Secrets never travel on argv: the only value-taking option is a path to a request file.
export function parseArgs(argv: readonly string[]): CliArgs {
  const args: CliArgs = { command: null, requestFile: null, progress: false, pretty: false, help: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--request' || a === '-r') {
      const v = argv[++i];
      if (v === undefined) throw new AppError('InvalidRequest', 'MISSING_OPTION_VALUE', '--request needs a file path');
      args.requestFile = v;
    } else if (a.startsWith('--request=')) args.requestFile = a.slice('--request='.length);
    else if (a === '--progress') args.progress = true;
    else if (a === '--pretty') args.pretty = true;
    else if (a === '--help' || a === '-h' || a === 'help') args.help = true;
    // Neither message repeats a value: a misplaced secret (--passphrase=…, or a bare argument) must not be echoed.
    else if (a.startsWith('-'))
      throw new AppError('InvalidRequest', 'UNKNOWN_OPTION', `unknown option '${a.replace(/=.*$/s, '=…')}'`);
    else if (args.command === null) args.command = a;
    else
      throw new AppError(
        'InvalidRequest',
        'UNEXPECTED_ARGUMENT',
        `unexpected argument (argument ${i + 1}): requests are JSON, on stdin or in --request FILE; secrets go in the request, never on the command line`,
      );
  }
  return args;
}
