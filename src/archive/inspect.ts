// inspect: what a backup is (DC, time, expiry, log range, database state, files) from its sidecar when there is
// one that matches the file, else by reading the manifest out of the archive. The sidecar is plaintext, so an
// encrypted backup is described without its key; without a sidecar, reading an encrypted archive needs the key.
import { stat } from 'node:fs/promises';
import { AppError, fsError } from '../errors.ts';
import { ARCHIVE_FORMAT, ENTRY_MANIFEST } from './layout.ts';
import { type Manifest, manifestProblem, manifestRestoreMethods } from './manifest.ts';
import { probeArchive, readArchive } from './read-archive.ts';
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
}

export async function inspectArchive(path: string, now: Date = new Date(), keyring?: AgeKeyring): Promise<InspectResult> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch (err) {
    throw fsError(err, path, 'read');
  }
  let manifest: Manifest | null = null;
  let from: InspectResult['from'] = 'sidecar';
  let stanzas: string[] | null = null;
  const sidecar = await readSidecar(path);
  if (sidecar && sidecar.archive?.size === size) manifest = sidecar;
  else {
    from = 'archive';
    let info;
    try {
      info = await probeArchive(path, undefined, keyring);
    } catch (err) {
      if (err instanceof AppError && err.code === 'ARCHIVE_ENCRYPTED') {
        throw new AppError('Precondition', 'ARCHIVE_ENCRYPTED', `'${path}' is age-encrypted and has no sidecar manifest that matches it: give decryption.identityFile (or decryption.passphrase) to read its manifest`, { target: path });
      }
      throw err;
    }
    stanzas = info.encryption?.header.stanzas.map((s) => s.args[0]!) ?? null;
    await readArchive(info, async (entry) => {
      if (entry.header.name !== ENTRY_MANIFEST) {
        for await (const _ of entry.body); // skip without keeping
        return;
      }
      const parts: Buffer[] = [];
      for await (const c of entry.body) parts.push(Buffer.from(c));
      try {
        manifest = JSON.parse(Buffer.concat(parts).toString('utf8')) as Manifest;
      } catch {
        throw new AppError('Integrity', 'MANIFEST_INVALID', `${ENTRY_MANIFEST} in '${path}' is not valid JSON`, { target: path });
      }
    });
  }
  const problem = manifestProblem(manifest);
  const m = manifest as unknown as Manifest;
  if (problem !== null) throw new AppError('Integrity', 'MANIFEST_INVALID', `'${path}' holds no usable ${ARCHIVE_FORMAT} manifest (${problem})`, { target: path });
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
    encryption: m.encryption ?? (stanzas ? { format: 'age', recipients: [], passphrase: stanzas.includes('scrypt') } : null),
    database: m.database,
    // Archives written before the manifest named its restore method get the same answer from their recorded facts.
    logRange: { ...m.logRange, restoreMethod: m.logRange.restoreMethod ?? methods.method, restoreMethods: m.logRange.restoreMethods ?? methods.supported },
    findings: m.findings,
    files: m.files.map((f) => ({ entry: f.entry, role: f.role, size: f.size, originalPath: f.originalPath })),
    dataBytes: m.files.reduce((n, f) => n + f.size, 0),
  };
}
