// status: "is there a good, fresh backup of every DC?" for a monitoring system. Per DC: the newest backup, the newest
// good one (soundness.ts: from the sidecar by default, `full` for verify's check), its age and the days left of its
// shelf life, and a verdict. Critical: no good backup, the newest good one older than criticalDays, or within
// shelfLifeCriticalDays of its expiry (a restore will soon refuse it). Warning: older than warningDays, or a newer
// backup than the good one is damaged. The folder's verdict is its worst DC's (Critical when it holds no backup).
import { type CatalogEntry, type Skipped, byComputer, catalogFolder } from './catalog.ts';
import { type CheckDepth, type SoundnessEnv, checkSoundness } from './soundness.ts';

export type Verdict = 'Healthy' | 'Warning' | 'Critical';

export interface Thresholds {
  warningDays: number;
  criticalDays: number;
  shelfLifeCriticalDays: number;
}
export const DEFAULT_THRESHOLDS: Thresholds = { warningDays: 2, criticalDays: 7, shelfLifeCriticalDays: 30 };

export interface StatusRequest extends Partial<Thresholds> {
  folder: string;
  recurse?: boolean;
  computers?: string[];
  check?: CheckDepth;
}

export interface BackupRef {
  archive: string;
  createdAt: string;
  ageDays: number;
  expiresAt: string;
  daysLeft: number;
}

export interface ComputerStatus {
  computer: string;
  verdict: Verdict;
  reasons: string[];
  backups: number;
  newest: (BackupRef & { good: boolean; problem?: string }) | null;
  newestGood: BackupRef | null;
}

export interface StatusResult {
  folder: string;
  checkedAt: string;
  check: CheckDepth;
  thresholds: Thresholds;
  verdict: Verdict;
  computers: ComputerStatus[];
  skipped: Skipped[];
}

const DAY = 86_400_000;
const RANK: Record<Verdict, number> = { Healthy: 0, Warning: 1, Critical: 2 };
/** Days to two decimals (rounded, so 2.01 days reads and compares as 2.01). */
const days = (ms: number) => Math.round((ms / DAY) * 100) / 100;

function ref(b: CatalogEntry, now: Date): BackupRef {
  return {
    archive: b.archive,
    createdAt: b.createdAt.toISOString(),
    ageDays: days(now.getTime() - b.createdAt.getTime()),
    expiresAt: b.expiresAt.toISOString(),
    daysLeft: days(b.expiresAt.getTime() - now.getTime()),
  };
}

/** The verdict for one DC from its newest good backup (pure: the thresholds are the whole policy). */
export function judge(
  good: BackupRef | null,
  newestDamaged: boolean,
  t: Thresholds,
): { verdict: Verdict; reasons: string[] } {
  if (!good) return { verdict: 'Critical', reasons: ['no good backup'] };
  const critical: string[] = [];
  const warning: string[] = [];
  if (good.ageDays > t.criticalDays)
    critical.push(`the newest good backup is ${good.ageDays} days old (critical after ${t.criticalDays})`);
  else if (good.ageDays > t.warningDays)
    warning.push(`the newest good backup is ${good.ageDays} days old (warning after ${t.warningDays})`);
  if (good.daysLeft < t.shelfLifeCriticalDays)
    critical.push(
      `the newest good backup expires in ${good.daysLeft} days (critical under ${t.shelfLifeCriticalDays})`,
    );
  if (newestDamaged)
    warning.push('the newest backup is not good: a newer one than the newest good backup failed its check');
  if (critical.length > 0) return { verdict: 'Critical', reasons: [...critical, ...warning] };
  return warning.length > 0 ? { verdict: 'Warning', reasons: warning } : { verdict: 'Healthy', reasons: [] };
}

async function computerStatus(
  computer: string,
  backups: CatalogEntry[],
  depth: CheckDepth,
  t: Thresholds,
  now: Date,
  env: SoundnessEnv,
): Promise<ComputerStatus> {
  let newestGood: CatalogEntry | null = null;
  let first: Awaited<ReturnType<typeof checkSoundness>> | null = null;
  for (const b of backups) {
    env.signal?.throwIfAborted();
    const s = await checkSoundness(b, depth, env);
    first ??= s;
    if (s.good) {
      newestGood = b;
      break;
    }
  }
  const newest = backups[0]!;
  const goodRef = newestGood ? ref(newestGood, now) : null;
  const { verdict, reasons } = judge(goodRef, newestGood !== newest, t);
  return {
    computer,
    verdict,
    reasons,
    backups: backups.length,
    newest: { ...ref(newest, now), good: first!.good, ...(first!.problem ? { problem: first!.problem } : {}) },
    newestGood: goodRef,
  };
}

export async function backupStatus(req: StatusRequest, env: SoundnessEnv & { now: () => Date }): Promise<StatusResult> {
  const now = env.now();
  const depth = req.check ?? 'sidecar';
  const t: Thresholds = {
    warningDays: req.warningDays ?? DEFAULT_THRESHOLDS.warningDays,
    criticalDays: req.criticalDays ?? DEFAULT_THRESHOLDS.criticalDays,
    shelfLifeCriticalDays: req.shelfLifeCriticalDays ?? DEFAULT_THRESHOLDS.shelfLifeCriticalDays,
  };
  const catalog = await catalogFolder(req.folder, !!req.recurse);
  const wanted = req.computers ? new Set(req.computers.map((c) => c.toUpperCase())) : null;
  const computers: ComputerStatus[] = [];
  for (const [computer, backups] of byComputer(catalog.backups))
    if (!wanted || wanted.has(computer)) computers.push(await computerStatus(computer, backups, depth, t, now, env));
  // A DC asked for by name with no backup at all is the most critical answer there is.
  for (const c of wanted ?? [])
    if (!computers.some((s) => s.computer === c))
      computers.push({
        computer: c,
        verdict: 'Critical',
        reasons: ['no backup'],
        backups: 0,
        newest: null,
        newestGood: null,
      });
  const verdict =
    computers.length === 0
      ? 'Critical'
      : computers.reduce<Verdict>((w, c) => (RANK[c.verdict] > RANK[w] ? c.verdict : w), 'Healthy');
  return {
    folder: req.folder,
    checkedAt: now.toISOString(),
    check: depth,
    thresholds: t,
    verdict,
    computers,
    skipped: catalog.skipped,
  };
}
