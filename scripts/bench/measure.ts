// Measuring helpers for the benchmark: wall time and peak RSS of a command through GNU time, and cold start.
import { spawnSync } from 'node:child_process';

export interface Run {
  seconds: number;
  maxRssMiB: number;
}

/** Wall time and peak RSS of a command (GNU time; for a pipeline, the largest process in it). */
export function measure(label: string, argv: string[], input?: string): Run {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %M', ...argv], { input, encoding: 'utf8', maxBuffer: 256 << 20 });
  if (r.status !== 0)
    throw new Error(`${label} failed (${r.status}): ${r.stderr.slice(-2000)} ${r.stdout.slice(-2000)}`);
  const [secs, kib] = r.stderr.trim().split('\n').at(-1)!.split(' ').map(Number);
  return { seconds: secs!, maxRssMiB: Math.round(kib! / 1024) };
}

/** The better of two runs: a benchmark compares best cases, which other load on the machine can only slow down. */
export function best(label: string, argv: string[], input?: string, before?: () => void): Run {
  const runs: Run[] = [];
  for (let i = 0; i < 2; i++) {
    before?.();
    runs.push(measure(label, argv, input));
  }
  return runs.reduce((a, b) => (b.seconds < a.seconds ? b : a));
}

function timedRun(argv: string[], input: string): number {
  const t = process.hrtime.bigint();
  const r = spawnSync(argv[0]!, argv.slice(1), { input, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (r.status !== 0) throw new Error(`${argv.join(' ')} failed (${r.status}): ${r.stderr}`);
  return ms;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * Start-up of a command against a baseline (a bare `node -e 0` of the same Node), as medians of alternating runs:
 * whatever else the machine does at the time slows both alike. The first few runs of each warm the page cache and are
 * dropped.
 */
export function startupRatio(
  command: string[],
  baseline: string[],
  runs = 30,
): { commandMs: number; baselineMs: number; ratio: number } {
  const ours: number[] = [];
  const base: number[] = [];
  for (let i = 0; i < runs + 3; i++) {
    const a = timedRun(command, '{}');
    const b = timedRun(baseline, '');
    if (i >= 3) (ours.push(a), base.push(b));
  }
  const commandMs = +median(ours).toFixed(1);
  const baselineMs = +median(base).toFixed(1);
  return { commandMs, baselineMs, ratio: +(commandMs / baselineMs).toFixed(2) };
}
