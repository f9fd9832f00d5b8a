// Pairs the objects of two databases by objectGUID without holding either database in memory. Both sides come in
// row (DNT) order, and within one DC's lineage (a backup and a later backup of the same DC, or a copy) a DNT names
// the same object on both sides: rows are never renumbered, new objects get new, higher DNTs. So the two streams are
// merge-joined in DNT order, and only rows whose GUIDs do not line up (added, removed, or a database of another
// lineage) are buffered, keyed by GUID; each buffered row is paired as soon as its GUID turns up on the other side,
// and what is left at the end exists on one side only. Two databases of different DCs have unrelated DNTs: the
// result is the same, only the buffers grow to the size of the directory.
import type { AdObject } from './directory.ts';

export interface NumberedObject {
  dnt: number;
  object: AdObject;
}

/** [left, right]: both for an object on both sides, one undefined for an object on one side only. */
export type ObjectPair = [AdObject, AdObject] | [AdObject, undefined] | [undefined, AdObject];

/** The join key: the objectGUID, else (a row without one) the DN. */
export function objectKey(o: AdObject): string {
  const guid = o['objectGUID'];
  return typeof guid === 'string' ? guid.toLowerCase() : `dn:${String(o['distinguishedName']).toLowerCase()}`;
}

export function* mergeJoin(left: Iterable<NumberedObject>, right: Iterable<NumberedObject>): Generator<ObjectPair> {
  const li = left[Symbol.iterator]();
  const ri = right[Symbol.iterator]();
  const pendingLeft = new Map<string, AdObject>();
  const pendingRight = new Map<string, AdObject>();
  let l = li.next();
  let r = ri.next();
  while (!l.done || !r.done) {
    if (!l.done && !r.done && l.value.dnt === r.value.dnt && objectKey(l.value.object) === objectKey(r.value.object)) {
      yield [l.value.object, r.value.object];
      l = li.next();
      r = ri.next();
      continue;
    }
    // The lower DNT goes to its buffer (both when the DNTs are equal but the GUIDs differ).
    const takeLeft = !l.done && (r.done || l.value.dnt <= r.value.dnt);
    const takeRight = !r.done && (l.done || r.value.dnt <= l.value.dnt);
    if (takeLeft) {
      const paired = pairOrHold(l.value!.object, pendingLeft, pendingRight);
      if (paired !== undefined) yield [paired[0], paired[1]];
      l = li.next();
    }
    if (takeRight) {
      const paired = pairOrHold(r.value!.object, pendingRight, pendingLeft);
      if (paired !== undefined) yield [paired[1], paired[0]];
      r = ri.next();
    }
  }
  for (const o of pendingLeft.values()) yield [o, undefined];
  for (const o of pendingRight.values()) yield [undefined, o];
}

/**
 * The object and the other side's pending object with its GUID (taken from that side's buffer), or undefined with
 * the object held in its own side's buffer until its partner turns up.
 */
function pairOrHold(
  o: AdObject,
  mine: Map<string, AdObject>,
  theirs: Map<string, AdObject>,
): [AdObject, AdObject] | undefined {
  const key = objectKey(o);
  const other = theirs.get(key);
  if (other === undefined) {
    mine.set(key, o);
    return undefined;
  }
  theirs.delete(key);
  return [o, other];
}
