// The VSS requester for real: the shipped adbackup.exe (byte-identical to the build) under Wine 10 calls the emulated
// vssapi.dll (tests/native/vssapi-emu.c, mingw-w64) through koffi COM vtables: a full backup with the NTDS writer, the
// documented call order, BackupComplete only after the archive exists, and a released set after every failure.
import test from 'ava';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, readdir, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { makeDsaFolder } from '../fixtures/synthetic-dsa.ts';
import { adbackup } from '../support/cli.ts';
import { projectRoot } from '../support/shared.ts';
import { windowsPath } from '../support/wine.ts';
import { type Setup, setup, wineSerialTest } from '../support/windows-exe.ts';
import { ensureEmulatedDlls } from '../support/emulated-dlls.ts';

const dll = join(projectRoot, 'build', 'native', 'vss', 'vssapi.dll');
const wineTest = wineSerialTest('vss-bridge.test.ts');

test.before(() => {
  const failed = ensureEmulatedDlls();
  if (failed) throw new Error(`building the emulated vssapi.dll failed: ${failed}`);
});

const small = { databaseBytes: 512 * 1024, logFileBytes: 64 * 1024, logs: 3, state: 'dirty' as const };
let n = 0;

/** A DSA folder, a snapshot folder and a call log for one backup, and the environment that points the emulation at them. */
async function scene(dir: string, extra: Record<string, string> = {}) {
  const s = await setup();
  const root = join(dir, `vss-${++n}`);
  const f = await makeDsaFolder(join(root, 'NTDS'), small);
  const snapshots = join(root, 'GLOBALROOT-Device');
  await mkdir(snapshots);
  const log = join(root, 'calls.log');
  const archive = join(root, 'vss.tar.zst');
  const env = {
    ADBACKUP_VSSAPI: windowsPath(dll),
    VSSAPI_EMU_NTDS: windowsPath(f.dir),
    VSSAPI_EMU_SNAPSHOTS: windowsPath(snapshots),
    VSSAPI_EMU_LOG: windowsPath(log),
    VSSAPI_EMU_WATCH: windowsPath(archive),
    // Wine prefers its builtin vssapi.dll (which has no backup support) even for a full path: ask for the native one.
    WINEDLLOVERRIDES: `${s.wine.env['WINEDLLOVERRIDES']};vssapi=n`,
    ...extra,
  };
  const calls = async () => (await readFile(log, 'utf8').catch(() => '')).trim().split('\n').filter(Boolean);
  const request = { source: { type: 'vss', computer: 'DC01' }, destination: { path: windowsPath(archive) } };
  return { f, root, snapshots, archive, env, calls, request, log };
}

const methods = (lines: string[]) => lines.map((l) => l.split(' ')[0]!);

