// The port through which a backup learns whose database it archived: the CLI hands in a reader (src/ad reads the
// identity by key from the database file); the backup only records the outcome. An identity that cannot be read
// never fails a backup: it becomes a warning, and the manifest goes without.
import type { DatabaseIdentity } from '../database-identity.ts';

export interface IdentityOutcome {
  /** null: the database is not an Active Directory database (no datatable), so there is no identity to read. */
  identity: DatabaseIdentity | null;
  /** Why the identity is missing or partial (a damaged datatable), for the backup's warnings. */
  warning?: string;
}

export type IdentifyDatabase = (path: string) => IdentityOutcome;

/** Runs the reader after the pass; an exception from it is a warning too. */
export function identifyArchived(identify: IdentifyDatabase, path: string): IdentityOutcome & { ms: number } {
  const started = performance.now();
  try {
    return { ...identify(path), ms: performance.now() - started };
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    return {
      identity: null,
      warning: `the database's identity could not be read: ${why}`,
      ms: performance.now() - started,
    };
  }
}
