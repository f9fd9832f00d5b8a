// The placed logs as one sequence: the usable range, and the checks ESE makes when it replays one log after
// another — one log signature, each log's previous-generation time equal to the creation time of the log before,
// the current log the newest, one geometry, a log format that never goes backwards.
import type { LogHeader } from '../ese/log-header.ts';
import { sameLogTime, sameSignature } from '../ese/structs.ts';
import type { Finding } from './findings.ts';
import type { Placed, PlacedSet, ReadLog } from './log-set.ts';
import { runsOf } from './ranges.ts';

export function describeSet(placed: readonly Placed[]): PlacedSet {
  const ordered = [...placed].sort((a, b) => a.generation - b.generation);
  const gens = ordered.map((p) => p.generation);
  const readable: ReadLog[] = [];
  for (const p of ordered) {
    if (p.entry.header !== null && p.entry.problem === null)
      readable.push({ name: p.entry.name, generation: p.generation, header: p.entry.header });
  }
  const newest = readable[readable.length - 1] ?? null;
  const runs = runsOf(gens);
  const top = runs[runs.length - 1];
  return {
    gens,
    ordered,
    readable,
    newest,
    refSig: newest?.header.signLog ?? null,
    runs,
    low: top?.low ?? 0,
    high: top?.high ?? 0,
    hasRange: top !== undefined,
  };
}

/** Logs whose signLog differs from the newest log's belong to another log set. */
export function signatureMismatch(set: PlacedSet): Finding[] {
  const { newest, refSig } = set;
  if (!newest || !refSig) return [];
  const odd = set.readable.filter((p) => !sameSignature(p.header.signLog, refSig));
  if (odd.length === 0) return [];
  return [
    {
      code: 'log-signature-mismatch',
      severity: 'error',
      message: `${odd.length} log(s) belong to another log set (signLog differs from ${newest.name}'s): ${odd.map((p) => p.name).join(', ')}`,
      files: odd.map((p) => p.name),
    },
  ];
}

/** Each log's tmPrevGen must be the tmCreate of the generation before it. */
export function contiguity(set: PlacedSet): Finding[] {
  const findings: Finding[] = [];
  for (const [prev, cur] of adjacent(set.ordered)) {
    if (cur.generation !== prev.generation + 1 || !prev.entry.header || !cur.entry.header) continue;
    // A header that names another generation is already reported; its times say nothing about this slot.
    if (prev.entry.header.generation !== prev.generation || cur.entry.header.generation !== cur.generation) continue;
    if (!sameLogTime(cur.entry.header.tmPrevGen, prev.entry.header.tmCreate)) {
      findings.push({
        code: 'log-not-contiguous',
        severity: 'error',
        message: `${cur.entry.name} does not follow ${prev.entry.name}: its previous-generation time differs from that log's creation time`,
        files: [prev.entry.name, cur.entry.name],
        ranges: [{ low: prev.generation, high: cur.generation }],
      });
    }
  }
  return findings;
}

/** ESE writes into the current log last: a numbered log newer than it cannot follow it. */
export function currentNotLast(set: PlacedSet): Finding[] {
  const current = set.ordered.find((p) => p.role === 'current');
  if (!current) return [];
  const later = set.ordered.filter((p) => p.role === 'numbered' && p.generation > current.generation);
  if (later.length === 0) return [];
  return [
    {
      code: 'log-current-not-last',
      severity: 'error',
      message: `${current.entry.name} (generation ${current.generation}) is older than ${later.map((p) => p.entry.name).join(', ')}; the current log must be the newest`,
      files: [current.entry.name, ...later.map((p) => p.entry.name)],
    },
  ];
}

/** Sector size and file size differing from the newest log's: ESE copes, an admin should know. */
export function geometry(set: PlacedSet): Finding[] {
  const ref = set.newest;
  if (!ref) return [];
  const r = ref.header;
  const odd = set.readable.filter(
    (p) => p.header.sectorSize !== r.sectorSize || p.header.fileSectors !== r.fileSectors,
  );
  if (odd.length === 0) return [];
  return [
    {
      code: 'log-geometry-mismatch',
      severity: 'warning',
      message: `log file geometry differs from ${ref.name} (${r.fileSectors} × ${r.sectorSize} bytes) in ${odd.map((p) => p.name).join(', ')}`,
      files: odd.map((p) => p.name),
    },
  ];
}

/** A log format version lower than the one before it. */
export function versionRegression(set: PlacedSet): Finding[] {
  const findings: Finding[] = [];
  for (const [a, b] of adjacent(set.readable)) {
    if (compareVersion(b.header, a.header) < 0) {
      findings.push({
        code: 'log-version-regression',
        severity: 'warning',
        message: `log format goes backwards from ${a.name} to ${b.name}`,
        files: [a.name, b.name],
      });
    }
  }
  return findings;
}

/** Each element with the one after it. */
function* adjacent<T>(items: readonly T[]): Generator<[T, T]> {
  for (let i = 1; i < items.length; i++) yield [items[i - 1]!, items[i]!];
}

function compareVersion(a: LogHeader, b: LogHeader): number {
  return (
    a.versionMajor - b.versionMajor ||
    a.versionUpdateMajor - b.versionUpdateMajor ||
    a.versionUpdateMinor - b.versionUpdateMinor
  );
}
