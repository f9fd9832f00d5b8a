import type { GenerationRange } from './findings.ts';

/** Maximal runs of consecutive integers in an ascending list. */
export function runsOf(sorted: readonly number[]): GenerationRange[] {
  const runs: GenerationRange[] = [];
  for (const g of sorted) {
    const last = runs[runs.length - 1];
    if (last && g === last.high + 1) last.high = g;
    else runs.push({ low: g, high: g });
  }
  return runs;
}

/** The parts of `want` not covered by `have` (ascending, disjoint), without enumerating generations. */
export function subtractRanges(want: GenerationRange, have: readonly GenerationRange[]): GenerationRange[] {
  const out: GenerationRange[] = [];
  let next = want.low;
  for (const r of have) {
    if (r.high < next) continue;
    if (r.low > want.high) break;
    if (r.low > next) out.push({ low: next, high: Math.min(r.low - 1, want.high) });
    next = Math.max(next, r.high + 1);
    if (next > want.high) break;
  }
  if (next <= want.high) out.push({ low: next, high: want.high });
  return out;
}

export function formatRangeList(ranges: readonly GenerationRange[]): string {
  return ranges.map((r) => (r.low === r.high ? `${r.low}` : `${r.low}-${r.high}`)).join(', ');
}

export function rangeSize(ranges: readonly GenerationRange[]): number {
  return ranges.reduce((n, r) => n + (r.high - r.low + 1), 0);
}
