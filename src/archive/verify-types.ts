// What verify reports, and the port through which a restore writes the entries verify reads. Its own module so the
// keyed verify (verify.ts), the verify without a key (verify-locked.ts) and the checks share it without a cycle.
import type { Finding as LogFinding } from '../logs/findings.ts';
import type { RestoreMethod } from '../logs/restore-method.ts';
import type { PageStats } from '../ese/page-scanner.ts';
import type { AgeKeyring } from './age/keyring.ts';

export type VerifySeverity = 'error' | 'warning' | 'info';

export interface VerifyFinding {
  code: string;
  severity: VerifySeverity;
  message: string;
  entry?: string;
}

export interface VerifiedEntry {
  entry: string;
  size: number;
  sha256: string;
}

export interface VerifyResult {
  ok: boolean;
  archive: string;
  /** The tar stream's compression; null when it is inside an encryption that was not opened. */
  format: string | null;
  size: number;
  sha256: string | null;
  backupId: string | null;
  entries: VerifiedEntry[];
  /**
   * Re-derived from the archived bytes; restoreMethod is what a restore of this archive registers (null: none
   * works).
   */
  logRange: {
    low: number;
    high: number;
    count: number;
    restorable: boolean;
    restoreMethod: RestoreMethod | null;
    restoreMethods: RestoreMethod[];
  } | null;
  logFindings: LogFinding[];
  /** Page checksums of the archived database (null when it has none or its header is unreadable). */
  pages: PageStats | null;
  findings: VerifyFinding[];
  /** age encryption of the file: the header's stanza types, and whether the content could be checked. */
  encryption: { format: 'age'; stanzas: string[]; contentVerified: boolean } | null;
}

export interface VerifyEnv {
  signal?: AbortSignal;
  progress?: (e: Record<string, unknown>) => void;
  now?: () => Date;
  /** Identities / passphrases for an encrypted archive. */
  keyring?: AgeKeyring;
  /** Where a restore writes the entries it verifies (see EntrySink). */
  sink?: EntrySink;
}

/**
 * Lets a restore write entries in the same pass that verifies them: `open` is asked for every file entry with a safe
 * name and returns where its bytes go (or null to skip it). The caller keeps what was written provisional until the
 * result says ok; a writer only ever sees bytes in the order they were hashed.
 */
export interface EntrySink {
  open(entry: string, size: number): Promise<EntryWriter | null>;
}

export interface EntryWriter {
  /**
   * Takes the next bytes; may return before they are on disk (resolve = ready for more). The chunk may be freed once
   * the next one is read: a writer that holds it longer retains it (owned-buffer.ts) until written.
   */
  write(chunk: Uint8Array): Promise<unknown>;
  /** After the last chunk: resolves once every byte was written. */
  end(): Promise<void>;
}

/** A finding, without an `entry` key when there is none (as the JSON output has always shown it). */
export function finding(severity: VerifySeverity, code: string, message: string, entry?: string): VerifyFinding {
  return entry === undefined ? { code, severity, message } : { code, severity, message, entry };
}
