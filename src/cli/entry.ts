// Process entry of the bundled executable (dist/adbackup.cjs and the standalone binaries).
import { MAX_REQUEST_BYTES, requestTooLarge, runCli } from './main.ts';
import { isStandalone } from '../platform/native/koffi.ts';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of process.stdin) {
    n += (c as Buffer).length;
    if (n > MAX_REQUEST_BYTES) {
      process.stdin.destroy();
      throw requestTooLarge();
    }
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

// The first SIGINT/SIGTERM asks the running command to stop and clean up (no .partial left behind); a second
// one ends the process at once.
const abort = new AbortController();
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    if (abort.signal.aborted) process.exit(130);
    abort.abort(new Error(`received ${sig}`));
  });
}

// A reader that goes away early (`adbackup … | head -c 0`, a killed PowerShell host) must not turn a finished
// command into a crash with a stack trace: the output has nowhere to go, the exit code still says how it went.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
  });
}

runCli(process.argv.slice(2), {
  signal: abort.signal,
  readStdin,
  stdinIsTty: process.stdin.isTTY === true,
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  standalone: isStandalone(),
}).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`adbackup: fatal: ${String(err)}\n`);
    process.exitCode = 1;
  },
);
