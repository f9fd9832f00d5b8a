// What differs between two versions of one directory object (same objectGUID): its DN, whether it became (or
// stopped being) a tombstone, and the values of its attributes. Values compare as LDAP compares them: a
// multi-valued attribute is a set, so the order the database holds its values in does not count.
import type { AdValue } from './values.ts';
import type { AdObject } from './directory.ts';

export interface AttributeChange {
  name: string;
  left: AdValue[];
  right: AdValue[];
}

export type MoveKind = 'renamed' | 'moved' | 'renamed-and-moved';

/** Which attributes a comparison looks at: only `attributes` when given, never `ignore`, never the built DN. */
export interface AttributeFilter {
  attributes?: string[];
  ignore: string[];
}

export function isTombstone(o: AdObject): boolean {
  return o['isDeleted'] === true;
}

function values(v: AdValue | AdValue[] | undefined): AdValue[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

function sameValues(a: AdValue[], b: AdValue[]): boolean {
  if (a.length !== b.length) return false;
  const key = (v: AdValue) => `${typeof v}:${String(v)}`;
  const sa = a.map(key).sort();
  const sb = b.map(key).sort();
  return sa.every((v, i) => v === sb[i]);
}

/** The attributes whose values differ, by name in the order the left object (then the right) holds them. */
export function attributeChanges(left: AdObject, right: AdObject, filter: AttributeFilter): AttributeChange[] {
  const only = filter.attributes?.map((a) => a.toLowerCase());
  const ignore = new Set(['distinguishedname', ...filter.ignore.map((a) => a.toLowerCase())]);
  const wanted = (name: string) =>
    !ignore.has(name.toLowerCase()) && (only === undefined || only.includes(name.toLowerCase()));
  const names = [...new Set([...Object.keys(left), ...Object.keys(right)])].filter(wanted);
  const out: AttributeChange[] = [];
  for (const name of names) {
    const l = values(left[name]);
    const r = values(right[name]);
    if (!sameValues(l, r)) out.push({ name, left: l, right: r });
  }
  return out;
}

/** Splits a DN into its first RDN and its parent's DN at the first unescaped comma. */
export function splitDn(dn: string): { rdn: string; parent: string } {
  for (let i = 0; i < dn.length; i++) {
    if (dn[i] === '\\') i++;
    else if (dn[i] === ',') return { rdn: dn.slice(0, i), parent: dn.slice(i + 1) };
  }
  return { rdn: dn, parent: '' };
}

/** How a DN changed (a change of case counts: AD keeps the case it was given), or undefined when it did not. */
export function moveKind(oldDn: string, newDn: string): MoveKind | undefined {
  if (oldDn === newDn) return undefined;
  const a = splitDn(oldDn);
  const b = splitDn(newDn);
  const renamed = a.rdn !== b.rdn;
  const moved = a.parent !== b.parent;
  if (renamed && moved) return 'renamed-and-moved';
  if (moved) return 'moved';
  return 'renamed';
}
