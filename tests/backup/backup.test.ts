import test from 'ava';
import { createHash } from 'node:crypto';
import { chmod, mkdir, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeDsaFolder } from '../fixtures/synthetic-dsa.ts';
import { tempDir } from '../support/temp.ts';
import { adbackup, assertOwnerOnly, cliPlatform } from '../support/cli.ts';
import { sh } from '../support/tools.ts';
import * as v from '../../src/protocol/generated/validators.js';

const small = { databaseBytes: 3 * 1024 * 1024 + 8192 * 5, logFileBytes: 128 * 1024, logs: 4 };

async function sha(path: string) {
  return createHash('sha256')
    .update(await readFile(path))
    .digest('hex');
}

test('backup (zstd): GNU tar lists it in order, extracts byte-identical files, sha256sum -c passes', async (t) => {
  const dir = await tempDir(t);
  const f = await makeDsaFolder(join(dir, 'NTDS'), { ...small, state: 'dirty' });
  const archive = join(dir, 'out', 'dc.tar.zst');
  const r = await adbackup(['backup'], {
    source: { type: 'folder', path: f.dir, computer: 'DC01' },
    destination: { path: archive },
  });
  t.is(r.code, 0, r.stdout);
  t.true(v.backupResponse(r.json), JSON.stringify(v.backupResponse.errors));
  t.is(r.json.archive, archive);
  await assertOwnerOnly(t, archive, 'owner-only: the archive holds every password hash');
  t.is(r.json.sha256, await sha(archive));
  t.deepEqual((await readdir(join(dir, 'out'))).sort(), ['dc.tar.zst', 'dc.tar.zst.manifest.json']);

  const listing = (await sh(`tar --zstd -tf '${archive}'`)).trim().split('\n');
  t.deepEqual(listing, [
    'adbackup.json',
    'ntds/ntds.dit',
    ...f.logNames.map((n) => `logs/${n}`),
    'checkpoint/edb.chk',
    'SHA256SUMS',
    'manifest.json',
  ]);

  const out = join(dir, 'x');
  await mkdir(out);
  await sh(`zstd -dc '${archive}' | tar -x -C '${out}'`);
  t.regex(await sh('sha256sum -c SHA256SUMS', out), /ntds\/ntds.dit: OK/);
  t.is(await sha(join(out, 'ntds/ntds.dit')), await sha(f.databasePath));
  for (const n of f.logNames) t.is(await sha(join(out, 'logs', n)), await sha(join(f.logPath, n)));
  t.is(await sha(join(out, 'checkpoint/edb.chk')), await sha(f.checkpointPath));

  const m = r.json.manifest;
  t.like(m, {
    format: 'adbackup-archive',
    formatVersion: 1,
    tombstoneLifetimeDays: 180,
    source: { type: 'folder', computer: 'DC01' },
  });
  t.is(Date.parse(m.expiresAt) - Date.parse(m.createdAt), 180 * 86_400_000);
  t.like(m.logRange, {
    low: 1,
    high: 5,
    count: 5,
    restorable: true,
    required: { low: 3, high: 5, source: 'dirty' },
    registration: { lowLog: 1, highLog: 4 },
  });
  t.like(m.database, { kind: 'database', state: 'Dirty Shutdown', pageSize: 8192 });
  t.is(m.files[0].entry, 'ntds/ntds.dit');
  t.is(m.files[0].originalPath, f.databasePath);
  // A POSIX source path has no UNC form; the Windows exe read the same folder as Z:\…, a drive path that has one.
  t.is(
    m.files[0].originalPathUnc,
    cliPlatform === 'win32' ? `\\\\DC01\\Z$${f.databasePath.replace(/\//g, '\\')}` : null,
  );
  t.is(m.files[0].ese.kind, 'database');
  const sidecar = JSON.parse(await readFile(archive + '.manifest.json', 'utf8'));
  t.is(sidecar.archive.sha256, r.json.sha256);
  t.is(sidecar.backupId, m.backupId);
});

