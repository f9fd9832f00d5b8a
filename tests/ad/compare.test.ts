// compare on the real 2012 R2 template: against itself, and against a copy whose attribute values a test rewrote in
// place (same length, page checksums sealed again, as a later database would hold them). compare must list exactly
// those objects and attributes, with the old and the new values, and nothing else.
import test from 'ava';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { compareDatabases } from '../../src/ad/compare.ts';
import { COMMANDS, StatusResult } from '../../src/cli/commands.ts';
import { checkPage } from '../../src/ese/page-checksum.ts';
import { haveNtds } from '../support/shared.ts';
import { rewriteSchemaCopy } from './rewrite.ts';
import { unpackNtds } from './support.ts';

const maybe = haveNtds || process.env['CI'] ? test : test.skip;
const ntds = unpackNtds(test);

let changedPath = '';
let damagedPath = '';
test.before(() => {
  if (!(haveNtds || process.env['CI'])) return;
  changedPath = join(dirname(ntds()), 'changed.dit');
  const sealed = rewriteSchemaCopy(ntds(), changedPath);
  const file = new Uint8Array(readFileSync(changedPath));
  for (const pgno of sealed) {
    const size = 8192;
    if (checkPage(new Uint32Array(file.buffer, (pgno + 1) * size, size / 4), pgno).status !== 'good')
      throw new Error(`page ${pgno} not sealed`);
  }
  file[(sealed[0]! + 1) * 8192 + 4000]! ^= 0x10; // a flipped bit in a datatable page, not sealed again
  damagedPath = join(dirname(ntds()), 'damaged.dit');
  writeFileSync(damagedPath, file);
});

maybe('a database compared with itself: no differences, every object seen, no findings', (t) => {
  const r = compareDatabases({ left: { path: ntds() }, right: { path: ntds() } });
  t.like(r, { differences: 0, counts: { added: 0, deleted: 0, moved: 0, changed: 0 }, truncated: false });
  t.deepEqual([r.added, r.deleted, r.moved, r.changed], [[], [], [], []]);
  t.like(r.left, { objects: 1741, findings: [], findingsDropped: 0 });
  t.like(r.right, { objects: 1741, findings: [], findingsDropped: 0 });
});

maybe('values rewritten in place: exactly those objects and attributes, with old and new values', (t) => {
  const r = compareDatabases({ left: { path: ntds() }, right: { path: changedPath } });
  t.deepEqual(r.right.findings, [], 'the rewritten pages verify');
  t.deepEqual([r.added, r.deleted, r.moved], [[], [], []]);
  t.deepEqual(r.counts, { added: 0, deleted: 0, moved: 0, changed: 3 });
  t.is(r.differences, 3);
  const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
  const got = Object.fromEntries(r.changed.map((c) => [c.distinguishedName, c.attributes.sort(byName)]));
  t.deepEqual(got, {
    'CN=Common-Name,CN=Schema,O=Boot': [{ name: 'adminDisplayName', left: ['Common-Name'], right: ['emaN-nommoC'] }],
    'CN=Description,CN=Schema,O=Boot': [{ name: 'adminDisplayName', left: ['Description'], right: ['noitpircseD'] }],
    'CN=User,CN=Schema,O=Boot': [
      { name: 'adminDescription', left: ['User'], right: ['resU'] },
      { name: 'adminDisplayName', left: ['User'], right: ['resU'] },
    ],
  });
  t.regex(r.changed[0]!.objectGUID!, /^[0-9a-f-]{36}$/);
});

maybe('attributes, ignore and includeValues narrow what is compared and shown', (t) => {
  const base = { left: { path: ntds() }, right: { path: changedPath } };
  const only = compareDatabases({ ...base, attributes: ['ADMINDESCRIPTION'] });
  t.deepEqual(
    only.changed.map((c) => [c.distinguishedName, c.attributes.map((a) => a.name)]),
    [['CN=User,CN=Schema,O=Boot', ['adminDescription']]],
  );
  const ignored = compareDatabases({ ...base, ignore: ['adminDisplayName'] });
  t.deepEqual(ignored.ignored, ['adminDisplayName']);
  t.is(ignored.counts.changed, 1);
  const names = compareDatabases({ ...base, includeValues: false, limit: 1 });
  t.deepEqual(names.changed[0]!.attributes, [{ name: 'adminDisplayName' }]);
  t.like(names, { truncated: true, counts: { changed: 3 } });
  t.is(names.changed.length, 1);
});

maybe('the compare command: validated request, a plain result (exit 0) when the walks met no damage', async (t) => {
  const cmd = COMMANDS['compare']!;
  t.true(cmd.validate({ left: { path: ntds() }, right: { path: changedPath } }));
  t.false(cmd.validate({ left: { path: ntds() }, right: { path: changedPath, archive: 'x' } }));
  t.false(cmd.validate({ left: { path: ntds() } }));
  const r = await cmd.run({ left: { path: ntds() }, right: { path: changedPath } }, {} as never);
  t.false(r instanceof StatusResult);
  t.is((r as { differences: number }).differences, 3);
});

maybe(
  'a side whose walk met damage: the document all the same, with its findings, as an Integrity status (exit 3)',
  async (t) => {
    const r = await COMMANDS['compare']!.run({ left: { path: ntds() }, right: { path: damagedPath } }, {} as never);
    t.true(r instanceof StatusResult);
    t.is((r as StatusResult).category, 'Integrity');
    const doc = (r as StatusResult).value as ReturnType<typeof compareDatabases>;
    t.deepEqual(doc.left.findings, []);
    t.true(doc.right.findings.some((f) => f.code === 'page-checksum'));
  },
);

maybe('a missing file on either side is an IO error naming it', (t) => {
  const missing = join(dirname(ntds()), 'missing.dit');
  const e = t.throws(() => compareDatabases({ left: { path: ntds() }, right: { path: missing } }));
  t.like(e, { code: 'FILE_NOT_FOUND', category: 'IO' });
  t.true(e!.message.includes('missing.dit'));
});
