// A stand-in for a DC's Windows volume mounted on a rescue host: Windows/NTDS with a broken DC's files and a SYSTEM
// hive (made with our hive writer from the empty test hive) whose NTDS\Parameters say where NTDS keeps its files,
// Select\Current = 1 and ControlSet001. The hive folders are spelled system32/Config on purpose: a mounted NTFS shows
// names as Windows created them, and the restore must find the hive case-insensitively.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ExecutionContext } from 'ava';
import { Hive } from '../../src/registry/hive/hive.ts';
import { runBackup } from '../../src/backup/backup.ts';
import { createFolderSource } from '../../src/platform/folder-source.ts';
import { type DsaFolder, makeDsaFolder } from '../fixtures/synthetic-dsa.ts';
import { emptyHive } from './regf-hive.ts';
import { tempDir } from './temp.ts';

export const PARAMETERS = 'ControlSet001\\Services\\NTDS\\Parameters';
export const DSA_DATABASE_EPOCH = 0x2f31;

export interface StandInVolume {
  root: string;
  /** <root>/Windows/NTDS */
  ntds: string;
  hive: string;
}

export interface StandInOptions {
  /** NTDS\Parameters values (default: everything in C:\Windows\NTDS). */
  parameters?: Partial<Record<'DSA Database file' | 'DSA Working Directory' | 'Database log files path', string>>;
  /** The broken DC's files in Windows/NTDS (default: a database, logs, a checkpoint, an unrelated file). */
  brokenFiles?: boolean;
}

export async function makeStandInVolume(root: string, o: StandInOptions = {}): Promise<StandInVolume> {
  const ntds = join(root, 'Windows', 'NTDS');
  const config = join(root, 'Windows', 'system32', 'Config');
  await mkdir(ntds, { recursive: true });
  await mkdir(config, { recursive: true });
  if (o.brokenFiles !== false) {
    const files: [string, string][] = [
      ['ntds.dit', 'old database'],
      ['edb.log', 'old current log'],
      ['edb00007.log', 'old log 7'],
      ['edb.chk', 'old checkpoint'],
      ['keep-me.txt', 'not part of AD'],
    ];
    for (const [name, text] of files) await writeFile(join(ntds, name), text);
  }
  const hive = Hive.parse(emptyHive({ rootName: 'CMI-CreateHive{2A7FB991-7BBE-4F9D-B91E-7CB51D4737F5}' }));
  hive.setValue('Select', 'Current', { type: 'REG_DWORD', value: 1 });
  hive.setValue('Select', 'Default', { type: 'REG_DWORD', value: 1 });
  const params = {
    'DSA Database file': 'C:\\Windows\\NTDS\\ntds.dit',
    'DSA Working Directory': 'C:\\Windows\\NTDS',
    'Database log files path': 'C:\\Windows\\NTDS',
    ...o.parameters,
  };
  for (const [name, value] of Object.entries(params)) hive.setValue(PARAMETERS, name, { type: 'REG_SZ', value });
  hive.setValue(PARAMETERS, 'DSA Database Epoch', { type: 'REG_DWORD', value: DSA_DATABASE_EPOCH });
  hive.setValue('ControlSet001\\Services\\NTDS', 'Start', { type: 'REG_DWORD', value: 2 });
  const file = join(config, 'SYSTEM');
  await writeFile(file, hive.toBytes());
  return { root, ntds, hive: file };
}

/** A VSS snapshot of DC01 whose files lived in C:\Windows\NTDS, archived at `now` (a Restore in Progress backup). */
export async function backupOfDc01(dir: string, now: Date): Promise<{ f: DsaFolder; archive: string }> {
  const f = await makeDsaFolder(join(dir, 'snapshot'), {
    databaseBytes: 2 << 20,
    logFileBytes: 64 * 1024,
    logs: 4,
    state: 'dirty',
    backup: 'snapshot',
  });
  const archive = join(dir, 'dc01.tar.zst');
  const source = createFolderSource({
    path: f.dir,
    computer: 'DC01',
    recordAs: { databasePath: 'C:\\Windows\\NTDS\\ntds.dit', logPath: 'C:\\Windows\\NTDS' },
  });
  await runBackup(source, { destination: { path: archive } }, { now: () => now, progress: () => {} });
  return { f, archive };
}

/** A backup of DC01 and a stand-in of its volume with broken files, in a folder removed when the test ends. */
export async function offlineSetup(t: ExecutionContext, parameters?: StandInOptions['parameters'], now = new Date()) {
  const dir = await tempDir(t, 'adbackup-offline-');
  const { f, archive } = await backupOfDc01(dir, now);
  const volume = await makeStandInVolume(join(dir, 'volume'), parameters ? { parameters } : {});
  return { dir, f, archive, volume };
}
