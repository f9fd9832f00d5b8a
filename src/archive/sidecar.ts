// The sidecar `<archive>.manifest.json`: the manifest in plaintext beside the archive, plus the archive file's own
// size and sha256 (of the encrypted bytes, for an encrypted archive). It never holds a secret, so it describes an
// encrypted backup to anyone who may list backups without being able to open them.
import { readSmallFile } from '../small-file.ts';
import { ARCHIVE_FORMAT, SIDECAR_SUFFIX } from './layout.ts';
import { type Manifest, type Sidecar, manifestProblem } from './manifest.ts';
import type { ArchiveHint } from './read-archive.ts';
import { AGE_EXTENSION } from './encryption.ts';

export { SIDECAR_SUFFIX };
/** A sidecar larger than this is not one of ours (and is not read into memory). */
const SIDECAR_LIMIT = 64 << 20;

export type AddFinding = (
  severity: 'error' | 'warning' | 'info',
  code: string,
  message: string,
  entry?: string,
) => void;

/** The sidecar beside `archive` when there is a readable one of our format, else null. */
export async function readSidecar(archive: string): Promise<Sidecar | null> {
  try {
    const s = JSON.parse((await readSmallFile(archive + SIDECAR_SUFFIX, SIDECAR_LIMIT)).toString('utf8')) as Sidecar;
    return s && s.format === ARCHIVE_FORMAT && manifestProblem(s) === null && typeof s.archive?.size === 'number'
      ? s
      : null;
  } catch {
    return null;
  }
}

/** What the archive should be, from its sidecar or its name, so a damaged magic is still read and located. */
export async function archiveHint(archive: string): Promise<ArchiveHint> {
  const s = await readSidecar(archive);
  const t = s?.compression?.type;
  if (t === 'zstd' || t === 'gzip' || t === 'none') return { compression: t, encrypted: !!s?.encryption };
  const encrypted = archive.toLowerCase().endsWith(AGE_EXTENSION);
  const name = encrypted ? archive.slice(0, -AGE_EXTENSION.length) : archive;
  if (/\.(tar\.zst|tzst|zst)$/i.test(name)) return { compression: 'zstd', encrypted };
  if (/\.(tar\.gz|tgz|gz)$/i.test(name)) return { compression: 'gzip', encrypted };
  if (/\.tar$/i.test(name)) return { compression: 'none', encrypted };
  return encrypted ? { encrypted } : {};
}

/** The age stanza types the sidecar's recipients imply, sorted (what the archive's header must hold). */
function expectedStanzas(encryption: NonNullable<Manifest['encryption']>): string[] {
  const types: string[] = encryption.recipients.map((r) => (r.startsWith('age1pq1') ? 'mlkem768x25519' : 'X25519'));
  if (encryption.passphrase) types.push('scrypt');
  return types.sort();
}

/**
 * The whole-file check against the sidecar: size and sha256 of the archive file as it is on disk, the backup it
 * describes, and (encrypted archives) that the age header has the stanzas the recorded recipients give.
 */
export async function checkSidecar(
  archive: string,
  file: { sha256: string; size: number; stanzas: string[] | null },
  manifest: Manifest | null,
  add: AddFinding,
): Promise<Sidecar | null> {
  let text: string;
  try {
    text = (await readSmallFile(archive + SIDECAR_SUFFIX, SIDECAR_LIMIT)).toString('utf8');
  } catch {
    add('info', 'sidecar-missing', 'no sidecar manifest beside the archive: the whole-file hash was not checked');
    return null;
  }
  let sidecar: Sidecar;
  try {
    sidecar = JSON.parse(text) as Sidecar;
  } catch {
    add('error', 'sidecar-invalid', 'the sidecar manifest is not valid JSON');
    return null;
  }
  if (sidecar.archive?.sha256 !== file.sha256 || sidecar.archive?.size !== file.size) {
    add(
      'error',
      'archive-hash-mismatch',
      `the archive file's sha256/size (${file.sha256}, ${file.size}) differ from the sidecar's (${sidecar.archive?.sha256}, ${sidecar.archive?.size}): the file was altered after it was written`,
    );
  }
  if (manifest && sidecar.backupId !== manifest.backupId)
    add('error', 'sidecar-mismatch', 'the sidecar describes another backup');
  const recorded = sidecar.encryption ?? null;
  if (!recorded !== (file.stanzas === null)) {
    add(
      'error',
      'encryption-mismatch',
      recorded
        ? 'the sidecar says the archive is age-encrypted, but the file is not'
        : 'the archive is age-encrypted, but its sidecar records no encryption',
    );
  } else if (recorded && file.stanzas && expectedStanzas(recorded).join() !== [...file.stanzas].sort().join()) {
    add(
      'error',
      'encryption-mismatch',
      `the archive's age header has stanzas ${file.stanzas.join(', ')}, but the sidecar's recipients give ${expectedStanzas(recorded).join(', ') || 'none'}`,
    );
  }
  return sidecar;
}
