// The request in and the result out, through the file descriptors rather than process.stdin/stdout. On a pipe (how
// the cmdlets and scripts call us) those are net.Socket streams: creating them loads node's net and stream modules,
// about a tenth of a short command's start-up (`version`). A terminal keeps the streams: on Windows only they write
// Unicode to a console correctly.
import { fstatSync, read, writeSync } from 'node:fs';

/** Whether stdin is a terminal (then no request is read from it). tty (and net) is loaded only for a device. */
export function stdinIsTerminal(): boolean {
  try {
    if (!fstatSync(0).isCharacterDevice()) return false;
  } catch {
    return false; // no stdin at all: reading it ends at once
  }
  return process.getBuiltinModule('node:tty').isatty(0);
}

/**
 * All of stdin as text, or `tooLarge()` as soon as it passes `limit` bytes (an endless /dev/zero is refused, not
 * read until memory runs out). Node makes the standard descriptors blocking at start-up, so a read waits for data
 * even on a pipe its parent made non-blocking (tests/cli/stdio.test.ts).
 */
export async function readStdinText(limit: number, tooLarge: () => Error): Promise<string> {
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    const buf = Buffer.allocUnsafe(64 << 10);
    let n: number;
    try {
      n = await new Promise<number>((resolve, reject) =>
        read(0, buf, 0, buf.length, null, (err, got) => (err ? reject(err) : resolve(got))),
      );
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EOF' || code === 'EBADF') break; // Windows reports a closed pipe as EOF; no stdin at all
      throw err;
    }
    if (n === 0) break;
    total += n;
    if (total > limit) throw tooLarge();
    chunks.push(buf.subarray(0, n));
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Whether fd 1 is a pipe or a file (written directly) rather than a terminal (written through process.stdout). */
function stdoutIsPlain(): boolean {
  try {
    const st = fstatSync(1);
    return st.isFIFO() || st.isFile() || st.isSocket();
  } catch {
    return false;
  }
}

let plainStdout: boolean | null = null;

// A reader that goes away early (`adbackup … | head -c 0`, a killed PowerShell host) must not turn a finished
// command into a crash with a stack trace: the output has nowhere to go, the exit code still says how it went.
const ignoreEpipe = (err: NodeJS.ErrnoException) => {
  if (err.code !== 'EPIPE') throw err;
};
const guarded = new WeakSet<NodeJS.WriteStream>();

/** process.stdout or process.stderr, made (with its modules) on first use, with the EPIPE guard. */
function stream(name: 'stdout' | 'stderr'): NodeJS.WriteStream {
  const s = process[name];
  if (!guarded.has(s)) {
    guarded.add(s);
    s.on('error', ignoreEpipe);
  }
  return s;
}

/** Progress and messages on stderr (through the stream: they come while a command works, not at start-up). */
export function writeStderr(text: string): void {
  stream('stderr').write(text);
}

/** Writes the result to stdout. A reader that went away (EPIPE) is no error: the exit code says how it went. */
export function writeStdout(text: string): void {
  plainStdout ??= stdoutIsPlain();
  if (!plainStdout) {
    stream('stdout').write(text);
    return;
  }
  const bytes = Buffer.from(text, 'utf8');
  let done = 0;
  try {
    while (done < bytes.length) done += writeSync(1, bytes, done, bytes.length - done);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPIPE') throw err;
  }
}
