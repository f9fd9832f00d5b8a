import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';

export const run = promisify(execFile);

/** Runs a shell pipeline of real tools; resolves with stdout, rejects with stderr on failure. */
export async function sh(script: string, cwd?: string): Promise<string> {
  const { stdout } = await run('bash', ['-o', 'pipefail', '-c', script], { cwd, maxBuffer: 64 << 20 });
  return stdout;
}

export function have(tool: string): boolean {
  return spawnSync('bash', ['-c', `command -v ${tool}`]).status === 0;
}
