// The differences of two object streams, with in-memory objects where no real database pair holds the change:
// added, deleted (AD's tombstone and a row gone), reanimated, renamed, moved (on its own or with an ancestor).
import test from 'ava';
import { diffObjects, type DiffOptions } from '../../src/ad/differences.ts';
import type { AdObject } from '../../src/ad/directory.ts';
import { mergeJoin, type NumberedObject } from '../../src/ad/merge-join.ts';
import { moveKind, splitDn } from '../../src/ad/object-diff.ts';
import { Prng } from '../fixtures/prng.ts';

const OPTIONS: DiffOptions = { ignore: ['replPropertyMetaData'], limit: 100, includeValues: true };
const g = (n: number) => `00000000-0000-0000-0000-${String(n).padStart(12, '0')}`;
const obj = (n: number, dn: string, more: AdObject = {}): AdObject => ({
  distinguishedName: dn,
  objectGUID: g(n),
  objectClass: ['top', 'container'],
  ...more,
});
const rows = (objects: AdObject[], dnts?: number[]): NumberedObject[] =>
  objects.map((object, i) => ({ dnt: dnts?.[i] ?? i + 1, object }));

const LEFT = [
  obj(1, 'O=X'),
  obj(2, 'OU=A,O=X'),
  obj(3, 'CN=u1,OU=A,O=X', { description: 'one', otherTelephone: ['1', '2'] }),
  obj(4, 'CN=gone,O=X'),
  obj(5, 'CN=del,OU=A,O=X', { description: 'bye' }),
  obj(6, 'CN=ren,O=X'),
  obj(7, 'CN=back\\0ADEL:7,CN=Deleted Objects,O=X', { isDeleted: true }),
  obj(9, 'CN=CN=Deleted Objects,O=X', { isDeleted: true }),
];
const RIGHT = [
  obj(1, 'O=X'),
  obj(2, 'OU=B,O=X'),
  obj(3, 'CN=u1,OU=B,O=X', { description: 'uno', otherTelephone: ['2', '1'] }),
  obj(5, 'CN=del\\0ADEL:5,CN=Deleted Objects,O=X', { isDeleted: true }),
  obj(6, 'CN=ren2,OU=B,O=X', { replPropertyMetaData: 'AQID' }),
  obj(7, 'CN=back,O=X'),
  obj(9, 'CN=CN=Deleted Objects,O=X', { isDeleted: true }),
  obj(8, 'CN=new,O=X'),
];
const RIGHT_DNTS = [1, 2, 3, 5, 6, 7, 9, 10];

test('added, deleted (tombstoned and gone), reanimated, renamed, moved and changed, each once', (t) => {
  const d = diffObjects(rows(LEFT), rows(RIGHT, RIGHT_DNTS), OPTIONS);
  t.deepEqual(d.counts, { added: 2, deleted: 2, moved: 3, changed: 1 });
  t.deepEqual(d.objects, { left: 8, right: 8 });
  t.deepEqual(d.added, [
    {
      objectGUID: g(7),
      distinguishedName: 'CN=back,O=X',
      objectClass: ['top', 'container'],
      ...{
        reanimatedFrom: 'CN=back\\0ADEL:7,CN=Deleted Objects,O=X',
      },
    },
    { objectGUID: g(8), distinguishedName: 'CN=new,O=X', objectClass: ['top', 'container'] },
  ]);
  t.deepEqual(d.deleted, [
    {
      objectGUID: g(5),
      distinguishedName: 'CN=del,OU=A,O=X',
      how: 'tombstoned',
      ...{
        tombstoneDn: 'CN=del\\0ADEL:5,CN=Deleted Objects,O=X',
      },
    },
    { objectGUID: g(4), distinguishedName: 'CN=gone,O=X', how: 'gone' },
  ]);
  t.deepEqual(d.moved, [
    { objectGUID: g(2), oldDn: 'OU=A,O=X', newDn: 'OU=B,O=X', kind: 'renamed' },
    { objectGUID: g(3), oldDn: 'CN=u1,OU=A,O=X', newDn: 'CN=u1,OU=B,O=X', kind: 'moved', viaAncestor: true },
    { objectGUID: g(6), oldDn: 'CN=ren,O=X', newDn: 'CN=ren2,OU=B,O=X', kind: 'renamed-and-moved' },
  ]);
  // Multi-valued attributes are sets (the reordered otherTelephone is no change); the built DN and the ignored
  // replication metadata are not attributes to compare.
  t.deepEqual(d.changed, [
    {
      objectGUID: g(3),
      distinguishedName: 'CN=u1,OU=B,O=X',
      attributes: [{ name: 'description', left: ['one'], right: ['uno'] }],
    },
  ]);
});

