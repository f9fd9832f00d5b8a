// source.checkpointPath as NTDS and KB 814167 name it: a folder (NTDS's "DSA Working Directory", the restore's
// CheckpointFilePath), in which the checkpoint is <base>.chk; or the checkpoint file itself. The same holds for
// recordAs.checkpointPath, the DC's own location, which a restore reads as the checkpoint file's path.
import test from 'ava';
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeDsaFolder } from '../fixtures/synthetic-dsa.ts';
import { tempDir } from '../support/temp.ts';
import { adbackup } from '../support/cli.ts';
import { findCheckpointIn } from '../../src/platform/folder-source.ts';

const small = { databaseBytes: 1024 * 1024, logFileBytes: 64 * 1024, logs: 3, state: 'dirty' as const };

/** A DSA whose checkpoint lives in its own working folder, apart from the logs, under the name given. */
async function splitDsa(t: import('ava').ExecutionContext, checkpointName = 'edb.chk') {
  const dir = await tempDir(t);
  const f = await makeDsaFolder(join(dir, 'Logs'), small);
  const work = join(dir, 'Work');
  await mkdir(work);
  const checkpoint = join(work, checkpointName);
  await rename(f.checkpointPath, checkpoint);
  const source = { type: 'folder', databasePath: f.databasePath, logPath: f.logPath, computer: 'DC01' };
  return { dir, f, work, checkpoint, source };
}

async function sha(path: string) {
  return createHash('sha256')
    .update(await readFile(path))
    .digest('hex');
}

for (const name of ['edb.chk', 'EDB.CHK']) {
  test(`source.checkpointPath may be the folder holding the checkpoint (${name}): it is archived from there`, async (t) => {
    const { dir, work, checkpoint, source } = await splitDsa(t, name);
    const r = await adbackup(['backup'], {
      source: { ...source, checkpointPath: work },
      destination: { path: join(dir, 'a.tar.zst') },
    });
    t.is(r.code, 0, r.stdout);
    const m = r.json.manifest;
    t.is(m.source.paths.checkpoint.path, checkpoint);
    const cp = m.files.find((x: { role: string }) => x.role === 'checkpoint');
    t.like(cp, { entry: `checkpoint/${name}`, originalPath: checkpoint, sha256: await sha(checkpoint) });
    t.is(cp.ese.kind, 'checkpoint');
    t.deepEqual(m.findings, []);
    const v = await adbackup(['verify'], { archive: join(dir, 'a.tar.zst') });
    t.is(v.code, 0, v.stdout);
  });
}

test('source.checkpointPath as the checkpoint file still works', async (t) => {
  const { dir, checkpoint, source } = await splitDsa(t);
  const r = await adbackup(['backup'], {
    source: { ...source, checkpointPath: checkpoint },
    destination: { path: join(dir, 'a.tar.zst') },
  });
  t.is(r.code, 0, r.stdout);
  t.is(r.json.manifest.source.paths.checkpoint.path, checkpoint);
});

test('a checkpoint folder without <base>.chk: exit 5 FILE_NOT_FOUND naming the file looked for', async (t) => {
  const { dir, work, checkpoint, source } = await splitDsa(t);
  await rename(checkpoint, join(dir, 'elsewhere.chk'));
  await writeFile(join(work, 'edb.jcp'), 'not the checkpoint');
  const r = await adbackup(['backup'], {
    source: { ...source, checkpointPath: work },
    destination: { path: join(dir, 'a.tar.zst') },
  });
  t.is(r.code, 5, r.stdout);
  t.like(r.json.error, { code: 'FILE_NOT_FOUND', target: join(work, 'edb.chk') });
  t.regex(r.json.error.message, /no edb\.chk in the checkpoint folder/);
});

test("recordAs.checkpointPath may be the DC's checkpoint folder: the file in it is recorded, as a restore expects", async (t) => {
  const { dir, checkpoint, source } = await splitDsa(t);
  const recordAs = { databasePath: 'C:\\Windows\\NTDS\\ntds.dit', logPath: 'D:\\NTDS\\Logs' };
  const asFolder = await adbackup(['backup'], {
    source: { ...source, checkpointPath: checkpoint, recordAs: { ...recordAs, checkpointPath: 'E:\\NTDS\\Work' } },
    destination: { path: join(dir, 'a.tar.zst') },
  });
  t.is(asFolder.code, 0, asFolder.stdout);
  t.deepEqual(asFolder.json.manifest.source.paths.checkpoint, {
    path: 'E:\\NTDS\\Work\\edb.chk',
    unc: '\\\\DC01\\E$\\NTDS\\Work\\edb.chk',
  });
  t.is(asFolder.json.manifest.files.at(-1).originalPath, 'E:\\NTDS\\Work\\edb.chk');
  const asFile = await adbackup(['backup'], {
    source: {
      ...source,
      checkpointPath: checkpoint,
      recordAs: { ...recordAs, checkpointPath: 'E:\\NTDS\\Work\\EDB.CHK' },
    },
    destination: { path: join(dir, 'b.tar.zst') },
  });
  t.is(asFile.code, 0, asFile.stdout);
  t.is(asFile.json.manifest.source.paths.checkpoint.path, 'E:\\NTDS\\Work\\EDB.CHK');
});

test('findCheckpointIn: <base>.chk in any case, the log base in use, not the checkpoint journal', async (t) => {
  const dir = await tempDir(t);
  for (const n of ['Edb.Chk', 'res.jcp', 'RES.CHK', 'edb.chk.old']) await writeFile(join(dir, n), 'x');
  await mkdir(join(dir, 'xyz.chk'));
  t.is(await findCheckpointIn(dir, 'edb'), join(dir, 'Edb.Chk'));
  t.is(await findCheckpointIn(dir, 'res'), join(dir, 'RES.CHK'));
  t.is(await findCheckpointIn(dir, 'xyz'), null, 'a folder of that name is not the checkpoint');
  t.is(await findCheckpointIn(join(dir, 'missing'), 'edb'), null);
});
