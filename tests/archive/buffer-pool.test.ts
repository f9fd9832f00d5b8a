import test from 'ava';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import zlib from 'node:zlib';
import { BufferPool, readBuffers } from '../../src/buffer-pool.ts';
import { createCompressor } from '../../src/archive/compression/index.ts';

test('a buffer given back is lent again; foreign buffers and second give-backs are ignored', (t) => {
  const pool = new BufferPool(64, 2);
  const a = pool.take();
  pool.giveBack(a.subarray(10, 20)); // a view of it hands back the whole buffer
  const b = pool.take();
  t.is(b.buffer, a.buffer);
  pool.giveBack(b);
  pool.giveBack(b); // a second give-back must not put it in the free list twice
  const c = pool.take();
  const d = pool.take();
  t.is(c.buffer, a.buffer);
  t.not(d.buffer, a.buffer);
  pool.giveBack(Buffer.alloc(64)); // never lent: ignored
  t.not(pool.take().buffer, Buffer.alloc(64).buffer);
  t.is(c.length, 64);
});

test('the pool keeps at most `keep` free buffers', (t) => {
  const pool = new BufferPool(16, 1);
  const [a, b] = [pool.take(), pool.take()];
  pool.giveBack(a);
  pool.giveBack(b);
  const again = [pool.take(), pool.take()];
  t.is(again.filter((x) => x.buffer === a.buffer || x.buffer === b.buffer).length, 1);
});

test('pooled reads reused while the compressor runs give the same zstd stream as fresh buffers', async (t) => {
  const data = Buffer.concat([randomBytes(3 << 20), Buffer.alloc(6 << 20, 7), randomBytes(1 << 20)]);
  // Like the folder source: each chunk a pooled buffer, filled just before it is handed on.
  async function* pooled() {
    for (let pos = 0; pos < data.length; pos += readBuffers.size) {
      const buf = readBuffers.take();
      const n = data.copy(buf, 0, pos, pos + readBuffers.size);
      yield buf.subarray(0, n);
    }
  }
  const fresh = await buffer(Readable.from([data]).pipe(createCompressor({ type: 'zstd', blockSize: 4 << 20 })));
  const reused = await buffer(Readable.from(pooled()).pipe(createCompressor({ type: 'zstd', blockSize: 4 << 20 })));
  t.true(reused.equals(fresh));
  t.true(zlib.zstdDecompressSync(reused).equals(data));
});

test('a larger buffer is lent when asked for, reused for what it fits, and a surplus give-back is freed at once', (t) => {
  const pool = new BufferPool(64, 1);
  const big = pool.take(100);
  t.true(big.length >= 100);
  pool.giveBack(big);
  const again = pool.take(80);
  t.is(again.buffer, big.buffer, 'the free buffer fits: lent again');
  t.true(pool.take(200).length >= 200);
  const [a, b] = [pool.take(), pool.take()];
  pool.giveBack(a);
  pool.giveBack(b);
  t.is(a.length, 64, 'kept');
  t.is(b.length, 0, 'beyond `keep`: freed, not left to the GC');
});
