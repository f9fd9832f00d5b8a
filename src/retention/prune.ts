// prune: remove old backups by rule (rules.ts) from a folder of backups (catalog.ts). Safe by construction: only
// archives with a sidecar of ours whose recorded sha256 the file still has are touched (anything else is somebody
// else's file or a damaged one: reported, left for a human); the newest good backup of each DC stays; the archive is
// deleted before its sidecar, so a pair half-removed by a crash never looks like a valid backup (an archive without a
// sidecar is skipped by every reader of the folder); plan mode and `only` (the cmdlet's confirmed list) change nothing
// beyond what they name.
import { unlink } from 'node:fs/promises';
import { resolve } from 'node:path';
import { AppError, fsError } from '../errors.ts';
import { type CatalogEntry, type Skipped, byComputer, catalogFolder } from './catalog.ts';
import { type CheckDepth, type SoundnessEnv, checkSoundness, hashMismatch } from './soundness.ts';
import { type Decision, type RetentionRules, decide, hasRule } from './rules.ts';

export interface PruneRequest extends RetentionRules {
  folder: string;
  recurse?: boolean;
  /** Only these DCs' backups (NetBIOS names, any case); default every DC found. */
  computers?: string[];
  /** How the newest good backup of each DC is established (soundness.ts); default `hash`. */
  check?: 'hash' | 'full';
  /** Decide and report, remove nothing. */
  plan?: boolean;
  /** Remove only these of the archives the rules select (a confirmation list); others the rules select are kept. */
  only?: string[];
}

export interface PruneItem {
  archive: string;
  sidecar: string;
  computer: string;
  createdAt: string;
  expiresAt: string;
  size: number;
  action: 'removed' | 'would-remove' | 'kept' | 'failed';
  reasons: string[];
  error?: { code: string; message: string };
}

export interface PruneComputer {
  computer: string;
  backups: number;
  newestGood: string | null;
  /** Set when no backup of this DC is good: nothing was protected by the newest-good rule. */
  warning?: string;
}

export interface PruneResult {
  folder: string;
  plan: boolean;
  rules: RetentionRules;
  check: CheckDepth;
  computers: PruneComputer[];
  items: PruneItem[];
  skipped: Skipped[];
  removedCount: number;
  removedBytes: number;
  failedCount: number;
}

export interface PruneEnv extends SoundnessEnv {
  now: () => Date;
}

function item(b: CatalogEntry, action: PruneItem['action'], reasons: string[], error?: PruneItem['error']): PruneItem {
  return {
    archive: b.archive,
    sidecar: b.sidecar,
    computer: b.computer,
    createdAt: b.createdAt.toISOString(),
    expiresAt: b.expiresAt.toISOString(),
    size: b.size,
    action,
    reasons,
    ...(error ? { error } : {}),
  };
}

async function findNewestGood(backups: CatalogEntry[], depth: 'hash' | 'full', env: SoundnessEnv) {
  for (const b of backups) if ((await checkSoundness(b, depth, env)).good) return b;
  return null;
}

async function removePair(b: CatalogEntry): Promise<void> {
  for (const path of [b.archive, b.sidecar]) {
    try {
      await unlink(path);
    } catch (err) {
      throw fsError(err, path, 'remove');
    }
  }
}

/** Carry out one decision: check the pair is still ours and whole, then remove it (unless plan / not confirmed). */
async function apply(d: Decision, req: PruneRequest, only: Set<string> | null, env: SoundnessEnv): Promise<PruneItem> {
  const b = d.backup;
  if (d.action === 'keep') return item(b, 'kept', d.reasons);
  if (only && !only.has(resolve(b.archive))) return item(b, 'kept', [...d.reasons, 'not-confirmed']);
  const mismatch = await hashMismatch(b, env);
  if (mismatch !== null)
    return item(b, 'kept', ['sidecar-hash-mismatch'], {
      code: 'ARCHIVE_HASH_MISMATCH',
      message: `${mismatch}: not removed (a changed or foreign file is left for a person to look at)`,
    });
  if (req.plan) return item(b, 'would-remove', d.reasons);
  try {
    await removePair(b);
    return item(b, 'removed', d.reasons);
  } catch (err) {
    const e = err instanceof AppError ? err : new AppError('IO', 'IO_ERROR', String(err));
    return item(b, 'failed', d.reasons, { code: e.code, message: e.message });
  }
}

function checkRequest(req: PruneRequest): void {
  if (!hasRule(req))
    throw new AppError('InvalidRequest', 'NO_RETENTION_RULE', 'give at least one rule: keepLast, keepDays or expired', {
      target: req.folder,
    });
}

export async function prune(req: PruneRequest, env: PruneEnv): Promise<PruneResult> {
  checkRequest(req);
  const now = env.now();
  const depth = req.check ?? 'hash';
  const catalog = await catalogFolder(req.folder, !!req.recurse);
  const wanted = req.computers ? new Set(req.computers.map((c) => c.toUpperCase())) : null;
  const only = req.only ? new Set(req.only.map((p) => resolve(p))) : null;
  const rules: RetentionRules = {
    ...(req.keepLast !== undefined ? { keepLast: req.keepLast } : {}),
    ...(req.keepDays !== undefined ? { keepDays: req.keepDays } : {}),
    ...(req.expired ? { expired: true } : {}),
  };
  const computers: PruneComputer[] = [];
  const items: PruneItem[] = [];
  for (const [computer, backups] of byComputer(catalog.backups)) {
    if (wanted && !wanted.has(computer)) continue;
    env.signal?.throwIfAborted();
    const newestGood = await findNewestGood(backups, depth, env);
    computers.push({
      computer,
      backups: backups.length,
      newestGood: newestGood?.archive ?? null,
      ...(newestGood ? {} : { warning: `no backup of ${computer} is good (${depth} check): none is protected` }),
    });
    for (const d of decide(backups, rules, now, newestGood)) items.push(await apply(d, req, only, env));
  }
  const removed = items.filter((i) => i.action === 'removed');
  return {
    folder: req.folder,
    plan: !!req.plan,
    rules,
    check: depth,
    computers,
    items,
    skipped: catalog.skipped,
    removedCount: removed.length,
    removedBytes: removed.reduce((n, i) => n + i.size, 0),
    failedCount: items.filter((i) => i.action === 'failed').length,
  };
}
