import test from 'ava';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ADOPT_MIN, adopt, adoptPooled, isAdopted, release, retain } from '../../src/owned-buffer.ts';
import { readTar } from '../../src/archive/tar.ts';
import { createPartial } from '../../src/publish.ts';
import { bufferedWriter } from '../../src/restore/verified-archive.ts';
import { AppError } from '../../src/errors.ts';
import { prngBytes } from '../fixtures/prng.ts';
import { tempDir } from '../support/temp.ts';

const run = promisify(execFile);

const randomBytes = prngBytes;

/** A copy of `bytes` in an ArrayBuffer of its own, adopted as a decoder's output is. */
function adoptedCopy(bytes: Uint8Array): Buffer {
  const b = Buffer.from(new ArrayBuffer(bytes.length));
  b.set(bytes);
  t_ok(adopt(b));
  return b;
}

function t_ok(ok: boolean): void {
  if (!ok) throw new Error('expected the buffer to be adopted');
}

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

test('adopt takes only large buffers that fill their own ArrayBuffer; the last release frees them', (t) => {
  t.false(adopt(Buffer.from(new ArrayBuffer(ADOPT_MIN - 1))), 'small (possibly from the shared pool)');
  const big = Buffer.from(new ArrayBuffer(2 * ADOPT_MIN));
  t.false(adopt(big.subarray(1)), 'not the start of its buffer');
  t.false(adopt(big.subarray(0, ADOPT_MIN)), 'half of its buffer');
  t.true(adopt(big.subarray(0, big.length - 1), 1), 'all but the slack the producer allows');
  const b = Buffer.from(new ArrayBuffer(ADOPT_MIN)).fill(7);
  t.true(adopt(b));
  const view = b.subarray(100, 200);
  retain(view);
  release(b);
  t.is(view[0], 7, 'a retained view outlives the producer hold');
  t.true(isAdopted(view));
  release(view);
  t.is(b.length, 0, 'the last release detached (freed) it');
  t.is(b.buffer.byteLength, 0);
  const plain = Buffer.alloc(ADOPT_MIN, 1);
  retain(plain);
  release(plain);
  release(plain);
  t.is(plain[0], 1, 'buffers nobody adopted are left alone');
});

/** A tar written by GNU tar: a large file, then one whose long name needs a PAX header, then a small one. */
async function gnuTar(t: import('ava').ExecutionContext) {
  const dir = await tempDir(t);
  const longName = 'a-folder-name-long-enough/'.repeat(5) + 'and-a-file-name-past-one-hundred-bytes.dat';
  const files = new Map<string, Buffer>([
    ['big.dat', randomBytes(300_000, 1)],
    [longName, randomBytes(70_001, 2)],
    ['small.dat', randomBytes(5_000, 3)],
  ]);
  await run('mkdir', ['-p', join(dir, 'src', longName.slice(0, longName.lastIndexOf('/')))]);
  for (const [name, data] of files) await writeFile(join(dir, 'src', name), data);
  await run('tar', ['--format=posix', '-cf', join(dir, 'a.tar'), '-C', join(dir, 'src'), ...files.keys()]);
  return { tar: await readFile(join(dir, 'a.tar')), files };
}

/** The stream offset just past the records of the PAX header that carries a path (the long name's). */
function paxDataEnd(tar: Buffer): number {
  for (let at = 0; at < tar.length;) {
    const size = parseInt(tar.toString('latin1', at + 124, at + 135), 8) || 0;
    const records = tar.toString('latin1', at + 512, at + 512 + size);
    if (tar[at + 156] === 0x78 && records.includes(' path=')) return at + 512 + size;
    at += 512 + Math.ceil(size / 512) * 512;
  }
  throw new Error('no PAX header with a path');
}

async function readReleasing(chunks: Buffer[], releaseConsumed: boolean) {
  const seen = new Map<string, string>();
  async function* source() {
    yield* chunks;
  }
  for await (const e of readTar(source(), { releaseConsumed })) {
    const h = createHash('sha256');
    for await (const c of e.body) h.update(c);
    seen.set(e.header.name, h.digest('hex'));
  }
  return seen;
}

