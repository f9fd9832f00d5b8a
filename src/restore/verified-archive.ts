// The archive side of a restore, shared by the file and the API restore: the manifest to plan from, the full
// verification (a plan's, or the one pass that also writes every file under a .partial name), the shelf life, and
// staging the files so that nothing becomes real before the whole archive verified.
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import { stat } from 'node:fs/promises';
import { AppError, fsError } from '../errors.ts';
import type { Manifest } from '../archive/manifest.ts';
import { roleOfEntry } from '../archive/layout.ts';
import { readSidecar } from '../archive/sidecar.ts';
import { type PartialFile, createPartial } from '../publish.ts';
import { verifyArchiveWithManifest } from '../archive/verify.ts';
import type { EntrySink, EntryWriter, VerifyResult } from '../archive/verify-types.ts';
import { readManifestEntry } from '../archive/manifest-entry.ts';
import type { AgeKeyring } from '../archive/age/keyring.ts';
import { release, retain } from '../owned-buffer.ts';
import { type RestoreAction, createFolders, isStalePartial, moveAside, removeCreatedFolders } from './actions.ts';

interface PassPorts {
  signal?: AbortSignal;
  progress(e: Record<string, unknown>): void;
}

/** Verify the archive (a full pass, nothing written), read its manifest and expiry token, enforce the shelf life. */
export async function verifiedManifest(
  opts: { archive: string; allowExpired?: boolean; keyring?: AgeKeyring },
  ports: PassPorts,
  now: Date,
): Promise<{ manifest: Manifest; token: Buffer | null; warnings: string[]; expired: boolean }> {
  const { result, manifest } = await verifyArchiveWithManifest(opts.archive, {
    ...(ports.signal ? { signal: ports.signal } : {}),
    ...keyed(opts.keyring),
    progress: ports.progress,
    now: () => now,
  });
  throwUnlessVerified(opts.archive, result);
  if (manifest === null || result.backupId === null)
    throw new AppError('Integrity', 'ARCHIVE_INVALID', `'${opts.archive}' has no usable manifest`, {
      target: opts.archive,
    });
  const { token } = await readManifest(opts.archive, result.backupId, opts.keyring);
  return { manifest, token, ...shelfLife(manifest, opts, now) };
}

export const keyed = (keyring: AgeKeyring | undefined) => (keyring ? { keyring } : {});

export function throwUnlessVerified(archive: string, verified: VerifyResult): void {
  if (verified.encryption && !verified.encryption.contentVerified) throw encryptedNeedsKey(archive);
  if (verified.ok) return;
  const errors = verified.findings.filter((f) => f.severity === 'error');
  throw new AppError(
    'Integrity',
    'ARCHIVE_INVALID',
    `the archive failed verification: ${errors.map((f) => f.message).join('; ')}`,
    {
      target: archive,
      details: { findings: verified.findings },
    },
  );
}

function encryptedNeedsKey(archive: string): AppError {
  return new AppError(
    'Precondition',
    'ARCHIVE_ENCRYPTED',
    `'${archive}' is age-encrypted: a restore needs decryption.identityFile (or decryption.passphrase)`,
    { target: archive },
  );
}

/** BACKUP_EXPIRED unless overridden; the override is carried as a warning. */
export function shelfLife(
  manifest: Manifest,
  opts: { archive: string; allowExpired?: boolean },
  now: Date,
): { warnings: string[]; expired: boolean } {
  const warnings: string[] = [];
  const expired = Date.parse(manifest.expiresAt) <= now.getTime();
  if (expired && !opts.allowExpired) {
    throw new AppError(
      'Precondition',
      'BACKUP_EXPIRED',
      `the backup of ${manifest.createdAt} is older than its tombstone lifetime (${manifest.tombstoneLifetimeDays} days; expired ${manifest.expiresAt}). Restoring it would bring back objects whose deletion the other DCs have already forgotten (lingering objects). Override only for a forest recovery with allowExpired.`,
      { target: opts.archive },
    );
  }
  if (expired)
    warnings.push(
      `restoring a backup older than the tombstone lifetime (allowExpired): expect lingering objects; check with repadmin /removelingeringobjects after the restore`,
    );
  return { warnings, expired };
}

