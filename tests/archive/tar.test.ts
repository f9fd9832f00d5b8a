import test from 'ava';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { link, mkdir, open, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { AppError } from '../../src/errors.ts';
import { TAR_END, type TarFileHeader, readTar, tarHeader, tarPadding } from '../../src/archive/tar.ts';
import { Prng, prngBytes } from '../fixtures/prng.ts';
import { tempDir } from '../support/temp.ts';

const run = promisify(execFile);
const TAR = '/usr/bin/tar';
const TAR_ENV = { ...process.env, LC_ALL: 'C.UTF-8', TZ: 'UTC' };
const MTIME = new Date('2024-03-05T06:07:08Z');

const INTEGRITY_CODES = new Set([
  'TAR_HEADER_CHECKSUM',
  'TAR_HEADER_MAGIC',
  'TAR_HEADER_INVALID',
  'TAR_LINK',
  'TAR_DEVICE',
  'TAR_UNSUPPORTED_TYPE',
  'TAR_PAX_INVALID',
  'TAR_PADDING_NONZERO',
  'TAR_TRUNCATED',
  'TAR_TRAILING_DATA',
]);

interface File {
  name: string;
  data: Buffer;
  mode?: number;
  mtime?: Date;
}

interface Read {
  name: string;
  size: number;
  mtime: number;
  mode: number;
  offset: number;
  data: Buffer;
}

const bytes = prngBytes;

function header(f: File): TarFileHeader {
  return { name: f.name, size: f.data.length, mtime: f.mtime ?? MTIME, mode: f.mode ?? 0o640 };
}

function archive(files: File[], end: Buffer = TAR_END): Buffer {
  const parts: Buffer[] = [];
  for (const f of files) parts.push(tarHeader(header(f)), f.data, tarPadding(f.data.length));
  parts.push(end);
  return Buffer.concat(parts);
}

async function* chunks(buf: Uint8Array, size = buf.length || 1): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size);
}

async function* randomChunks(buf: Uint8Array, seed: number): AsyncGenerator<Uint8Array> {
  const p = new Prng(seed);
  for (let i = 0; i < buf.length;) {
    const n = 1 + p.below(1500);
    yield buf.subarray(i, i + n);
    i += n;
  }
}

async function readAll(source: AsyncIterable<Uint8Array>): Promise<Read[]> {
  const out: Read[] = [];
  for await (const e of readTar(source)) {
    const parts: Buffer[] = [];
    for await (const c of e.body) parts.push(c);
    const { name, size, mtime, mode } = e.header;
    out.push({ name, size, mtime: mtime.getTime(), mode, offset: e.offset, data: Buffer.concat(parts) });
  }
  return out;
}

/** The AppError readTar throws for `buf` (failing the test when it does not). */
async function tarError(t: import('ava').ExecutionContext, buf: Uint8Array, code: string): Promise<AppError> {
  const err = await t.throwsAsync(readAll(chunks(buf)), { instanceOf: AppError });
  t.is(err?.code, code, err?.message);
  t.is(err?.category, 'Integrity');
  t.is(typeof err?.details?.offset, 'number');
  return err!;
}

/** Recomputes a header block's checksum after a test edited it (6 octal digits, NUL, space). */
function reseal(block: Buffer): Buffer {
  block.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of block) sum += b;
  block.write(sum.toString(8).padStart(6, '0') + '\0', 148, 'latin1');
  return block;
}

/** A plain ustar header block with some fields overwritten, resealed. */
function craftedHeader(name: string, size: number, patch: Record<number, string | Buffer> = {}): Buffer {
  const b = Buffer.from(tarHeader({ name, size, mtime: MTIME, mode: 0o644 }));
  t_assert(b.length === 512);
  for (const [off, v] of Object.entries(patch))
    (typeof v === 'string' ? Buffer.from(v, 'latin1') : v).copy(b, Number(off));
  return reseal(b);
}

function t_assert(ok: boolean): void {
  if (!ok) throw new Error('test fixture assumption failed');
}

