// The database a read command (tables, objects) reads: a database file (`path`) or the database inside a backup
// archive (`archive`, with `decryption` when it is age-encrypted). The schema admits exactly one; the response names
// the source it read.
import { fsError } from '../errors.ts';
import { EseDatabase } from '../ese/reader/database.ts';
import { openArchivedDatabase } from '../archive/archived-database.ts';
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
    const opened = await openArchivedDatabase(req.archive, {
      signal,
      ...(keyring ? { keyring } : {}),
      ...(req.member === undefined ? {} : { member: req.member }),
      ...(req.spillDirectory === undefined ? {} : { spillDirectory: req.spillDirectory }),
    });
    try {
      db = EseDatabase.fromSource(opened);
    } catch (err) {
      throw fsError(err, req.archive, 'read');
    }
    label = { archive: req.archive, member: opened.member };
  }
  try {
    return { label, result: await use(db, label) };
  } finally {
    db.close();
  }
}
