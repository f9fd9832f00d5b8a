// The checkpoint against the logs: it must belong to their log set (the same signLog), and the generation it points
// at, where recovery starts, should lie in the usable range.
import { isNullLgpos, sameSignature } from '../ese/structs.ts';
import type { Finding } from './findings.ts';
import type { CheckpointInput, PlacedSet } from './log-set.ts';

export function checkpointMatchesLogs(checkpoint: CheckpointInput, set: PlacedSet): Finding[] {
  const findings: Finding[] = [];
  const cp = checkpoint.checkpoint;
  const name = checkpoint.name ?? 'checkpoint';
  if (set.newest && set.refSig && !sameSignature(cp.signLog, set.refSig)) {
    findings.push({
      code: 'checkpoint-signature-mismatch',
      severity: 'error',
      message: `${name} belongs to another log set (signLog differs from ${set.newest.name}'s)`,
      files: [name],
    });
  }
  const g = cp.lgposCheckpoint.generation;
  const { low, high } = set;
  if (set.gens.length > 0 && !isNullLgpos(cp.lgposCheckpoint) && (g < low || g > high)) {
    findings.push({
      code: 'checkpoint-generation-missing',
      severity: 'warning',
      message: `${name} points at generation ${g}, outside the log range ${low}-${high}`,
      files: [name],
      ranges: [{ low: g, high: g }],
    });
  }
  return findings;
}