/**
 * The manifest and expiry token read back after a verify (`backupId`: the one verified): a different or unusable
 * manifest means the file changed in between.
 */
async function readManifest(
  archive: string,
  backupId: string,
  keyring?: AgeKeyring,
): Promise<{ manifest: Manifest; token: Buffer | null }> {
  const changed = () =>
    new AppError('Integrity', 'ARCHIVE_CHANGED', `'${archive}' changed after it was verified`, { target: archive });
  const read = await readManifestEntry(archive, keyring).catch((err: unknown) =>
    Promise.reject(err instanceof AppError && err.code === 'MANIFEST_INVALID' ? changed() : err),
  );
  if (read.manifest.backupId !== backupId) throw changed();
  return read;
}

/**
 * The manifest to plan a restore from: the sidecar's when it describes this very file (same size), else the one
 * read from the archive by a decompress-only pass. Either is only a plan: verifyAndStage proves it.
 */
export async function planningManifest(archive: string, keyring?: AgeKeyring): Promise<Manifest> {
  const [sidecar, st] = await Promise.all([readSidecar(archive), stat(archive).catch(() => null)]);
  if (sidecar && st && sidecar.archive.size === st.size) {
    const { archive: _file, ...manifest } = sidecar;
    // An encrypted backup without its key is refused before anything else happens.
    if (manifest.encryption && !keyring) throw encryptedNeedsKey(archive);
    return manifest;
  }
  return (await readManifestEntry(archive, keyring)).manifest;
}

/**
 * From here on the disk changes. Nothing is deleted: new files land under .partial names (a killed run's .partial
 * is set aside first) in the one pass that verifies the archive; `commit` then moves the replaced files aside and
 * the new ones into place. Folders the plan created are removed again when the pass fails.
 */
export async function stageRestore(
  archive: string,
  planned: Manifest,
  plan: { actions: readonly RestoreAction[]; writes: Map<string, string> },
  ports: PassPorts,
  now: Date,
  keyring?: AgeKeyring,
): Promise<{ sha256: string | null; commit(): Promise<void> }> {
  const aside = new Set<string>();
  const created = await createFolders(plan.actions, archive);
  let staged: Awaited<ReturnType<typeof verifyAndStage>>;
  try {
    await moveAside(plan.actions, archive, aside, isStalePartial);
    staged = await verifyAndStage(archive, planned, plan.writes, ports, now, keyring);
  } catch (err) {
    await removeCreatedFolders(created);
    throw err;
  }
  return {
    sha256: staged.sha256,
    async commit() {
      await moveAside(plan.actions, archive, aside, (a) => !isStalePartial(a));
      await staged.commit();
    },
  };
}

/**
 * One pass over the archive: the full verification, with every wanted entry written to `<dest>.partial` as it is
 * hashed. Nothing becomes real here; on any failure every .partial is removed. The caller commits.
 */
export async function verifyAndStage(
  archive: string,
  planned: Manifest,
  writes: Map<string, string>,
  ports: PassPorts,
  now: Date,
  keyring?: AgeKeyring,
): Promise<{ manifest: Manifest; token: Buffer | null; sha256: string | null; commit(): Promise<void> }> {
  const staging = stagingSink(writes);
  let sha256: string | null = null;
  try {
    // From an encrypted archive, plaintext reaches a .partial only chunk by chunk as each chunk authenticates.
    const { result, manifest } = await verifyArchiveWithManifest(archive, {
      ...(ports.signal ? { signal: ports.signal } : {}),
      ...keyed(keyring),
      progress: ports.progress,
      now: () => now,
      sink: staging.sink,
    });
    throwUnlessVerified(archive, result);
    sha256 = result.sha256;
    checkStaged(archive, manifest, planned, writes, staging.partials);
  } catch (err) {
    for (const p of staging.partials.values()) await p.discard();
    throw err;
  }
  return {
    manifest: planned,
    token: staging.token(),
    sha256,
    commit: () => commitInOrder([...staging.partials.values()]),
  };
}

