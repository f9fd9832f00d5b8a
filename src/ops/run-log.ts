// The run log: one JSON line per run of backup, verify, restore or prune, appended to a file an admin names (e.g.
// beside the backups). Nightly jobs run unattended; the log is where "what happened last night" is read afterwards.
// Two runs may end at the same moment (a scheduled task and a hand-started backup), and over SMB an O_APPEND write is
// not atomic, so each line is written under a lock file (`<log>.lock`, created exclusively, removed after the write;
// one left behind by a killed run is taken over once it is older than STALE_MS). The line holds only facts chosen
// here (see RunRecord): never a request, so never a secret.
import { open, stat, unlink } from 'node:fs/promises';
import { fsError } from '../errors.ts';

export interface RunRecord {
  start: string;
  end: string;
  command: string;
  outcome: 'success' | 'warning' | 'failure';
  computer: string | null;
  archive: string | null;
  size: number | null;
  sha256: string | null;
  errorCode: string | null;
  message: string | null;
  tool: string;
}

const STALE_MS = 30_000;
const WAIT_MS = 10_000;
const RETRY_MS = 25;

async function takeLock(lock: string, now: () => number): Promise<void> {
  const deadline = now() + WAIT_MS;
  for (;;) {
    try {
      const h = await open(lock, 'wx');
      await h.writeFile(`${process.pid}\n`);
      await h.close();
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw fsError(err, lock, 'create the run log lock');
    }
    const age = await stat(lock).then(
      (s) => now() - s.mtimeMs,
      () => 0,
    );
    if (age > STALE_MS) await unlink(lock).catch(() => {});
    else if (now() > deadline)
      throw fsError(Object.assign(new Error('locked'), { code: 'EBUSY' }), lock, 'lock the run log');
    else await new Promise((r) => setTimeout(r, RETRY_MS));
  }
}

/** Appends `record` as one line to `path`, under the lock; throws an IO AppError when it cannot. */
export async function appendRunRecord(path: string, record: RunRecord, now: () => number = Date.now): Promise<void> {
  const lock = `${path}.lock`;
  await takeLock(lock, now);
  try {
    // Owner-only, as every file the tool writes: the log names archives and where they are.
    const h = await open(path, 'a', 0o600);
    try {
      await h.writeFile(JSON.stringify(record) + '\n');
      await h.sync();
    } finally {
      await h.close();
    }
  } catch (err) {
    throw fsError(err, path, 'append to the run log');
  } finally {
    await unlink(lock).catch(() => {});
  }
}
