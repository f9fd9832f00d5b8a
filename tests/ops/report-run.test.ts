import test from 'ava';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tempDir } from '../support/temp.ts';
import { reportRun, type ReportPorts } from '../../src/ops/report-run.ts';
import { EVENT_IDS, eventText, recordOfError, recordOfResult } from '../../src/ops/outcome.ts';
import { AppError } from '../../src/errors.ts';
import { withPlaintextWarning } from '../../src/ops/plaintext-warning.ts';

const times = { start: new Date('2026-12-01T02:00:00Z'), end: new Date('2026-12-01T02:03:00Z') };
const backup = {
  archive: 'D:\\ADBackup\\DC01-ntds-20261201T020000Z.tar.zst',
  size: 123456,
  sha256: 'cd'.repeat(32),
  manifest: { source: { computer: 'DC01' }, findings: [] },
};

function ports(platform: NodeJS.Platform, fail?: string) {
  const events: { type: string; eventId: number; text: string }[] = [];
  const p: ReportPorts = {
    platform,
    async reportEvent(e) {
      if (fail) throw new AppError('Platform', 'EVENT_LOG_FAILED', fail);
      events.push(e);
      return [];
    },
  };
  return { p, events };
}

test('on Windows an event by default, with the documented ID, the archive and the hash; elsewhere none unless asked', async (t) => {
  const win = ports('win32');
  t.deepEqual(await reportRun('backup', recordOfResult('backup', backup, times), undefined, win.p), []);
  t.is(win.events.length, 1);
  t.is(win.events[0]!.eventId, EVENT_IDS.backup.success);
  t.is(win.events[0]!.type, 'success');
  t.regex(win.events[0]!.text, /Archive: D:\\ADBackup\\DC01-ntds-20261201T020000Z\.tar\.zst/);
  t.regex(win.events[0]!.text, /SHA256: (cd){32}/);
  const off = ports('win32');
  await reportRun('backup', recordOfResult('backup', backup, times), { eventLog: false }, off.p);
  t.is(off.events.length, 0);
  const linux = ports('linux');
  await reportRun('backup', recordOfResult('backup', backup, times), undefined, linux.p);
  t.is(linux.events.length, 0);
  await reportRun('backup', recordOfResult('backup', backup, times), { eventLog: true }, linux.p);
  t.is(linux.events.length, 1);
});

test('outcomes: a failure carries the error code; a damaged verify is a failure; prune failures are a warning', async (t) => {
  const w = ports('win32');
  const err = new AppError('Precondition', 'BACKUP_EXPIRED', 'the backup expired', { target: 'x.tar.zst' });
  await reportRun('restore', recordOfError('restore', err, times), undefined, w.p);
  t.is(w.events[0]!.eventId, EVENT_IDS.restore.failure);
  t.regex(w.events[0]!.text, /Error: BACKUP_EXPIRED: the backup expired/);
  t.is(recordOfResult('verify', { archive: 'a', ok: false }, times, true).outcome, 'failure');
  t.is(recordOfResult('prune', { folder: 'f', failedCount: 1, items: [] }, times).outcome, 'warning');
  t.is(recordOfResult('backup', { ...backup, warnings: ['retention did not run'] }, times).outcome, 'warning');
  t.is(
    eventText(recordOfResult('prune', { folder: 'D:\\b', failedCount: 0, items: [] }, times)).split('\r\n')[0],
    'adbackup prune: success',
  );
});

test('a report that cannot be made is a warning, never an exception', async (t) => {
  const dir = await tempDir(t);
  const broken = ports('win32', 'access denied');
  const warnings = await reportRun(
    'backup',
    recordOfResult('backup', backup, times),
    { log: join(dir, 'no-such-folder', 'runs.jsonl') },
    broken.p,
  );
  t.is(warnings.length, 2);
  t.regex(warnings[0]!, /run log was not written/);
  t.regex(warnings[1]!, /no event was written.*access denied/);
  const log = join(dir, 'runs.jsonl');
  t.deepEqual(await reportRun('backup', recordOfResult('backup', backup, times), { log }, ports('linux').p), []);
  const line = JSON.parse(await readFile(log, 'utf8'));
  t.like(line, { command: 'backup', outcome: 'success', computer: 'DC01', size: 123456, errorCode: null });
});

test('an unencrypted backup warns, louder on a network share; an encrypted one does not', (t) => {
  t.is(withPlaintextWarning({ archive: 'D:\\ADBackup\\a.tar.zst.age' }, true).warnings, undefined);
  const local = withPlaintextWarning({ archive: 'D:\\ADBackup\\a.tar.zst', warnings: ['earlier'] }, false).warnings!;
  t.is(local[0], 'earlier');
  t.regex(local[1]!, /not encrypted: it holds every password hash/);
  for (const unc of ['\\\\backup01\\ad$\\a.tar.zst', '//backup01/ad/a.tar.zst'])
    t.regex(withPlaintextWarning({ archive: unc }, false).warnings![0]!, /network share: everyone who can read/);
});