/** A PAX 'x' entry carrying exactly `records` as its data. */
function paxEntry(records: Buffer | string): Buffer {
  const data = typeof records === 'string' ? Buffer.from(records, 'utf8') : records;
  const size = data.length.toString(8).padStart(11, '0') + '\0';
  return Buffer.concat([craftedHeader('PaxHeaders/x', 0, { 124: size, 156: 'x' }), data, tarPadding(data.length)]);
}

function file(name: string, data: Buffer): Buffer {
  return Buffer.concat([
    tarHeader({ name, size: data.length, mtime: MTIME, mode: 0o644 }),
    data,
    tarPadding(data.length),
  ]);
}

/** Name whose PAX record is exactly 101 bytes: the length's own digit count (2 → 3) changes the length. */
const BOUNDARY_NAME = 'ü' + 'a'.repeat(89);

const SAMPLE: File[] = [
  { name: 'empty.bin', data: Buffer.alloc(0) },
  { name: 'one.bin', data: bytes(1, 1), mode: 0o600 },
  { name: 'block.bin', data: bytes(512, 2) },
  { name: 'logs/' + 'L'.repeat(145), data: bytes(700, 3) },
  { name: 'ntds/Dätenbank-ü€𝄞.dit', data: bytes(1500, 4), mtime: new Date('2001-09-09T01:46:40Z') },
  { name: 'p'.repeat(60) + '/' + 'q'.repeat(60), data: bytes(33, 5) },
  { name: BOUNDARY_NAME, data: bytes(2, 6) },
];

test('writer: a plain ustar header has the POSIX fields and a checksum GNU-style', (t) => {
  const h = tarHeader({ name: 'logs/edb00001.log', size: 1234, mtime: MTIME, mode: 0o640 });
  t.is(h.length, 512);
  const s = (o: number, n: number) => h.toString('latin1', o, o + n);
  t.is(s(0, 18), 'logs/edb00001.log\0');
  t.is(s(100, 8), '0000640\0');
  t.is(s(108, 16), '0000000\x000000000\0');
  t.is(s(124, 12), (1234).toString(8).padStart(11, '0') + '\0');
  t.is(s(136, 12), (MTIME.getTime() / 1000).toString(8).padStart(11, '0') + '\0');
  t.is(s(156, 1), '0');
  t.is(s(257, 8), 'ustar\x0000');
  t.is(s(265, 5), 'root\0');
  t.is(s(297, 5), 'root\0');
  t.is(h[155], 0x20);
  t.is(h[154], 0);
  t.deepEqual(reseal(Buffer.from(h)), h);
  t.deepEqual(tarPadding(0), Buffer.alloc(0));
  t.deepEqual(tarPadding(1), Buffer.alloc(511));
  t.deepEqual(tarPadding(512), Buffer.alloc(0));
  t.deepEqual(tarPadding(1025), Buffer.alloc(511));
  t.deepEqual(TAR_END, Buffer.alloc(1024));
});

test('writer: PAX path records have the exact "<len> key=value\\n" form, and only when ustar cannot hold the name', (t) => {
  const pax = (name: string) => {
    const h = tarHeader({ name, size: 1, mtime: MTIME, mode: 0o644 });
    if (h.length === 512) return null;
    t.is(String.fromCharCode(h[156]!), 'x');
    t.regex(h.toString('latin1', 0, 100), /^PaxHeaders\/[\x01-\x7f]+\0*$/);
    const size = parseInt(h.toString('latin1', 124, 135), 8);
    t.is(h.length, 512 + Math.ceil(size / 512) * 512 + 512);
    return h.subarray(512, 512 + size).toString('utf8');
  };
  t.is(pax('a'.repeat(100)), null);
  t.is(pax('d'.repeat(155) + '/' + 'f'.repeat(100)), null); // prefix/name split
  const long = 'logs/' + 'x'.repeat(145);
  t.is(pax(long), `160 path=${long}\n`);
  t.is(pax('x'.repeat(101)), `111 path=${'x'.repeat(101)}\n`);
  t.is(pax('ü'), '11 path=ü\n');
  const boundary = pax(BOUNDARY_NAME)!;
  t.is(boundary, `101 path=${BOUNDARY_NAME}\n`);
  t.is(Buffer.byteLength(boundary), 101);
  t.throws(() => tarHeader({ name: '', size: 0, mtime: MTIME, mode: 0o644 }), { instanceOf: AppError });
  t.throws(() => tarHeader({ name: 'a', size: -1, mtime: MTIME, mode: 0o644 }), { instanceOf: AppError });
  t.throws(() => tarHeader({ name: 'a', size: 0, mtime: new Date(NaN), mode: 0o644 }), { instanceOf: AppError });
});

