// Which registration a restore of a database and its logs can use. Two exist, and ESE accepts each for different
// databases (src/registry/KB814167.md has the facts and sources):
// - "restore-in-progress": the KB 814167 values (what DsRestoreRegister writes). NTDS runs ESE's hard recovery
//   (JetExternalRestore) over the numbered logs LowLog…HighLog. ESE refuses a database that no backup produced,
//   clean or dirty (JET_errRestoreOfNonBackupDatabase, -615): the header must carry a streaming backup's
//   bkinfoFullCur or a snapshot backup's bkinfoSnapshotCur, and the archive must hold numbered logs.
// - "database-restored-from-backup": NTDS\Parameters "Database restored from backup" = 1. The files go back as they
//   are, ESE's ordinary start (soft recovery) replays whatever logs of the database's own sequence lie beside it, and
//   NTDS takes a new invocation ID. Any clean database, a dirty one with its logs, or a snapshot copy qualifies; a
//   streaming-backup copy does not (ESE: JET_errSoftRecoveryOnBackupDatabase, -544 — it must be restored).
// A backup states which one its restore uses; `restorable` means one of them works.
import type { Finding } from './findings.ts';

export type RestoreMethod = 'restore-in-progress' | 'database-restored-from-backup';
export const RESTORE_METHODS: readonly RestoreMethod[] = ['restore-in-progress', 'database-restored-from-backup'];

/** What the choice depends on: the database's required-log source and the numbered logs of the range. */
export interface MethodFacts {
  /** Null: the database needs no log (clean) or has no readable header. */
  required: { source: 'dirty' | 'streaming-backup' | 'snapshot' } | null;
  registration: { lowLog: number; highLog: number } | null;
}

export interface MethodChoice {
  /** What a restore uses unless the request names one; null when neither works. */
  method: RestoreMethod | null;
  supported: RestoreMethod[];
  /** Why each unsupported method cannot be used. */
  unsupported: { method: RestoreMethod; reason: string }[];
}

/** Why `method` cannot restore a database with these facts, or null when it can. */
export function methodProblem(method: RestoreMethod, f: MethodFacts): string | null {
  const source = f.required?.source ?? null;
  if (method === 'restore-in-progress') {
    if (source !== 'streaming-backup' && source !== 'snapshot') {
      return "the database was not produced by a backup (its header has no streaming or snapshot backup information), and ESE's restore refuses such a database (JET_errRestoreOfNonBackupDatabase)";
    }
    if (f.registration === null)
      return "the archive holds no closed (numbered) log: ESE's restore replays the logs named edbXXXXX.log from LowLog to HighLog";
    return null;
  }
  if (source === 'streaming-backup') {
    return 'the database is a streaming-backup copy: ESE will not start it as it is (JET_errSoftRecoveryOnBackupDatabase); it must be restored with its logs (restore-in-progress)';
  }
  return null;
}

export function chooseRestoreMethod(f: MethodFacts): MethodChoice {
  const supported: RestoreMethod[] = [];
  const unsupported: MethodChoice['unsupported'] = [];
  for (const m of RESTORE_METHODS) {
    const reason = methodProblem(m, f);
    if (reason === null) supported.push(m);
    else unsupported.push({ method: m, reason });
  }
  return { method: supported[0] ?? null, supported, unsupported };
}

/** The finding a log set gets when no registration could restore its database. */
export function noMethodFinding(choice: MethodChoice): Finding | null {
  if (choice.method !== null) return null;
  return {
    code: 'restore-method-unavailable',
    severity: 'error',
    message: `no restore registration can bring this database back: ${choice.unsupported.map((u) => `${u.method}: ${u.reason}`).join('; ')}`,
  };
}
