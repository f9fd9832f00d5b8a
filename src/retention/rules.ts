// The retention rules, pure: which backups of one DC a prune removes. Keep rules are a union, as in restic's
// `forget`: a backup stays when -KeepLast or -KeepDays keeps it. -Expired removes what is past its shelf life (the
// tombstone lifetime: a restore refuses it anyway). One backup is beyond every rule: the newest one of the DC that is
// still good, so no rule, typo or -KeepLast 0 ever leaves a DC without a restorable backup.
import type { CatalogEntry } from './catalog.ts';

export interface RetentionRules {
  keepLast?: number;
  keepDays?: number;
  expired?: boolean;
}

export type KeepReason = 'newest-good' | 'keep-last' | 'keep-days' | 'not-expired';
export type RemoveReason = 'beyond-keep-last' | 'older-than-keep-days' | 'expired';

export interface Decision {
  backup: CatalogEntry;
  action: 'keep' | 'remove';
  reasons: (KeepReason | RemoveReason)[];
}

const DAY = 86_400_000;

function keepReasons(b: CatalogEntry, index: number, rules: RetentionRules, now: Date): KeepReason[] {
  const r: KeepReason[] = [];
  if (rules.keepLast !== undefined && index < rules.keepLast) r.push('keep-last');
  if (rules.keepDays !== undefined && now.getTime() - b.createdAt.getTime() < rules.keepDays * DAY) r.push('keep-days');
  return r;
}

function removeReasons(b: CatalogEntry, rules: RetentionRules, now: Date, kept: KeepReason[]): RemoveReason[] {
  const r: RemoveReason[] = [];
  if (kept.length === 0) {
    if (rules.keepLast !== undefined) r.push('beyond-keep-last');
    if (rules.keepDays !== undefined) r.push('older-than-keep-days');
  }
  if (rules.expired && b.expiresAt.getTime() <= now.getTime()) r.push('expired');
  return r;
}

/**
 * Decisions for one DC's backups, given newest first; `newestGood` is the backup no rule may remove (null when the DC
 * has no good backup: then nothing is protected, and the caller says so).
 */
export function decide(
  backups: CatalogEntry[],
  rules: RetentionRules,
  now: Date,
  newestGood: CatalogEntry | null,
): Decision[] {
  return backups.map((backup, index) => {
    const kept = keepReasons(backup, index, rules, now);
    const removed = removeReasons(backup, rules, now, kept);
    if (backup === newestGood) return { backup, action: 'keep', reasons: ['newest-good', ...kept] };
    if (removed.length > 0) return { backup, action: 'remove', reasons: removed };
    return { backup, action: 'keep', reasons: kept.length > 0 ? kept : ['not-expired'] };
  });
}

/** True when the rules say anything; a prune without a rule is refused rather than guessed. */
export function hasRule(rules: RetentionRules): boolean {
  return rules.keepLast !== undefined || rules.keepDays !== undefined || !!rules.expired;
}
