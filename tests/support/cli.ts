import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot } from './shared.ts';

export const bundle = join(projectRoot, 'dist', 'adbackup.cjs');

export interface CliResult {
  code: number;
  json: any;
  stdout: string;
  stderr: string;
}

/** Runs the built bundle as a separate process: request on stdin (string or object), JSON on stdout. */
export function adbackup(args: string[], stdin?: string | object): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bundle, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
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
