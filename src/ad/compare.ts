// `adbackup compare`: the directory-level differences between two databases (a backup and a later one, or a
// backup and the live database's copy; each a file or the database inside an archive): objects matched by
// objectGUID, read with the same read-only reader as `objects`, so secret attributes are never read on either side.
import { fsError } from '../errors.ts';
import type { Finding } from '../ese/reader/findings.ts';
import { diffObjects, type Differences } from './differences.ts';
import { AdDirectory } from './directory.ts';

/** One side of a comparison by file; the CLI also takes archives (src/cli/database-source.ts). */
export interface CompareSide {
  path: string;
}

/** What a side was read from: the file, or the archive and its entry. */
export type SideLabel = { path: string } | { archive: string; member: string };

export interface CompareOptions {
  attributes?: string[];
  ignore?: string[];
  limit?: number;
  includeValues?: boolean;
}

export interface CompareRequest extends CompareOptions {
  left: CompareSide;
  right: CompareSide;
}

export type SideReport = SideLabel & {
  objects: number;
  findings: Finding[];
  findingsDropped: number;
};

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

function sideReport(label: SideLabel, dir: AdDirectory, objects: number): SideReport {
  const { list, dropped } = dir.db.findings;
  return { ...label, objects, findings: list, findingsDropped: dropped };
}

/** Compares two database files (opened here, closed whatever happens). */
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
    return compareDirectories({ dir: left, label: req.left }, { dir: right, label: req.right }, req);
  } finally {
    left.close();
    right.close();
  }
}

/** Compares two open directories; the caller owns (and closes) them. */
export function compareDirectories(
  left: { dir: AdDirectory; label: SideLabel },
  right: { dir: AdDirectory; label: SideLabel },
  opts: CompareOptions,
): CompareReport {
  const ignored = opts.ignore ?? DEFAULT_IGNORE;
  // Linked attributes (member, manager, …) are compared like the others: read for the attributes compared, all of
  // them when no list is given.
  const read = { attributes: opts.attributes ?? ['*'] };
  const { objects, ...d } = diffObjects(left.dir.objects(0, read), right.dir.objects(0, read), {
    ignore: ignored,
    ...(opts.attributes ? { attributes: opts.attributes } : {}),
    limit: opts.limit ?? DEFAULT_LIMIT,
    includeValues: opts.includeValues ?? true,
  });
  const { added, deleted, moved, changed } = d.counts;
  return {
    left: sideReport(left.label, left.dir, objects.left),
    right: sideReport(right.label, right.dir, objects.right),
    ignored,
    differences: added + deleted + moved + changed,
    ...d,
  };
}