test('GNU tar lists and extracts our archive byte-identically; readTar reads back names, sizes, modes, mtimes and data', async (t) => {
  const dir = await tempDir(t);
  const path = join(dir, 'a.tar');
  const buf = archive(SAMPLE);
  await writeFile(path, buf);

  const { stdout } = await run(TAR, ['--quoting-style=literal', '-tvf', path], { env: TAR_ENV });
  const listed = stdout
    .trimEnd()
    .split('\n')
    .map((line) => {
      const m = /^(\S+) (\S+)\s+(\d+) (\S+ \S+) (.*)$/.exec(line);
      t.truthy(m, line);
      return { perms: m![1], owner: m![2], size: Number(m![3]), name: m![5] };
    });
  t.deepEqual(
    listed,
    SAMPLE.map((f) => ({
      perms: f.mode === 0o600 ? '-rw-------' : '-rw-r-----',
      owner: 'root/root',
      size: f.data.length,
      name: f.name,
    })),
  );

  const out = join(dir, 'out');
  await mkdir(out);
  await run(TAR, ['-xf', path, '-C', out], { env: TAR_ENV });
  for (const f of SAMPLE) {
    t.deepEqual(await readFile(join(out, f.name)), f.data, f.name);
    t.is((await stat(join(out, f.name))).mtimeMs, (f.mtime ?? MTIME).getTime(), f.name);
  }

  const read = await readAll(createReadStream(path));
  t.deepEqual(
    read.map(({ offset: _, ...r }) => r),
    SAMPLE.map((f) => ({
      name: f.name,
      size: f.data.length,
      mtime: (f.mtime ?? MTIME).getTime(),
      mode: f.mode ?? 0o640,
      data: f.data,
    })),
  );
  // Offsets: each entry's first header block, PAX header included.
  let at = 0;
  const offsets = SAMPLE.map((f) => {
    const o = at;
    at += tarHeader(header(f)).length + f.data.length + tarPadding(f.data.length).length;
    return o;
  });
  t.deepEqual(
    read.map((r) => r.offset),
    offsets,
  );
  t.is(at + 1024, buf.length);
});

test('an archive made by GNU tar --format=posix reads back (its atime/ctime/mtime PAX records ignored)', async (t) => {
  const dir = await tempDir(t);
  const src = join(dir, 'src');
  await mkdir(join(src, 'sub'), { recursive: true });
  const one = bytes(5000, 7);
  const two = Buffer.from('second file\n');
  await writeFile(join(src, 'file1'), one);
  await writeFile(join(src, 'sub', 'file2'), two);
  const path = join(dir, 'x.tar');
  await run(TAR, ['--format=posix', '-cf', path, '-C', src, 'file1', 'sub/file2'], { env: TAR_ENV });
  const raw = await readFile(path);
  t.true(raw.includes('PaxHeaders'), 'GNU wrote PAX headers');
  t.true(raw.includes(' atime='));
  t.is(raw.length % 10240, 0, 'GNU padded to a whole record');

  const read = await readAll(createReadStream(path));
  const modeOf = async (p: string) => (await stat(p)).mode & 0o777;
  t.deepEqual(
    read.map((r) => [r.name, r.size, r.mode]),
    [
      ['file1', 5000, await modeOf(join(src, 'file1'))],
      ['sub/file2', two.length, await modeOf(join(src, 'sub', 'file2'))],
    ],
  );
  t.deepEqual(read[0]!.data, one);
  t.deepEqual(read[1]!.data, two);
  t.is(read[0]!.mtime, Math.floor((await stat(join(src, 'file1'))).mtimeMs / 1000) * 1000);
  t.is(read[0]!.offset, 0);
  t.true(read[1]!.offset > 0 && read[1]!.offset % 512 === 0);
});

