// Windows event log reporting by the shipped adbackup.exe under Wine 10: ReportEventW through koffi/advapi32, source
// ADDatabaseBackup. Wine's advapi32 writes each reported string to its debug channel `eventlog` (an error event at
// ERR, a warning at WARN, others at TRACE), so WINEDEBUG=+eventlog shows what the event viewer would. The source's
// registration is a key in Wine's registry, as Register-ADDatabaseBackupEventSource writes it on Windows.
import { join } from 'node:path';
import { makeDsaFolder } from '../fixtures/synthetic-dsa.ts';
import { windowsPath } from '../support/wine.ts';
import { setup, wineSerialTest } from '../support/windows-exe.ts';

const wineTest = wineSerialTest('event-log.test.ts');
const SOURCE_KEY = 'HKLM\\SYSTEM\\CurrentControlSet\\Services\\EventLog\\Application\\ADDatabaseBackup';
const small = {
  databaseBytes: 512 * 1024,
  logFileBytes: 64 * 1024,
  logs: 2,
  state: 'dirty' as const,
  backup: 'snapshot' as const,
};

wineTest(
  'backup, verify and a failed restore are reported to the Application log; an unregistered source is a warning',
  async (t) => {
    const s = await setup();
    t.is(s.sha256, s.builtSha256, 'the shipped exe, byte-identical to the build');
    const f = await makeDsaFolder(join(s.dir, 'NTDS-events'), small);
    const archive = join(s.dir, 'events.tar.zst');
    const trace = { WINEDEBUG: '+eventlog' };
    await s.wine.run(['reg', 'delete', SOURCE_KEY, '/f']);

    const b = await s.call(
      ['backup'],
      {
        source: { type: 'folder', path: windowsPath(f.dir), computer: 'DC01' },
        destination: { path: windowsPath(archive) },
      },
      trace,
    );
    t.is(b.code, 0, b.stdout.toString());
    const stderr = b.stderr;
    t.regex(stderr, /warn:eventlog:.*adbackup backup: warning/s, 'an unencrypted backup is a warning event');
    t.true(stderr.includes(b.json.sha256), 'the event names the archive hash');
    t.true(
      (b.json.warnings ?? []).some((w: string) => /not encrypted/.test(w)),
      'secure by default: said',
    );
    t.true((b.json.warnings ?? []).some((w: string) => /event source ADDatabaseBackup is not registered/.test(w)));

    const add = await s.wine.run([
      'reg',
      'add',
      SOURCE_KEY,
      '/v',
      'EventMessageFile',
      '/t',
      'REG_EXPAND_SZ',
      '/d',
      '%SystemRoot%\\Microsoft.NET\\Framework64\\v4.0.30319\\EventLogMessages.dll',
      '/f',
    ]);
    t.is(add.code, 0, add.stderr);
    const v = await s.call(['verify'], { archive: windowsPath(archive) }, trace);
    t.is(v.code, 0);
    t.regex(v.stderr, /adbackup verify: success/);
    t.is(v.json.warnings, undefined, 'registered: no warning');

    const r = await s.call(
      ['restore'],
      {
        archive: windowsPath(join(s.dir, 'missing.tar.zst')),
        target: { type: 'files', root: windowsPath(join(s.dir, 'root')) },
      },
      trace,
    );
    t.not(r.code, 0);
    t.regex(r.stderr, /err:eventlog:.*adbackup restore: failure/s, 'a failure is an error event');

    const off = await s.call(['verify'], { archive: windowsPath(archive), report: { eventLog: false } }, trace);
    t.is(off.code, 0);
    t.notRegex(off.stderr, /adbackup verify: success/, 'eventLog: false writes no event');
  },
);
