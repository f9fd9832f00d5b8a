import { spawn } from 'node:child_process';
import { join, resolve as resolvePath } from 'node:path';
import { projectRoot } from './shared.ts';

export const bundle = join(projectRoot, 'dist', 'adbackup.cjs');

/** ADBACKUP_EXE (absolute, or relative to the project) names a standalone executable to run instead of the bundle. */
const exe = process.env['ADBACKUP_EXE'] ? resolvePath(projectRoot, process.env['ADBACKUP_EXE']) : null;

/** The program and argv that run adbackup with `args`: the bundle under this Node, or ADBACKUP_EXE. */
export function cliCommand(args: string[]): [string, string[]] {
  return exe === null ? [process.execPath, [bundle, ...args]] : [exe, args];
}

export interface CliResult {
  code: number;
  json: any;
  stdout: string;
  stderr: string;
}

/** Runs the built bundle (`node dist/adbackup.cjs`), or the executable ADBACKUP_EXE names, as a separate process:
 *  request on stdin (string, raw bytes or object), JSON on stdout. */
export function adbackup(args: string[], stdin?: string | Buffer | object): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const [command, argv] = cliCommand(args);
    const child = spawn(command, argv, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      let json: unknown = undefined;
      try {
        json = JSON.parse(stdout);
      } catch {
        /* left undefined: the test decides whether that is wrong */
      }
      resolve({ code: code ?? -1, json, stdout, stderr });
    });
    child.stdin.on('error', () => {}); // a child that stops reading early (a refused, oversized request) closes the pipe
    child.stdin.end(stdin === undefined ? '' : typeof stdin === 'string' || Buffer.isBuffer(stdin) ? stdin : JSON.stringify(stdin));
  });
}
