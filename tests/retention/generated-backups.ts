// A folder of real backups of three DCs spread over 90 days, made with a fixed clock: the ground on which the
// retention and status rules are checked. Made once per test file and copied for each test (prune changes it).
import { cp, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { makeDsaFolder } from '../fixtures/synthetic-dsa.ts';
import { runBackup } from '../../src/backup/backup.ts';
import { createFolderSource } from '../../src/platform/folder-source.ts';

export const NOW = new Date('2026-10-01T00:00:00Z');
export const DAY = 86_400_000;
/** Days before NOW each DC's backups were made, newest first. With a 60-day tombstone lifetime, 61 and 89 are expired. */
export const AGES = [1, 2, 5, 10, 30, 45, 61, 89];
export const COMPUTERS = ['DC01', 'DC02', 'DC03'];
export const TOMBSTONE_DAYS = 60;

export const daysAgo = (d: number) => new Date(NOW.getTime() - d * DAY);

/** Makes the backups into `folder`; returns the archive path of each (computer, age). */
export async function makeBackups(folder: string, work: string): Promise<Map<string, string>> {
  const dsa = await makeDsaFolder(join(work, 'dsa'), {
    databaseBytes: 256 << 10,
    logFileBytes: 32 * 1024,
    logs: 2,
    state: 'dirty',
    backup: 'snapshot',
  });
  await mkdir(folder, { recursive: true });
  const archives = new Map<string, string>();
  for (const computer of COMPUTERS)
    for (const age of AGES) {
      const r = await runBackup(
        createFolderSource({ path: dsa.dir, computer }),
        { destination: { directory: folder }, tombstoneLifetimeDays: TOMBSTONE_DAYS },
        { now: () => daysAgo(age), progress: () => {} },
      );
      archives.set(`${computer}/${age}`, r.archive);
    }
  return archives;
}

/** A copy of the generated folder for one test, with the archive paths mapped into it. */
export async function copyBackups(from: string, to: string, archives: Map<string, string>) {
  await cp(from, to, { recursive: true });
  return new Map([...archives].map(([k, p]) => [k, join(to, p.slice(from.length + 1))]));
}
