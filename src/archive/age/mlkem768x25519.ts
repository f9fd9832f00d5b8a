// The post-quantum hybrid recipient type (age spec, "The MLKEM768-X25519 (i.e. X-Wing) hybrid post-quantum recipient
// type"): the file key is sealed with HPKE base mode (RFC 9180) over the MLKEM768-X25519 KEM of draft-ietf-hpke-pq
// (as filippo.io/hpke-pq restates it), HKDF-SHA256 and ChaCha20-Poly1305. ML-KEM-768 comes from node:crypto
// (OpenSSL 3.5: encapsulate/decapsulate, keys imported from their 64-byte seed). Identities are
// AGE-SECRET-KEY-PQ-1… (a 32-byte seed), recipients age1pq1… (1216 bytes). Needs age 1.3 or later on the other side.
import crypto from 'node:crypto';
import { decodeBase64, encodeBase64 } from './base64.ts';
import { ageError } from './errors.ts';
import type { Stanza } from './header.ts';
import { type AgeIdentity, type AgeRecipient, WRAPPED_KEY_BYTES } from './key-types.ts';
import { open, randomBytes, seal, x25519, x25519Base } from './primitives.ts';

const TYPE = 'mlkem768x25519';
const INFO = Buffer.from('age-encryption.org/mlkem768x25519', 'latin1');
const LABEL = Buffer.from('5c2e2f2f5e5c', 'hex'); // "\.//^\"
const KEM_ID = 0x647a;
const MLKEM_EK = 1184;
const MLKEM_CT = 1088;
export const HYBRID_PUBLIC_BYTES = MLKEM_EK + 32;
const ENC_BYTES = MLKEM_CT + 32;

// ML-KEM-768 keys in DER (RFC 9935 / draft-ietf-lamps-kyber-certificates): private as the seed-only PKCS#8 form.
const MLKEM768_OID = Buffer.from('0609608648016503040402', 'hex');
const PKCS8_SEED = Buffer.concat([Buffer.from('3054020100300b', 'hex'), MLKEM768_OID, Buffer.from('04428040', 'hex')]);
const SPKI = Buffer.concat([Buffer.from('308204b2300b', 'hex'), MLKEM768_OID, Buffer.from('038204a100', 'hex')]);

interface ExpandedKey {
  mlkem: crypto.KeyObject;
  x25519Secret: Buffer;
  /** ek_PQ || ek_T: the recipient's bytes. */
  publicKey: Buffer;
}

function expandKey(seed: Buffer): ExpandedKey {
  const full = crypto.createHash('shake256', { outputLength: 96 }).update(seed).digest();
  const mlkem = crypto.createPrivateKey({
    key: Buffer.concat([PKCS8_SEED, full.subarray(0, 64)]),
    format: 'der',
    type: 'pkcs8',
  });
  const x25519Secret = full.subarray(64, 96);
  const ekPq = crypto.createPublicKey(mlkem).export({ format: 'der', type: 'spki' }).subarray(SPKI.length);
  return { mlkem, x25519Secret, publicKey: Buffer.concat([ekPq, x25519Base(x25519Secret)]) };
}

function combine(ssPq: Buffer, ssT: Buffer, ctT: Buffer, ekT: Buffer): Buffer {
  return crypto
    .createHash('sha3-256')
    .update(Buffer.concat([ssPq, ssT, ctT, ekT, LABEL]))
    .digest();
}

// HPKE key schedule, base mode, for this suite (KEM 0x647a, HKDF-SHA256 0x0001, ChaCha20Poly1305 0x0003).
const SUITE = Buffer.concat([Buffer.from('HPKE', 'latin1'), u16(KEM_ID), u16(0x0001), u16(0x0003)]);
const HPKE_V1 = Buffer.from('HPKE-v1', 'latin1');

function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
}

const hmac = (key: Buffer, data: Buffer) => crypto.createHmac('sha256', key).update(data).digest();
const labeledExtract = (salt: Buffer, label: string, ikm: Buffer) =>
  hmac(salt, Buffer.concat([HPKE_V1, SUITE, Buffer.from(label, 'latin1'), ikm]));