test('GNU tar links, directories, devices, FIFOs and its own gnu format are refused', async (t) => {
  const dir = await tempDir(t);
  const src = join(dir, 'src');
  await mkdir(join(src, 'sub'), { recursive: true });
  await writeFile(join(src, 'file1'), 'data');
  await symlink('file1', join(src, 'soft'));
  await link(join(src, 'file1'), join(src, 'hard'));
  await run('mkfifo', [join(src, 'fifo')]);

  const make = async (name: string, args: string[]) => {
    const path = join(dir, name);
    await run(TAR, ['--format=posix', '-cf', path, ...args], { env: TAR_ENV });
    return readFile(path);
  };
  const soft = await tarError(t, await make('soft.tar', ['-C', src, 'soft']), 'TAR_LINK');
  t.is(soft.target, 'soft');
  t.is(soft.details?.offset, 1024, 'the link header, after its 1024-byte PAX entry');

  // The hard link follows a good copy of the file: that one is yielded first.
  const hardTar = await make('hard.tar', ['-C', src, 'file1', 'hard']);
  const seen: string[] = [];
  const hard = await t.throwsAsync(
    (async () => {
      for await (const e of readTar(chunks(hardTar))) seen.push(e.header.name);
    })(),
    { instanceOf: AppError },
  );
  t.deepEqual(seen, ['file1']);
  t.is(hard?.code, 'TAR_LINK');
  t.is(hard?.target, 'hard');

  const d = await tarError(t, await make('dir.tar', ['-C', src, 'sub']), 'TAR_UNSUPPORTED_TYPE');
  t.is(d.target, 'sub/');
  t.is((await tarError(t, await make('fifo.tar', ['-C', src, 'fifo']), 'TAR_DEVICE')).target, 'fifo');
  t.is((await tarError(t, await make('null.tar', ['-C', '/dev', 'null']), 'TAR_DEVICE')).target, 'null');

  const gnuPath = join(dir, 'gnu.tar');
  await run(TAR, ['--format=gnu', '-cf', gnuPath, '-C', src, 'file1'], { env: TAR_ENV });
  t.is((await tarError(t, await readFile(gnuPath), 'TAR_HEADER_MAGIC')).target, 'file1');
});

const OVERSIZE = 9 * 1024 ** 3 + 123; // 9663676539: does not fit 11 octal digits

test('oversize entry: a sparse 9 GiB archive is listed by GNU tar with its PAX size', async (t) => {
  const dir = await tempDir(t);
  const path = join(dir, 'big.tar');
  const head = tarHeader({ name: 'ntds/ntds.dit', size: OVERSIZE, mtime: MTIME, mode: 0o600 });
  const fh = await open(path, 'w');
  try {
    await fh.write(head, 0, head.length, 0);
    const tail = Buffer.concat([Buffer.from('END!'), tarPadding(OVERSIZE), TAR_END]);
    // The data's last 4 bytes are written (so the file is not all hole), everything before them is a hole.
    await fh.write(tail, 0, tail.length, head.length + OVERSIZE - 4);
  } finally {
    await fh.close();
  }
  const st = await stat(path);
  t.is(st.size, head.length + OVERSIZE + tarPadding(OVERSIZE).length + 1024);
  t.true(st.blocks * 512 < 1024 ** 2, 'the test archive is sparse');
  const { stdout } = await run(TAR, ['-tvf', path], { env: TAR_ENV });
  t.regex(stdout, /^-rw------- root\/root\s+9663676539 2024-03-05 06:07 ntds\/ntds\.dit\n$/);
});

