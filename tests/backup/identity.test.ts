// The backup records whose database it archived (manifest.identity) when the database is an AD database read from
// a file; a non-AD database backs up exactly as before; an identity that cannot be read is a warning, never a
// failed backup.
import test from 'ava';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { runBackup, type BackupEnv } from '../../src/backup/backup.ts';
import { inspectArchive } from '../../src/archive/inspect.ts';
import { identifyDatabase } from '../../src/cli/identify-database.ts';
import { createFolderSource } from '../../src/platform/folder-source.ts';
import { makeDsaFolder } from '../fixtures/synthetic-dsa.ts';
import { haveNtds, ntdsFixture } from '../support/shared.ts';
import { tempDir } from '../support/temp.ts';

const maybe = haveNtds || process.env['CI'] ? test : test.skip;
const small = { databaseBytes: 1024 * 1024, logFileBytes: 128 * 1024, logs: 2 };

function env(events: Record<string, unknown>[], identify: BackupEnv['identify'] = identifyDatabase): BackupEnv {
  return { now: () => new Date('2026-12-01T00:00:00Z'), progress: (e) => events.push(e), identify };
}

maybe('an AD database: the manifest, the sidecar and inspect carry its identity', async (t) => {
  const dir = await tempDir(t);
  const f = await makeDsaFolder(join(dir, 'NTDS'), small);
  writeFileSync(f.databasePath, gunzipSync(readFileSync(ntdsFixture)));
  const events: Record<string, unknown>[] = [];
  const archive = join(dir, 'dc.tar.zst');
  const r = await runBackup(
    createFolderSource({ path: f.dir, computer: 'DC01' }),
    { destination: { path: archive }, allowUnrestorable: true }, // template database beside synthetic logs
    env(events),
  );
  t.like(r.manifest.identity, { dsaDn: 'CN=BootMachine,O=Boot', highestUsn: 1994, schemaDn: 'CN=Schema,O=Boot' });
  t.is(r.warnings, undefined);
  const timing = events.find((e) => e['step'] === 'identity');
  t.like(timing, { found: true });
  t.log(`identity read in ${String(timing?.['ms'])} ms`);
  t.deepEqual((await inspectArchive(archive)).identity, r.manifest.identity);
});

test('a non-AD database (the synthetic DSA): no identity, no warning', async (t) => {
  const dir = await tempDir(t);
  const f = await makeDsaFolder(join(dir, 'NTDS'), small);
  const events: Record<string, unknown>[] = [];
  const r = await runBackup(
    createFolderSource({ path: f.dir, computer: 'DC01' }),
    { destination: { path: join(dir, 'dc.tar.zst') } },
    env(events),
  );
  t.false('identity' in r.manifest);
  t.is(r.warnings, undefined);
  t.like(
    events.find((e) => e['step'] === 'identity'),
    { found: false },
  );
});

test('an identity reader that fails: the backup succeeds with a warning and no identity', async (t) => {
  const dir = await tempDir(t);
  const f = await makeDsaFolder(join(dir, 'NTDS'), small);
  const broken = () => {
    throw new Error('datatable page 257 unreadable');
  };
  const r = await runBackup(
    createFolderSource({ path: f.dir, computer: 'DC01' }),
    { destination: { path: join(dir, 'dc.tar.zst') } },
    env([], broken),
  );
  t.false('identity' in r.manifest);
  t.deepEqual(r.warnings, ["the database's identity could not be read: datatable page 257 unreadable"]);
});
