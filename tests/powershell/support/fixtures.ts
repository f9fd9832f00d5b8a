// Test material for the Pester suites (tests/powershell/*.Tests.ps1), made by the project's own TypeScript so that
// PowerShell and ava tests share one generator and one reader of each format. One JSON document on stdout.
//
//   node fixtures.ts dsa DIR [OPTIONS-JSON]         a synthetic DSA folder (tests/fixtures/synthetic-dsa.ts)
//   node fixtures.ts backup-at DSA-DIR ARCHIVE DAYS [COMPUTER]
//                                                    a backup of DSA-DIR taken DAYS days ago (an expired backup)
//   node fixtures.ts requests CAPTURE-DIR            the requests a recording adbackup stand-in captured, each
//                                                    validated against adbackup's request schema
//   node fixtures.ts reg FILE                        the values of a .reg file, read by the project's reader
//   node fixtures.ts offline-volume DIR              a backup of DC01 (DIR/dc01.tar.zst) and a stand-in of its
//                                                    mounted Windows volume (DIR/volume: Windows/NTDS with a broken
//                                                    DC's files, Windows/system32/Config/SYSTEM with NTDS\Parameters)
//   node fixtures.ts hive FILE KEY                   the values of a key of a hive file, read by the project's reader
//   node fixtures.ts ntds-pair DIR                   the 2012 R2 ntds.dit template (DIR/ntds.dit) and a copy with
//                                                    schema attribute values rewritten in place (DIR/changed.dit)
//                                                    and that copy with a flipped bit in one page (DIR/damaged.dit);
//                                                    {available: false} when the shared fixture is not there
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';
import { makeDsaFolder, type DsaOptions } from '../../fixtures/synthetic-dsa.ts';
import { runBackup } from '../../../src/backup/backup.ts';
import { createFolderSource } from '../../../src/platform/folder-source.ts';
import { parseRegFile } from '../../../src/registry/reg-file.ts';
import { Hive } from '../../../src/registry/hive/hive.ts';
import { backupOfDc01, makeStandInVolume } from '../../support/offline-volume.ts';
import { SCHEMA_EDITS, rewriteSchemaCopy } from '../../ad/rewrite.ts';
import { haveNtds, ntdsFixture } from '../../support/shared.ts';
import type { Validator } from '../../../src/protocol/validator.ts';
import * as validators from '../../../src/protocol/generated/validators.js';

const NTDS = 'C:\\Windows\\NTDS';

async function dsa(dir: string, options: string | undefined): Promise<unknown> {
  const o = (options ? JSON.parse(options) : {}) as DsaOptions;
  // A VSS snapshot's database by default: what a Restore in Progress (KB 814167) restore accepts, as the module tests
  // assert; `{"backup": null}` gives a plain copy (restored as "Database restored from backup").
  const f = await makeDsaFolder(dir, {
    databaseBytes: 2 << 20,
    logFileBytes: 64 * 1024,
    logs: 4,
    state: 'dirty',
    computerName: 'DC01',
    backup: 'snapshot',
    ...o,
  });
  return {
    dir: f.dir,
    databasePath: f.databasePath,
    logPath: f.logPath,
    checkpointPath: f.checkpointPath,
    logNames: f.logNames,
    expected: f.expected,
  };
}

async function backupAt(dsaDir: string, archive: string, days: number, computer = 'DC01'): Promise<unknown> {
  const source = createFolderSource({
    path: dsaDir,
    computer,
    recordAs: { databasePath: `${NTDS}\\ntds.dit`, logPath: NTDS },
  });
  await runBackup(
    source,
    { destination: { path: archive } },
    { now: () => new Date(Date.now() - days * 86_400_000), progress: () => {} },
  );
  return { archive };
}

function requests(dir: string): unknown {
  return readdirSync(dir)
    .filter((n) => n.endsWith('.argv'))
    .sort()
    .map((n) => {
      const argv = readFileSync(join(dir, n), 'utf8')
        .split('\n')
        .filter((x) => x !== '');
      const command = argv[0] ?? '';
      const request = JSON.parse(readFileSync(join(dir, n.replace(/\.argv$/, '.request.json')), 'utf8')) as unknown;
      const name = `${command.replace(/-([a-z])/g, (_, x: string) => x.toUpperCase())}Request`;
      const validate = (validators as unknown as Record<string, Validator | undefined>)[name];
      const valid = validate ? validate(request) : false;
      return { command, argv, request, valid, schemaErrors: validate && !valid ? validate.errors : null };
    });
}

function reg(file: string): unknown {
  return parseRegFile(readFileSync(file)).values.map((v) => ({
    key: v.key,
    name: v.name,
    type: v.type,
    value: v.value,
  }));
}

async function offlineVolume(dir: string): Promise<unknown> {
  const { f, archive } = await backupOfDc01(dir, new Date());
  const volume = await makeStandInVolume(join(dir, 'volume'));
  return { archive, ...volume, sourceDatabase: f.databasePath };
}

async function hiveKey(file: string, key: string): Promise<unknown> {
  const values = (await Hive.open(file)).values(key) ?? [];
  return values.map((v) => ({ name: v.name, type: v.typeName, value: v.value }));
}

function ntdsPair(dir: string): unknown {
  if (!haveNtds) return { available: false };
  const reference = join(dir, 'ntds.dit');
  const difference = join(dir, 'changed.dit');
  writeFileSync(reference, gunzipSync(readFileSync(ntdsFixture)));
  const pages = rewriteSchemaCopy(reference, difference);
  const damaged = join(dir, 'damaged.dit');
  const file = readFileSync(difference);
  file[(pages[0]! + 1) * 8192 + 4000]! ^= 0x10; // 8 KiB pages; not sealed again
  writeFileSync(damaged, file);
  return { available: true, reference, difference, damaged, edits: SCHEMA_EDITS };
}

async function main(argv: string[]): Promise<unknown> {
  const [mode, a, b, c, d] = argv;
  if (mode === 'dsa' && a) return dsa(a, b);
  if (mode === 'backup-at' && a && b && c) return backupAt(a, b, Number(c), d);
  if (mode === 'requests' && a) return requests(a);
  if (mode === 'reg' && a) return reg(a);
  if (mode === 'offline-volume' && a) return offlineVolume(a);
  if (mode === 'hive' && a && b) return hiveKey(a, b);
  if (mode === 'ntds-pair' && a) return ntdsPair(a);
  throw new Error(
    `usage: fixtures.ts dsa DIR [OPTIONS] | backup-at DSA ARCHIVE DAYS [COMPUTER] | requests DIR | reg FILE | offline-volume DIR | hive FILE KEY | ntds-pair DIR (got ${argv.join(' ')})`,
  );
}

process.stdout.write(`${JSON.stringify(await main(process.argv.slice(2)))}\n`);