test('identical streams: nothing; an attribute on one side only is a change from or to no values', (t) => {
  t.like(diffObjects(rows(LEFT), rows(LEFT), OPTIONS), {
    counts: { added: 0, deleted: 0, moved: 0, changed: 0 },
    truncated: false,
  });
  const d = diffObjects(rows([obj(1, 'O=X', { info: 'x' })]), rows([obj(1, 'O=X', { mail: 'a@b' })]), OPTIONS);
  t.deepEqual(d.changed[0]!.attributes, [
    { name: 'info', left: ['x'], right: [] },
    { name: 'mail', left: [], right: ['a@b'] },
  ]);
  t.like(diffObjects(rows([obj(1, 'O=X', { n: 1 })]), rows([obj(1, 'O=X', { n: '1' })]), OPTIONS).counts, {
    changed: 1,
  });
});

test('the same result whatever the DNTs: another lineage only makes the join buffer more', (t) => {
  const expected = diffObjects(rows(LEFT), rows(RIGHT, RIGHT_DNTS), OPTIONS);
  const rng = new Prng(20);
  for (let run = 0; run < 50; run++) {
    const dnts = RIGHT.map(() => rng.below(1000));
    const shuffled = RIGHT.map((object, i) => ({ dnt: dnts[i]!, object })).sort((a, b) => a.dnt - b.dnt);
    const d = diffObjects(rows(LEFT), shuffled, OPTIONS);
    t.deepEqual(d.counts, expected.counts);
    const sorted = (l: unknown[]) => l.map((x) => JSON.stringify(x)).sort();
    for (const list of ['added', 'deleted', 'moved', 'changed'] as const)
      t.deepEqual(sorted(d[list]), sorted(expected[list]), `run ${run} ${list}`);
  }
});

test('the merge join pairs each object once and buffers only what does not line up', (t) => {
  const pairs = [...mergeJoin(rows(LEFT), rows(RIGHT, RIGHT_DNTS))];
  t.is(pairs.length, 9, '7 on both sides, 1 left only, 1 right only');
  t.deepEqual(
    pairs.filter(([l, r]) => l === undefined || r === undefined).map(([l, r]) => [!!l, !!r]),
    [
      [true, false],
      [false, true],
    ],
  );
});

test('limit: the lists stop, the counts go on', (t) => {
  const d = diffObjects(rows(LEFT), rows(RIGHT, RIGHT_DNTS), { ...OPTIONS, limit: 3 });
  t.true(d.truncated);
  t.is(d.added.length + d.deleted.length + d.moved.length + d.changed.length, 3);
  t.deepEqual(d.counts, { added: 2, deleted: 2, moved: 3, changed: 1 });
});

test('DNs split at the first unescaped comma; the kind of a DN change', (t) => {
  t.deepEqual(splitDn('CN=a\\,b,OU=c,O=X'), { rdn: 'CN=a\\,b', parent: 'OU=c,O=X' });
  t.deepEqual(splitDn('O=X'), { rdn: 'O=X', parent: '' });
  t.is(moveKind('CN=a,O=X', 'CN=a,O=X'), undefined);
  t.is(moveKind('CN=a,O=X', 'CN=A,O=X'), 'renamed', 'a change of case is a rename');
  t.is(moveKind('CN=a,OU=b,O=X', 'CN=a,O=X'), 'moved');
  t.is(moveKind('CN=a,OU=b,O=X', 'CN=c,O=X'), 'renamed-and-moved');
});
