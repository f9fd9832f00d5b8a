// `adbackup compare`: the directory-level differences between two database files (a backup and a later one, or a
// backup and the live database's copy): objects matched by objectGUID, read with the same read-only reader as
// `objects`, so secret attributes are never read on either side.
import { fsError } from '../errors.ts';
import type { Finding } from '../ese/reader/findings.ts';
import { diffObjects, type Differences } from './differences.ts';
import { AdDirectory } from './directory.ts';

/** One side of a comparison: a database file (an archive as a source is a later step, opened in openSide). */
export interface CompareSide {
  path: string;
}

export interface CompareRequest {
  left: CompareSide;
  right: CompareSide;
  attributes?: string[];
  ignore?: string[];
  limit?: number;
  includeValues?: boolean;
}

export interface SideReport {
  path: string;
  objects: number;
  findings: Finding[];
  findingsDropped: number;
}

export type CompareReport = Omit<Differences, 'objects'> & {
  left: SideReport;
  right: SideReport;
  /** Attributes left out of the comparison. */
  ignored: string[];
  /** added + deleted + moved + changed: 0 when the directories hold the same objects with the same values. */
  differences: number;
};

/**
 * Replication bookkeeping that differs between any two databases of a DC without telling what changed: the
 * per-attribute version stamps (the changed attributes themselves are listed), and the replication partners' state
 * on naming-context heads, rewritten at every replication cycle. whenChanged and uSNChanged stay compared: they
 * say when an object changed. `ignore: []` compares everything.
 */
export const DEFAULT_IGNORE = ['replPropertyMetaData', 'replUpToDateVector', 'repsFrom', 'repsTo'];
const DEFAULT_LIMIT = 10000;

/** Opens one side as a directory: the one place that knows what a side is. */
function openSide(side: CompareSide): AdDirectory {
  try {
    return AdDirectory.open(side.path);
  } catch (err) {
    throw fsError(err, side.path, 'read');
  }
}

function sideReport(side: CompareSide, dir: AdDirectory, objects: number): SideReport {
  const { list, dropped } = dir.db.findings;
  return { path: side.path, objects, findings: list, findingsDropped: dropped };
}

export function compareDatabases(req: CompareRequest): CompareReport {
  const left = openSide(req.left);
  let right: AdDirectory;
  try {
    right = openSide(req.right);
  } catch (err) {
    left.close();
    throw err;
  }
  try {
    const ignored = req.ignore ?? DEFAULT_IGNORE;
    const { objects, ...d } = diffObjects(left.objects(), right.objects(), {
      ignore: ignored,
      ...(req.attributes ? { attributes: req.attributes } : {}),
      limit: req.limit ?? DEFAULT_LIMIT,
      includeValues: req.includeValues ?? true,
    });
    const { added, deleted, moved, changed } = d.counts;
    return {
      left: sideReport(req.left, left, objects.left),
      right: sideReport(req.right, right, objects.right),
      ignored,
      differences: added + deleted + moved + changed,
      ...d,
    };
  } finally {
    left.close();
    right.close();
  }
}
