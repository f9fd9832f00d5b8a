import test, { type ExecutionContext } from 'ava';
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable, Writable, type Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AppError } from '../../src/errors.ts';
import {
  ARCHIVE_EXTENSIONS,
  createCompressor,
  createDecompressor,
  type CompressionType,
} from '../../src/archive/compression/index.ts';
import { detectFormat } from '../../src/archive/detect-format.ts';
import { tempDir } from '../support/temp.ts';
import { realisticData } from '../support/realistic-data.ts';
import { projectRoot } from '../support/shared.ts';

const MiB = 1024 * 1024;

// ---------------------------------------------------------------------------------------------------------------
// Helpers

/** ~`size` bytes, half random and half repetitive, in alternating runs. */
function mixedData(size: number): Buffer {
  const parts: Buffer[] = [];
  let n = 0;
  for (let i = 0; n < size; i++) {
    const len = Math.min(size - n, 300_000 + ((i * 7919) % 900_000));
    parts.push(i % 2 ? randomBytes(len) : Buffer.alloc(len, `pattern-${i}-`));
    n += len;
  }
  return Buffer.concat(parts, size);
}

/** Cuts a buffer into chunks of an awkward size, so frame and block boundaries fall inside chunks. */
function chunked(data: Buffer, size = 65_521): Buffer[] {
  const out: Buffer[] = [];
  for (let o = 0; o < data.length; o += size) out.push(data.subarray(o, o + size));
  return out;
}

interface Outcome {
  out: Buffer;
  err: unknown;
}