test('oversize entry: PAX size record, ustar size 0, and the reader streams all 9 GiB with bounded memory', async (t) => {
  const head = tarHeader({ name: 'ntds/ntds.dit', size: OVERSIZE, mtime: MTIME, mode: 0o600 });
  t.is(head.length, 1536);
  t.is(head.toString('latin1', 512, 512 + 20), '19 size=9663676539\n\0');
  t.is(head.toString('latin1', 1024 + 124, 1024 + 136), '00000000000\0');
  t.is(head.toString('latin1', 1024, 1024 + 14), 'ntds/ntds.dit\0');
  // The largest size ustar holds needs no PAX header; one more byte does.
  t.is(tarHeader({ name: 'a', size: 0o77777777777, mtime: MTIME, mode: 0o600 }).length, 512);
  t.is(tarHeader({ name: 'a', size: 0o77777777777 + 1, mtime: MTIME, mode: 0o600 }).length, 1536);

  const zeros = Buffer.alloc(4 * 1024 * 1024);
  async function* source(): AsyncGenerator<Uint8Array> {
    yield head;
    let left = OVERSIZE;
    while (left > 0) {
      const n = Math.min(left, zeros.length);
      yield zeros.subarray(0, n);
      left -= n;
    }
    yield Buffer.concat([tarPadding(OVERSIZE), TAR_END]);
  }
  const rssBefore = process.memoryUsage().rss;
  const seen: Array<[string, number, number]> = [];
  for await (const e of readTar(source())) {
    let n = 0;
    for await (const c of e.body) n += c.length;
    seen.push([e.header.name, e.header.size, n]);
  }
  t.deepEqual(seen, [['ntds/ntds.dit', OVERSIZE, OVERSIZE]]);
  t.true(process.memoryUsage().rss - rssBefore < 512 * 1024 ** 2);
});

test('1-byte chunks, odd chunks, random chunks and one big chunk read identically; a big chunk is passed through uncopied', async (t) => {
  const buf = archive(SAMPLE);
  const whole = await readAll(chunks(buf));
  t.is(whole.length, SAMPLE.length);
  t.deepEqual(await readAll(chunks(buf, 1)), whole);
  t.deepEqual(await readAll(chunks(buf, 7)), whole);
  t.deepEqual(await readAll(chunks(buf, 4096)), whole);
  t.deepEqual(await readAll(randomChunks(buf, 42)), whole);
  t.deepEqual(await readAll(chunks(new Uint8Array(buf))), whole); // plain Uint8Array chunks

  for await (const e of readTar(chunks(buf))) {
    for await (const c of e.body) {
      t.is(c.buffer, buf.buffer);
      t.true(c.byteOffset >= buf.byteOffset + e.offset);
    }
  }
});

test('bodies left unread, or read in part, are drained; a stale body refuses to be read', async (t) => {
  const buf = archive(SAMPLE);
  const names: string[] = [];
  for await (const e of readTar(chunks(buf, 1))) names.push(e.header.name);
  t.deepEqual(
    names,
    SAMPLE.map((f) => f.name),
  );

  const firsts: number[] = [];
  for await (const e of readTar(chunks(buf, 100))) {
    for await (const c of e.body) {
      firsts.push(c[0]!);
      break;
    }
  }
  t.deepEqual(
    firsts,
    SAMPLE.filter((f) => f.data.length > 0).map((f) => f.data[0]!),
  );

  const it = readTar(chunks(buf, 100));
  await it.next();
  await it.next();
  const one = (await it.next()).value!;
  t.is(one.header.name, 'block.bin');
  const stale = one.body[Symbol.asyncIterator]();
  await stale.next();
  await it.next(); // moves on: the rest of block.bin is drained
  await t.throwsAsync(stale.next(), { instanceOf: AppError, message: /after the reader moved on/ });
  await it.return(undefined);
});

