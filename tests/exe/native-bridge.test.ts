// The native bridge for real: the shipped adbackup.exe (byte-identical to the build, see windows-exe.ts) under Wine 10 calls the emulated ntdsbcli.dll (tests/native, mingw-w64)
// through koffi for an online backup and a restore through the API, and writes Wine's registry through advapi32.
import test, { type ExecutionContext } from 'ava';
import { createHash } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeDsaFolder } from '../fixtures/synthetic-dsa.ts';
import { adbackup } from '../support/cli.ts';
import { projectRoot } from '../support/shared.ts';
import { windowsPath } from '../support/wine.ts';
import { setup, wineSerialTest } from '../support/windows-exe.ts';
import { parseRegQuery } from '../support/reg-query.ts';
import { numberedLogName } from '../../src/logs/names.ts';
import { ensureEmulatedDlls } from '../support/emulated-dlls.ts';

const dll = join(projectRoot, 'build', 'native', 'ntdsbcli.dll');
const missingExportDll = join(projectRoot, 'build', 'native', 'missing-export', 'ntdsbcli.dll');
const wineTest = wineSerialTest('native-bridge.test.ts');

test.before(() => {
  const failed = ensureEmulatedDlls();
  if (failed) throw new Error(`building the emulated ntdsbcli.dll failed: ${failed}`);
});

const small = { databaseBytes: 512 * 1024, logFileBytes: 64 * 1024, logs: 3, state: 'dirty' as const };
const emu = (dsa: string, extra: Record<string, string> = {}) => ({
  ADBACKUP_NTDSBCLI: windowsPath(dll),
  NTDSBCLI_EMU_DSA: windowsPath(dsa),
  NTDSBCLI_EMU_COMPUTER: 'DC01',
  ...extra,
});
const sha = async (p: string) =>
  createHash('sha256')
    .update(await readFile(p))
    .digest('hex');

/** `reg query KEY` under the prefix → name → [type, data]. */
async function regQuery(s: Awaited<ReturnType<typeof setup>>, key: string): Promise<Record<string, [string, string]>> {
  const r = await s.wine.run(['reg', 'query', key]);
  return Object.fromEntries(parseRegQuery(r.stdout.toString('utf8')).map((v) => [v.name, [v.type, v.data.trim()]]));
}

wineTest(
  'online backup through the emulated DLL: the archive verifies and holds what a folder backup holds',
  async (t) => {
    const s = await setup();
    t.is(s.sha256, s.builtSha256, 'the shipped exe, byte-identical to the build');
    const f = await makeDsaFolder(join(s.dir, 'NTDS-backup'), small);
    const archive = join(s.dir, 'api.tar.zst');
    const r = await s.call(
      ['backup'],
      { source: { type: 'api', server: 'DC01' }, destination: { path: windowsPath(archive) } },
      emu(f.dir),
    );
    t.is(r.code, 0, r.stdout.toString() + r.stderr);
    const m = r.json.manifest;
    t.is(m.source.type, 'api');
    t.is(m.source.computer, 'DC01');
    const edbLogGen = f.expected.high;
    t.deepEqual(
      m.files.map((x: { entry: string }) => x.entry),
      ['ntds/ntds.dit', ...[1, 2, 3, 4].map((g) => `logs/${numberedLogName(g)}`), 'meta/expiry-token.bin'],
      'the current log arrives rolled, under its number',
    );
    t.true(m.files[0].originalPathUnc.startsWith('\\\\DC01\\'));
    const ver = await adbackup(['verify'], { archive }); // the Linux side reads what the Windows side wrote
    t.is(ver.code, 0, ver.stdout);

    const folderArchive = join(s.dir, 'folder.tar.zst');
    const fb = await adbackup(['backup'], {
      source: { type: 'folder', path: f.dir },
      destination: { path: folderArchive },
    });
    t.is(fb.code, 0, fb.stdout);
    // The API lists no checkpoint and adds the expiry token; the database and the logs are the same bytes.
    const bySha = (files: { entry: string; sha256: string; role: string }[]) =>
      files
        .filter((x) => x.role === 'database' || x.role === 'log')
        .map((x) => x.sha256)
        .sort();
    t.deepEqual(bySha(m.files), bySha(fb.json.manifest.files), 'same bytes as the folder backup of the same data');
    t.is(
      m.files.find((x: { entry: string }) => x.entry === `logs/${numberedLogName(edbLogGen)}`).sha256,
      await sha(join(f.logPath, 'edb.log')),
    );
  },
);

