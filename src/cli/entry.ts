// Process entry of the bundled executable (dist/adbackup.cjs and the standalone binaries).
import { MAX_REQUEST_BYTES, requestTooLarge, runCli } from './main.ts';
import { isStandalone } from '../platform/native/koffi.ts';
import { readStdinText, stdinIsTerminal, writeStderr, writeStdout } from './stdio.ts';

// The first SIGINT/SIGTERM asks the running command to stop and clean up (no .partial left behind); a second
// one ends the process at once.
const abort = new AbortController();
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    if (abort.signal.aborted) process.exit(130);
    abort.abort(new Error(`received ${sig}`));
  });
}

runCli(process.argv.slice(2), {
  signal: abort.signal,
  readStdin: () => readStdinText(MAX_REQUEST_BYTES, requestTooLarge),
  stdinIsTty: stdinIsTerminal(),
  stdout: writeStdout,
  stderr: writeStderr,
  standalone: isStandalone(),
}).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    writeStderr(`adbackup: fatal: ${String(err)}\n`);
    process.exitCode = 1;
  },
);
