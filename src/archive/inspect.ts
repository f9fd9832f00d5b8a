// inspect: what a backup is (DC, time, expiry, log range, database state, files) from its sidecar when there is
// one that matches the file, else by reading the manifest out of the archive. The sidecar is plaintext, so an
// encrypted backup is described without its key; without a sidecar, reading an encrypted archive needs the key.
import { stat } from 'node:fs/promises';
import { AppError, fsError } from '../errors.ts';
import { type Manifest, manifestRestoreMethods } from './manifest.ts';
import { readManifestEntry } from './manifest-entry.ts';
import { readSidecar } from './sidecar.ts';
import type { AgeKeyring } from './age/keyring.ts';
import type { EncryptionRecord } from './encryption.ts';

export interface InspectResult {
  archive: string;
  from: 'sidecar' | 'archive';
  size: number;
  backupId: string;
  label: string | null;
  computer: string;
  sourceType: string;
  createdAt: string;
  expiresAt: string;
  expired: boolean;
  ageDays: number;
  tombstoneLifetimeDays: number;
  compression: Manifest['compression'];
  encryption: EncryptionRecord | null;
  database: Manifest['database'];
  logRange: Manifest['logRange'];
  findings: Manifest['findings'];
  files: { entry: string; role: string; size: number; originalPath: string }[];
  dataBytes: number;
  /** The DC and forest the database names (AD databases backed up from a file). */
  identity?: Manifest['identity'];
}

export async function inspectArchive(
  path: string,
  now: Date = new Date(),
  keyring?: AgeKeyring,
): Promise<InspectResult> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch (err) {
    throw fsError(err, path, 'read');
  }
  const sidecar = await readSidecar(path);
  const { m, from, stanzas } =
    sidecar && sidecar.archive?.size === size
      ? { m: sidecar as Manifest, from: 'sidecar' as const, stanzas: null }
      : { ...(await fromArchive(path, keyring)), from: 'archive' as const };
  const created = Date.parse(m.createdAt);
  const methods = manifestRestoreMethods(m);
  return {
    archive: path,
    from,
    size,
    backupId: m.backupId,
    label: m.label,
    computer: m.source.computer,
    sourceType: m.source.type,
    createdAt: m.createdAt,
    expiresAt: m.expiresAt,
    expired: Date.parse(m.expiresAt) < now.getTime(),
    ageDays: Math.floor(((now.getTime() - created) / 86_400_000) * 100) / 100,
    tombstoneLifetimeDays: m.tombstoneLifetimeDays,
    compression: m.compression,
    // An archive encrypted after the fact (age -r …) has no record of it inside: say what the file shows.
    encryption:
      m.encryption ?? (stanzas ? { format: 'age', recipients: [], passphrase: stanzas.includes('scrypt') } : null),
    database: m.database,
    ...(m.identity ? { identity: m.identity } : {}),
    // Archives written before the manifest named its restore method get the same answer from their recorded facts.
    logRange: {
      ...m.logRange,
      restoreMethod: m.logRange.restoreMethod ?? methods.method,
      restoreMethods: m.logRange.restoreMethods ?? methods.supported,
    },
    findings: m.findings,
    files: m.files.map((f) => ({ entry: f.entry, role: f.role, size: f.size, originalPath: f.originalPath })),
    dataBytes: m.files.reduce((n, f) => n + f.size, 0),
  };
}

/** The manifest read out of the archive itself (no sidecar describes this file). */
async function fromArchive(path: string, keyring?: AgeKeyring): Promise<{ m: Manifest; stanzas: string[] | null }> {
  try {
    const { manifest, stanzas } = await readManifestEntry(path, keyring);
    return { m: manifest, stanzas };
  } catch (err) {
    if (err instanceof AppError && err.code === 'ARCHIVE_ENCRYPTED') {
      throw new AppError(
        'Precondition',
        'ARCHIVE_ENCRYPTED',
        `'${path}' is age-encrypted and has no sidecar manifest that matches it: give decryption.identityFile (or decryption.passphrase) to read its manifest`,
        { target: path },
      );
    }
    throw err;
  }
}
