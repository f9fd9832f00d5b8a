// Restore target "offline" through the CLI (a CLI contract suite: also run against the standalone executables,
// the Windows one under Wine): one restore into a stand-in volume, then the refusals with their exit codes.
import test from 'ava';
import { readFile, writeFile } from 'node:fs/promises';
import { snapshotTree } from '../support/tree.ts';
import { adbackup, cliPath } from '../support/cli.ts';
import { offlineSetup } from '../support/offline-volume.ts';
import { baseBlockChecksum } from '../../src/registry/hive/base-block.ts';
import * as v from '../../src/protocol/generated/validators.js';

test('through the CLI: an offline restore, then refusals with their exit codes', async (t) => {
  const { archive, volume, f } = await offlineSetup(t);
  const target = { type: 'offline', windows: cliPath(volume.root) };
  const r = await adbackup(['restore'], { archive: cliPath(archive), target });
  t.is(r.code, 0, r.stdout + r.stderr);
  t.true(v.restoreResponse(r.json), JSON.stringify(v.restoreResponse.errors));
  t.is((await snapshotTree(volume.ntds))['ntds.dit'], (await snapshotTree(f.dir))['ntds.dit']);
  // (the Windows exe names it Z:\…; tests/support/wine-cli.ts gives its answers' paths back as POSIX)
  t.deepEqual(r.json.registryWrittenTo, [`${volume.hive} (offline SYSTEM hive)`]);

  const apply = await adbackup(['restore'], {
    archive: cliPath(archive),
    target,
    registry: { apply: true },
    plan: true,
  });
  t.is(apply.code, 2);
  t.is(apply.json.error.code, 'APPLY_OFFLINE');
  const onD = await adbackup(['restore'], {
    archive: cliPath(archive),
    target: { ...target, databasePath: 'D:\\NTDS\\ntds.dit' },
  });
  t.is(onD.code, 2);
  t.is(onD.json.error.code, 'DRIVE_NOT_MAPPED');
  const bytes = await readFile(volume.hive);
  bytes.writeUInt32LE(bytes.readUInt32LE(4) + 1, 4);
  bytes.writeUInt32LE(baseBlockChecksum(bytes), 0x1fc);
  await writeFile(volume.hive, bytes);
  const dirty = await adbackup(['restore'], { archive: cliPath(archive), target, plan: true });
  t.is(dirty.code, 4);
  t.is(dirty.json.error.code, 'HIVE_DIRTY');
});
