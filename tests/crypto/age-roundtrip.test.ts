// Our encryptor and decryptor against each other, as streams, at every size around the 64 KiB chunk boundary, for
// each recipient type; and what happens to a file that is cut, extended or altered anywhere.
import test from 'ava';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createAgeDecryptStream } from '../../src/archive/age/decrypt.ts';
import { createAgeEncryptStream, prepareEncryption } from '../../src/archive/age/encrypt.ts';
import { ageFailureOf } from '../../src/archive/age/errors.ts';
import { AgeKeyring } from '../../src/archive/age/keyring.ts';
import { generateIdentity, parseIdentity, parseRecipient } from '../../src/archive/age/keys.ts';
import { ScryptIdentity, ScryptRecipient } from '../../src/archive/age/scrypt.ts';
import { HybridIdentity, HybridRecipient } from '../../src/archive/age/mlkem768x25519.ts';
import { CHUNK } from '../../src/archive/age/stream.ts';
import type { AgeIdentity, AgeRecipient } from '../../src/archive/age/key-types.ts';
import { Prng } from '../fixtures/prng.ts';
import { bech32Encode } from '../../src/archive/age/bech32.ts';

async function collect(input: Buffer, transform: import('node:stream').Transform, pieces = 7919): Promise<Buffer> {
  const parts: Buffer[] = [];
  const slices = Array.from({ length: Math.ceil(input.length / pieces) }, (_, i) =>
    input.subarray(i * pieces, (i + 1) * pieces),
  );
  await pipeline(Readable.from(slices), transform, async (source: AsyncIterable<Buffer | string>) => {
    for await (const p of source) parts.push(Buffer.from(p));
  });
  return Buffer.concat(parts);
}

async function encrypt(plain: Buffer, recipients: AgeRecipient[]): Promise<Buffer> {
  return collect(plain, createAgeEncryptStream(await prepareEncryption(recipients)));
}

async function decrypt(file: Buffer, identities: AgeIdentity[], pieces?: number): Promise<Buffer> {
  return collect(file, createAgeDecryptStream(new AgeKeyring(identities)), pieces);
}

const rng = new Prng(7);
const bytes = (n: number) => Buffer.from(Array.from({ length: n }, () => rng.below(256)));

test('X25519: every size around the chunk boundaries round-trips, in any piece size', async (t) => {
  const key = generateIdentity();
  const id = parseIdentity(key.identity, 'id');
  const r = parseRecipient(key.recipient, 'r');
  for (const n of [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK, 2 * CHUNK + 17, 5 * CHUNK - 3]) {
    const plain = bytes(n);
    const file = await encrypt(plain, [r]);
    const chunks = Math.max(1, Math.ceil(n / CHUNK));
    t.is(
      file.length - file.indexOf('\n---') - 49 - 16,
      n + 16 * chunks,
      `${n} bytes: ${chunks} chunk(s), a full last chunk carries the flag itself`,
    );
    for (const pieces of [1 << 20, 4096, 65552, 65553])
      t.true((await decrypt(file, [id], pieces)).equals(plain), `${n} bytes in pieces of ${pieces}`);
  }
});

test('several recipients: each identity opens the file; a stranger gets "no match"', async (t) => {
  const keys = [generateIdentity(), generateIdentity(), generateIdentity()];
  const plain = bytes(100_000);
  const file = await encrypt(
    plain,
    keys.map((k) => parseRecipient(k.recipient, 'r')),
  );
  for (const k of keys) t.true((await decrypt(file, [parseIdentity(k.identity, 'id')])).equals(plain));
  const err = await t.throwsAsync(decrypt(file, [parseIdentity(generateIdentity().identity, 'id')]));
  t.is(ageFailureOf(err), 'no-match');
  t.regex(err!.message, /none of the 1 given identities .* 3 X25519 stanza/);
});

test('passphrase: the right one opens, a wrong one is "no match" with a plain message', async (t) => {
  const plain = bytes(70_000);
  const file = await encrypt(plain, [new ScryptRecipient('correct horse', 10)]);
  t.regex(file.subarray(0, 120).toString('latin1'), /\n-> scrypt [A-Za-z0-9+/]{22} 10\n/);
  t.true((await decrypt(file, [new ScryptIdentity('correct horse')])).equals(plain));
  const err = await t.throwsAsync(decrypt(file, [new ScryptIdentity('battery staple')]));
  t.is(ageFailureOf(err), 'no-match');
  t.is(err!.message, 'the passphrase is wrong: it does not open this passphrase-encrypted file');
  t.false(err!.message.includes('battery'));
  const low = await t.throwsAsync(decrypt(file, [new ScryptIdentity('correct horse', 9)]));
  t.is(ageFailureOf(low), 'header', 'a work factor above the cap is refused before any scrypt');
});

test('post-quantum hybrid (mlkem768x25519): round trip through a recipient derived from a seed', async (t) => {
  const seed = bytes(32);
  const id = new HybridIdentity(seed);
  const r = parseRecipient(bech32Encode('age1pq', id.publicKey), 'r');
  t.true(r instanceof HybridRecipient);
  const plain = bytes(3 * CHUNK + 5);
  const file = await encrypt(plain, [r]);
  t.true((await decrypt(file, [id])).equals(plain));
});

test('damage: every cut, extension and single flipped bit is an age error; nothing unauthenticated is released', async (t) => {
  const key = generateIdentity();
  const id = parseIdentity(key.identity, 'id');
  const plain = bytes(2 * CHUNK + 1000);
  const file = await encrypt(plain, [parseRecipient(key.recipient, 'r')]);
  const headerEnd = file.indexOf('\n', file.indexOf('\n---') + 1) + 1;
  const positions = new Set([
    0,
    5,
    headerEnd - 2,
    headerEnd,
    headerEnd + 15,
    headerEnd + 16,
    headerEnd + 16 + CHUNK + 15,
    file.length - 1,
  ]);
  while (positions.size < 40) positions.add(rng.below(file.length));
  for (const at of positions) {
    const bad = Buffer.from(file);
    bad[at]! ^= 1 << rng.below(8);
    const err = await t.throwsAsync(decrypt(bad, [id]), undefined, `flip at ${at}`);
    t.not(ageFailureOf(err), null, `flip at ${at}: ${err?.message}`);
  }
  for (const cut of [headerEnd, headerEnd + 16, headerEnd + 16 + CHUNK + 16, file.length - 1, file.length - 16]) {
    t.not(ageFailureOf(await t.throwsAsync(decrypt(file.subarray(0, cut), [id]))), null, `cut at ${cut}`);
  }
  t.is(
    ageFailureOf(await t.throwsAsync(decrypt(Buffer.concat([file, Buffer.from([0])]), [id]))),
    'payload',
    'a byte appended',
  );
});

test('an ASCII-armored file is refused as such, not as garbage', async (t) => {
  const err = await t.throwsAsync(
    decrypt(
      Buffer.from(
        '-----BEGIN AGE ENCRYPTED FILE-----\nYWdlLWVuY3J5cHRpb24ub3JnL3YxCg==\n-----END AGE ENCRYPTED FILE-----\n',
      ),
      [],
    ),
  );
  t.is(ageFailureOf(err), 'header');
  t.regex(err!.message, /ASCII-armored/);
});
