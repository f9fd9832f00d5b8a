// Is a backup still good? Two depths. `hash` (the default): the backup judged itself restorable when it was made
// (sidecar) and the archive file's sha256 still equals what the sidecar recorded at publication — it catches any
// change since, needs no key for an encrypted archive, and costs one read of the file. `full`: verify's end-to-end
// check (tar structure, every entry's hash, ESE headers, pages, log range), which needs the key for an encrypted one.
import { createReadStream } from 'node:fs';
import { createHash } from 'node:crypto';
import { fsError } from '../errors.ts';
import { verifyArchive } from '../archive/verify.ts';
import type { AgeKeyring } from '../archive/age/keyring.ts';
import type { CatalogEntry } from './catalog.ts';

export type CheckDepth = 'sidecar' | 'hash' | 'full';

export interface Soundness {
  good: boolean;
  checked: CheckDepth;
  /** Why it is not good (absent when good). */
  problem?: string;
}

export interface SoundnessEnv {
  signal?: AbortSignal;
  keyring?: AgeKeyring;
  /**
   * Archives whose sha256 this process computed as it wrote them (path → sha256): a backup's own retention need not
   * read back the archive it has just published.
   */
  hashed?: ReadonlyMap<string, string>;
}

async function fileSha256(path: string, signal?: AbortSignal): Promise<string> {
  const hash = createHash('sha256');
  try {
    for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20, ...(signal ? { signal } : {}) }))
      hash.update(chunk as Buffer);
  } catch (err) {
    throw fsError(err, path, 'read');
  }
  return hash.digest('hex');
}

/** Null when the archive file still has the sha256 its sidecar recorded, else what differs. */
export async function hashMismatch(b: CatalogEntry, env: SoundnessEnv = {}): Promise<string | null> {
  const sha = env.hashed?.get(b.archive) ?? (await fileSha256(b.archive, env.signal));
  return sha === b.sha256 ? null : `the archive's sha256 is ${sha}, not the ${b.sha256} its sidecar recorded`;
}

export async function checkSoundness(b: CatalogEntry, depth: CheckDepth, env: SoundnessEnv = {}): Promise<Soundness> {
  if (!b.soundAtBackup)
    return { good: false, checked: 'sidecar', problem: 'the backup recorded itself as not restorable or with errors' };
  if (depth === 'sidecar') return { good: true, checked: 'sidecar' };
  if (depth === 'hash') {
    const problem = await hashMismatch(b, env);
    return problem === null ? { good: true, checked: 'hash' } : { good: false, checked: 'hash', problem };
  }
  const r = await verifyArchive(b.archive, {
    ...(env.signal ? { signal: env.signal } : {}),
    ...(env.keyring ? { keyring: env.keyring } : {}),
  });
  if (!r.ok) {
    const first = r.findings.find((f) => f.severity === 'error');
    return { good: false, checked: 'full', problem: first ? `${first.code}: ${first.message}` : 'verify failed' };
  }
  if (r.encryption && !r.encryption.contentVerified)
    return { good: false, checked: 'full', problem: 'encrypted, and no key was given to check its content' };
  return { good: true, checked: 'full' };
}
