// The executable's stdin and stdout through every kind of descriptor a caller hands it: a pipe, a file, a terminal,
// a pipe left non-blocking by its parent (node makes it blocking again), and a reader that goes away.
import test from 'ava';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { closeSync, constants, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { bundle } from '../support/cli.ts';
import { runWithTerminal } from '../support/terminal.ts';
import { tempDir } from '../support/temp.ts';

const node = process.execPath;
const schemaPretty = () =>
  spawnSync(node, [bundle, 'schema', '--pretty'], { input: '{}', encoding: 'utf8', maxBuffer: 16 << 20 }).stdout;

test('a request from a file and the result into a file', async (t) => {
  const dir = await tempDir(t);
  writeFileSync(join(dir, 'req.json'), '{"command":"version"}');
  const r = spawnSync('bash', ['-c', `'${node}' '${bundle}' schema < req.json > out.json`], { cwd: dir });
  t.is(r.status, 0, String(r.stderr));
  t.is(JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')).command, 'version');
});

test('a terminal on stdin is not read; the result still comes', async (t) => {
  const { code, output } = await runWithTerminal(`'${node}' '${bundle}' version`, []);
  t.is(code, 0);
  t.regex(output, /"name":"adbackup"/);
});

test('a result larger than the pipe, into a pipe its parent made non-blocking and does not read for a while', async (t) => {
  const dir = await tempDir(t);
  const fifo = join(dir, 'out.fifo');
  execFileSync('mkfifo', [fifo]);
  const reader = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
  const writer = openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK);
  const child = spawn(node, [bundle, 'schema', '--pretty'], { stdio: ['pipe', writer, 'pipe'] });
  closeSync(writer);
  child.stdin!.end('{}');
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  await sleep(1500); // the child fills the pipe (64 KiB) and meets EAGAIN
  const chunks: Buffer[] = [];
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  const buf = Buffer.alloc(1 << 16);
  for (let done = false; !done;) {
    try {
      const n = (await import('node:fs')).readSync(reader, buf);
      if (n === 0) done = true;
      else chunks.push(Buffer.from(buf.subarray(0, n)));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw err;
      await sleep(20);
    }
  }
  closeSync(reader);
  t.is(await exited, 0, stderr);
  const out = Buffer.concat(chunks).toString('utf8');
  t.true(out.length > 1 << 16, `${out.length} bytes`);
  t.is(out, schemaPretty(), 'every byte, in order');
});

test('a request on a stdin its parent made non-blocking, written late', async (t) => {
  const dir = await tempDir(t);
  const fifo = join(dir, 'in.fifo');
  execFileSync('mkfifo', [fifo]);
  const reader = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
  const writer = openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK);
  const child = spawn(node, [bundle, 'schema'], { stdio: [reader, 'pipe', 'pipe'] });
  closeSync(reader);
  let stdout = '';
  child.stdout!.on('data', (d) => (stdout += d));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  await sleep(800); // the child finds nothing to read yet (EAGAIN)
  (await import('node:fs')).writeSync(writer, '{"command":"verify"}');
  closeSync(writer);
  t.is(await exited, 0);
  t.is(JSON.parse(stdout).command, 'verify');
});

test('a reader that goes away before the result is written: the exit code, no crash on stderr', (t) => {
  const r = spawnSync(
    'bash',
    ['-c', `echo '{}' | '${node}' '${bundle}' schema --pretty | head -c 1 > /dev/null; echo "\${PIPESTATUS[1]}"`],
    {
      encoding: 'utf8',
    },
  );
  t.is(r.stdout.trim(), '0');
  t.is(r.stderr, '');
});
