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

/** Median wall time in milliseconds of `runs` starts of a command (the first few warm the page cache and are dropped). */
export function coldStartMs(argv: string[], input: string, runs = 30): number {
  const times: number[] = [];
  for (let i = 0; i < runs + 3; i++) {
    const t = process.hrtime.bigint();
    const r = spawnSync(argv[0]!, argv.slice(1), { input, encoding: 'utf8' });
    const ms = Number(process.hrtime.bigint() - t) / 1e6;
    if (r.status !== 0) throw new Error(`${argv.join(' ')} failed (${r.status}): ${r.stderr}`);
    if (i >= 3) times.push(ms);
  }
  times.sort((a, b) => a - b);
  return +times[Math.floor(times.length / 2)]!.toFixed(1);
}
