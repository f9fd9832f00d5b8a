// The database a read command (tables, objects) reads: a database file (`path`) or the database inside a backup
// archive (`archive`, with `decryption` when it is age-encrypted). The schema admits exactly one; the response names
// the source it read.
import { fsError } from '../errors.ts';
import { EseDatabase } from '../ese/reader/database.ts';
import { type ArchivedDatabaseOptions, openArchivedDatabase } from '../archive/archived-database.ts';
import { type DecryptionRequest, resolveKeyring } from './secrets.ts';

export interface DatabaseSourceRequest {
  path?: string;
  archive?: string;
  decryption?: DecryptionRequest;
  member?: string;
  spillDirectory?: string;
}

export type SourceLabel = { path: string } | { archive: string; member: string };

/**
 * Opens the request's database, hands it to `use`, and closes it whatever happens. An encrypted archive without a
 * key is ARCHIVE_ENCRYPTED (exit 4); a wrong key the age decryption error.
 */
export async function withRequestedDatabase<T>(
  req: DatabaseSourceRequest,
  signal: AbortSignal,
  use: (db: EseDatabase, label: SourceLabel) => T | Promise<T>,
): Promise<{ label: SourceLabel; result: T }> {
  let db: EseDatabase;
  let label: SourceLabel;
  if (req.archive === undefined) {
    const path = req.path!;
    try {
      db = EseDatabase.openFile(path);
    } catch (err) {
      throw fsError(err, path, 'read');
    }
    label = { path };
  } else {
    const keyring = await resolveKeyring(req.decryption);
    const opened = await openDatabaseInArchive(req.archive, {
      signal,
      ...(keyring ? { keyring } : {}),
      ...(req.member === undefined ? {} : { member: req.member }),
      ...(req.spillDirectory === undefined ? {} : { spillDirectory: req.spillDirectory }),
    });
    db = opened.db;
    label = { archive: req.archive, member: opened.member };
  }
  try {
    return { label, result: await use(db, label) };
  } finally {
    db.close();
  }
}

/**
 * The database inside an archive (read in place from a plain tar, else through the sealed scratch file of
 * openArchivedDatabase), for `use` above and for verify's deep check. The caller closes it; when its catalog cannot
 * be read, the page source (and its scratch file) is closed here.
 */
export async function openDatabaseInArchive(
  archive: string,
  options: ArchivedDatabaseOptions,
): Promise<{ db: EseDatabase; member: string }> {
  const opened = await openArchivedDatabase(archive, options);
  try {
    return { db: EseDatabase.fromSource(opened), member: opened.member };
  } catch (err) {
    opened.source.close();
    throw fsError(err, archive, 'read');
  }
}
