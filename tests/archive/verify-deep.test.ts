// verify with deep: true on backups of the real 2012 R2 ntds.dit: a sound archive passes the logical check and
// names its DC; an archive whose database pages are all sound (checksums resealed) but whose directory names a
// parent that does not exist passes the plain verify and fails the deep one (exit 3, ad-parent-missing); a non-AD
// database is checked structurally only; an encrypted archive without a key is not opened.
import test from 'ava';
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import * as v from '../../src/protocol/generated/validators.js';
import { leafEntries } from '../../src/ese/reader/btree.ts';
import { EseDatabase } from '../../src/ese/reader/database.ts';
import { sealPage } from '../../src/ese/page-checksum.ts';
import { makeDsaFolder } from '../fixtures/synthetic-dsa.ts';
import { adbackup } from '../support/cli.ts';
import { haveNtds, ntdsFixture } from '../support/shared.ts';

const maybe = haveNtds || process.env['CI'] ? test : test.skip;
const PAGE = 8192;
let dir: string | undefined;
const archives: Record<string, string> = {};

/** DNT 1721's PDNT_col (fixed column 2, after the record header and DNT_col) set to a row that does not exist. */
function orphanOneRow(file: Uint8Array): void {
  const db = EseDatabase.fromBytes(file);
  const table = db.table('datatable')!;
  const entry = [...leafEntries(db.source, table.fdp, db.findings)].find(
    (e) => Buffer.from(e.key).toString('hex') === '7f800006b9',
  )!;
  new DataView(file.buffer).setInt32((entry.pgno + 1) * PAGE + entry.data.byteOffset + 8, 999_999, true);
  sealPage(new Uint32Array(file.buffer, (entry.pgno + 1) * PAGE, PAGE / 4), entry.pgno);
}

async function backupOf(name: string, database: Uint8Array | null, extra: object = {}): Promise<string> {
  const f = await makeDsaFolder(join(dir!, name), { logs: 2, logFileBytes: 96 * 1024 });
  if (database) writeFileSync(f.databasePath, database);
  const b = await adbackup(['backup'], {
    source: { type: 'folder', path: f.dir, computer: 'DC01' },
    destination: { directory: join(dir!, `${name}-out`) },
    ...extra,
  });
  if (b.code !== 0) throw new Error(b.stdout + b.stderr);
  return b.json.archive as string;
}

test.before(async () => {
  if (!haveNtds) return;
  dir = await mkdtemp(join(tmpdir(), 'adbackup-verify-deep-'));
  const template = new Uint8Array(gunzipSync(readFileSync(ntdsFixture)));
  const orphaned = Uint8Array.from(template);
  orphanOneRow(orphaned);
  const key = join(dir, 'key.txt');
  const k = await adbackup(['keygen'], { identityFile: key, recipientsFile: join(dir, 'recipients.txt') });
  if (k.code !== 0) throw new Error(k.stdout);
  archives['sound'] = await backupOf('sound', template);
  archives['sealed'] = await backupOf('sealed', template, {
    encryption: { recipientsFile: join(dir, 'recipients.txt') },
  });
  archives['orphaned'] = await backupOf('orphaned', orphaned, { compression: { type: 'none' } });
  archives['synthetic'] = await backupOf('synthetic', null);
  archives['key'] = key;
});
test.after.always(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

maybe('a sound archive: deep check ok, every table walked, the DC named; encrypted too with its key', async (t) => {
  for (const [archive, decryption] of [
    [archives['sound']!, {}],
    [archives['sealed']!, { decryption: { identityFile: archives['key'] } }],
  ] as const) {
    const r = await adbackup(['verify'], { archive, deep: true, ...decryption });
    t.is(r.code, 0, r.stdout + r.stderr);
    t.true(v.verifyResponse(r.json), JSON.stringify(v.verifyResponse.errors));
    t.like(r.json, { ok: true, deep: { ok: true, member: 'ntds/ntds.dit', directory: true, counts: {} } });
    t.is(r.json.deep.tables.find((x: { name: string }) => x.name === 'datatable').rows, 1743);
    t.is(r.json.deep.identity.dsaDn, 'CN=BootMachine,O=Boot');
  }
});

maybe('sound pages, broken directory: verify passes, verify deep fails with ad-parent-missing (exit 3)', async (t) => {
  const plain = await adbackup(['verify'], { archive: archives['orphaned'] });
  t.is(plain.code, 0, plain.stdout);
  t.is(plain.json.deep, undefined);
  const deep = await adbackup(['verify'], { archive: archives['orphaned'], deep: true });
  t.is(deep.code, 3, deep.stdout);
  t.true(v.verifyResponse(deep.json), JSON.stringify(v.verifyResponse.errors));
  t.like(deep.json, { ok: false, deep: { ok: false, counts: { 'ad-parent-missing': 1 } } });
  t.regex(deep.json.deep.findings[0].message, /row 1721 names parent 999999/);
});

maybe('a database without a datatable is checked as ESE only; no key: nothing opened, exit 4', async (t) => {
  const r = await adbackup(['verify'], { archive: archives['synthetic'], deep: true });
  // The synthetic DSA's ntds.dit has valid headers and page checksums but no real catalog: the deep walk says so.
  t.is(r.code, 3, r.stdout);
  t.true(v.verifyResponse(r.json), JSON.stringify(v.verifyResponse.errors));
  t.is(r.json.deep.directory, false);
  t.is(r.json.deep.identity, undefined);
  const locked = await adbackup(['verify'], { archive: archives['sealed'], deep: true });
  t.is(locked.code, 4, locked.stdout);
  t.is(locked.json.deep, undefined);
});
