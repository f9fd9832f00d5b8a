import test from 'ava';
import { join } from 'node:path';
import { makeDsaFolder } from '../fixtures/synthetic-dsa.ts';
import { tempDir } from '../support/temp.ts';
import { adbackup } from '../support/cli.ts';
import * as v from '../../src/protocol/generated/validators.js';

const small = { databaseBytes: 3 << 20, logFileBytes: 64 * 1024, logs: 3 };

test('every page is checked during the backup pass; the manifest and verify report the statistics', async (t) => {
  const dir = await tempDir(t);
  const f = await makeDsaFolder(join(dir, 'NTDS'), small);
  const archive = join(dir, 'a.tar.zst');
  const r = await adbackup(['backup'], { source: { type: 'folder', path: f.dir }, destination: { path: archive } });
  t.is(r.code, 0, r.stdout);
  const p = r.json.manifest.database.pages;
  t.like(p, { pageSize: 8192, pages: (3 << 20) / 8192 - 2, corrupt: 0, trailingBytes: 0 });
  t.is(p.good + p.blank, p.pages);
  t.true(p.good > 100);
  const v = await adbackup(['verify'], { archive });
  t.is(v.code, 0, v.stdout);
  t.deepEqual(v.json.pages, p, 'verify re-checks the pages from the archived bytes');
});

test('a corrupt page refuses the backup with its page number and diagnosis; allowCorruptPages records it and verify warns', async (t) => {
  const dir = await tempDir(t);
  const f = await makeDsaFolder(join(dir, 'NTDS'), { ...small, corruptPages: [9], bitFlips: [{ pgno: 40, bit: 777 }] });
  const archive = join(dir, 'a.tar.zst');
  const r = await adbackup(['backup'], { source: { type: 'folder', path: f.dir }, destination: { path: archive } });
  t.is(r.code, 3, r.stdout);
  t.is(r.json.error.code, 'DATABASE_PAGES_CORRUPT');
  t.deepEqual(
    r.json.error.details.pages.corruptPages.map((c: { pgno: number }) => c.pgno),
    [9, 40],
  );
  t.deepEqual(r.json.error.details.pages.corruptPages[1].singleBit, { byte: 97, bit: 1 });
  t.regex(r.json.error.message, /40 \(one flipped bit: byte 97, bit 1\)/);
  const ok = await adbackup(['backup'], {
    source: { type: 'folder', path: f.dir },
    destination: { path: archive },
    allowCorruptPages: true,
  });
  t.is(ok.code, 0, ok.stdout);
  t.is(ok.json.manifest.database.pages.corrupt, 2);
  const v = await adbackup(['verify'], { archive });
  t.is(v.code, 0, v.stdout);
  t.true(
    v.json.findings.some(
      (x: { code: string; severity: string }) => x.code === 'database-page-corrupt' && x.severity === 'warning',
    ),
  );
});

test('adbackup pages: esentutl /k-style statistics of a database file; exit 3 with the document when a page is corrupt', async (t) => {
  const dir = await tempDir(t);
  const clean = await makeDsaFolder(join(dir, 'clean'), small);
  const ok = await adbackup(['pages'], { path: clean.databasePath });
  t.is(ok.code, 0, ok.stdout);
  t.like(ok.json, { pageSize: 8192, pages: (3 << 20) / 8192 - 2, corrupt: 0 });
  t.true(v.pagesResponse(ok.json), JSON.stringify(v.pagesResponse.errors));
  const bad = await makeDsaFolder(join(dir, 'bad'), { ...small, bitFlips: [{ pgno: 100, bit: 8000 }] });
  const r = await adbackup(['pages'], { path: bad.databasePath });
  t.is(r.code, 3, r.stdout);
  t.is(r.json.corrupt, 1);
  t.deepEqual(r.json.corruptPages[0], {
    pgno: 100,
    status: 'corrupt',
    format: 'new',
    singleBit: { byte: 1000, bit: 0 },
  });
  t.true(v.pagesResponse(r.json), JSON.stringify(v.pagesResponse.errors));
  const log = await adbackup(['pages'], { path: join(clean.logPath, 'edb.log') });
  t.is(log.code, 3);
  t.is(log.json.error.code, 'ESE_WRONG_FILE_TYPE');
});

test('verifyPages: false skips the check in the backup pass (manifest pages null); verify still finds the corrupt page', async (t) => {
  const dir = await tempDir(t);
  const f = await makeDsaFolder(join(dir, 'NTDS'), { ...small, corruptPages: [12] });
  const archive = join(dir, 'a.tar.zst');
  const r = await adbackup(['backup'], {
    source: { type: 'folder', path: f.dir },
    destination: { path: archive },
    verifyPages: false,
  });
  t.is(r.code, 0, r.stdout);
  t.is(r.json.manifest.database.pages, null);
  const v = await adbackup(['verify'], { archive });
  t.is(v.code, 3, v.stdout);
  t.true(
    v.json.findings.some(
      (x: { code: string; severity: string }) => x.code === 'database-page-corrupt' && x.severity === 'error',
    ),
  );
  t.is(v.json.pages.corrupt, 1);
});