/** One HKDF-Expand block suffices: every output here is at most 32 bytes. */
const labeledExpand = (prk: Buffer, label: string, info: Buffer, length: number) =>
  hmac(
    prk,
    Buffer.concat([u16(length), HPKE_V1, SUITE, Buffer.from(label, 'latin1'), info, Buffer.from([1])]),
  ).subarray(0, length);

function keySchedule(sharedSecret: Buffer): { key: Buffer; nonce: Buffer } {
  const empty = Buffer.alloc(0);
  const context = Buffer.concat([
    Buffer.from([0]),
    labeledExtract(empty, 'psk_id_hash', empty),
    labeledExtract(empty, 'info_hash', INFO),
  ]);
  const secret = labeledExtract(sharedSecret, 'secret', empty);
  return { key: labeledExpand(secret, 'key', context, 32), nonce: labeledExpand(secret, 'base_nonce', context, 12) };
}

export class HybridRecipient implements AgeRecipient {
  readonly kind = 'mlkem768x25519';
  readonly text: string;
  private readonly ekPq: crypto.KeyObject;
  private readonly ekT: Buffer;

  /** Throws when the bytes are not an ML-KEM-768 encapsulation key and an X25519 point. */
  constructor(publicKey: Buffer, text: string) {
    this.text = text;
    this.ekPq = crypto.createPublicKey({
      key: Buffer.concat([SPKI, publicKey.subarray(0, MLKEM_EK)]),
      format: 'der',
      type: 'spki',
    });
    this.ekT = publicKey.subarray(MLKEM_EK);
  }

  async wrap(fileKey: Buffer): Promise<Stanza[]> {
    const { sharedKey: ssPq, ciphertext: ctPq } = crypto.encapsulate(this.ekPq);
    const ephemeral = randomBytes(32);
    const ctT = x25519Base(ephemeral);
    const ssT = x25519(ephemeral, this.ekT);
    if (!ssT) throw new Error('hybrid recipient has a low-order X25519 point'); // refused when parsed
    const { key, nonce } = keySchedule(combine(ssPq, ssT, ctT, this.ekT));
    return [{ args: [TYPE, encodeBase64(Buffer.concat([ctPq, ctT]))], body: seal(key, fileKey, nonce) }];
  }
}

export class HybridIdentity implements AgeIdentity {
  readonly kind = 'mlkem768x25519';
  private readonly key: ExpandedKey;

  constructor(seed: Buffer) {
    this.key = expandKey(seed);
  }

  get publicKey(): Buffer {
    return this.key.publicKey;
  }

  async unwrap(stanzas: readonly Stanza[]): Promise<Buffer | null> {
    for (const s of stanzas) {
      if (s.args[0] !== TYPE) continue;
      const enc = s.args.length === 2 ? decodeBase64(s.args[1]!) : null;
      if (!enc || enc.length !== ENC_BYTES)
        throw ageError(
          'header',
          `an ${TYPE} stanza must have one argument, the canonical base64 of a ${ENC_BYTES}-byte encapsulated key`,
        );
      if (s.body.length !== WRAPPED_KEY_BYTES)
        throw ageError('header', `an ${TYPE} stanza body must be ${WRAPPED_KEY_BYTES} bytes, not ${s.body.length}`);
      const ctT = enc.subarray(MLKEM_CT);
      const ssT = x25519(this.key.x25519Secret, ctT);
      if (!ssT) throw ageError('header', `an ${TYPE} stanza has a low-order X25519 share`);
      const ssPq = crypto.decapsulate(this.key.mlkem, enc.subarray(0, MLKEM_CT));
      const { key, nonce } = keySchedule(combine(ssPq, ssT, ctT, this.key.publicKey.subarray(MLKEM_EK)));
      const fileKey = open(key, s.body, nonce);
      if (fileKey) return fileKey;
    }
    return null;
  }
}
