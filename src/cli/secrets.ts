// Turns the request's encryption / decryption settings into keys: recipients and identities parsed, secret files
// and environment variables read. This is the edge where the environment is looked at; the core gets keys only.
// No message here contains a secret: files and variables are named, their content never.
import { readFile } from 'node:fs/promises';
import { AppError, fsError } from '../errors.ts';
import type { ArchiveEncryption } from '../archive/encryption.ts';
import { checkRecipients } from '../archive/age/encrypt.ts';
import { AgeKeyring } from '../archive/age/keyring.ts';
import type { AgeIdentity, AgeRecipient } from '../archive/age/key-types.ts';
import { parseIdentityFile, parseRecipient, parseRecipientsFile } from '../archive/age/keys.ts';
import { DEFAULT_WORK_FACTOR, ScryptIdentity, ScryptRecipient } from '../archive/age/scrypt.ts';

/** Exactly one of the three (the schema sees to it). */
export interface SecretSource {
  file?: string;
  env?: string;
  value?: string;
}

export interface EncryptionRequest {
  recipients?: string[];
  recipientsFile?: string;
  passphrase?: SecretSource;
  workFactor?: number;
}

export interface DecryptionRequest {
  identityFile?: string;
  identity?: SecretSource;
  passphrase?: SecretSource;
}

async function readText(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw fsError(err, path, `read the ${what}`);
  }
}

export async function readSecret(
  source: SecretSource,
  what: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string> {
  let text: string;
  if (source.file !== undefined) {
    // A file written by echo, Set-Content or Notepad: its BOM and one final line break are not part of the secret.
    text = (await readText(source.file, `${what} file`)).replace(/^\uFEFF/, '').replace(/\r?\n$/, '');
  } else if (source.env !== undefined) {
    const value = env[source.env];
    if (value === undefined)
      throw new AppError(
        'InvalidRequest',
        'SECRET_NOT_SET',
        `the environment variable ${source.env}, named for the ${what}, is not set`,
      );
    text = value;
  } else {
    text = source.value ?? '';
  }
  if (text === '') throw new AppError('InvalidRequest', 'SECRET_EMPTY', `the ${what} is empty`);
  return text;
}

export async function resolveEncryption(
  req: EncryptionRequest | undefined,
  env: NodeJS.ProcessEnv = process.env,
): Promise<ArchiveEncryption | undefined> {
  if (!req) return undefined;
  const recipients: AgeRecipient[] = (req.recipients ?? []).map((r, i) =>
    parseRecipient(r, `encryption.recipients[${i}]`),
  );
  if (req.recipientsFile !== undefined) {
    recipients.push(
      ...parseRecipientsFile(
        await readText(req.recipientsFile, 'recipients file'),
        `the recipients file '${req.recipientsFile}'`,
      ),
    );
  }
  if (req.passphrase)
    recipients.push(
      new ScryptRecipient(await readSecret(req.passphrase, 'passphrase', env), req.workFactor ?? DEFAULT_WORK_FACTOR),
    );
  checkRecipients(recipients);
  return { recipients };
}

export async function resolveKeyring(
  req: DecryptionRequest | undefined,
  env: NodeJS.ProcessEnv = process.env,
): Promise<AgeKeyring | undefined> {
  if (!req) return undefined;
  const identities: AgeIdentity[] = [];
  if (req.identityFile !== undefined)
    identities.push(
      ...parseIdentityFile(
        await readText(req.identityFile, 'identity file'),
        `the identity file '${req.identityFile}'`,
      ),
    );
  if (req.identity)
    identities.push(...parseIdentityFile(await readSecret(req.identity, 'identity', env), 'decryption.identity'));
  if (req.passphrase) identities.push(new ScryptIdentity(await readSecret(req.passphrase, 'passphrase', env)));
  return new AgeKeyring(identities);
}