test('readTar with releaseConsumed frees each adopted chunk as it moves on, and reads every entry right', async (t) => {
  const { tar, files } = await gnuTar(t);
  const want = new Map([...files].map(([n, d]) => [n, sha(d)]));
  // One split puts a chunk boundary between the PAX records and their padding: the records must survive the
  // release of the chunk they were read from.
  const cut = paxDataEnd(tar);
  for (const size of [ADOPT_MIN, ADOPT_MIN + 512, 100_000, cut]) {
    // Zeros after the end-of-archive marker are allowed: they make the last chunk large enough to adopt.
    const padded = Buffer.concat([tar, Buffer.alloc(ADOPT_MIN)]);
    const chunks: Buffer[] = [];
    for (let i = 0; i + ADOPT_MIN <= padded.length; i += size) chunks.push(adoptedCopy(padded.subarray(i, i + size)));
    t.deepEqual(await readReleasing(chunks, true), want, `chunks of ${size}`);
    t.true(
      chunks.every((c) => c.length === 0),
      `every chunk freed (chunks of ${size})`,
    );
  }
  const kept = [adoptedCopy(tar)];
  t.deepEqual(await readReleasing(kept, false), want);
  t.true(
    kept.every((c) => c.length > 0),
    'without the option nothing is freed',
  );
});

test('a restore writer keeps the chunks it has not written yet, though the reader lets go of them at once', async (t) => {
  const dir = await tempDir(t);
  const dest = join(dir, 'out.dat');
  const parts = [randomBytes(ADOPT_MIN, 4), randomBytes(3 * ADOPT_MIN, 5), randomBytes(ADOPT_MIN + 7, 6)];
  const size = parts.reduce((n, p) => n + p.length, 0);
  const p = await createPartial(dest);
  const w = bufferedWriter(p, dest, size);
  for (const part of parts) {
    const chunk = adoptedCopy(part);
    await w.write(chunk); // the first is being written, the next ones queue behind it
    release(chunk); // the reader moves on
  }
  await w.end();
  await p.commit();
  t.is(sha(await readFile(dest)), sha(Buffer.concat(parts)));
});

test('a restore writer refuses to end with a file of another size than the entry', async (t) => {
  const dir = await tempDir(t);
  const dest = join(dir, 'out.dat');
  const p = await createPartial(dest);
  const w = bufferedWriter(p, dest, 10);
  await w.write(Buffer.from('12345'));
  const err = await t.throwsAsync(w.end(), { instanceOf: AppError });
  t.is(err?.code, 'WRITE_INCOMPLETE');
  await p.discard();
});

test('a file being published is flushed in the background as it grows, and a failed flush fails the commit', async (t) => {
  const dir = await tempDir(t);
  const dest = join(dir, 'flushed.dat');
  const p = await createPartial(dest, { flushEvery: 1 << 20 });
  let flushes = 0;
  const datasync = p.handle.datasync.bind(p.handle);
  p.handle.datasync = async () => {
    flushes++;
    return datasync();
  };
  const w = bufferedWriter(p, dest, 6 << 20);
  for (let i = 0; i < 6; i++) await w.write(Buffer.alloc(1 << 20, i));
  await w.end();
  t.true(flushes >= 2, `flushed ${flushes} times while writing 6 MiB`);
  await p.commit();
  t.is((await readFile(dest)).length, 6 << 20);

  const failing = await createPartial(join(dir, 'failing.dat'), { flushEvery: 1 << 20 });
  failing.handle.datasync = async () => Promise.reject(Object.assign(new Error('I/O error'), { code: 'EIO' }));
  const w2 = bufferedWriter(failing, join(dir, 'failing.dat'), 2 << 20);
  for (let i = 0; i < 2; i++) await w2.write(Buffer.alloc(1 << 20, i));
  await w2.end();
  const err = await t.throwsAsync(failing.commit());
  t.regex(String(err?.message), /I\/O error|EIO/);
  await failing.discard();
  t.deepEqual(
    (await readdir(dir)).sort(),
    ['flushed.dat'],
    'nothing published and no .partial left after the failed flush',
  );
});

test('a pooled buffer goes back to its pool on the last release instead of being freed', (t) => {
  const whole = Buffer.alloc(ADOPT_MIN, 9);
  const pool: Buffer[] = [];
  const view = whole.subarray(0, 1000);
  adoptPooled(view, () => pool.push(whole));
  retain(view.subarray(10, 20));
  release(view);
  t.is(pool.length, 0, 'still held');
  release(view);
  t.deepEqual(pool, [whole], 'given back once');
  t.is(whole.length, ADOPT_MIN, 'not freed');
  t.is(whole[0], 9);
  release(view);
  t.is(pool.length, 1, 'a release after the last does nothing');
});
