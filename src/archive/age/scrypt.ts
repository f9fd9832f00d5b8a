// The scrypt (passphrase) recipient type (age spec, "The scrypt recipient type"). Encryption uses work factor
// 2^18 like age; decryption refuses more than 2^22 (the age CLI's limit, and the testkit's scrypt_work_factor_23):
// 2^22 already needs 4 GiB and seconds of CPU, and a larger factor in a hostile file would be a denial of service.
import { decodeBase64, encodeBase64 } from './base64.ts';
import { ageError } from './errors.ts';
import type { Stanza } from './header.ts';
import { type AgeIdentity, type AgeRecipient, WRAPPED_KEY_BYTES } from './key-types.ts';
import { open, randomBytes, scrypt32, seal } from './primitives.ts';

const TYPE = 'scrypt';
const SALT_LABEL = Buffer.from('age-encryption.org/v1/scrypt', 'latin1');
export const DEFAULT_WORK_FACTOR = 18;
export const MAX_WORK_FACTOR = 22;
const DECIMAL = /^[1-9][0-9]*$/;

export class ScryptRecipient implements AgeRecipient {
  readonly kind = 'scrypt';
  readonly text = null;
  private readonly passphrase: string;
  readonly workFactor: number;

  constructor(passphrase: string, workFactor = DEFAULT_WORK_FACTOR) {
    this.passphrase = passphrase;
    this.workFactor = workFactor;
  }

  async wrap(fileKey: Buffer): Promise<Stanza[]> {
    const salt = randomBytes(16);
    const key = await scrypt32(this.passphrase, Buffer.concat([SALT_LABEL, salt]), this.workFactor);
    return [{ args: [TYPE, encodeBase64(salt), String(this.workFactor)], body: seal(key, fileKey) }];
  }
}

export class ScryptIdentity implements AgeIdentity {
  readonly kind = 'scrypt';
  private readonly passphrase: string;
  private readonly maxWorkFactor: number;

  constructor(passphrase: string, maxWorkFactor = MAX_WORK_FACTOR) {
    this.passphrase = passphrase;
    this.maxWorkFactor = maxWorkFactor;
  }

  async unwrap(stanzas: readonly Stanza[]): Promise<Buffer | null> {
    for (const s of stanzas) {
      if (s.args[0] !== TYPE) continue;
      const salt = s.args.length === 3 ? decodeBase64(s.args[1]!) : null;
      if (!salt || salt.length !== 16)
        throw ageError(
          'header',
          'an scrypt stanza must have two arguments: the canonical base64 of a 16-byte salt and the work factor',
        );
      const logN = s.args[2]!;
      if (!DECIMAL.test(logN))
        throw ageError('header', 'the scrypt work factor must be a decimal number without leading zeros');
      if (Number(logN) > this.maxWorkFactor)
        throw ageError(
          'header',
          `the scrypt work factor 2^${logN.slice(0, 6)} is above the accepted maximum 2^${this.maxWorkFactor}`,
        );
      if (s.body.length !== WRAPPED_KEY_BYTES)
        throw ageError('header', `an scrypt stanza body must be ${WRAPPED_KEY_BYTES} bytes, not ${s.body.length}`);
      const key = await scrypt32(this.passphrase, Buffer.concat([SALT_LABEL, salt]), Number(logN));
      const fileKey = open(key, s.body);
      if (fileKey) return fileKey;
    }
    return null;
  }
}
