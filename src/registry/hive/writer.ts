// Writing a hive back: the file must still hold what was read (else another writer got there first), the old file
// is kept beside it as `<name>.pre-restore-<UTC>`, and the new bytes are published atomically (`.partial`, fsync,
// rename, folder fsync) so that a crash leaves either the old hive or the new one under the name, never a mix.
import { constants } from 'node:fs';
import { copyFile, open, readFile, unlink } from 'node:fs/promises';
import { writeFileAtomic } from '../../publish.ts';
import { compactUtc } from '../../compact-time.ts';
import { AppError, fsError } from '../../errors.ts';
import { hiveError } from './errors.ts';

export interface SavedHive {
  path: string;
  /** The hive as it was, kept beside it. */
  previous: string;
  bytes: number;
}

export async function writeHiveFile(path: string, bytes: Buffer, original: Buffer, now: Date): Promise<SavedHive> {
  const current = await readFile(path).catch((err) => Promise.reject(fsError(err, path, 'read')));
  if (!current.equals(original))
    throw hiveError(
      'Precondition',
      'HIVE_CHANGED',
      path,
      'the hive file changed since it was read; nothing was written',
    );
  const previous = `${path}.pre-restore-${compactUtc(now)}`;
  await keepCopy(path, previous);
  try {
    await writeFileAtomic(path, bytes);
  } catch (err) {
    // The hive under its name is still the old one: the copy made for this write is not needed.
    await unlink(previous).catch(() => undefined);
    throw err;
  }
  return { path, previous, bytes: bytes.length };
}

async function keepCopy(path: string, previous: string): Promise<void> {
  try {
    await copyFile(path, previous, constants.COPYFILE_EXCL);
    const fh = await open(previous, 'r+');
    await fh.sync().finally(() => fh.close());
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST')
      throw new AppError('Precondition', 'DESTINATION_EXISTS', `'${previous}' already exists`, { target: previous });
    throw fsError(err, previous, 'keep a copy of the hive as');
  }
}