for (const [type, flag, ext] of [
  ['gzip', '-z', '.tar.gz'],
  ['none', '', '.tar'],
] as const) {
  test(`backup (${type}) into a folder with the default name; GNU tar extracts it`, async (t) => {
    const dir = await tempDir(t);
    const f = await makeDsaFolder(join(dir, 'NTDS'), small);
    const r = await adbackup(['backup'], {
      source: { type: 'folder', path: f.dir, computer: 'DC01' },
      destination: { directory: join(dir, 'b') },
      compression: { type },
    });
    t.is(r.code, 0, r.stdout);
    t.true(
      /\/DC01-ntds-\d{8}T\d{6}Z\.tar(\.gz)?$/.test(r.json.archive) && r.json.archive.endsWith(ext),
      r.json.archive,
    );
    const out = join(dir, 'x');
    await mkdir(out);
    await sh(`tar ${flag} -xf '${r.json.archive}' -C '${out}' && sha256sum -c SHA256SUMS`, out);
    t.is(await sha(join(out, 'ntds/ntds.dit')), await sha(f.databasePath));
  });
}

test('Windows source paths are recorded with their UNC form', async (t) => {
  const { toUnc } = await import('../../src/paths.ts');
  t.is(toUnc('C:\\Windows\\NTDS\\ntds.dit', 'DC01'), '\\\\DC01\\C$\\Windows\\NTDS\\ntds.dit');
  t.is(toUnc('d:/NTDS/Logs', 'DC01'), '\\\\DC01\\D$\\NTDS\\Logs');
  t.is(toUnc('\\\\FS1\\share\\x', 'DC01'), '\\\\FS1\\share\\x');
  t.is(toUnc('/srv/ntds/ntds.dit', 'DC01'), null);
});

test('a snapshot source records the live DC paths it was given (recordAs), with their UNC forms', async (t) => {
  const dir = await tempDir(t);
  const f = await makeDsaFolder(join(dir, 'snap'), small);
  const r = await adbackup(['backup'], {
    source: {
      type: 'folder',
      path: f.dir,
      computer: 'DC01',
      recordAs: { databasePath: 'C:\\Windows\\NTDS\\ntds.dit', logPath: 'D:\\NTDS\\Logs' },
    },
    destination: { path: join(dir, 'a.tar.zst') },
  });
  t.is(r.code, 0, r.stdout);
  const m = r.json.manifest;
  t.deepEqual(m.source.paths.database, {
    path: 'C:\\Windows\\NTDS\\ntds.dit',
    unc: '\\\\DC01\\C$\\Windows\\NTDS\\ntds.dit',
  });
  t.deepEqual(m.source.paths.logs, { path: 'D:\\NTDS\\Logs', unc: '\\\\DC01\\D$\\NTDS\\Logs' });
  t.is(m.source.paths.checkpoint.path, 'D:\\NTDS\\Logs\\edb.chk');
  t.is(m.files.find((x: { role: string }) => x.role === 'log').originalPath, `D:\\NTDS\\Logs\\${f.logNames[0]}`);
  t.is(m.files[0].originalPathUnc, '\\\\DC01\\C$\\Windows\\NTDS\\ntds.dit');
});

test('refusal: missing source folder -> exit 5', async (t) => {
  const dir = await tempDir(t);
  const r = await adbackup(['backup'], {
    source: { type: 'folder', path: join(dir, 'nope') },
    destination: { path: join(dir, 'a.tar.zst') },
  });
  t.is(r.code, 5, r.stdout);
  t.is(r.json.error.code, 'FILE_NOT_FOUND');
  t.deepEqual(await readdir(dir), []);
});

test('refusal: destination exists -> exit 4, nothing touched; overwrite replaces it', async (t) => {
  const dir = await tempDir(t);
  const f = await makeDsaFolder(join(dir, 'NTDS'), small);
  const archive = join(dir, 'a.tar.zst');
  await writeFile(archive, 'precious');
  const r = await adbackup(['backup'], { source: { type: 'folder', path: f.dir }, destination: { path: archive } });
  t.is(r.code, 4, r.stdout);
  t.is(r.json.error.code, 'DESTINATION_EXISTS');
  t.is(await readFile(archive, 'utf8'), 'precious');
  const o = await adbackup(['backup'], {
    source: { type: 'folder', path: f.dir },
    destination: { path: archive },
    overwrite: true,
  });
  t.is(o.code, 0, o.stdout);
  t.not(await readFile(archive, 'utf8'), 'precious');
});