wineTest(
  'a VSS backup with the NTDS writer: the archive verifies, holds what a folder backup holds, and the calls come in the documented order',
  async (t) => {
    const s = await setup();
    t.is(s.sha256, s.builtSha256, 'the shipped exe, byte-identical to the build');
    const c = await scene(s.dir);
    const r = await s.call(['backup'], c.request, c.env);
    t.is(r.code, 0, r.stdout.toString() + r.stderr);
    const m = r.json.manifest;
    t.is(m.source.type, 'vss');
    t.is(m.files.at(-1).entry, 'meta/vss-backup-components.xml');
    t.is(
      m.source.paths.database.path,
      `${windowsPath(c.f.dir)}\\ntds.dit`,
      'recorded under the live path, not the snapshot path',
    );
    const vss = m.source.extra.vss;
    t.is(vss.writer.writerId, 'b2014c9e-8711-4c5c-a5a9-3cf384484757');
    t.like(vss.writer.component, { name: 'ntds', type: 'database', flags: 3 });
    t.deepEqual(
      vss.writer.files.map((f: { filespec: string }) => f.filespec),
      ['ntds.dit', 'edb*.log', 'edb.chk'],
    );
    t.is(vss.snapshots.length, 1);
    t.is(vss.snapshots[0].volume, 'Z:\\');
    t.regex(vss.snapshots[0].device, /\\HarddiskVolumeShadowCopy\d+$/);
    t.regex(vss.snapshots[0].createdAt, /^\d{4}-\d\d-\d\dT/);

    const ver = await adbackup(['verify'], { archive: c.archive });
    t.is(ver.code, 0, ver.stdout);
    const fb = await adbackup(['backup'], {
      source: { type: 'folder', path: c.f.dir },
      destination: { path: join(c.root, 'folder.tar.zst') },
    });
    t.is(fb.code, 0, fb.stdout);
    const data = (files: { role: string; sha256: string; entry: string }[]) =>
      files.filter((x) => ['database', 'log', 'checkpoint'].includes(x.role)).map((x) => `${x.entry} ${x.sha256}`);
    t.deepEqual(
      data(m.files),
      data(fb.json.manifest.files),
      'the same database, log and checkpoint bytes as a folder backup',
    );
    const plan = await adbackup(['restore'], {
      archive: c.archive,
      target: { type: 'files', root: join(c.root, 'restore-root'), createFolders: true },
      plan: true,
    });
    t.is(plan.code, 0, plan.stdout);
    t.true(Array.isArray(plan.json.actions) && plan.json.actions.length > 0);
    t.false(
      JSON.stringify(plan.json.actions).includes('vss-backup-components'),
      'the components document is no file a restore writes',
    );
    const xml = spawnSync('tar', ['-xOf', c.archive, 'meta/vss-backup-components.xml'], { encoding: 'utf8' });
    t.regex(xml.stdout, /<BACKUP_COMPONENTS [^>]*backupType="FULL"/);

    const calls = await c.calls();
    t.deepEqual(
      methods(calls).filter((x) => !x.startsWith('IVss')),
      [
        'CreateVssBackupComponents',
        'InitializeForBackup',
        'SetContext',
        'SetBackupState',
        'GatherWriterMetadata',
        'GetWriterMetadataCount',
        'GetWriterMetadata',
        'GetWriterMetadata',
        'FreeWriterMetadata',
        'AddComponent',
        'StartSnapshotSet',
        'IsVolumeSupported',
        'AddToSnapshotSet',
        'PrepareForBackup',
        'GatherWriterStatus',
        'DoSnapshotSet',
        'GatherWriterStatus',
        'SaveAsXML',
        'GetSnapshotProperties',
        'VssFreeSnapshotProperties',
        'SetBackupSucceeded',
        'BackupComplete',
        'GatherWriterStatus',
        'Release',
      ],
      calls.join('\n'),
    );
    t.true(calls.some((l) => l.startsWith('SetBackupState 0x00000000 select=1 bootable=0 type=1 partial=0')));
    t.true(calls.some((l) => l.startsWith('AddComponent 0x00000000 writer=NTDS component=ntds')));
    t.true(
      calls.some((l) => l.startsWith('DoSnapshotSet 0x00000000') && l.endsWith('watch=absent')),
      'no archive while the snapshot is taken',
    );
    t.true(
      calls.some((l) => l === 'SetBackupSucceeded 0x00000000 succeeded=1 watch=present'),
      'SetBackupSucceeded only once the archive is published',
    );
    t.true(
      calls.some((l) => l === 'BackupComplete 0x00000000 recorded watch=present'),
      'BackupComplete only once the archive is published',
    );
    t.is(
      calls.at(-1),
      'Release final snapshots=1 deleted=1 live=0 completed=1 aborted=0',
      'the set released, every interface released',
    );
    t.deepEqual(await readdir(c.snapshots), [], 'no snapshot left behind');
  },
);

const failures: [title: string, env: Record<string, string>, code: string, exit: number, aborted: boolean][] = [
  [
    'CreateVssBackupComponents: not elevated',
    { VSSAPI_EMU_FAIL: 'CreateVssBackupComponents:0x80070005' },
    'VSS_ACCESS_DENIED',
    4,
    false,
  ],
  [
    'GatherWriterMetadata: writer infrastructure',
    { VSSAPI_EMU_FAIL: 'GatherWriterMetadata:0x80042318' },
    'VSS_ERROR',
    6,
    false,
  ],
  ['no NTDS writer (not a DC)', { VSSAPI_EMU_WRITER: 'missing' }, 'NTDS_WRITER_MISSING', 4, false],
  [
    'AddToSnapshotSet: another snapshot in progress',
    { VSSAPI_EMU_FAIL: 'AddToSnapshotSet:0x80042316' },
    'VSS_BACKUP_IN_PROGRESS',
    4,
    false,
  ],
  ['PrepareForBackup: provider veto', { VSSAPI_EMU_FAIL: 'PrepareForBackup:0x80042306' }, 'VSS_ERROR', 6, false],
  [
    'writer failed at PrepareForBackup',
    { VSSAPI_EMU_WRITER_FAILS_AT: 'PrepareForBackup' },
    'NTDS_WRITER_FAILED',
    4,
    true,
  ],
  ['DoSnapshotSet: insufficient storage', { VSSAPI_EMU_FAIL: 'DoSnapshotSet:0x8004231F' }, 'VSS_ERROR', 6, true],
  ['writer failed at freeze', { VSSAPI_EMU_WRITER_FAILS_AT: 'DoSnapshotSet' }, 'NTDS_WRITER_FAILED', 4, true],
];

