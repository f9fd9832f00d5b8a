import test from 'ava';
import { HEADER_CHECKSUM_SEED, headerChecksum, sealHeader, storedChecksum } from '../../src/ese/checksum.ts';

test('an all-zero block checksums to the seed (why zeroed reserve logs never verify)', (t) => {
  t.is(headerChecksum(new Uint8Array(4096)), HEADER_CHECKSUM_SEED);
});

test('the first dword is excluded and every other dword is XORed in', (t) => {
  const b = new Uint8Array(4096);
  const v = new DataView(b.buffer);
  v.setUint32(0, 0xffffffff, true);
  v.setUint32(4, 0x12345678, true);
  v.setUint32(4092, 0x0000ff00, true);
  t.is(headerChecksum(b), (0x89abcdef ^ 0x12345678 ^ 0x0000ff00) >>> 0);
});

test('unaligned views give the same checksum as aligned ones', (t) => {
  const backing = new Uint8Array(4096 + 3);
  for (let i = 0; i < backing.length; i++) backing[i] = (i * 131) & 0xff;
  const unaligned = backing.subarray(3);
  const aligned = new Uint8Array(unaligned);
  t.is(headerChecksum(unaligned), headerChecksum(aligned));
});

test('sealHeader stores a checksum that then verifies', (t) => {
  const b = new Uint8Array(8192).map((_, i) => i % 251);
  sealHeader(b);
  t.is(storedChecksum(b), headerChecksum(b));
});