test('every single flipped byte at every offset is detected: an Integrity error, or different names/data', async (t) => {
  const buf = archive(SAMPLE.slice(0, 5).map((f) => ({ ...f, data: f.data.subarray(0, 300) })));
  t.true(buf.length <= 8192, `archive of ${buf.length} bytes`);
  const digest = (rs: Read[]) =>
    JSON.stringify(rs.map(({ data, ...r }) => ({ ...r, data: createHash('sha256').update(data).digest('hex') })));
  const good = await readAll(chunks(buf));
  const goodDigest = digest(good);
  const dataRanges: Array<[number, number]> = [];
  for (const e of good) {
    const start =
      e.offset + tarHeader(header({ name: e.name, data: e.data, mtime: new Date(e.mtime), mode: e.mode })).length;
    dataRanges.push([start, start + e.size]);
  }
  const inData = (i: number) => dataRanges.some(([a, b]) => i >= a && i < b);
  const undetected: string[] = [];
  const byCode = new Map<string, number>();
  let dataDiffs = 0;
  for (let i = 0; i < buf.length; i++) {
    for (const mask of [0x01, 0x20, 0x80, 0xff]) {
      const bad = Buffer.from(buf);
      bad[i]! ^= mask;
      try {
        const read = await readAll(chunks(bad));
        if (digest(read) === goodDigest) undetected.push(`offset ${i} ^ 0x${mask.toString(16)}`);
        else if (inData(i)) dataDiffs++;
        else byCode.set('(names differ)', (byCode.get('(names differ)') ?? 0) + 1);
      } catch (err) {
        if (!(err instanceof AppError) || err.category !== 'Integrity' || !INTEGRITY_CODES.has(err.code)) {
          undetected.push(`offset ${i} ^ 0x${mask.toString(16)}: unexpected ${String(err)}`);
        } else {
          byCode.set(err.code, (byCode.get(err.code) ?? 0) + 1);
          if (inData(i)) undetected.push(`offset ${i}: a data byte flip threw ${err.code}`);
        }
      }
    }
  }
  t.deepEqual(undetected, []);
  const dataBytes = dataRanges.reduce((n, [a, b]) => n + b - a, 0);
  t.is(dataDiffs, dataBytes * 4, 'data flips pass through as different data');
  for (const code of ['TAR_HEADER_CHECKSUM', 'TAR_PADDING_NONZERO', 'TAR_TRAILING_DATA', 'TAR_PAX_INVALID']) {
    t.true((byCode.get(code) ?? 0) > 0, `${code} seen: ${JSON.stringify([...byCode])}`);
  }
});

test('truncation at every 100th offset is an Integrity error, naming the entry whose data was cut', async (t) => {
  const buf = archive(SAMPLE);
  const good = await readAll(chunks(buf));
  const silent: number[] = [];
  let named = 0;
  for (let cut = 0; cut < buf.length; cut += 100) {
    try {
      await readAll(chunks(buf.subarray(0, cut)));
      silent.push(cut);
    } catch (err) {
      if (!(err instanceof AppError) || err.category !== 'Integrity') {
        silent.push(cut);
        continue;
      }
      t.true(INTEGRITY_CODES.has(err.code));
      if (err.code !== 'TAR_TRUNCATED') continue;
      t.is(err.details?.offset, cut);
      const inside = good.find((e) => {
        const start =
          e.offset + tarHeader(header({ name: e.name, data: e.data, mtime: new Date(e.mtime), mode: e.mode })).length;
        return cut > start && cut < start + e.size;
      });
      if (inside) {
        t.is(err.target, inside.name, `cut at ${cut}`);
        named++;
      }
    }
  }
  t.deepEqual(silent, []);
  t.true(named > 5);
  // Exactly at the boundaries: no end marker, one zero block, and the full archive (fine).
  const endStart = buf.length - 1024;
  t.is((await tarError(t, buf.subarray(0, endStart), 'TAR_TRUNCATED')).details?.offset, endStart);
  await tarError(t, buf.subarray(0, endStart + 512), 'TAR_TRUNCATED');
  await tarError(t, Buffer.alloc(0), 'TAR_TRUNCATED');
  await tarError(t, Buffer.alloc(512), 'TAR_TRUNCATED');
  t.is((await readAll(chunks(buf))).length, SAMPLE.length);
});