/** Runs `data` through a transform; resolves with what came out and the error, if any. Fails after 150 s (a hang; a loaded 2-core machine can take over a minute for the largest cases). */
async function run(transform: Transform, data: Buffer, chunkSize?: number): Promise<Outcome> {
  const parts: Buffer[] = [];
  let err: unknown = null;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('stream did not finish within 150 s (hang)')), 150_000);
  });
  try {
    await Promise.race([
      pipeline(Readable.from(chunked(data, chunkSize)), transform, async function* (source) {
        for await (const c of source) parts.push(c as Buffer);
      }).catch((e: unknown) => {
        err = e;
      }),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
  return { out: Buffer.concat(parts), err };
}

async function compress(
  type: CompressionType,
  data: Buffer,
  opts: { blockSize?: number; level?: number } = {},
): Promise<Buffer> {
  const r = await run(createCompressor({ type, ...opts }), data);
  if (r.err) throw r.err;
  return r.out;
}

async function decompress(type: CompressionType, data: Buffer, opts: { maxFrameBytes?: number } = {}): Promise<Buffer> {
  const r = await run(createDecompressor(type, opts), data);
  if (r.err) throw r.err;
  return r.out;
}

/** Asserts the decompressor fails with ARCHIVE_CORRUPT and that whatever it emitted first is a true prefix. */
async function assertCorrupt(
  t: ExecutionContext,
  type: CompressionType,
  bad: Buffer,
  original: Buffer,
  what: string,
): Promise<AppError> {
  const r = await run(createDecompressor(type), bad);
  t.true(r.err instanceof AppError, `${what}: expected an AppError, got ${String(r.err)}`);
  const err = r.err as AppError;
  t.is(err.code, 'ARCHIVE_CORRUPT', what);
  t.is(err.category, 'Integrity', what);
  t.is(typeof err.details?.['compressedOffset'], 'number', what);
  t.regex(err.message, /offset \d+/, what);
  t.true(original.subarray(0, r.out.length).equals(r.out), `${what}: emitted bytes that are not the original's`);
  return err;
}

interface Frame {
  offset: number;
  fhd: number;
  headerSize: number;
  contentSize: number | null;
  blocks: { offset: number; type: number; size: number }[];
  checksumOffset: number | null;
  end: number;
}

/** An independent walk over zstd frames (RFC 8878), to check what the compressor writes. */
function walkFrames(buf: Buffer): Frame[] {
  const frames: Frame[] = [];
  let p = 0;
  while (p < buf.length) {
    const magic = buf.readUInt32LE(p);
    if (magic !== 0xfd2fb528) throw new Error(`no zstd magic at ${p}`);
    const fhd = buf[p + 4]!;
    const single = (fhd >> 5) & 1;
    const fcsSize = fhd >> 6 === 0 ? single : 1 << (fhd >> 6);
    const didSize = [0, 1, 2, 4][fhd & 3]!;
    const headerSize = 5 + (single ? 0 : 1) + didSize + fcsSize;
    const fcsAt = p + headerSize - fcsSize;
    const contentSize =
      fcsSize === 0
        ? null
        : fcsSize === 1
          ? buf[fcsAt]!
          : fcsSize === 2
            ? buf.readUInt16LE(fcsAt) + 256
            : fcsSize === 4
              ? buf.readUInt32LE(fcsAt)
              : Number(buf.readBigUInt64LE(fcsAt));
    const frame: Frame = { offset: p, fhd, headerSize, contentSize, blocks: [], checksumOffset: null, end: 0 };
    let q = p + headerSize;
    for (;;) {
      const h = buf.readUIntLE(q, 3);
      const type = (h >> 1) & 3;
      const size = h >>> 3;
      frame.blocks.push({ offset: q, type, size });
      q += 3 + (type === 1 ? 1 : size);
      if (h & 1) break;
    }
    if (fhd & 4) {
      frame.checksumOffset = q;
      q += 4;
    }
    frame.end = q;
    frames.push(frame);
    p = q;
  }
  return frames;
}

function sh(cmd: string, args: string[], input?: Buffer): Buffer {
  return execFileSync(cmd, args, { input, maxBuffer: 1024 * MiB, stdio: [input ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
}

// Shared inputs, made once.
const DATA_20M = mixedData(20 * MiB);
const SMALL = realisticData(900 * 1024, 7);
let smallZstd: Buffer;
let smallGzip: Buffer;
test.before(async () => {
  smallZstd = await compress('zstd', SMALL, { blockSize: 64 * 1024 });
  smallGzip = await compress('gzip', SMALL, { blockSize: 64 * 1024 });
});

// ---------------------------------------------------------------------------------------------------------------
// Round trips and interoperability

for (const type of ['zstd', 'gzip', 'none'] as const) {
  test(`round trip ${type}: 20 MiB of mixed data in 1 MiB blocks comes back identical`, async (t) => {
    const packed = await compress(type, DATA_20M, { blockSize: 1 * MiB });
    if (type === 'none') t.true(packed.equals(DATA_20M));
    else t.true(packed.length < DATA_20M.length * 0.75, `${packed.length} bytes: the repetitive half should compress`);
    if (type === 'zstd') t.is(walkFrames(packed).length, 20);
    const back = await decompress(type, packed);
    t.is(back.length, DATA_20M.length);
    t.true(back.equals(DATA_20M));
  });
}

test('our multi-frame zstd output: zstd -t passes, zstd -d gives identical bytes, zstd -lv counts the frames', async (t) => {
  const dir = await tempDir(t);
  const packed = await compress('zstd', DATA_20M, { blockSize: 1 * MiB, level: 5 });
  const file = join(dir, 'a.tar.zst');
  writeFileSync(file, packed);
  sh('zstd', ['-q', '-t', file]);
  t.true(sh('zstd', ['-q', '-d', '-c', file]).equals(DATA_20M));
  const list = sh('zstd', ['-lv', file]).toString();
  t.regex(list, /# Zstandard Frames: 20\b/);
  t.regex(list, /Check: XXH64/);
});

test('our multi-member gzip output: gzip -t passes and gzip -d gives identical bytes', async (t) => {
  const dir = await tempDir(t);
  const packed = await compress('gzip', DATA_20M, { blockSize: 1 * MiB, level: 1 });
  const file = join(dir, 'a.tar.gz');
  writeFileSync(file, packed);
  sh('gzip', ['-t', file]);
  t.true(sh('gzip', ['-d', '-c', file]).equals(DATA_20M));
});

test('tar reads our zstd and gzip archives (tar --zstd -x, tar -xz)', async (t) => {
  const dir = await tempDir(t);
  const src = join(dir, 'src');
  mkdirSync(src);
  writeFileSync(join(src, 'ntds.dit'), SMALL);
  writeFileSync(join(src, 'edb.chk'), Buffer.alloc(8192, 3));
  const tarBytes = sh('tar', ['-C', src, '-cf', '-', 'ntds.dit', 'edb.chk']);
  for (const [type, flag] of [
    ['zstd', '--zstd'],
    ['gzip', '-z'],
  ] as const) {
    const out = join(dir, `out-${type}`);
    mkdirSync(out);
    const file = join(dir, `b${ARCHIVE_EXTENSIONS[type]}`);
    writeFileSync(file, await compress(type, tarBytes, { blockSize: 64 * 1024 }));
    sh('tar', [flag, '-C', out, '-xf', file]);
    t.true(readFileSync(join(out, 'ntds.dit')).equals(SMALL), type);
    t.true(readFileSync(join(out, 'edb.chk')).equals(Buffer.alloc(8192, 3)), type);
  }
});

test('zstd CLI output decodes: single frame with content size, unsized (stdin), -T2 --long multi-block, level 19', async (t) => {
  const dir = await tempDir(t);
  const file = join(dir, 'plain');
  writeFileSync(file, DATA_20M);
  const cases: [string, Buffer][] = [
    ['zstd -3 file', sh('zstd', ['-q', '-3', '-c', file])],
    ['zstd -3 stdin (no content size)', sh('zstd', ['-q', '-3', '-c'], DATA_20M)],
    ['zstd -T2 --long', sh('zstd', ['-q', '-T2', '--long', '-c', file])],
    ['zstd -19 small', sh('zstd', ['-q', '-19', '-c'], SMALL)],
  ];
  for (const [name, packed] of cases) {
    const frames = walkFrames(packed);
    t.is(frames.length, 1, `${name}: the CLI writes one frame`);
    t.true(frames[0]!.blocks.length > 1, `${name}: of several blocks`);
    const plain = name.includes('small') ? SMALL : DATA_20M;
    t.true((await decompress('zstd', packed)).equals(plain), name);
  }
});

test('a frame larger than maxFrameBytes (or of unknown size) is streamed rather than refused', async (t) => {
  const cli = sh('zstd', ['-q', '-3', '-c'], DATA_20M);
  t.true((await decompress('zstd', cli, { maxFrameBytes: 64 * 1024 })).equals(DATA_20M));
  const ours = await compress('zstd', DATA_20M, { blockSize: 2 * MiB });
  t.true((await decompress('zstd', ours, { maxFrameBytes: 1 * MiB })).equals(DATA_20M));
  // A mix: our frames, a CLI frame, more of ours; all in order.
  const mixed = Buffer.concat([ours.subarray(0, walkFrames(ours)[3]!.end), cli, ours]);
  const expected = Buffer.concat([DATA_20M.subarray(0, 8 * MiB), DATA_20M, DATA_20M]);
  t.true((await decompress('zstd', mixed, { maxFrameBytes: 4 * MiB })).equals(expected));
});

test('gzip CLI output decodes, single and multi-member', async (t) => {
  const one = sh('gzip', ['-c', '-6'], DATA_20M);
  t.true((await decompress('gzip', one)).equals(DATA_20M));
  const two = Buffer.concat([sh('gzip', ['-c', '-1'], SMALL), sh('gzip', ['-c', '-9'], DATA_20M)]);
  t.true((await decompress('gzip', two)).equals(Buffer.concat([SMALL, DATA_20M])));
});

test('skippable frames are skipped (and zstd -d agrees)', async (t) => {
  const skip = (n: number, fill: number): Buffer => {
    const b = Buffer.alloc(8 + n, fill);
    b.writeUInt32LE(0x184d2a53, 0);
    b.writeUInt32LE(n, 4);
    return b;
  };
  const frames = walkFrames(smallZstd);
  const cut = frames[2]!.end;
  const packed = Buffer.concat([
    skip(100_000, 0x28),
    smallZstd.subarray(0, cut),
    skip(0, 0),
    smallZstd.subarray(cut),
    skip(5, 1),
  ]);
  t.is(detectFormat(packed), 'zstd');
  t.true((await decompress('zstd', packed)).equals(SMALL));
  t.true(sh('zstd', ['-q', '-d', '-c'], packed).equals(SMALL));
});

test('every frame we write carries a content checksum and its content size', async (t) => {
  const packed = await compress('zstd', DATA_20M, { blockSize: 3 * MiB });
  const frames = walkFrames(packed);
  t.is(frames.length, Math.ceil(DATA_20M.length / (3 * MiB)));
  let total = 0;
  for (const f of frames) {
    t.is(f.fhd & 0x04, 0x04, `frame at ${f.offset}: Content_Checksum_flag`);
    t.not(f.contentSize, null, `frame at ${f.offset}: Frame_Content_Size`);
    t.not(f.checksumOffset, null);
    total += f.contentSize ?? 0;
  }
  t.is(total, DATA_20M.length);
  t.is(frames.at(-1)!.end, packed.length);
});

test('empty input: one empty frame / member that the CLIs accept; an empty compressed file is corrupt', async (t) => {
  const z = await compress('zstd', Buffer.alloc(0));
  t.is(walkFrames(z).length, 1);
  t.is(sh('zstd', ['-q', '-d', '-c'], z).length, 0);
  t.is((await decompress('zstd', z)).length, 0);
  const g = await compress('gzip', Buffer.alloc(0));
  t.is(sh('gzip', ['-d', '-c'], g).length, 0);
  t.is((await decompress('gzip', g)).length, 0);
  t.is((await compress('none', Buffer.alloc(0))).length, 0);
  await assertCorrupt(t, 'zstd', Buffer.alloc(0), Buffer.alloc(0), 'empty zstd');
  await assertCorrupt(t, 'gzip', Buffer.alloc(0), Buffer.alloc(0), 'empty gzip');
});

// ---------------------------------------------------------------------------------------------------------------
// Corruption

function flipped(buf: Buffer, at: number, mask = 0x01): Buffer {
  const b = Buffer.from(buf);
  b[at]! ^= mask;
  return b;
}

test('every bit of a frame header flipped is detected, the unused bit too', async (t) => {
  const frames = walkFrames(smallZstd);
  t.true(frames.length >= 10);
  const f = frames[4]!;
  for (let at = f.offset; at < f.offset + f.headerSize; at++) {
    for (const mask of [0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80]) {
      // Including bit 4 of the Frame_Header_Descriptor, the Unused_bit decoders ignore (RFC 8878 3.1.1.1.1): no
      // encoder sets it, so our reader counts it as damage rather than let a flipped byte pass unseen.
      await assertCorrupt(
        t,
        'zstd',
        flipped(smallZstd, at, mask),
        SMALL,
        `header byte ${at - f.offset} ^ 0x${mask.toString(16)}`,
      );
    }
  }
});

test('flipped bytes in block data, block headers and checksums are detected, naming the frame offset', async (t) => {
  const frames = walkFrames(smallZstd);
  for (const f of [frames[0]!, frames[5]!, frames.at(-1)!]) {
    const compressed = f.blocks.find((b) => b.type === 2 && b.size > 100);
    t.truthy(compressed, 'a compressed block to damage');
    for (const rel of [3, 40, compressed!.size - 1]) {
      const err = await assertCorrupt(
        t,
        'zstd',
        flipped(smallZstd, compressed!.offset + 3 + rel, 0x10),
        SMALL,
        `block data of frame ${f.offset}`,
      );
      t.is(err.details?.['compressedOffset'], f.offset);
      t.true(err.message.includes(String(f.offset)));
    }
    for (let i = 0; i < 4; i++) {
      const err = await assertCorrupt(
        t,
        'zstd',
        flipped(smallZstd, f.checksumOffset! + i, 0x80),
        SMALL,
        `checksum byte ${i} of frame ${f.offset}`,
      );
      t.is(err.details?.['compressedOffset'], f.offset);
      t.regex(err.message, /checksum/i);
    }
    for (let i = 0; i < 3; i++) {
      for (const mask of [0x01, 0x02, 0x04, 0x08, 0x80]) {
        await assertCorrupt(
          t,
          'zstd',
          flipped(smallZstd, f.blocks[0]!.offset + i, mask),
          SMALL,
          `block header byte ${i} ^ ${mask} of frame ${f.offset}`,
        );
      }
    }
  }
});

test('a reserved block type is named as such', async (t) => {
  const f = walkFrames(smallZstd)[2]!;
  const bad = Buffer.from(smallZstd);
  bad[f.blocks[0]!.offset]! |= 0x06; // Block_Type 3
  const err = await assertCorrupt(t, 'zstd', bad, SMALL, 'reserved block type');
  t.regex(err.message, /reserved block type/);
  t.is(err.details?.['compressedOffset'], f.blocks[0]!.offset);
});

test('a frame whose blocks run far past its declared content size is refused before it is buffered', async (t) => {
  const f = walkFrames(smallZstd)[1]!;
  t.is(f.fhd >> 6, 1, 'a 2-byte Frame_Content_Size (256 + value) for a 64 KiB block');
  const bad = Buffer.from(smallZstd);
  bad.writeUInt16LE(0, f.offset + f.headerSize - 2);
  const err = await assertCorrupt(t, 'zstd', bad, SMALL, 'content size too small');
  t.is(err.details?.['compressedOffset'], f.offset);
  t.regex(err.message, /declares 256 bytes of content but its blocks run past \d+ compressed bytes/);
});

test('truncation anywhere but a frame boundary is an error, never a silent short result', async (t) => {
  const frames = walkFrames(smallZstd);
  const f = frames[3]!;
  const cuts = [
    1,
    3,
    4,
    5,
    f.offset + 2,
    f.offset + f.headerSize,
    f.offset + f.headerSize + 2,
    f.blocks[0]!.offset + 50,
    f.checksumOffset!,
    f.checksumOffset! + 3,
    smallZstd.length - 1,
  ];
  for (const cut of cuts) {
    const err = await assertCorrupt(t, 'zstd', smallZstd.subarray(0, cut), SMALL, `zstd cut at ${cut}`);
    t.regex(err.message, /truncated|stray|offset/);
  }
  for (const cut of [1, 9, 10, 500, smallGzip.length - 9, smallGzip.length - 1]) {
    await assertCorrupt(t, 'gzip', smallGzip.subarray(0, cut), SMALL, `gzip cut at ${cut}`);
  }
  // Within a frame streamed by the fallback path too.
  const cli = sh('zstd', ['-q', '-c'], SMALL);
  const r = await run(createDecompressor('zstd'), cli.subarray(0, cli.length - 7));
  t.is((r.err as AppError)?.code, 'ARCHIVE_CORRUPT');
});

test('trailing garbage after the last frame is an error', async (t) => {
  for (const tail of ['GARBAGE!', 'xy', '\0\0\0\0\0\0\0\0']) {
    const err = await assertCorrupt(
      t,
      'zstd',
      Buffer.concat([smallZstd, Buffer.from(tail)]),
      SMALL,
      `zstd + ${JSON.stringify(tail)}`,
    );
    t.is(err.details?.['compressedOffset'], smallZstd.length);
  }
  await assertCorrupt(t, 'gzip', Buffer.concat([smallGzip, Buffer.from('GARBAGE!')]), SMALL, 'gzip + garbage');
});

test('gzip damage (header, deflate data, CRC) is ARCHIVE_CORRUPT', async (t) => {
  for (const at of [0, 1, 2, 3000, smallGzip.length - 6]) {
    await assertCorrupt(t, 'gzip', flipped(smallGzip, at, 0x41), SMALL, `gzip byte ${at}`);
  }
});

test('the first of several problems is the one reported', async (t) => {
  const frames = walkFrames(smallZstd);
  const bad = flipped(smallZstd, frames[2]!.checksumOffset!, 0x01);
  const err = await assertCorrupt(t, 'zstd', bad.subarray(0, bad.length - 5), SMALL, 'checksum then truncation');
  t.is(err.details?.['compressedOffset'], frames[2]!.offset);
});

// ---------------------------------------------------------------------------------------------------------------
// Options and detection

test('invalid options are INVALID_COMPRESSION', (t) => {
  const bad: [string, () => unknown][] = [
    ['zstd level 0', () => createCompressor({ type: 'zstd', level: 0 })],
    ['zstd level 20', () => createCompressor({ type: 'zstd', level: 20 })],
    ['gzip level 10', () => createCompressor({ type: 'gzip', level: 10 })],
    ['level 2.5', () => createCompressor({ type: 'gzip', level: 2.5 })],
    ['blockSize 0', () => createCompressor({ type: 'zstd', blockSize: 0 })],
    ['parallel 0', () => createCompressor({ type: 'zstd', parallel: 0 })],
    ['type lz4', () => createCompressor({ type: 'lz4' as CompressionType })],
    ['decompressor type', () => createDecompressor('xz' as CompressionType)],
    ['maxFrameBytes', () => createDecompressor('zstd', { maxFrameBytes: -1 })],
  ];
  for (const [name, make] of bad) {
    const err = t.throws(make, { instanceOf: AppError }, name);
    t.is(err?.code, 'INVALID_COMPRESSION', name);
    t.is(err?.category, 'InvalidRequest', name);
  }
  t.notThrows(() => createCompressor({ type: 'zstd', level: 19 }));
  t.notThrows(() => createCompressor({ type: 'gzip', level: 1 }));
});

test('detectFormat on magic values', async (t) => {
  t.is(detectFormat(Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x04])), 'zstd');
  t.is(detectFormat(smallZstd.subarray(0, 512)), 'zstd');
  t.is(detectFormat(Buffer.from([0x1f, 0x8b, 0x08])), 'gzip');
  t.is(detectFormat(smallGzip.subarray(0, 512)), 'gzip');
  t.is(detectFormat(Buffer.from('age-encryption.org/v1\n-> X25519 abc\n')), 'age');
  t.is(detectFormat(Buffer.from('-----BEGIN AGE ENCRYPTED FILE-----\nYWdl\n')), 'age');
  t.is(detectFormat(Buffer.from('age-encryption.org/v2\n')), 'unknown');
  const dir = await tempDir(t);
  writeFileSync(join(dir, 'f'), 'x');
  const realTar = sh('tar', ['-C', dir, '-cf', '-', 'f']);
  t.is(detectFormat(realTar.subarray(0, 512)), 'none');
  t.is(detectFormat(Buffer.alloc(512)), 'unknown');
  t.is(detectFormat(Buffer.from([0x28, 0xb5, 0x2f])), 'unknown');
  t.is(detectFormat(new Uint8Array(0)), 'unknown');
  t.deepEqual(ARCHIVE_EXTENSIONS, { zstd: '.tar.zst', gzip: '.tar.gz', none: '.tar' });
});

// ---------------------------------------------------------------------------------------------------------------
// Memory and speed (serial: they measure the process, so nothing else may run beside them)

// ava runs test files as worker threads of one process, so RSS measured here would include other files' work.
// Each memory check therefore runs alone in a child process (tests/support/stream-memory-probe.ts).
function probe(scenario: 'compressor' | 'decompressor'): {
  before: number;
  peak: number;
  after: number;
  bytes: number;
} {
  const r = spawnSync(process.execPath, [join(projectRoot, 'tests/support/stream-memory-probe.ts'), scenario], {
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`memory probe failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

test('backpressure: 256 MiB through the compressor to a slow consumer keeps RSS growth under 150 MiB', (t) => {
  const m = probe('compressor');
  t.log(
    `compressor: RSS before ${m.before.toFixed(0)} MiB, peak ${m.peak.toFixed(0)} MiB (+${(m.peak - m.before).toFixed(0)}), after ${m.after.toFixed(0)} MiB; ${(m.bytes / MiB).toFixed(1)} MiB out`,
  );
  t.true(m.bytes > 10 * MiB);
  t.true(m.peak - m.before < 150, `RSS grew by ${(m.peak - m.before).toFixed(0)} MiB`);
});

test('backpressure: 256 MiB out of the decompressor to a slow consumer keeps RSS growth under 150 MiB', (t) => {
  const m = probe('decompressor');
  t.log(
    `decompressor: RSS before ${m.before.toFixed(0)} MiB, peak ${m.peak.toFixed(0)} MiB (+${(m.peak - m.before).toFixed(0)}), after ${m.after.toFixed(0)} MiB`,
  );
  t.is(m.bytes, 256 * MiB);
  t.true(m.peak - m.before < 150, `RSS grew by ${(m.peak - m.before).toFixed(0)} MiB`);
});

test.serial('throughput of 64 MiB of realistic data (logged, not asserted)', async (t) => {
  const data = realisticData(64 * MiB, 11);
  // Warm up (JIT, the threadpool, zstd contexts) so that the numbers are the steady state.
  await decompress('zstd', await compress('zstd', data.subarray(0, 16 * MiB)));
  await decompress('gzip', await compress('gzip', data.subarray(0, 4 * MiB)));
  const timed = async (label: string, f: () => Promise<Buffer>): Promise<Buffer> => {
    const t0 = performance.now();
    const out = await f();
    const s = (performance.now() - t0) / 1000;
    t.log(`${label}: ${(data.length / 1e6 / s).toFixed(0)} MB/s of plaintext (${s.toFixed(2)} s)`);
    return out;
  };
  const z = await timed('zstd -3 compress, 2 MiB blocks, parallel 3', () => compress('zstd', data));
  t.log(`zstd ratio ${(z.length / data.length).toFixed(3)}`);
  const z1 = await timed('zstd -3 compress, parallel 1', async () => {
    const r = await run(createCompressor({ type: 'zstd', parallel: 1 }), data);
    return r.out;
  });
  t.is(z1.length, z.length);
  t.true((await timed('zstd decompress', () => decompress('zstd', z))).equals(data));
  const t0 = performance.now();
  const cli = spawnSync('zstd', ['-q', '-3', '-T0', '-c'], { input: data, maxBuffer: 1024 * MiB });
  const s = (performance.now() - t0) / 1000;
  t.log(
    `(zstd CLI -3 -T0 on the same data, through a pipe: ${(data.length / 1e6 / s).toFixed(0)} MB/s, ratio ${(cli.stdout.length / data.length).toFixed(3)})`,
  );
  const g = await timed('gzip -6 compress', () => compress('gzip', data));
  t.true((await timed('gzip decompress', () => decompress('gzip', g))).equals(data));
});

test('gzip members carry a header CRC: every bit of every member header flipped is detected', async (t) => {
  const data = realisticData(3 * MiB, 21);
  const gz = await compress('gzip', data, { blockSize: MiB });
  t.is(gz[3], 0x02, 'FLG = FHCRC');
  t.is(gz.readUInt32LE(4), 0, 'MTIME 0');
  t.is(gz[9], 255, 'OS unknown, the same on every platform');
  const members: number[] = [];
  for (let i = 0; i + 3 < gz.length; i++)
    if (gz[i] === 0x1f && gz[i + 1] === 0x8b && gz[i + 2] === 8 && gz[i + 3] === 2 && gz.readUInt32LE(i + 4) === 0)
      members.push(i);
  t.true(members.length >= 3);
  for (const m of [members[0]!, members[1]!]) {
    for (let at = m; at < m + 12; at++) {
      for (let bit = 0; bit < 8; bit++)
        await assertCorrupt(t, 'gzip', flipped(gz, at, 1 << bit), data, `member ${m} header byte ${at - m} bit ${bit}`);
    }
  }
  t.deepEqual(sh('gzip', ['-dc'], gz), data, 'gzip -d reads it');
});
