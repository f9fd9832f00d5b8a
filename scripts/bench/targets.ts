// The targets of the benchmark (issue 21) and the judgement of a measured ratio against one.
export interface Target {
  /** 'max': the ratio must not exceed the bound (time, memory); 'min': it must reach it (throughput). */
  kind: 'max' | 'min';
  bound: number;
  unit: '×' | ' MiB';
}

export const TARGETS = {
  backup: { kind: 'max', bound: 1.0, unit: '×' },
  verify: { kind: 'min', bound: 0.9, unit: '×' },
  durableRestore: { kind: 'max', bound: 1.0, unit: '×' },
  pageChecks: { kind: 'min', bound: 0.9, unit: '×' },
  encryption: { kind: 'min', bound: 0.9, unit: '×' },
  peakRss: { kind: 'max', bound: 150, unit: ' MiB' },
  startup: { kind: 'max', bound: 1.2, unit: '×' },
  /** The table reader's peak RSS at the largest database over the smallest (issue 20: memory stays flat). */
  readerFlat: { kind: 'max', bound: 1.2, unit: '×' },
} as const satisfies Record<string, Target>;

export interface Judged {
  name: string;
  value: number;
  unit: Target['unit'];
  target: string;
  met: boolean;
}

export function describeTarget(t: Target): string {
  return `${t.kind === 'max' ? '≤' : '≥'} ${t.unit === '×' ? t.bound.toFixed(1) : t.bound}${t.unit}`;
}

export function judge(name: string, value: number, t: Target): Judged {
  return {
    name,
    value,
    unit: t.unit,
    target: describeTarget(t),
    met: t.kind === 'max' ? value <= t.bound : value >= t.bound,
  };
}

/** One line per judged ratio: value, target, met/missed. */
export function formatJudged(j: Judged): string {
  const v = j.unit === '×' ? `${j.value.toFixed(2)}×` : `${j.value}${j.unit}`;
  return `${j.name.padEnd(54)} ${v.padStart(9)}  target ${j.target.padEnd(10)} ${j.met ? 'met' : 'MISSED'}`;
}
