// keygen: a new age X25519 identity written as age-keygen writes it (`# created`, `# public key`, the secret key),
// owner-only, never over an existing file. Only the public key is returned: the secret goes to the file alone.
import { open, unlink } from 'node:fs/promises';
import { AppError, fsError } from '../errors.ts';
import { ARCHIVE_FILE_MODE } from '../publish.ts';
import { generateIdentity, identityFileText } from './age/keys.ts';

export interface KeygenResult {
  identityFile: string;
  recipient: string;
  recipientsFile: string | null;
  createdAt: string;
}

export async function writeNewIdentity(
  identityFile: string,
  recipientsFile: string | undefined,
  now: Date,
): Promise<KeygenResult> {
  const key = generateIdentity();
  await writeNew(identityFile, identityFileText(key, now));
  if (recipientsFile !== undefined) {
    try {
      await writeNew(
        recipientsFile,
        `# adbackup keygen ${now.toISOString()}: public key of ${identityFile}\n${key.recipient}\n`,
      );
    } catch (err) {
      await unlink(identityFile).catch(() => {}); // all or nothing: no identity whose recipient went nowhere
      throw err;
    }
  }
  return {
    identityFile,
    recipient: key.recipient,
    recipientsFile: recipientsFile ?? null,
    createdAt: now.toISOString(),
  };
}

/** Creates the file exclusively (O_EXCL) with mode 0600 and writes it durably; removes it if writing fails. */
async function writeNew(path: string, text: string): Promise<void> {
  let fh;
  try {
    fh = await open(path, 'wx', ARCHIVE_FILE_MODE);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new AppError(
        'Precondition',
        'DESTINATION_EXISTS',
        `'${path}' already exists: keygen never overwrites a key file`,
        { target: path },
      );
    }
    throw fsError(err, path, 'create');
  }
  try {
    await fh.writeFile(text);
    await fh.sync();
    await fh.close();
  } catch (err) {
    await fh.close().catch(() => {});
    await unlink(path).catch(() => {});
    throw fsError(err, path, 'write');
  }
}
