// Run alone in a child process by tests/archive/compression.test.ts: pushes 256 MiB through the compressor or the
// decompressor into a slow consumer and prints the RSS growth, so the number is this process's alone.
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createCompressor, createDecompressor } from '../../src/archive/compression/index.ts';
import { realisticData } from './realistic-data.ts';

const MiB = 1024 * 1024;
const scenario = process.argv[2];

function slowSink(delayMs: number, seen: { bytes: number }): Writable {
  return new Writable({
    highWaterMark: 64 * 1024,
    write(chunk: Buffer, _e, callback) {
      seen.bytes += chunk.length;
      setTimeout(callback, delayMs);
    },
  });
}

async function compressedFrame(data: Buffer): Promise<Buffer> {
  const parts: Buffer[] = [];
  await pipeline(
    Readable.from([data]),
    createCompressor({ type: 'zstd' }),
    new Writable({
      write(c, _e, cb) {
        parts.push(c);
        cb();
      },
    }),
  );
  return Buffer.concat(parts);
}

const seen = { bytes: 0 };
let work: () => Promise<void>;
if (scenario === 'compressor') {
  const pool = realisticData(16 * MiB, 3);
  const total = 256 * MiB;
  async function* source(): AsyncGenerator<Buffer> {
    for (let o = 0; o < total; o += MiB) yield Buffer.from(pool.subarray(o % pool.length, (o % pool.length) + MiB));
  }
  work = () =>
    pipeline(Readable.from(source()), createCompressor({ type: 'zstd', blockSize: 4 * MiB }), slowSink(25, seen));
} else {
  const frame = await compressedFrame(realisticData(4 * MiB, 5));
  const frames = Buffer.concat(Array.from({ length: 64 }, () => frame));
  async function* chunks(): AsyncGenerator<Buffer> {
    for (let o = 0; o < frames.length; o += 65536) yield frames.subarray(o, o + 65536);
  }
  work = () => pipeline(Readable.from(chunks()), createDecompressor('zstd'), slowSink(20, seen));
}
const before = process.memoryUsage().rss;
let peak = before;
const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
await work();
clearInterval(timer);
const after = process.memoryUsage().rss;
peak = Math.max(peak, after);
process.stdout.write(JSON.stringify({ before: before / MiB, peak: peak / MiB, after: after / MiB, bytes: seen.bytes }));
