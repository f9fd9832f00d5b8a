import { spawn } from 'node:child_process';
import { join, resolve as resolvePath } from 'node:path';
import { projectRoot } from './shared.ts';

export const bundle = join(projectRoot, 'dist', 'adbackup.cjs');

/** ADBACKUP_EXE (absolute, or relative to the project) names a standalone executable to run instead of the bundle. */
const exe = process.env['ADBACKUP_EXE'] ? resolvePath(projectRoot, process.env['ADBACKUP_EXE']) : null;

export interface CliResult {
  code: number;
  json: any;
  stdout: string;
  stderr: string;
}

/** Runs the built bundle (`node dist/adbackup.cjs`), or the executable ADBACKUP_EXE names, as a separate process:
 *  request on stdin (string or object), JSON on stdout. */
export function adbackup(args: string[], stdin?: string | object): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const [command, argv]: [string, string[]] = exe === null ? [process.execPath, [bundle, ...args]] : [exe, args];
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
    child.stdin.end(stdin === undefined ? '' : typeof stdin === 'string' ? stdin : JSON.stringify(stdin));
  });
}
