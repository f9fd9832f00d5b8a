import test from 'ava';
import { buildDn, escapeRdnValue, type TreeNode } from '../../src/ad/dn.ts';

test('RDN values are escaped per RFC 4514', (t) => {
  t.is(escapeRdnValue('Smith, John'), 'Smith\\, John');
  t.is(escapeRdnValue('a+b=c;d<e>f"g\\h'), 'a\\+b\\=c\\;d\\<e\\>f\\"g\\\\h');
  t.is(escapeRdnValue('#hash'), '\\#hash');
  t.is(escapeRdnValue(' lead and trail '), '\\ lead and trail\\ ');
  t.is(escapeRdnValue('nul\0'), 'nul\\00');
  t.is(escapeRdnValue('plain'), 'plain');
});

function tree(entries: [number, number, string | undefined, string | undefined][]): Map<number, TreeNode> {
  return new Map(entries.map(([dnt, parent, rdnType, rdn]) => [dnt, { parent, rdnType, rdn }]));
}

test('a DN is built by walking parents up to the root object', (t) => {
  const nodes = tree([
    [2, 0, undefined, undefined], // the root object: no RDN type
    [10, 2, 'DC', 'com'],
    [11, 10, 'DC', 'contoso'],
    [12, 11, 'CN', 'Configuration'],
    [13, 12, 'CN', 'Schema'],
    [14, 13, 'CN', 'User'],
    [15, 11, 'OU', 'Sales, East'],
  ]);
  t.deepEqual(buildDn(14, nodes), { dn: 'CN=User,CN=Schema,CN=Configuration,DC=contoso,DC=com', broken: false });
  t.deepEqual(buildDn(11, nodes), { dn: 'DC=contoso,DC=com', broken: false });
  t.deepEqual(buildDn(15, nodes), { dn: 'OU=Sales\\, East,DC=contoso,DC=com', broken: false });
});

test('a missing parent or a cycle ends the walk and is reported', (t) => {
  t.deepEqual(buildDn(2, tree([[2, 9, 'CN', 'orphan']])), { dn: 'CN=orphan', broken: true });
  const loop = tree([
    [3, 4, 'CN', 'a'],
    [4, 3, 'CN', 'b'],
  ]);
  t.deepEqual(buildDn(3, loop), { dn: 'CN=a,CN=b', broken: true });
});
