// age key encodings: recipients `age1…` (X25519) / `age1pq1…` (hybrid) and identities `AGE-SECRET-KEY-1…` /
// `AGE-SECRET-KEY-PQ-1…`, one per line in recipients and
// identity files (`#` comments and blank lines skipped), and new identities in age-keygen's file layout.
// Error messages name a line or a position, never the text: an identity line is a secret, and a recipient list
// may hold one pasted by mistake.
import { AppError } from '../../errors.ts';
import { bech32Decode, bech32Encode } from './bech32.ts';
import type { AgeIdentity, AgeRecipient } from './key-types.ts';
import { randomBytes, x25519Base } from './primitives.ts';
import { X25519Identity, X25519Recipient, usableX25519Point } from './x25519.ts';
import { HYBRID_PUBLIC_BYTES, HybridIdentity, HybridRecipient } from './mlkem768x25519.ts';

const RECIPIENT_HRP = 'age';
const IDENTITY_HRP = 'age-secret-key-';
const HYBRID_RECIPIENT_HRP = 'age1pq';
const HYBRID_IDENTITY_HRP = 'age-secret-key-pq-';

function invalid(code: string, message: string): AppError {
  return new AppError('InvalidRequest', code, message);
}

/** An `age1…` (X25519) or `age1pq1…` (hybrid) recipient, or why it is not one (the text itself is not repeated). */
export function parseRecipient(text: string, where: string): AgeRecipient {
  if (/^age-secret-key-/i.test(text)) {
    throw invalid(
      'RECIPIENT_INVALID',
      `${where} is a secret key (AGE-SECRET-KEY-…), not a recipient: give its public key (age1…), which age-keygen -y or adbackup keygen prints`,
    );
  }
  const d = bech32Decode(text);
  if ('problem' in d)
    throw invalid('RECIPIENT_INVALID', `${where} is not an age recipient (age1…): ${d.problem.replace('-', ' ')}`);
  if (d.hrp === RECIPIENT_HRP && d.data.length === 32) {
    if (!usableX25519Point(d.data))
      throw invalid('RECIPIENT_INVALID', `${where} is a low-order X25519 point, which cannot receive`);
    return new X25519Recipient(d.data, text.toLowerCase());
  }
  if (
    d.hrp === HYBRID_RECIPIENT_HRP &&
    d.data.length === HYBRID_PUBLIC_BYTES &&
    usableX25519Point(d.data.subarray(HYBRID_PUBLIC_BYTES - 32))
  ) {
    try {
      return new HybridRecipient(d.data, text.toLowerCase());
    } catch {
      /* not an ML-KEM-768 encapsulation key: reported below */
    }
  }
  throw invalid('RECIPIENT_INVALID', `${where} is not an age X25519 (age1…) or post-quantum (age1pq1…) recipient`);
}

/** An `AGE-SECRET-KEY-1…` (X25519) or `AGE-SECRET-KEY-PQ-1…` (hybrid) identity. */
export function parseIdentity(text: string, where: string): AgeIdentity {
  const d = bech32Decode(text);
  if (!('problem' in d) && d.data.length === 32) {
    if (d.hrp === IDENTITY_HRP) return new X25519Identity(d.data);
    if (d.hrp === HYBRID_IDENTITY_HRP) return new HybridIdentity(d.data);
  }
  throw invalid(
    'IDENTITY_INVALID',
    `${where} is not an age identity (AGE-SECRET-KEY-1… or AGE-SECRET-KEY-PQ-1…)${'problem' in d ? `: ${d.problem.replace('-', ' ')}` : ''}`,
  );
}

/** The meaningful lines of a key file: without a BOM, CR, comments and blank lines; numbered from 1. */
function keyLines(text: string): { line: number; text: string }[] {
  return text
    .replace(/^\uFEFF/, '')
    .split('\n')
    .map((t, i) => ({ line: i + 1, text: t.replace(/\r$/, '').trim() }))
    .filter((l) => l.text !== '' && !l.text.startsWith('#'));
}

export function parseRecipientsFile(text: string, name: string): AgeRecipient[] {
  const lines = keyLines(text);
  if (lines.length === 0) throw invalid('RECIPIENT_INVALID', `${name} lists no recipient`);
  return lines.map((l) => parseRecipient(l.text, `line ${l.line} of ${name}`));
}

export function parseIdentityFile(text: string, name: string): AgeIdentity[] {
  const lines = keyLines(text);
  if (lines.length === 0) throw invalid('IDENTITY_INVALID', `${name} holds no identity`);
  return lines.map((l) => parseIdentity(l.text, `line ${l.line} of ${name}`));
}

export interface NewIdentity {
  /** AGE-SECRET-KEY-1…: goes into the identity file only. */
  identity: string;
  recipient: string;
}

export function generateIdentity(): NewIdentity {
  const secret = randomBytes(32);
  return { identity: bech32Encode(IDENTITY_HRP, secret, true), recipient: recipientOf(secret) };
}

export function recipientOf(secret: Buffer): string {
  return bech32Encode(RECIPIENT_HRP, x25519Base(secret));
}

/** The identity file as age-keygen writes it. */
export function identityFileText(key: NewIdentity, created: Date): string {
  return `# created: ${created.toISOString().replace(/\.\d+Z$/, 'Z')}\n# public key: ${key.recipient}\n${key.identity}\n`;
}