test('end of archive: zero record padding is accepted, anything non-zero after the marker is trailing data', async (t) => {
  const buf = archive(SAMPLE.slice(0, 3));
  const padded = Buffer.concat([buf, Buffer.alloc(10240 - (buf.length % 10240))]);
  t.is((await readAll(chunks(padded, 3000))).length, 3);
  t.deepEqual(await readAll(chunks(Buffer.alloc(1024))), []);
  const bad = Buffer.from(padded);
  bad[padded.length - 10] = 1;
  t.is((await tarError(t, bad, 'TAR_TRAILING_DATA')).details?.offset, padded.length - 10);
  const appended = Buffer.concat([buf, file('late', Buffer.from('x'))]);
  t.is((await tarError(t, appended, 'TAR_TRAILING_DATA')).details?.offset, buf.length);
  // A lone zero block followed by another entry.
  const lone = Buffer.concat([file('a', Buffer.from('1')), Buffer.alloc(512), file('b', Buffer.from('2')), TAR_END]);
  t.is((await tarError(t, lone, 'TAR_TRAILING_DATA')).details?.offset, 1536);
});

test('header checks: checksum, magic, type flags, numeric fields', async (t) => {
  const data = Buffer.from('hello');
  const good = file('f', data);
  const withEnd = (h: Buffer) => Buffer.concat([h, data, tarPadding(data.length), TAR_END]);

  const flipped = withEnd(Buffer.from(good.subarray(0, 512)));
  flipped[20] = 0x41;
  t.is((await tarError(t, Buffer.concat([file('ok', data), flipped]), 'TAR_HEADER_CHECKSUM')).details?.offset, 1024);
  const badField = withEnd(Buffer.from(good.subarray(0, 512)));
  badField.write('00012 \0 ', 148, 'latin1');
  await tarError(t, badField, 'TAR_HEADER_CHECKSUM');
  await tarError(t, withEnd(craftedHeader('f', 5, { 257: 'ustar  \0' })), 'TAR_HEADER_MAGIC');
  await tarError(t, withEnd(craftedHeader('f', 5, { 263: '01' })), 'TAR_HEADER_MAGIC');

  const types: Array<[string, string]> = [
    ['1', 'TAR_LINK'],
    ['2', 'TAR_LINK'],
    ['3', 'TAR_DEVICE'],
    ['4', 'TAR_DEVICE'],
    ['6', 'TAR_DEVICE'],
    ['5', 'TAR_UNSUPPORTED_TYPE'],
    ['7', 'TAR_UNSUPPORTED_TYPE'],
    ['g', 'TAR_UNSUPPORTED_TYPE'],
    ['L', 'TAR_UNSUPPORTED_TYPE'],
    ['S', 'TAR_UNSUPPORTED_TYPE'],
  ];
  for (const [flag, code] of types) {
    const err = await tarError(t, withEnd(craftedHeader('dir/f', 5, { 156: flag })), code);
    t.is(err.target, 'dir/f', flag);
  }
  const nulType = await readAll(chunks(withEnd(craftedHeader('f', 5, { 156: '\0' }))));
  t.deepEqual(
    nulType.map((e) => [e.name, e.data.toString()]),
    [['f', 'hello']],
  );

  for (const [off, value] of [
    [124, '0000000000\x38\0'], // 8 is not octal
    [124, '           \0'], // no digits
    [124, '00000000005x'],
    [100, '0000644\x01'],
    [136, '\x81' + '\0'.repeat(11)], // base-256 lead byte other than 0x80/0xff
  ] as const) {
    await tarError(t, withEnd(craftedHeader('f', 5, { [off]: value })), 'TAR_HEADER_INVALID');
  }
  // Octal without a terminator, with leading spaces, and GNU base-256 all parse.
  const base256 = Buffer.alloc(12);
  base256[0] = 0x80;
  base256[11] = 5;
  for (const patch of [{ 124: '000000000005' }, { 124: '          5\0' }, { 124: base256 }]) {
    const read = await readAll(chunks(withEnd(craftedHeader('f', 5, patch))));
    t.deepEqual(
      read.map((e) => [e.size, e.data.toString()]),
      [[5, 'hello']],
    );
  }
  // Negative (pre-1970) mtimes are written base-256 and read back.
  const old = new Date('1960-01-01T00:00:00Z');
  const h = tarHeader({ name: 'old', size: 0, mtime: old, mode: 0o644 });
  t.is(h[136], 0xff);
  t.is((await readAll(chunks(Buffer.concat([h, TAR_END]))))[0]!.mtime, old.getTime());
});

