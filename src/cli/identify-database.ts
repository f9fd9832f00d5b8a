// The reader the CLI hands to a backup (src/backup/identify.ts): the quick identity (src/ad/quick-identity.ts) of
// a database file. A database without a datatable is no AD database: no identity and nothing to warn about (the
// synthetic DSA folders of the demo and the benchmark are such files). Findings met on the way make a warning.
import { quickIdentity } from '../ad/quick-identity.ts';
import type { IdentityOutcome } from '../backup/identify.ts';
import { EseDatabase } from '../ese/reader/database.ts';

export function identifyDatabase(path: string): IdentityOutcome {
  const db = EseDatabase.openFile(path);
  try {
    const identity = quickIdentity(db);
    if (identity === undefined) return { identity: null };
    const { count, list } = db.findings;
    if (count === 0) return { identity };
    const first = list[0]!;
    const warning = `the database's identity was read past ${count} finding(s), e.g. ${first.code}: ${first.message}`;
    return { identity, warning };
  } finally {
    db.close();
  }
}
