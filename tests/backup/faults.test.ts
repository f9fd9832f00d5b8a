import test from 'ava';
import { appendFile, readdir } from 'node:fs/promises';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { makeDsaFolder } from '../fixtures/synthetic-dsa.ts';
import { tempDir } from '../support/temp.ts';
import { bundle } from '../support/cli.ts';
import { runBackup } from '../../src/backup/backup.ts';
import { createFolderSource } from '../../src/platform/folder-source.ts';
import type { BackupSource, SourceItem } from '../../src/backup/source.ts';
import { AppError } from '../../src/errors.ts';

const env = { now: () => new Date(), progress: () => {} };

test('a file that changes while it is read fails the backup (not a snapshot); nothing is published', async (t) => {
  const dir = await tempDir(t);
  const f = await makeDsaFolder(join(dir, 'NTDS'), { databaseBytes: 8 << 20, logFileBytes: 64 * 1024 });
  const inner = createFolderSource({ path: f.dir });
  // Like ESE writing to a live database: the file grows after the first megabyte was read.
  const source: BackupSource = {
    ...inner,
    async plan() {
      const plan = await inner.plan();
      for (const item of plan.items as SourceItem[]) {
        if (item.role !== 'database') continue;
        const open = item.open;
        item.open = async (signal?: AbortSignal) => {
          const opened = await open(signal);
          async function* growing() {
            let first = true;
            for await (const chunk of opened.data) {
              yield chunk;
              if (first) await appendFile(f.databasePath, Buffer.alloc(8192, 1));
              first = false;
            }
          }
          return { size: opened.size, data: growing() };
        };
      }
      return plan;
    },
  };
  const err = await t.throwsAsync(runBackup(source, { destination: { path: join(dir, 'a.tar.zst') } }, env), { instanceOf: AppError });
  t.is(err.code, 'SOURCE_CHANGED');
  t.is(err.category, 'Precondition');
  t.deepEqual((await readdir(dir)).sort(), ['NTDS'], 'no archive, no .partial, no sidecar');
});

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