wineTest(
  'a failure at each step: a decoded error, no archive, no snapshot, the set released, never BackupComplete',
  async (t) => {
    const s = await setup();
    for (const [title, extra, code, exit, aborted] of failures) {
      const c = await scene(s.dir, extra);
      const r = await s.call(['backup'], c.request, c.env);
      t.is(r.code, exit, `${title}: ${r.stdout.toString()}`);
      t.is(r.json?.error?.code, code, title);
      const calls = await c.calls();
      const m = methods(calls);
      t.false(existsSync(c.archive), `${title}: no archive`);
      t.false(
        m.includes('BackupComplete') || m.includes('SetBackupSucceeded'),
        `${title}: the writer never hears of success`,
      );
      t.is(m.includes('AbortBackup'), aborted, `${title}: AbortBackup exactly when PrepareForBackup had succeeded`);
      t.deepEqual(await readdir(c.snapshots), [], `${title}: no snapshot left behind`);
      if (title.startsWith('DoSnapshotSet')) {
        t.is(r.json.error.details.name, 'VSS_E_INSUFFICIENT_STORAGE');
        t.regex(r.json.error.message, /DoSnapshotSet failed: VSS_E_INSUFFICIENT_STORAGE \(0x8004231F\)/);
      }
      if (code !== 'VSS_ACCESS_DENIED')
        t.regex(calls.at(-1) ?? '', /^Release final .* live=0 completed=0/, `${title}: released\n${calls.join('\n')}`);
    }
  },
);

wineTest(
  'a failure after the snapshot (the destination cannot be written) aborts the backup and deletes the snapshot',
  async (t) => {
    const s = await setup();
    const c = await scene(s.dir);
    const blocker = join(c.root, 'not-a-folder');
    await writeFile(blocker, 'x');
    const r = await s.call(
      ['backup'],
      { ...c.request, destination: { path: windowsPath(join(blocker, 'vss.tar.zst')) } },
      c.env,
    );
    t.is(r.code, 5, r.stdout.toString());
    const calls = await c.calls();
    const m = methods(calls);
    t.true(m.includes('DoSnapshotSet') && m.includes('AbortBackup'), calls.join('\n'));
    t.false(m.includes('BackupComplete'));
    t.deepEqual(await readdir(c.snapshots), []);
    t.regex(calls.at(-1)!, /^Release final .* live=0 completed=0 aborted=1/);
  },
);

wineTest(
  'BackupComplete failing after publication: the archive stays, the error says AD did not record the backup',
  async (t) => {
    const s = await setup();
    const c = await scene(s.dir, { VSSAPI_EMU_FAIL: 'BackupComplete:0x800423F4' });
    const r = await s.call(['backup'], c.request, c.env);
    t.is(r.code, 6, r.stdout.toString());
    t.regex(r.json.error.message, /archive was published.*VSS_E_WRITERERROR_NONRETRYABLE/);
    t.true(existsSync(c.archive));
    t.deepEqual(await readdir(c.snapshots), []);
  },
);

wineTest("Wine's own vssapi.dll (no backup support) is refused as VSS_UNAVAILABLE", async (t) => {
  const s = await setup();
  const c = await scene(s.dir);
  const { ADBACKUP_VSSAPI: _dll, WINEDLLOVERRIDES: _o, ...env } = c.env;
  const r = await s.call(['backup'], c.request, env);
  t.is(r.code, 6, r.stdout.toString() + r.stderr);
  t.is(r.json.error.code, 'VSS_UNAVAILABLE');
  t.regex(r.json.error.message, /E_NOTIMPL/);
});

/**
 * Runs `adbackup.exe backup` inside the Wine chroot, in the background of a shell that sends it SIGINT (what Wine
 * turns into the console's Ctrl+C for the Windows process) once the call log shows `afterCall`.
 */