test('padding after data and after a PAX header must be zero', async (t) => {
  const one = file('one', Buffer.from('x'));
  const bad = Buffer.concat([one, TAR_END]);
  bad[512 + 1 + 200] = 7;
  const err = await tarError(t, bad, 'TAR_PADDING_NONZERO');
  t.is(err.details?.offset, 713);
  t.is(err.target, 'one');

  const pax = tarHeader({ name: 'ü', size: 0, mtime: MTIME, mode: 0o644 });
  const badPax = Buffer.concat([pax, TAR_END]);
  badPax[512 + 100] = 1;
  t.is((await tarError(t, badPax, 'TAR_PADDING_NONZERO')).details?.offset, 612);
});

test('PAX records: path and size apply to the next header, unknown keys are ignored, malformed ones refused', async (t) => {
  const data = Buffer.from('hello');
  const body = Buffer.concat([craftedHeader('fallback', 5), data, tarPadding(5)]);
  const read = await readAll(
    chunks(Buffer.concat([paxEntry('16 path=real/nm\n11 foo=bar\n30 mtime=1700000000.123456789\n'), body, TAR_END])),
  );
  t.deepEqual(
    read.map((e) => [e.name, e.size, e.offset, e.data.toString()]),
    [['real/nm', 5, 0, 'hello']],
  );
  const sized = await readAll(
    chunks(Buffer.concat([paxEntry('9 size=5\n'), craftedHeader('f', 0), data, tarPadding(5), TAR_END])),
  );
  t.deepEqual(
    sized.map((e) => [e.name, e.size, e.data.toString()]),
    [['f', 5, 'hello']],
  );

  const invalid = [
    '17 path=real/nm\n', // length too long
    '16 path=real/nm\n\0', // trailing byte beyond the records
    '016 path=real/nm\n', // leading zero
    '16 path=real/nm ', // no newline
    '8 pathx\n', // no '='
    '6 =ab\n', // empty key
    '8 path=\n', // empty path
    '11 size=-5\n',
    '11 size=05\n',
    'x',
    Buffer.concat([Buffer.from('12 path=a'), Buffer.from([0xc3, 0x28]), Buffer.from('\n')]), // invalid UTF-8
  ];
  for (const records of invalid) {
    const err = await tarError(t, Buffer.concat([paxEntry(records), body, TAR_END]), 'TAR_PAX_INVALID');
    t.true((err.details!.offset as number) >= 512, String(records));
  }
  await tarError(t, Buffer.concat([paxEntry('9 size=5\n'), TAR_END]), 'TAR_PAX_INVALID'); // PAX then end of archive
  await tarError(t, Buffer.concat([paxEntry('9 size=5\n'), paxEntry('9 size=5\n'), body, TAR_END]), 'TAR_PAX_INVALID');
  await tarError(t, Buffer.concat([paxEntry('22 GNU.sparse.major=1\n'), body, TAR_END]), 'TAR_UNSUPPORTED_TYPE');
  const link = await tarError(
    t,
    Buffer.concat([paxEntry('12 path=lnk\n'), craftedHeader('x', 0, { 156: '2' }), TAR_END]),
    'TAR_LINK',
  );
  t.is(link.target, 'lnk');
  // PAX data cut short, and a PAX size beyond what the stream holds.
  const cut = Buffer.concat([paxEntry('16 path=real/nm\n'), body]).subarray(0, 520);
  await tarError(t, cut, 'TAR_TRUNCATED');
  const tooBig = await tarError(t, Buffer.concat([paxEntry('13 size=9999\n'), body, TAR_END]), 'TAR_TRUNCATED');
  t.is(tooBig.target, 'fallback');
});

test('a reader stopped early closes its source', async (t) => {
  const buf = archive(SAMPLE);
  let closed = false;
  async function* source(): AsyncGenerator<Uint8Array> {
    try {
      for (let i = 0; i < buf.length; i += 64) yield buf.subarray(i, i + 64);
    } finally {
      closed = true;
    }
  }
  for await (const e of readTar(source())) {
    t.is(e.header.name, 'empty.bin');
    break;
  }
  t.true(closed);
});
