// The destination fails under the backup and the restore: a full disk (a small tmpfs), a file-size limit
// (prlimit --fsize: EFBIG; Node ignores SIGXFSZ), a folder the user may not write (chmod 0555, as an unprivileged
// user since root ignores permission bits) and a read-only file system. Each is a clean structured error, exit 5,
// with no .partial left and nothing under the final name; a restore that runs out of space keeps the originals
// it set aside. Mounting needs root (CI runs as root); without it the tmpfs cases say so and the fsize case
// stands in for a full disk.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { chmod, mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeDsaFolder } from '../fixtures/synthetic-dsa.ts';
import { tempDir } from '../support/temp.ts';
import { adbackup, cliCommand } from '../support/cli.ts';
import { snapshotTree } from '../support/tree.ts';
import { runBackup } from '../../src/backup/backup.ts';
import { createFolderSource } from '../../src/platform/folder-source.ts';
import { problemWith } from './support.ts';

const asRoot = process.getuid?.() === 0;

/** Mounts a tmpfs of `size` on `dir` (unmounted when the test ends); false when this machine does not let us. */
function mountTmpfs(t: import('ava').ExecutionContext, dir: string, options: string): boolean {
  if (!asRoot) return false;
  const m = spawnSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir], { encoding: 'utf8' });
  if (m.status !== 0) {
    t.log(`cannot mount a tmpfs here (${m.stderr.trim()}): the file-size-limit case stands in for a full disk`);
    return false;
  }
  t.teardown(() => {
    spawnSync('umount', ['-l', dir]);
  });
  return true;
}

/** Runs adbackup under `prefix` (prlimit, setpriv) with the request on stdin. */
function runUnder(prefix: string[], args: string[], request: object) {
  const [cmd, argv] = cliCommand(args);
  const all = [...prefix, cmd, ...argv];
  const p = spawnSync(all[0]!, all.slice(1), { input: JSON.stringify(request), encoding: 'utf8' });
  return {
    code: p.status ?? -1,
    signal: p.signal,
    stdout: p.stdout,
    stderr: p.stderr,
    json: (() => {
      try {
        return JSON.parse(p.stdout);
      } catch {
        return undefined;
      }
    })(),
  };
}

/** Exit 5 with `code`, the contract kept, and `folder` left empty (no archive, no sidecar, no .partial). */
async function refusedCleanly(
  t: import('ava').ExecutionContext,
  r: { code: number; stdout: string; stderr: string; json?: any },
  code: string,
  folder: string,
) {
  t.is(r.code, 5, r.stdout + r.stderr);
  t.is(r.json?.error?.code, code);
  t.is(problemWith('backup', r), null);
  t.deepEqual(await readdir(folder), []);
}

async function dsa(t: import('ava').ExecutionContext) {
  const dir = await tempDir(t);
  await chmod(dir, 0o755);
  const f = await makeDsaFolder(join(dir, 'NTDS'), {
    databaseBytes: 24 << 20,
    logFileBytes: 256 * 1024,
    logs: 3,
    state: 'dirty',
  });
  return {
    dir,
    f,
    request: (path: string) => ({
      source: { type: 'folder', path: f.dir, computer: 'DC01' },
      destination: { path },
      compression: { type: 'none' },
    }),
  };
}

test('disk full under a backup (8 MiB tmpfs, 24 MiB to write): exit 5 DISK_FULL, the folder left empty', async (t) => {
  const { dir, request } = await dsa(t);
  const mnt = join(dir, 'mnt');
  await mkdir(mnt);
  if (!mountTmpfs(t, mnt, 'size=8m,mode=0755')) return t.pass();
  const r = await adbackup(['backup'], request(join(mnt, 'a.tar')));
  await refusedCleanly(t, r, 'DISK_FULL', mnt);
});

test('a file-size limit (prlimit --fsize, EFBIG): exit 5 FILE_TOO_LARGE, nothing left behind', async (t) => {
  const { dir, request } = await dsa(t);
  const out = join(dir, 'out');
  await mkdir(out);
  const r = runUnder(['prlimit', `--fsize=${4 << 20}`], ['backup'], request(join(out, 'a.tar')));
  t.is(r.signal, null, 'not killed by SIGXFSZ');
  await refusedCleanly(t, r, 'FILE_TOO_LARGE', out);
});

test('a destination folder the user may not write (0555, unprivileged user): exit 5 ACCESS_DENIED', async (t) => {
  const { dir, request } = await dsa(t);
  const out = join(dir, 'out');
  await mkdir(out);
  await chmod(out, 0o555);
  const asNobody = asRoot ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', '--'] : [];
  const r = runUnder(asNobody, ['backup'], request(join(out, 'a.tar')));
  await refusedCleanly(t, r, 'ACCESS_DENIED', out);
});

test('a read-only file system under a backup: exit 5 READ_ONLY_FILE_SYSTEM', async (t) => {
  const { dir, request } = await dsa(t);
  const mnt = join(dir, 'ro');
  await mkdir(mnt);
  if (!mountTmpfs(t, mnt, 'size=8m,ro')) return t.pass();
  const r = await adbackup(['backup'], request(join(mnt, 'a.tar')));
  await refusedCleanly(t, r, 'READ_ONLY_FILE_SYSTEM', mnt);
});

test('disk full under a restore: exit 5 DISK_FULL, no .partial, the originals untouched in place', async (t) => {
  const { dir, f } = await dsa(t);
  const archive = join(dir, 'dc01.tar.zst');
  const source = createFolderSource({
    path: f.dir,
    computer: 'DC01',
    recordAs: { databasePath: 'C:\\Windows\\NTDS\\ntds.dit', logPath: 'C:\\Windows\\NTDS' },
  });
  await runBackup(source, { destination: { path: archive } }, { now: () => new Date(), progress: () => {} });
  const root = join(dir, 'root');
  await mkdir(root);
  if (!mountTmpfs(t, root, 'size=8m,mode=0755')) return t.pass();
  const live = join(root, 'C', 'Windows', 'NTDS');
  await mkdir(live, { recursive: true });
  await writeFile(join(live, 'ntds.dit'), 'old database');
  await writeFile(join(live, 'edb.log'), 'old log');
  const r = await adbackup(['restore'], {
    archive,
    target: { type: 'files', root },
    registry: { regFile: join(dir, 'r.reg') },
  });
  t.is(r.code, 5, r.stdout);
  t.is(r.json.error.code, 'DISK_FULL');
  t.is(problemWith('restore', r), null);
  const after = await snapshotTree(live);
  t.false(
    Object.keys(after).some((p) => p.endsWith('.partial')),
    JSON.stringify(Object.keys(after)),
  );
  // The pass that verifies and writes failed before anything was made real: nothing was even moved aside.
  t.false((await readdir(live)).some((n) => n.startsWith('pre-restore-')));
  t.is(await readFile(join(live, 'ntds.dit'), 'utf8'), 'old database');
  t.is(await readFile(join(live, 'edb.log'), 'utf8'), 'old log');
});
