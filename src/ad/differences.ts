// The differences between two directories, object by object: added, deleted (tombstoned or gone), moved/renamed
// and changed attributes. Works on any two object streams in row order (see merge-join.ts), so it is tested with
// in-memory objects as well as with real databases.
import type { AdObject } from './directory.ts';
import { mergeJoin, type NumberedObject } from './merge-join.ts';
import {
  attributeChanges,
  isTombstone,
  moveKind,
  splitDn,
  type AttributeChange,
  type AttributeFilter,
  type MoveKind,
} from './object-diff.ts';

export interface Added {
  objectGUID?: string;
  distinguishedName: string;
  objectClass?: AdObject[string];
  /** A tombstone on the left brought back (an undelete): its DN under Deleted Objects. */
  reanimatedFrom?: string;
}

export interface Deleted {
  objectGUID?: string;
  distinguishedName: string;
  /** tombstoned: AD's delete, the object is a tombstone on the right (tombstoneDn); gone: no row on the right. */
  how: 'tombstoned' | 'gone';
  tombstoneDn?: string;
}

export interface Moved {
  objectGUID?: string;
  oldDn: string;
  newDn: string;
  kind: MoveKind;
  /** The DN changed only because an ancestor was renamed or moved. */
  viaAncestor?: boolean;
}

export interface Changed {
  objectGUID?: string;
  distinguishedName: string;
  attributes: (AttributeChange | { name: string })[];
}

export interface Differences {
  counts: { added: number; deleted: number; moved: number; changed: number };
  added: Added[];
  deleted: Deleted[];
  moved: Moved[];
  changed: Changed[];
  /** More differences were found than `limit` lets the lists hold; the counts are complete. */
  truncated: boolean;
  objects: { left: number; right: number };
}

export interface DiffOptions extends AttributeFilter {
  limit: number;
  includeValues: boolean;
}

const dnOf = (o: AdObject) => String(o['distinguishedName']);
const guidOf = (o: AdObject) =>
  typeof o['objectGUID'] === 'string' ? { objectGUID: o['objectGUID'] } : ({} as { objectGUID?: string });

export function diffObjects(
  left: Iterable<NumberedObject>,
  right: Iterable<NumberedObject>,
  options: DiffOptions,
): Differences {
  const d: Differences = {
    counts: { added: 0, deleted: 0, moved: 0, changed: 0 },
    ...{ added: [], deleted: [], moved: [], changed: [] },
    truncated: false,
    objects: { left: 0, right: 0 },
  };
  const keep = <K extends 'added' | 'deleted' | 'moved' | 'changed'>(list: K, entry: Differences[K][number]) => {
    d.counts[list]++;
    if (d.added.length + d.deleted.length + d.moved.length + d.changed.length >= options.limit) d.truncated = true;
    else (d[list] as (typeof entry)[]).push(entry);
  };
  const moves = new Map<string, string>();
  for (const [l, r] of mergeJoin(left, right)) {
    if (l !== undefined) d.objects.left++;
    if (r !== undefined) d.objects.right++;
    if (r === undefined) keep('deleted', { ...guidOf(l), distinguishedName: dnOf(l), how: 'gone' });
    else if (l === undefined)
      keep('added', { ...guidOf(r), distinguishedName: dnOf(r), objectClass: r['objectClass'] });
    else if (!isTombstone(l) && isTombstone(r))
      keep('deleted', { ...guidOf(l), distinguishedName: dnOf(l), how: 'tombstoned', tombstoneDn: dnOf(r) });
    else if (isTombstone(l) && !isTombstone(r))
      keep('added', {
        ...guidOf(r),
        distinguishedName: dnOf(r),
        objectClass: r['objectClass'],
        reanimatedFrom: dnOf(l),
      });
    else {
      const kind = moveKind(dnOf(l), dnOf(r));
      if (kind !== undefined) {
        moves.set(dnOf(l), dnOf(r));
        keep('moved', { ...guidOf(l), oldDn: dnOf(l), newDn: dnOf(r), kind });
      }
      const changes = attributeChanges(l, r, options);
      if (changes.length > 0) {
        const attributes = options.includeValues ? changes : changes.map(({ name }) => ({ name }));
        keep('changed', { ...guidOf(r), distinguishedName: dnOf(r), attributes });
      }
    }
  }
  for (const m of d.moved) if (moves.get(splitDn(m.oldDn).parent) === splitDn(m.newDn).parent) m.viaAncestor = true;
  return d;
}
