// manifest.json as an archive entry: parsed and shape-checked in one place, for verify (which turns a problem into a
// finding), inspect and restore (which refuse with MANIFEST_INVALID). One vocabulary: the finding's code and the
// message are the same whichever command meets the problem.
import { AppError } from '../errors.ts';
import { ARCHIVE_FORMAT, ENTRY_MANIFEST, roleOfEntry } from './layout.ts';
import { type Manifest, manifestProblem } from './manifest.ts';
import { probeArchive, readArchive } from './read-archive.ts';
import type { AgeKeyring } from './age/keyring.ts';

export interface EntryProblem {
  /** The verify finding's code. */
  code: 'entry-missing' | 'manifest-invalid';
  message: string;
}

export type ParsedEntry<T> = { value: T; problem: null } | { value: null; problem: EntryProblem };

/** A JSON metadata entry (adbackup.json, manifest.json) from its bytes; undefined: the archive has no such entry. */
export function parseJsonEntry(bytes: Buffer | undefined, name: string): ParsedEntry<unknown> {
  if (bytes === undefined) return { value: null, problem: { code: 'entry-missing', message: `${name} is missing` } };
  try {
    return { value: JSON.parse(bytes.toString('utf8')) as unknown, problem: null };
  } catch {
    return { value: null, problem: { code: 'manifest-invalid', message: `${name} is not valid JSON` } };
  }
}

/** manifest.json from its bytes, only when it has the shape every reader relies on. */
export function parseManifestEntry(bytes: Buffer | undefined): ParsedEntry<Manifest> {
  const parsed = parseJsonEntry(bytes, ENTRY_MANIFEST);
  if (parsed.problem) return parsed;
  const shape = manifestProblem(parsed.value);
  if (shape !== null)
    return {
      value: null,
      problem: {
        code: 'manifest-invalid',
        message: `${ENTRY_MANIFEST} is not an ${ARCHIVE_FORMAT} manifest: ${shape}`,
      },
    };
  return { value: parsed.value as Manifest, problem: null };
}

export interface ManifestEntry {
  manifest: Manifest;
  /** The expiry token a backup through the API stored (null for folder backups). */
  token: Buffer | null;
  /** The age stanza types of an encrypted archive (null: not encrypted). */
  stanzas: string[] | null;
}

/**
 * A pass over the archive that only decrypts and decompresses: the manifest and the expiry token, nothing verified.
 * MANIFEST_INVALID (Integrity) when the archive has no usable manifest.
 */
export async function readManifestEntry(archive: string, keyring?: AgeKeyring): Promise<ManifestEntry> {
  const info = await probeArchive(archive, undefined, keyring);
  let manifestBytes: Buffer | undefined;
  let token: Buffer | null = null;
  await readArchive(info, async (entry) => {
    const name = entry.header.name;
    const keep = name === ENTRY_MANIFEST || roleOfEntry(name) === 'expiry-token';
    const parts: Buffer[] = [];
    for await (const c of entry.body) if (keep) parts.push(Buffer.from(c));
    if (name === ENTRY_MANIFEST) manifestBytes = Buffer.concat(parts);
    else if (keep) token = Buffer.concat(parts);
  });
  const parsed = parseManifestEntry(manifestBytes);
  if (parsed.problem)
    throw new AppError(
      'Integrity',
      'MANIFEST_INVALID',
      `'${archive}' holds no usable ${ARCHIVE_FORMAT} manifest: ${parsed.problem.message}`,
      { target: archive },
    );
  return { manifest: parsed.value, token, stanzas: info.encryption?.header.stanzas.map((s) => s.args[0]!) ?? null };
}