async function backupInterrupted(s: Setup, c: Awaited<ReturnType<typeof scene>>, afterCall: string) {
  const request = join(c.root, 'request.json');
  await writeFile(request, JSON.stringify(c.request));
  const script = [
    '"$1" "$2" backup < "$3" > "$5" 2>"$5.err" & pid=$!',
    'i=0; until grep -q "^$4 " "$6" 2>/dev/null || [ $i -ge 600 ]; do sleep 0.1; i=$((i+1)); done',
    'sleep 0.5; kill -INT $pid; wait $pid; echo "exit=$?" >> "$5.code"',
  ].join('\n');
  const out = join(c.root, 'stdout.json');
  const child = spawn(
    'bash',
    [
      s.wine.tools.runner,
      'run',
      '/bin/sh',
      '-c',
      script,
      'sh',
      s.wine.tools.loader,
      s.exe,
      request,
      afterCall,
      out,
      c.log,
    ],
    { env: { ...s.wine.env, ...c.env }, stdio: 'ignore' },
  );
  const started = performance.now();
  const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
  await new Promise((resolve) => child.on('exit', resolve));
  clearTimeout(timer);
  const code = Number(/exit=(\d+)/.exec(await readFile(`${out}.code`, 'utf8').catch(() => ''))?.[1] ?? NaN);
  const stdout = await readFile(out, 'utf8').catch(() => '');
  let json: any;
  try {
    json = JSON.parse(stdout);
  } catch {
    /* the assertions say what was wrong */
  }
  return { code, stdout, json, ms: performance.now() - started };
}

wineTest(
  'Ctrl+C (SIGINT) during a slow DoSnapshotSet: the step is cancelled, the backup aborted, no snapshot, no archive, exit 5 INTERRUPTED',
  async (t) => {
    const s = await setup();
    // The freeze would last a minute: the interruption must not wait for it.
    const c = await scene(s.dir, { VSSAPI_EMU_PENDING: 'DoSnapshotSet:60000' });
    const r = await backupInterrupted(s, c, 'DoSnapshotSet');
    const calls = await c.calls();
    t.is(r.code, 5, `${r.stdout}\n${calls.join('\n')}`);
    t.is(r.json?.error?.code, 'INTERRUPTED');
    t.regex(r.json?.error?.message ?? '', /interrupted during DoSnapshotSet/);
    t.true(r.ms < 45_000, `ended ${Math.round(r.ms)} ms after the start, not after the minute-long freeze`);
    const m = methods(calls);
    t.true(m.includes('IVssAsync::Cancel'), calls.join('\n'));
    t.true(m.indexOf('AbortBackup') > m.indexOf('DoSnapshotSet'), 'AbortBackup after the interrupted DoSnapshotSet');
    t.false(m.includes('SetBackupSucceeded') || m.includes('BackupComplete'), 'the writer never hears of success');
    t.regex(calls.at(-1) ?? '', /^Release final .* live=0 completed=0 aborted=1/, calls.join('\n'));
    t.deepEqual(await readdir(c.snapshots), [], 'no snapshot left behind');
    t.false(existsSync(c.archive), 'no archive');
    t.deepEqual(
      (await readdir(join(c.archive, '..'))).filter((n) => n.endsWith('.partial')),
      [],
      'no .partial either',
    );
  },
);

wineTest(
  'a step that outlasts timeoutSeconds is cancelled: VSS_TIMEOUT, the backup aborted, nothing left behind',
  async (t) => {
    const s = await setup();
    const c = await scene(s.dir, { VSSAPI_EMU_PENDING: 'PrepareForBackup:60000' });
    const started = performance.now();
    const r = await s.call(['backup'], { ...c.request, source: { ...c.request.source, timeoutSeconds: 2 } }, c.env);
    const calls = await c.calls();
    t.is(r.code, 6, r.stdout.toString());
    t.is(r.json?.error?.code, 'VSS_TIMEOUT');
    t.regex(r.json.error.message, /PrepareForBackup did not finish within 2 s/);
    t.true(performance.now() - started < 30_000, 'the wait ended at the timeout, not with the operation');
    const m = methods(calls);
    t.true(m.includes('IVssAsync::Cancel'), calls.join('\n'));
    t.false(m.includes('DoSnapshotSet') || m.includes('BackupComplete'));
    t.false(existsSync(c.archive));
    t.deepEqual(await readdir(c.snapshots), []);
    t.regex(calls.at(-1) ?? '', /^Release final .* live=0 completed=0/, calls.join('\n'));
  },
);
