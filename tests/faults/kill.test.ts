// kill -9 at random points: a killed process cannot clean up, so what it leaves must be safe by construction.
// Backup: nothing under the final name (at most `<name>.partial` files, which the next backup to that name refuses
// to take over unless told to), or a complete archive that verifies. Restore: run again after the kill, it
// completes, the files are byte-exact, and the originals the first run set aside are still intact.
import test from 'ava';
import { spawn } from 'node:child_process';
import { mkdir, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeDsaFolder } from '../fixtures/synthetic-dsa.ts';
import { Prng } from '../fixtures/prng.ts';
import { tempDir } from '../support/temp.ts';
import { adbackup, cliCommand } from '../support/cli.ts';
import { snapshotTree } from '../support/tree.ts';
import { verifyArchive } from '../../src/archive/verify.ts';
import { runBackup } from '../../src/backup/backup.ts';
import { createFolderSource } from '../../src/platform/folder-source.ts';
import { allowTime, scale, seedFor } from './support.ts';

const BACKUP_KILLS = scale(10, 50);
const RESTORE_KILLS = scale(3, 12);

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  ms: number;
}

/**
 * Runs adbackup with `request`; `killAt(elapsedMs)` may schedule a SIGKILL. `onStderr` sees each stderr chunk
 * (progress events) with the same kill function.
 */
function run(
  args: string[],
  request: object,
  options: { killAfterMs?: number; onStderr?: (text: string, kill: (afterMs: number) => void) => void } = {},
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const [cmd, argv] = cliCommand(args);
    const started = Date.now();
    const child = spawn(cmd, argv, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let timer: NodeJS.Timeout | undefined;
    const kill = (afterMs: number) => {
      timer ??= setTimeout(() => child.kill('SIGKILL'), afterMs);
    };
    if (options.killAfterMs !== undefined) kill(options.killAfterMs);
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => options.onStderr?.(d.toString(), kill));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, ms: Date.now() - started });
    });
    child.stdin.on('error', () => {});
    child.stdin.end(JSON.stringify(request));
  });
}

test.serial(
  `kill -9 at ${BACKUP_KILLS} random points of a backup: nothing under the final name, or an archive that verifies`,
  async (t) => {
    allowTime(t, 240_000, 1_200_000);
    const dir = await tempDir(t);
    // Big enough that a backup takes about a second and a half here.
    const f = await makeDsaFolder(join(dir, 'NTDS'), { databaseBytes: 320 << 20, logFileBytes: 1 << 20, logs: 4 });
    const out = join(dir, 'out');
    await mkdir(out);
    const request = (name: string, extra: object = {}) => ({
      source: { type: 'folder', path: f.dir, computer: 'DC01' },
      destination: { path: join(out, name) },
      ...extra,
    });
    const base = await run(['backup'], request('base.tar.zst'));
    t.is(base.code, 0, base.stdout);
    await rm(join(out, 'base.tar.zst'));
    await rm(join(out, 'base.tar.zst.manifest.json'));

    const rng = new Prng(seedFor(8101));
    const tally = { nothing: 0, partial: 0, archiveOnly: 0, complete: 0, finished: 0 };
    let stale: string | null = null;
    for (let i = 0; i < BACKUP_KILLS; i++) {
      const name = `k${i}.tar.zst`;
      const final = join(out, name);
      const delay = Math.floor((rng.next() / 2 ** 32) * base.ms * 1.3); // some land after the end: complete archives
      const r = await run(['backup'], request(name), { killAfterMs: delay });
      const left = (await readdir(out)).filter((n) => n.startsWith(name)).sort();
      const where = `kill #${i} after ${delay} ms (of ~${base.ms}): ${r.signal ?? `exit ${r.code}`}, left ${JSON.stringify(left)}`;
      if (r.signal === null) {
        t.is(r.code, 0, `${where}: ${r.stdout}`);
        tally.finished++;
      }
      if (left.includes(name)) {
        const v = await verifyArchive(final);
        t.true(v.ok, `${where}: ${JSON.stringify(v.findings)}`);
        if (left.includes(name + '.manifest.json')) tally.complete++;
        else tally.archiveOnly++; // killed between the two renames: the archive stands alone, and verifies
        t.false(left.includes(name + '.partial'), where);
      } else {
        // Nothing under the final name; the sidecar never comes before the archive.
        t.true(
          left.every((n) => n === name + '.partial' || n === name + '.manifest.json.partial'),
          where,
        );
        if (left.length > 0) {
          tally.partial++;
          if (stale === null) {
            stale = name;
            continue; // kept for the next backup to meet
          }
        } else tally.nothing++;
      }
      for (const n of left) await rm(join(out, n));
    }
    t.log(`${BACKUP_KILLS} kills: ${JSON.stringify(tally)}`);
    t.true(tally.partial > 0, 'some kill landed while the archive was being written');

    // The next backup to a name whose .partial a killed run left: refused, the leftover untouched; overwrite takes over.
    const partial = join(out, stale! + '.partial');
    const before = (await stat(partial)).size;
    const refused = await adbackup(['backup'], request(stale!));
    t.is(refused.code, 4, refused.stdout);
    t.is(refused.json.error.code, 'PARTIAL_EXISTS');
    t.is((await stat(partial)).size, before, 'the refused run left the .partial alone');
    const taken = await adbackup(['backup'], request(stale!, { overwrite: true }));
    t.is(taken.code, 0, taken.stdout);
    t.deepEqual((await readdir(out)).filter((n) => n.startsWith(stale!)).sort(), [stale!, stale! + '.manifest.json']);
    t.true((await verifyArchive(join(out, stale!))).ok);
  },
);