wineTest('restore through the API registers the expected values in the registry and copies the files', async (t) => {
  const s = await setup();
  const f = await makeDsaFolder(join(s.dir, 'NTDS-restore'), small);
  const archive = join(s.dir, 'api-restore.tar.zst');
  const b = await s.call(
    ['backup'],
    { source: { type: 'api', server: 'DC01' }, destination: { path: windowsPath(archive) } },
    emu(f.dir),
  );
  t.is(b.code, 0, b.stdout.toString());
  const target = join(s.dir, 'restore-target');
  await mkdir(target);
  const env = emu(f.dir, { NTDSBCLI_EMU_ONLINE: '0', NTDSBCLI_EMU_RESTORE_DIR: windowsPath(target) });
  const r = await s.call(['restore'], { archive: windowsPath(archive), target: { type: 'api', server: 'DC01' } }, env);
  t.is(r.code, 0, r.stdout.toString() + r.stderr);
  t.is(await sha(join(target, 'ntds.dit')), await sha(f.databasePath));
  t.is(await sha(join(target, numberedLogName(f.expected.high))), await sha(join(f.logPath, 'edb.log')));
  const reg = await regQuery(s, 'HKLM\\SYSTEM\\CurrentControlSet\\Services\\NTDS\\Restore in Progress');
  const unc = `\\\\DC01\\Z$${windowsPath(target).slice(2)}`;
  t.deepEqual(reg['LowLog Number'], ['REG_DWORD', '0x1']);
  t.deepEqual(reg['HighLog Number'], ['REG_DWORD', `0x${f.expected.high.toString(16)}`]);
  t.deepEqual(reg['NTDS_RstMap Size'], ['REG_DWORD', '0x1']);
  t.deepEqual(reg['BackupLogPath'], ['REG_SZ', unc]);
  t.deepEqual(reg['NTDS Database recovered']?.[0], 'REG_BINARY');
  t.is(reg['NTDS_RstMap']?.[0], 'REG_MULTI_SZ');
  t.true(reg['NTDS_RstMap']![1].includes(`${unc}\\ntds.dit`));
  const done = await regQuery(s, 'HKLM\\Software\\ADDatabaseBackup\\ntdsbcli-emu');
  t.deepEqual(done['Emulator RegisterComplete HRESULT'], ['REG_DWORD', '0x0'], 'DsRestoreRegisterComplete(S_OK)');
});

/** A folder backup (on Linux) of `dir`, recorded as DC01's C:\Windows\NTDS; its result. */
async function backupAsDc01(t: ExecutionContext, dir: string, archive: string) {
  const b = await adbackup(['backup'], {
    source: {
      type: 'folder',
      path: dir,
      computer: 'DC01',
      recordAs: { databasePath: 'C:\\Windows\\NTDS\\ntds.dit', logPath: 'C:\\Windows\\NTDS' },
    },
    destination: { path: archive },
  });
  t.is(b.code, 0, b.stdout);
  return b;
}

