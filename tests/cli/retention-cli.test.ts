// prune and status through the executable (the bundle, the Linux exe and, under Wine, the shipped Windows exe):
// the request validated, the response conforming to its schema, files removed on the executable's own platform.
import test from 'ava';
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import * as v from '../../src/protocol/generated/validators.js';
import { adbackup } from '../support/cli.ts';
import { tempDir } from '../support/temp.ts';
import { makeBackups, AGES } from '../retention/generated-backups.ts';

const exists = (p: string) =>
  access(p).then(
    () => true,
    () => false,
  );

test('prune removes by rule and keeps the newest good backup; status answers per DC', async (t) => {
  const dir = await tempDir(t);
  const folder = join(dir, 'backups');
  const archives = await makeBackups(folder, dir);
  const planned = await adbackup(['prune'], { folder, keepLast: 0, plan: true });
  t.is(planned.code, 0, planned.stderr);
  t.true(v.pruneResponse(planned.json), JSON.stringify(v.pruneResponse.errors));
  t.is(planned.json.items.filter((i: { action: string }) => i.action === 'would-remove').length, 21);
  const real = await adbackup(['prune'], { folder, keepLast: 0 });
  t.is(real.code, 0, real.stderr);
  t.is(real.json.removedCount, 21);
  for (const age of AGES) {
    const a = archives.get(`DC01/${age}`)!;
    t.is(await exists(a), age === 1, `DC01/${age}`);
    t.is(await exists(a + '.manifest.json'), age === 1);
  }
  t.deepEqual(
    real.json.computers.map((c: { newestGood: string }) => c.newestGood),
    ['DC01', 'DC02', 'DC03'].map((c) => archives.get(`${c}/1`)!),
  );
  // Backups made in 2026-09: long past the 2-day warning and 7 days, so the answer is Critical for each DC.
  const status = await adbackup(['status'], { folder });
  t.is(status.code, 0, status.stderr);
  t.true(v.statusResponse(status.json), JSON.stringify(v.statusResponse.errors));
  t.is(status.json.verdict, 'Critical');
  t.is(status.json.computers.length, 3);
});

test('prune without a rule, and status of a missing folder: structured errors with their exit codes', async (t) => {
  const dir = await tempDir(t);
  const noRule = await adbackup(['prune'], { folder: dir });
  t.is(noRule.code, 2);
  t.is(noRule.json.error.code, 'NO_RETENTION_RULE');
  const badRule = await adbackup(['prune'], { folder: dir, keepLast: -1 });
  t.is(badRule.code, 2);
  const missing = await adbackup(['status'], { folder: join(dir, 'nope') });
  t.is(missing.code, 5);
  t.is(missing.json.error.code, 'FILE_NOT_FOUND');
});

test('backup with retention: pruned after it is published, never when it fails', async (t) => {
  const dir = await tempDir(t);
  const folder = join(dir, 'backups');
  const archives = await makeBackups(folder, dir);
  const dsa = join(dir, 'dsa');
  const ok = await adbackup(['backup'], {
    source: { type: 'folder', path: dsa, computer: 'DC02' },
    destination: { directory: folder },
    retention: { keepLast: 2 },
  });
  t.is(ok.code, 0, ok.stderr);
  t.true(v.backupResponse(ok.json), JSON.stringify(v.backupResponse.errors));
  t.is(ok.json.retention.removedCount, AGES.length - 1, 'DC02 keeps the new backup and its newest old one');
  t.deepEqual(
    ok.json.retention.computers.map((c: { computer: string }) => c.computer),
    ['DC02'],
  );
  t.true(await exists(archives.get('DC02/1')!));
  t.false(await exists(archives.get('DC02/2')!));
  t.true(await exists(archives.get('DC01/89')!), 'other DCs untouched');
  // A backup that fails (a source without a database) prunes nothing.
  const failed = await adbackup(['backup'], {
    source: { type: 'folder', path: join(dir, 'empty-source'), computer: 'DC01' },
    destination: { directory: folder },
    retention: { keepLast: 1 },
  });
  t.not(failed.code, 0);
  for (const age of AGES) t.true(await exists(archives.get(`DC01/${age}`)!));
});
