// Bech32 and the age key encodings: BIP 173's own examples, age's length rule (no 90-character limit), the spec's
// example key pair, key files as age writes them (and as Windows editors save them), and errors that never repeat
// a secret.
import test from 'ava';
import { bech32Decode, bech32Encode } from '../../src/archive/age/bech32.ts';
import { decodeBase64, encodeBase64 } from '../../src/archive/age/base64.ts';
import {
  generateIdentity,
  identityFileText,
  parseIdentity,
  parseIdentityFile,
  parseRecipient,
  parseRecipientsFile,
  recipientOf,
} from '../../src/archive/age/keys.ts';
import { X25519Identity } from '../../src/archive/age/x25519.ts';
import { AppError } from '../../src/errors.ts';

test('bech32: BIP 173 valid strings decode; invalid ones are refused for the right reason', (t) => {
  for (const s of ['A12UEL5L', 'a12uel5l', 'abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw', '?1ezyfcl']) {
    const d = bech32Decode(s);
    if ('problem' in d) return t.fail(`${s}: ${d.problem}`);
    // Data here are 5-bit words that need not fill whole bytes, so only checksum validity is asserted for them.
    t.truthy(d.hrp);
  }
  t.deepEqual(bech32Decode('A1G7SGD8'), { problem: 'bad-checksum' }, 'checksum over the uppercase HRP');
  t.deepEqual(bech32Decode('pzry9x0s0muk'), { problem: 'no-separator' });
  t.deepEqual(bech32Decode('10a06t8'), { problem: 'no-separator' }, 'empty HRP');
  t.deepEqual(bech32Decode('x1b4n0q5v'), { problem: 'bad-character' });
  t.deepEqual(bech32Decode('li1dgmt3'), { problem: 'no-separator' }, 'checksum shorter than 6');
  t.deepEqual(bech32Decode('Age1qqqq'), { problem: 'mixed-case' });
});

test('bech32: bytes round-trip in both cases, beyond the 90-character limit BIP 173 has and age drops', (t) => {
  const data = Buffer.from(Array.from({ length: 1216 }, (_, i) => (i * 37) & 0xff));
  const lower = bech32Encode('age1pq', data);
  t.true(lower.length > 1900);
  const upper = bech32Encode('age1pq', data, true);
  t.is(upper, lower.toUpperCase());
  for (const s of [lower, upper]) {
    const d = bech32Decode(s);
    t.false('problem' in d);
    if (!('problem' in d)) t.deepEqual([d.hrp, d.data], ['age1pq', data]);
  }
  const flipped = lower.slice(0, -1) + (lower.endsWith('q') ? 'p' : 'q');
  t.deepEqual(bech32Decode(flipped), { problem: 'bad-checksum' });
});

test('base64: canonical and unpadded only', (t) => {
  t.is(encodeBase64(Buffer.from('ab')), 'YWI');
  t.deepEqual(decodeBase64('YWI'), Buffer.from('ab'));
  t.is(decodeBase64('YWI='), null, 'padding');
  t.is(decodeBase64('YWJ'), null, 'non-zero trailing bits');
  t.is(decodeBase64('YW I'), null, 'whitespace');
  t.is(decodeBase64('YW-_'), null, 'URL alphabet');
  t.is(decodeBase64('Y'), null, 'impossible length');
  t.deepEqual(decodeBase64(''), Buffer.alloc(0));
});

test('the age spec example: identity AGE-SECRET-KEY-1GFPYY… has recipient age1zvkyg2…', (t) => {
  const id = parseIdentity(
    'AGE-SECRET-KEY-1GFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPQ4EGAEX',
    'example',
  ) as X25519Identity;
  t.is(
    recipientOf(Buffer.from('4242424242424242424242424242424242424242424242424242424242424242', 'hex')),
    'age1zvkyg2lqzraa2lnjvqej32nkuu0ues2s82hzrye869xeexvn73equnujwj',
  );
  t.is(bech32Encode('age', id.publicKey), 'age1zvkyg2lqzraa2lnjvqej32nkuu0ues2s82hzrye869xeexvn73equnujwj');
  t.is(
    parseRecipient('age1zvkyg2lqzraa2lnjvqej32nkuu0ues2s82hzrye869xeexvn73equnujwj', 'r').text,
    'age1zvkyg2lqzraa2lnjvqej32nkuu0ues2s82hzrye869xeexvn73equnujwj',
  );
});

test('generated identities: age-keygen layout, uppercase secret, the recipient derived from it', (t) => {
  const key = generateIdentity();
  t.regex(key.identity, /^AGE-SECRET-KEY-1[0-9A-Z]{58}$/);
  t.regex(key.recipient, /^age1[0-9a-z]{58}$/);
  const text = identityFileText(key, new Date(Date.UTC(2026, 10, 23, 2, 0, 0, 123)));
  t.is(text, `# created: 2026-11-23T02:00:00Z\n# public key: ${key.recipient}\n${key.identity}\n`);
  const [id] = parseIdentityFile(text, 'key.txt');
  t.is(bech32Encode('age', (id as X25519Identity).publicKey), key.recipient);
});

test('key files: comments, blank lines, CRLF and a BOM are fine; errors give the line, never its text', (t) => {
  const a = generateIdentity();
  const b = generateIdentity();
  t.is(
    parseIdentityFile(`\uFEFF# comment\r\n\r\n${a.identity}\r\n# another\r\n${b.identity}\r\n`, 'ids.txt').length,
    2,
  );
  t.is(parseRecipientsFile(`# team\n${a.recipient}\n\n${b.recipient}\n`, 'r.txt').length, 2);

  const secretLine = a.identity.slice(0, -1) + (a.identity.endsWith('Q') ? 'P' : 'Q');
  const e = t.throws(() => parseIdentityFile(`# x\n${secretLine}\n`, 'ids.txt'), { instanceOf: AppError });
  t.is(e.code, 'IDENTITY_INVALID');
  t.regex(e.message, /line 2 of ids\.txt .*bad checksum/);
  t.false(e.message.includes(secretLine.slice(16, 40)));

  const pasted = t.throws(() => parseRecipientsFile(`${a.recipient}\n${b.identity}\n`, 'r.txt'), {
    instanceOf: AppError,
  });
  t.regex(pasted.message, /line 2 of r\.txt is a secret key/);
  t.false(pasted.message.includes(b.identity.slice(16)));
  t.throws(() => parseRecipientsFile('# nothing\n', 'r.txt'), { message: /lists no recipient/ });
  t.throws(() => parseRecipient('ssh-ed25519 AAAAC3Nz', 'recipient 1'), {
    message: /recipient 1 is not an age recipient/,
  });
  t.throws(() => parseRecipient(bech32Encode('age', Buffer.alloc(32)), 'recipient 1'), { message: /low-order/ });
});