wineTest(
  'a file-level restore with registry.apply writes the KB 814167 plan into the registry (advapi32)',
  async (t) => {
    const s = await setup();
    // A VSS snapshot's database: what Restore in Progress (ESE's hard recovery) accepts.
    const f = await makeDsaFolder(join(s.dir, 'NTDS-files'), { ...small, backup: 'snapshot' });
    const archive = join(s.dir, 'files.tar.zst');
    const b = await backupAsDc01(t, f.dir, archive);
    const root = join(s.dir, 'volume');
    await mkdir(join(root, 'C', 'Windows', 'NTDS'), { recursive: true });
    const refused = await s.call(['restore'], {
      archive: windowsPath(archive),
      target: { type: 'files', root: windowsPath(root) },
      registry: { apply: true },
    });
    t.is(refused.code, 4, 'not in Directory Services Restore Mode');
    t.is(refused.json.error.code, 'NOT_IN_RESTORE_MODE');
    const r = await s.call(
      ['restore'],
      { archive: windowsPath(archive), target: { type: 'files', root: windowsPath(root) }, registry: { apply: true } },
      { SAFEBOOT_OPTION: 'DSREPAIR' },
    );
    t.is(r.code, 0, r.stdout.toString() + r.stderr);
    t.deepEqual(r.json.registryWrittenTo, ['HKLM (advapi32)']);
    const reg = await regQuery(s, 'HKLM\\SYSTEM\\CurrentControlSet\\Services\\NTDS\\Restore in Progress');
    t.deepEqual(reg['LogPath'], ['REG_SZ', '\\\\DC01\\C$\\Windows\\NTDS']);
    t.deepEqual(reg['LowLog Number'], ['REG_DWORD', '0x1']);
    t.deepEqual(reg['HighLog Number'], ['REG_DWORD', `0x${(f.expected.high - 1).toString(16)}`]);
    t.deepEqual(reg['NTDS Database recovered'], ['REG_BINARY', '00']);
    const params = await regQuery(s, 'HKLM\\SYSTEM\\CurrentControlSet\\Services\\NTDS\\Parameters');
    t.regex(params['New Database GUID']?.[1] ?? '', /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    t.is(await sha(join(root, 'C', 'Windows', 'NTDS', 'ntds.dit')), await sha(f.databasePath));
  },
);

wineTest(
  "database-restored-from-backup through registry.apply: the value set, DSA Database Epoch removed, the receipt, and restore-status pending → completed from Wine's registry",
  async (t) => {
    const s = await setup();
    const f = await makeDsaFolder(join(s.dir, 'NTDS-drfb'), { ...small, logs: 0, state: 'clean' });
    const archive = join(s.dir, 'drfb.tar.zst');
    const b = await backupAsDc01(t, f.dir, archive);
    t.is(b.json.manifest.logRange.restoreMethod, 'database-restored-from-backup');
    const params = 'HKLM\\SYSTEM\\CurrentControlSet\\Services\\NTDS\\Parameters';
    // The DC's registry before the restore: restored twice before, and the copy protection of the broken database
    // (and no Restore in Progress key, which an earlier test of this prefix may have left).
    await s.wine.run(['reg', 'delete', 'HKLM\\SYSTEM\\CurrentControlSet\\Services\\NTDS\\Restore in Progress', '/f']);
    for (const [name, value] of [
      ['DSA Previous Restore Count', '2'],
      ['DSA Database Epoch', '12345'],
    ] as const) {
      const add = await s.wine.run(['reg', 'add', params, '/v', name, '/t', 'REG_DWORD', '/d', value, '/f']);
      t.is(add.code, 0, add.stderr.toString());
    }
    const root = join(s.dir, 'volume-drfb');
    await mkdir(join(root, 'C', 'Windows', 'NTDS'), { recursive: true });
    const r = await s.call(
      ['restore'],
      { archive: windowsPath(archive), target: { type: 'files', root: windowsPath(root) }, registry: { apply: true } },
      { SAFEBOOT_OPTION: 'DSREPAIR' },
    );
    t.is(r.code, 0, r.stdout.toString() + r.stderr);
    t.is(r.json.method, 'database-restored-from-backup');
    t.deepEqual(r.json.before, {
      readFrom: 'HKLM (advapi32)',
      previousRestoreCount: 2,
      databaseEpoch: 12345,
      databaseRestoredFromBackup: null,
      restoreInProgress: false,
    });
    const after = await regQuery(s, params);
    t.deepEqual(after['Database restored from backup'], ['REG_DWORD', '0x1']);
    t.is(after['DSA Database Epoch'], undefined, 'removed');
    t.deepEqual(after['DSA Previous Restore Count'], ['REG_DWORD', '0x2']);
    const receipt = JSON.parse(
      await readFile(join(root, 'C', 'Windows', 'NTDS', r.json.receipt.split('\\').slice(-2).join('/')), 'utf8'),
    );
    t.is(receipt.before.databaseEpoch, 12345);

    const pending = await s.call(['restore-status'], { receipt: r.json.receipt }, {});
    t.is(pending.code, 0, pending.stdout.toString());
    t.is(pending.json.status, 'pending', pending.json.reasons?.join('; '));
    // NTDS's next start, stood in for: the restore counted.
    await s.wine.run(['reg', 'add', params, '/v', 'DSA Previous Restore Count', '/t', 'REG_DWORD', '/d', '3', '/f']);
    const completed = await s.call(['restore-status'], { receipt: r.json.receipt }, {});
    t.is(completed.json.status, 'completed', completed.json.reasons?.join('; '));
    t.is(completed.json.now.previousRestoreCount, 3);
    for (const name of ['Database restored from backup', 'DSA Previous Restore Count'])
      await s.wine.run(['reg', 'delete', params, '/v', name, '/f']);
  },
);

wineTest('missing DLL, missing export and API errors give decoded, structured errors', async (t) => {
  const s = await setup();
  const f = await makeDsaFolder(join(s.dir, 'NTDS-errors'), small);
  const req = {
    source: { type: 'api', server: 'DC01' },
    destination: { path: windowsPath(join(s.dir, 'never.tar.zst')) },
  };
  const nodll = await s.call(
    ['backup'],
    req,
    emu(f.dir, { ADBACKUP_NTDSBCLI: windowsPath(join(s.dir, 'nowhere', 'ntdsbcli.dll')) }),
  );
  t.is(nodll.code, 6);
  t.is(nodll.json.error.code, 'NTDSBCLI_UNAVAILABLE');
  t.regex(nodll.json.error.message, /"source": \{"type": "folder"\}/);
  const noexport = await s.call(['backup'], req, emu(f.dir, { ADBACKUP_NTDSBCLI: windowsPath(missingExportDll) }));
  t.is(noexport.code, 6);
  t.is(noexport.json.error.code, 'NTDSBCLI_EXPORT_MISSING');
  t.regex(noexport.json.error.message, /DsBackupTruncateLogs/);
  for (const [fail, name, exit] of [
    ['DsBackupRead:0xC8000212', 'hrBadLogSignature', 6],
    ['DsBackupPrepareW:0xC7FF0007', 'hrCouldNotConnect', 6],
    ['DsBackupOpenFileW:0x00000005', 'ERROR_ACCESS_DENIED', 6],
  ] as const) {
    const r = await s.call(['backup'], req, emu(f.dir, { NTDSBCLI_EMU_FAIL: fail }));
    t.is(r.code, exit, fail);
    t.is(r.json.error.details.name, name);
    t.regex(r.json.error.message, new RegExp(`${fail.split(':')[0]} failed: ${name}`));
  }
  const offline = await s.call(['backup'], req, emu(f.dir, { NTDSBCLI_EMU_ONLINE: '0' }));
  t.is(offline.json.error.code, 'NTDS_OFFLINE');
  // A token that the server finds expired: hrContentsExpired is a refused precondition, like our own shelf-life check.
  const archive = join(s.dir, 'short-lived.tar.zst');
  const b = await s.call(
    ['backup'],
    { ...req, destination: { path: windowsPath(archive) } },
    emu(f.dir, { NTDSBCLI_EMU_TSL_DAYS: '0' }),
  );
  t.is(b.code, 0, b.stdout.toString());
  const target = join(s.dir, 'expired-target');
  await mkdir(target);
  const r = await s.call(
    ['restore'],
    { archive: windowsPath(archive), target: { type: 'api', server: 'DC01' } },
    emu(f.dir, { NTDSBCLI_EMU_ONLINE: '0', NTDSBCLI_EMU_RESTORE_DIR: windowsPath(target) }),
  );
  t.is(r.code, 4, r.stdout.toString());
  t.is(r.json.error.code, 'BACKUP_EXPIRED');
  t.is(r.json.error.details.name, 'hrContentsExpired');
});
