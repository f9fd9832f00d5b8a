import test from 'ava';
import { appendFile, mkdir, readdir, truncate, unlink, writeFile } from 'node:fs/promises';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { makeDsaFolder } from '../fixtures/synthetic-dsa.ts';
import { tempDir } from '../support/temp.ts';
import { bundle } from '../support/cli.ts';
import { runBackup } from '../../src/backup/backup.ts';
import { createFolderSource } from '../../src/platform/folder-source.ts';
import type { BackupSource, SourceItem } from '../../src/backup/source.ts';
import { AppError, type ErrorCategory } from '../../src/errors.ts';

const env = { now: () => new Date(), progress: () => {} };

/** The folder source with `hook` run on the first file of `role` once its first chunk was delivered (or before it opens). */
function sourceWithHook(
  dir: string,
  role: SourceItem['role'],
  hook: { beforeOpen?: (item: SourceItem) => Promise<void>; afterFirstChunk?: (item: SourceItem) => Promise<void> },
): BackupSource {
  const inner = createFolderSource({ path: dir });
  return {
    ...inner,
    async plan() {
      const plan = await inner.plan();
      const item = (plan.items as SourceItem[]).find((i) => i.role === role)!;
      const open = item.open;
      item.open = async (signal?: AbortSignal) => {
        await hook.beforeOpen?.(item);
        const opened = await open(signal);
        async function* watched() {
          let first = true;
          for await (const chunk of opened.data) {
            yield chunk;
            if (first) await hook.afterFirstChunk?.(item);
            first = false;
          }
        }
        return { size: opened.size, data: watched() };
      };
      return plan;
    },
  };
}

const changes: [string, SourceItem['role'], Parameters<typeof sourceWithHook>[2], string, ErrorCategory][] = [
  // Like ESE writing to a live database: the file grows after the first megabyte was read.
  [
    'grows while it is read',
    'database',
    { afterFirstChunk: (i) => appendFile(i.originalPath, Buffer.alloc(8192, 1)) },
    'SOURCE_CHANGED',
    'Precondition',
  ],
  [
    'shrinks while it is read',
    'database',
    { afterFirstChunk: (i) => truncate(i.originalPath, 3 << 20) },
    'SOURCE_CHANGED',
    'Precondition',
  ],
  [
    'is rewritten in place (same size) while it is read',
    'database',
    { afterFirstChunk: (i) => writeFile(i.originalPath, Buffer.alloc(8 << 20, 7)) },
    'SOURCE_CHANGED',
    'Precondition',
  ],
  [
    'vanishes between planning and reading',
    'log',
    { beforeOpen: (i) => unlink(i.originalPath) },
    'FILE_NOT_FOUND',
    'IO',
  ],
  [
    'is replaced by a folder between planning and reading',
    'checkpoint',
    {
      beforeOpen: async (i) => {
        await unlink(i.originalPath);
        await mkdir(i.originalPath);
      },
    },
    'SOURCE_CHANGED',
    'Precondition',
  ],
];
for (const [what, role, hook, code, category] of changes) {
  test(`a source file that ${what} fails the backup (${code}); nothing is published`, async (t) => {
    const dir = await tempDir(t);
    const f = await makeDsaFolder(join(dir, 'NTDS'), { databaseBytes: 8 << 20, logFileBytes: 64 * 1024 });
    const err = await t.throwsAsync(
      runBackup(sourceWithHook(f.dir, role, hook), { destination: { path: join(dir, 'a.tar.zst') } }, env),
      { instanceOf: AppError },
    );
    t.is(err.code, code, err.message);
    t.is(err.category, category);
    t.deepEqual((await readdir(dir)).sort(), ['NTDS'], 'no archive, no .partial, no sidecar');
  });
}

test('SIGINT during a backup: exit 5 INTERRUPTED, no file under the final name and no .partial', async (t) => {
  const dir = await tempDir(t);
  const f = await makeDsaFolder(join(dir, 'NTDS'), { databaseBytes: 256 << 20, logFileBytes: 64 * 1024 });
  const archive = join(dir, 'a.tar.zst');
  const child = spawn(process.execPath, [bundle, 'backup', '--progress'], { stdio: ['pipe', 'pipe', 'pipe'] });
  child.stdin.end(JSON.stringify({ source: { type: 'folder', path: f.dir }, destination: { path: archive } }));
  let stdout = '';
  let sent = false;
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d: Buffer) => {
    if (!sent && d.toString().includes('"fileBytesDone"')) {
      sent = true;
      child.kill('SIGINT');
    }
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  t.true(sent, 'a progress event arrived before the backup ended');
  t.is(code, 5, stdout);
  t.is(JSON.parse(stdout).error.code, 'INTERRUPTED');
  t.deepEqual((await readdir(dir)).sort(), ['NTDS']);
});
