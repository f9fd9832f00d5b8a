// An archive's name is its only label in an emergency: an admin without this tool runs `tar -xzf X.tar.gz`,
// `zstd -d`, or `age -d X.age` because of what the name says. So when a backup is given its file name
// (destination.path), the name decides the format: a known extension sets the compression, `.age` means encrypted,
// and a request that contradicts its name, or a name that states no format, is refused before anything is read.
// (A folder destination gets its extension from the request, so it always agrees.)
import { AppError } from '../errors.ts';
import type { CompressionType } from '../archive/compression/index.ts';
import { pathApi } from '../paths.ts';

const AGE = '.age';

/** The extensions a backup may be named with, longest first; matched case-insensitively, as on NTFS. */
const KNOWN: readonly (readonly [string, CompressionType])[] = [
  ['.tar.zst', 'zstd'],
  ['.tar.gz', 'gzip'],
  ['.tgz', 'gzip'],
  ['.tar', 'none'],
];

const DESCRIBED: Record<CompressionType, string> = { zstd: 'a zstd', gzip: 'a gzip', none: 'an uncompressed' };

function mismatch(path: string, message: string, details: Record<string, unknown>): AppError {
  return new AppError('InvalidRequest', 'DESTINATION_NAME_MISMATCH', message, { target: path, details });
}

function extensionOf(type: CompressionType): string {
  return KNOWN.find(([, t]) => t === type)![0];
}

function knownList(suffix: string): string {
  const all = KNOWN.map(([ext]) => ext + suffix);
  return `${all.slice(0, -1).join(', ')} or ${all.at(-1)}`;
}

/**
 * The compression a backup to `path` uses: the one its name states. Throws InvalidRequest
 * DESTINATION_NAME_MISMATCH when the name ends in `.age` and the backup is not encrypted (or the reverse), when
 * `requested` differs from the name's compression, or when the name has no known extension.
 */
export function compressionForName(
  path: string,
  requested: CompressionType | undefined,
  encrypted: boolean,
): CompressionType {
  const name = pathApi(path).basename(path);
  const lower = name.toLowerCase();
  const named = { name, compression: requested ?? null, encrypted };
  const ageNamed = lower.endsWith(AGE);
  const inner = ageNamed ? lower.slice(0, -AGE.length) : lower;
  const known = KNOWN.find(([ext]) => inner.endsWith(ext));
  if (!known) {
    const suffix = encrypted ? AGE : '';
    const fitting = (ageNamed ? name.slice(0, -AGE.length) : name) + extensionOf(requested ?? 'zstd') + suffix;
    throw mismatch(
      path,
      `'${name}' does not end in ${knownList(suffix)}: the name must say how the archive opens (tar -xzf, zstd -d, age -d). Name it '${fitting}', or give destination.directory`,
      named,
    );
  }
  if (ageNamed && !encrypted) {
    throw mismatch(
      path,
      `'${name}' ends in .age, the name of an encrypted archive, but the request has no encryption: give encryption (recipients, recipientsFile or passphrase), or a name without .age`,
      named,
    );
  }
  if (!ageNamed && encrypted) {
    throw mismatch(
      path,
      `an encrypted archive's name ends in .age (${name}.age); '${name}' would be taken for an unencrypted archive`,
      named,
    );
  }
  if (requested !== undefined && requested !== known[1]) {
    const stem = name.slice(0, inner.length - known[0].length);
    const fitting = stem + extensionOf(requested) + (ageNamed ? AGE : '');
    throw mismatch(
      path,
      `'${name}' names ${DESCRIBED[known[1]]} archive, but compression.type is ${requested}: leave compression.type out (the name decides), or name the file '${fitting}'`,
      named,
    );
  }
  return known[1];
}
