// `verify` with `deep: true`: after the streaming checks pass, the archived database is opened again (in place from
// a plain tar; otherwise streamed into the sealed scratch file of src/archive/archived-database.ts, never a
// plaintext copy) and checked logically: every table's B-trees walk, the catalog keeps its own rules, and an AD
// database's cross-references resolve (src/ad/check.ts). Its identity (DC, domain, invocation ID, highest USN) is
// read too. A second pass costs a second read of the archive: the price of an opt-in check.
import { checkDatabase } from '../ad/check.ts';
import { quickIdentity } from '../ad/quick-identity.ts';
import type { DatabaseIdentity } from '../ad/identity.ts';
import type { AgeKeyring } from '../archive/age/keyring.ts';
import type { VerifyResult } from '../archive/verify-types.ts';
import type { Finding } from '../ese/reader/findings.ts';
import { openDatabaseInArchive } from './database-source.ts';

export interface DeepVerifyReport {
  ok: boolean;
  member: string;
  tables: { name: string; rows: number }[];
  /** Whether the directory's cross-references were checked (the database has a datatable). */
  directory: boolean;
  counts: Record<string, number>;
  findings: Finding[];
  findingsDropped: number;
  identity?: DatabaseIdentity;
}

export async function deepVerify(
  archive: string,
  options: { keyring?: AgeKeyring; signal: AbortSignal; spillDirectory?: string },
): Promise<DeepVerifyReport> {
  const { db, member } = await openDatabaseInArchive(archive, options);
  try {
    const check = checkDatabase(db);
    const identity = check.directory ? quickIdentity(db) : undefined;
    return {
      ok: db.findings.count === 0,
      member,
      tables: check.tables.map((t) => ({ name: t.name, rows: t.rows })),
      directory: check.directory,
      counts: { ...db.findings.counts } as Record<string, number>,
      findings: db.findings.list,
      findingsDropped: db.findings.dropped,
      ...(identity ? { identity } : {}),
    };
  } finally {
    db.close();
  }
}

/** Whether the streaming checks leave anything for the deep check to read: they passed and the content was open. */
export function deepCheckApplies(r: VerifyResult): boolean {
  return r.ok && !(r.encryption && !r.encryption.contentVerified);
}
