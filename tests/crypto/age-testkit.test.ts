// The C2SP CCTV age test vectors (../shared/fixtures/age-testkit, read in place): every vector that is not ASCII
// armored is decrypted with its identities and passphrases, and the outcome must be the expected class (success
// with the right plaintext hash, header failure, no match, HMAC failure, payload failure with exactly the
// plaintext released before the error). Successful vectors also round-trip: re-serialised header, recomputed MAC
// and re-encrypted payload equal the file byte for byte.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { sharedDir } from '../support/shared.ts';
import { testUnless } from '../support/gate.ts';
import { AgeDecoder } from '../../src/archive/age/decrypt.ts';
import { AgeEncoder } from '../../src/archive/age/encrypt.ts';
import { ageFailureOf } from '../../src/archive/age/errors.ts';
import { buildHeader, findHeaderEnd, headerMacInput, parseHeader } from '../../src/archive/age/header.ts';
import { AgeKeyring } from '../../src/archive/age/keyring.ts';
import { parseIdentity } from '../../src/archive/age/keys.ts';
import { ScryptIdentity } from '../../src/archive/age/scrypt.ts';
import { PAYLOAD_NONCE_BYTES } from '../../src/archive/age/stream.ts';

const dir = join(sharedDir, 'fixtures', 'age-testkit');
const KNOWN_KEYS = new Set([
  'expect',
  'payload',
  'file key',
  'identity',
  'passphrase',
  'armored',
  'comment',
  'compressed',
]);
const CLASSES: Record<string, string> = {
  header: 'header failure',
  'no-match': 'no match',
  mac: 'HMAC failure',
  payload: 'payload failure',
};

interface Vector {
  name: string;
  fields: Map<string, string[]>;
  file: Buffer;
}

function load(name: string): Vector | { name: string; unknownKey: string } {
  const raw = readFileSync(join(dir, name));
  const split = raw.indexOf('\n\n');
  const fields = new Map<string, string[]>();
  for (const line of raw.subarray(0, split).toString('utf8').split('\n')) {
    const at = line.indexOf(': ');
    const key = line.slice(0, at);
    if (!KNOWN_KEYS.has(key)) return { name, unknownKey: key };
    fields.set(key, [...(fields.get(key) ?? []), line.slice(at + 2)]);
  }
  let file = raw.subarray(split + 2);
  if (fields.get('compressed')?.[0] === 'zlib') file = inflateSync(file);
  return { name, fields, file };
}

const names = existsSync(dir)
  ? readdirSync(dir)
      .filter((n) => n !== 'README.md' && n !== 'LICENSE')
      .sort()
  : [];
const vectors = names.map(load);
const gated = testUnless(existsSync(dir) ? null : `the age testkit is missing (${dir})`, 'age-testkit.test.ts');
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** Decrypts in pieces of `step` bytes; returns what was released and the error class (null on success). */
async function decrypt(
  v: Vector,
  step: number,
): Promise<{ plaintext: Buffer; failure: string | null; error?: unknown }> {
  const identities = [
    ...(v.fields.get('identity') ?? []).map((text) => parseIdentity(text, 'the vector identity')),
    ...(v.fields.get('passphrase') ?? []).map((p) => new ScryptIdentity(p)),
  ];
  const decoder = new AgeDecoder(new AgeKeyring(identities));
  const released: Buffer[] = [];
  try {
    for (let at = 0; at < v.file.length; at += step)
      released.push(...(await decoder.write(v.file.subarray(at, at + step))));
    released.push(...decoder.end());
    return { plaintext: Buffer.concat(released), failure: null };
  } catch (err) {
    const kind = ageFailureOf(err);
    return {
      plaintext: Buffer.concat(released),
      failure: kind ? CLASSES[kind]! : `unexpected error: ${(err as Error)?.stack ?? err}`,
      error: err,
    };
  }
}

gated('the testkit is complete: 143 vectors, none with an unknown key', (t) => {
  t.is(vectors.length, 143);
  t.deepEqual(
    vectors.filter((v) => 'unknownKey' in v),
    [],
  );
});

// ASCII armor is optional in age (and adbackup writes binary archives only): those vectors are not applicable,
// counted here so that the number is visible in every run.
const armored = vectors.filter((v): v is Vector => !('unknownKey' in v) && v.fields.get('armored')?.[0] === 'yes');
gated(
  `${armored.length} ASCII-armored vectors are not applicable: armor is not implemented (archives are binary)`,
  (t) => {
    t.is(armored.length, 33);
    t.true(armored.every((v) => v.name.startsWith('armor_')));
  },
);

for (const v of vectors) {
  if ('unknownKey' in v || v.fields.get('armored')?.[0] === 'yes') continue;
  const expect = v.fields.get('expect')![0]!;
  gated(`testkit ${v.name}: ${expect}`, async (t) => {
    // Whole file at once, and in odd-sized pieces so that every boundary case of the streaming code is crossed.
    for (const step of [v.file.length || 1, 4093]) {
      const r = await decrypt(v, step);
      t.is(
        r.failure ?? 'success',
        expect,
        `${v.name} (pieces of ${step}): ${(r.error as Error)?.message ?? ''} — ${v.fields.get('comment')?.[0] ?? ''}`,
      );
      if (expect === 'success' || expect === 'payload failure')
        t.is(sha256(r.plaintext), v.fields.get('payload')![0]!, 'the plaintext released');
      if (expect === 'success' && step === v.file.length) roundTrip(t, v, r.plaintext);
    }
  });
}

/** Header re-serialised, MAC recomputed and payload re-encrypted from the file key: the same bytes. */
function roundTrip(t: import('ava').ExecutionContext, v: Vector, plaintext: Buffer) {
  const end = findHeaderEnd(v.file);
  const header = parseHeader(v.file.subarray(0, end));
  t.deepEqual(
    Buffer.concat([
      headerMacInput(header.stanzas),
      Buffer.from(' '),
      Buffer.from(header.bytes.subarray(header.macInput.length + 1)),
    ]),
    header.bytes,
  );
  const fileKey = Buffer.from(v.fields.get('file key')![0]!, 'hex');
  t.deepEqual(buildHeader(fileKey, header.stanzas), header.bytes, 'the MAC recomputed from the file key');
  const nonce = v.file.subarray(end, end + PAYLOAD_NONCE_BYTES);
  const encoder = new AgeEncoder({ fileKey, header: header.bytes }, Buffer.from(nonce));
  t.true(Buffer.concat([...encoder.write(plaintext), ...encoder.end()]).equals(v.file), 'the payload re-encrypted');
}
