// A stand-in for a DC's Windows volume mounted on a rescue host: Windows/NTDS with a broken DC's files and a SYSTEM
// hive (made with our hive writer from the empty test hive) whose NTDS\Parameters say where NTDS keeps its files,
// Select\Current = 1 and ControlSet001. The hive folders are spelled system32/Config on purpose: a mounted NTFS shows
// names as Windows created them, and the restore must find the hive case-insensitively.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Hive } from '../../src/registry/hive/hive.ts';
import { emptyHive } from './regf-hive.ts';

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