test('refusal: a gap inside the required log range -> exit 3 with the findings; allowUnrestorable records them', async (t) => {
  const dir = await tempDir(t);
  const f = await makeDsaFolder(join(dir, 'NTDS'), { ...small, state: 'dirty', breakage: ['gap'] });
  const archive = join(dir, 'a.tar.zst');
  const r = await adbackup(['backup'], { source: { type: 'folder', path: f.dir }, destination: { path: archive } });
  t.is(r.code, 3, r.stdout);
  t.is(r.json.error.code, 'SOURCE_NOT_RESTORABLE');
  t.true(r.json.error.details.findings.some((x: { code: string }) => x.code === 'log-gap'));
  t.deepEqual(await readdir(dir), ['NTDS']);
  const ok = await adbackup(['backup'], {
    source: { type: 'folder', path: f.dir },
    destination: { path: archive },
    allowUnrestorable: true,
  });
  t.is(ok.code, 0, ok.stdout);
  t.false(ok.json.manifest.logRange.restorable);
  t.true(ok.json.manifest.findings.some((x: { code: string }) => x.code === 'database-required-log-missing'));
});

test('refusal: an unreadable file -> exit 5 ACCESS_DENIED, no partial left', async (t) => {
  const dir = await tempDir(t);
  await chmod(dir, 0o755);
  const f = await makeDsaFolder(join(dir, 'NTDS'), small);
  await chmod(f.dir, 0o777);
  await chmod(f.databasePath, 0o000);
  // root reads anything, so run the executable as an unprivileged user when we are root
  const asNobody =
    process.getuid?.() === 0 ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', '--'] : [];
  const { spawnSync } = await import('node:child_process');
  const { bundle } = await import('../support/cli.ts');
  const req = JSON.stringify({
    source: { type: 'folder', path: f.dir },
    destination: { path: join(f.dir, 'a.tar.zst') },
  });
  const argv = [...asNobody, process.execPath, bundle, 'backup'];
  const p = spawnSync(argv[0]!, argv.slice(1), { input: req, encoding: 'utf8' });
  t.is(p.status, 5, p.stdout + p.stderr);
  t.is(JSON.parse(p.stdout).error.code, 'ACCESS_DENIED');
  t.false((await readdir(f.dir)).some((n) => n.startsWith('a.tar.zst')));
});

test('invalid requests -> exit 2', async (t) => {
  for (const req of [
    { source: { type: 'folder' }, destination: { path: 'x' } },
    { source: { type: 'folder', path: 'p' }, destination: {} },
    { source: { type: 'folder', path: 'p' }, destination: { path: 'x' }, compression: { type: 'lzma' } },
    { source: { type: 'folder', path: 'p' }, destination: { path: 'x' }, tombstoneLifetimeDays: 1 },
    { source: { type: 'folder', path: 'p' }, destination: { directory: '/tmp', nameTemplate: '../{computer}' } },
  ]) {
    const r = await adbackup(['backup'], req);
    t.is(r.code, 2, JSON.stringify(req) + r.stdout);
  }
});

test('the API source off Windows is a clear platform error (exit 6) that points to the folder source', async (t) => {
  if (process.platform === 'win32') return t.pass();
  const r = await adbackup(['backup'], { source: { type: 'api' }, destination: { path: '/tmp/never.tar.zst' } });
  t.is(r.code, 6);
  t.is(r.json.error.code, 'NTDSBCLI_UNAVAILABLE');
  t.regex(r.json.error.message, /"source": \{"type": "folder"\}/);
});

test('progress events are NDJSON on stderr when asked, and stdout stays one document', async (t) => {
  const dir = await tempDir(t);
  const f = await makeDsaFolder(join(dir, 'NTDS'), small);
  const r = await adbackup(['backup', '--progress'], {
    source: { type: 'folder', path: f.dir },
    destination: { path: join(dir, 'a.tar') },
    compression: { type: 'none' },
  });
  t.is(r.code, 0, r.stdout);
  const events = r.stderr
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  t.true(events.length >= 3);
  t.true(events.every((e) => e.event === 'progress' && e.phase === 'backup'));
  t.true(events.some((e) => e.file === 'ntds/ntds.dit'));
  t.is(events.at(-1).done, true);
});