const NTDS = 'C:\\Windows\\NTDS';

test.serial(
  `kill -9 during the file writes of a restore (${RESTORE_KILLS} points), then run it again: complete, byte-exact, originals intact`,
  async (t) => {
    allowTime(t, 240_000, 900_000);
    const dir = await tempDir(t);
    const f = await makeDsaFolder(join(dir, 'snapshot'), {
      databaseBytes: 160 << 20,
      logFileBytes: 1 << 20,
      logs: 4,
      state: 'dirty',
    });
    const archive = join(dir, 'dc01.tar.zst');
    const source = createFolderSource({
      path: f.dir,
      computer: 'DC01',
      recordAs: { databasePath: `${NTDS}\\ntds.dit`, logPath: NTDS },
    });
    await runBackup(source, { destination: { path: archive } }, { now: () => new Date(), progress: () => {} });
    const wanted = await snapshotTree(f.dir);
    const restored = ['ntds.dit', ...f.logNames];

    const rng = new Prng(seedFor(8102));
    let writeMs = 0;
    const tally = { killedWriting: 0, finishedFirst: 0 };
    for (let k = 0; k <= RESTORE_KILLS; k++) {
      const root = join(dir, `root${k}`);
      const live = join(root, 'C', 'Windows', 'NTDS');
      await mkdir(live, { recursive: true });
      // The broken DC's files, different in every round.
      const originals: Record<string, string> = {
        'ntds.dit': `old database ${k}`,
        'ntds.jfm': `old flush map ${k}`,
        'edb.log': `old current log ${k}`,
        'edb00007.log': `old log 7 ${k}`,
        'edb.chk': `old checkpoint ${k}`,
      };
      for (const [n, text] of Object.entries(originals)) await writeFile(join(live, n), text);
      const request = {
        archive,
        target: { type: 'files', root },
        registry: { regFile: join(dir, `r${k}.reg`), overwriteRegFile: true },
      };

      // Round 0 measures how long the writes take; every later round kills somewhere inside them.
      let firstWrite = 0;
      const delay = k === 0 ? null : Math.floor((rng.next() / 2 ** 32) * writeMs);
      const first = await run(['restore', '--progress'], request, {
        onStderr: (text, kill) => {
          if (firstWrite === 0 && /"phase":"restore"/.test(text)) {
            firstWrite = Date.now();
            if (delay !== null) kill(delay);
          }
        },
      });
      if (k === 0) {
        t.is(first.code, 0, first.stdout);
        writeMs = Date.now() - firstWrite;
        continue;
      }
      const where = `round ${k}, kill ${delay} ms into the writes (of ~${writeMs}): ${first.signal ?? `exit ${first.code}`}`;
      if (first.signal === 'SIGKILL') {
        tally.killedWriting++;
        const again = await adbackup(['restore'], request);
        t.is(again.code, 0, `${where}; re-run: ${again.stdout}`);
      } else {
        t.is(first.code, 0, `${where}: ${first.stdout}`);
        tally.finishedFirst++;
      }

      const after = await snapshotTree(live);
      for (const n of restored) t.is(after[n], wanted[n], `${where}: ${n} restored byte-exact`);
      // A killed run changed nothing but its .partial files (the pass writes only those; originals move aside only
      // after everything verified). The re-run sets the broken DC's files aside, with the killed run's .partial
      // files beside them, into one pre-restore folder: it holds every original, byte-exact.
      const asides = (await readdir(live)).filter((n) => n.startsWith('pre-restore-')).sort();
      t.true(asides.length >= 1, where);
      const firstAside = join(live, asides[0]!);
      const asideNames = await readdir(firstAside);
      t.true(asideNames.includes('restore-receipt.json'), `${where}: the completing run's receipt`);
      t.deepEqual(
        asideNames.filter((n) => !n.endsWith('.partial') && n !== 'restore-receipt.json').sort(),
        Object.keys(originals).sort(),
        where,
      );
      for (const [n, text] of Object.entries(originals))
        t.is(await readFile(join(firstAside, n), 'utf8'), text, `${where}: original ${n}`);
      t.false(
        Object.keys(after).some((p) => p.endsWith('.partial') && !p.startsWith('pre-restore-')),
        `${where}: no .partial outside the pre-restore folders`,
      );
    }
    t.log(`${RESTORE_KILLS} restores: ${JSON.stringify(tally)}, writes take ~${writeMs} ms`);
    t.true(tally.killedWriting > 0);
    t.deepEqual(
      (await readdir(dir)).filter((n) => !/^(root\d+|r\d+\.reg|snapshot|dc01\.tar\.zst(\.manifest\.json)?)$/.test(n)),
      [],
      'nothing written beside the roots',
    );
  },
);
