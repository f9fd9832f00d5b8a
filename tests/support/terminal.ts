// Runs a command under a pseudo-terminal (util-linux `script`), answering its prompts: the age CLI reads a
// passphrase from the terminal only, never from stdin or argv. Each reply is typed when its prompt has appeared.
import { spawn } from 'node:child_process';

export interface Prompt {
  prompt: RegExp;
  reply: string;
}

export function runWithTerminal(
  command: string,
  prompts: Prompt[],
  timeoutMs = 60_000,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qec', command, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    let next = 0;
    let searchFrom = 0;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(`'${command}' timed out waiting for ${prompts[next]?.prompt ?? 'its end'}; output so far: ${output}`),
      );
    }, timeoutMs);
    const onData = (d: Buffer) => {
      output += d.toString('utf8');
      while (next < prompts.length) {
        const m = prompts[next]!.prompt.exec(output.slice(searchFrom));
        if (!m) break;
        searchFrom += m.index + m[0].length;
        child.stdin.write(prompts[next]!.reply + '\n');
        next++;
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      child.stdin.destroy();
      resolve({ code, output });
    });
  });
}