/** The pass's sink: each wanted entry into a .partial of its destination (the first copy only), the token kept. */
function stagingSink(writes: Map<string, string>) {
  const partials = new Map<string, PartialFile>();
  let tokenParts: Buffer[] | null = null;
  const sink: EntrySink = {
    async open(entry, size) {
      if (roleOfEntry(entry) === 'expiry-token') {
        const parts: Buffer[] = (tokenParts = []);
        return { write: async (c: Uint8Array) => parts.push(Buffer.from(c)), end: async () => {} };
      }
      const dest = writes.get(entry);
      if (dest === undefined || partials.has(entry)) return null;
      const p = await createPartial(dest);
      partials.set(entry, p);
      return bufferedWriter(p, dest, size);
    },
  };
  return { sink, partials, token: () => (tokenParts ? Buffer.concat(tokenParts) : null) };
}

/** A verified pass must also have read the manifest the restore was planned from, and every entry it writes. */
function checkStaged(
  archive: string,
  manifest: Manifest | null,
  planned: Manifest,
  writes: Map<string, string>,
  partials: Map<string, PartialFile>,
): void {
  if (!manifest || !sameJson(manifest, planned)) {
    throw new AppError(
      'Integrity',
      'ARCHIVE_CHANGED',
      `'${archive}' does not hold the manifest the restore was planned from (its sidecar describes another backup, or the file changed)`,
      { target: archive },
    );
  }
  const missing = [...writes.keys()].filter((e) => !partials.has(e));
  if (missing.length > 0)
    throw new AppError('Integrity', 'ARCHIVE_INVALID', `the archive holds no ${missing.join(', ')}`, {
      target: archive,
    });
}

/** Publishes the .partials one by one; on a failure the ones not yet published are discarded. */
async function commitInOrder(pending: PartialFile[]): Promise<void> {
  try {
    while (pending.length > 0) {
      await pending[0]!.commit();
      pending.shift();
    }
  } catch (err) {
    for (const p of pending) await p.discard();
    throw err;
  }
}

/**
 * Writes go through a stream with a few MiB of buffer, so the disk works while the next bytes are decompressed and
 * hashed (awaiting each write would stall the pass on every chunk). Each chunk is retained until it is written (the
 * pass frees decoded data as it moves on). A failed write rejects the next call; a file that does not end up with
 * exactly the entry's size is an error, whatever the cause.
 */
export function bufferedWriter(p: PartialFile, dest: string, size: number): EntryWriter {
  const w = p.writable();
  let failed: unknown = null;
  w.on('error', (err) => (failed ??= err));
  const check = () => {
    if (failed) throw fsError(failed, dest, 'write');
  };
  return {
    async write(chunk) {
      check();
      retain(chunk);
      const more = w.write(chunk, () => release(chunk));
      if (!more) await once(w, 'drain').catch((err: unknown) => Promise.reject(fsError(err, dest, 'write')));
    },
    async end() {
      check();
      await finished(w.end()).catch((err: unknown) => Promise.reject(fsError(err, dest, 'write')));
      const written = (await p.handle.stat()).size;
      if (written !== size)
        throw new AppError('Internal', 'WRITE_INCOMPLETE', `${written} of ${size} bytes were written to '${dest}'`, {
          target: dest,
        });
    },
  };
}

/** Deep equality of two JSON documents, whatever the key order. */
function sameJson(a: unknown, b: unknown): boolean {
  const canon = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(canon)
      : v && typeof v === 'object'
        ? Object.fromEntries(
            Object.keys(v)
              .sort()
              .map((k) => [k, canon((v as Record<string, unknown>)[k])]),
          )
        : v;
  return JSON.stringify(canon(a)) === JSON.stringify(canon(b));
}
