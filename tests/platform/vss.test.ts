// The VSS source off Windows, and the pieces of the requester that need no vssapi.dll: GUID bytes, HRESULT and
// writer-state names, the archive entry of the backup components document. The COM calls themselves run under Wine
// against the emulated vssapi.dll (tests/exe/vss-bridge.test.ts).
import test from 'ava';
import { join } from 'node:path';
import { adbackup } from '../support/cli.ts';
import { tempDir } from '../support/temp.ts';
import { guidBytes, guidText } from '../../src/platform/vss/com.ts';
import { vssName, vssText, writerStateFailed, writerStateName } from '../../src/platform/vss/hresults.ts';
import { vssError } from '../../src/platform/vss/vssapi.ts';
import { VSS_COMPONENTS_ENTRY, isBlobRole, roleOfEntry } from '../../src/archive/layout.ts';

test('GUID text and bytes: Data1..3 little-endian, Data4 as is', (t) => {
  const b = guidBytes('b2014c9e-8711-4c5c-a5a9-3cf384484757');
  t.is(b.toString('hex'), '9e4c01b211875c4ca5a93cf384484757');
  t.is(guidText(b), 'b2014c9e-8711-4c5c-a5a9-3cf384484757');
  t.is(guidText(guidBytes('{00000000-0000-0000-0000-000000000000}')), '00000000-0000-0000-0000-000000000000');
});

test('HRESULTs and writer states decode by name; access denied and a second backup are refusals (exit 4)', (t) => {
  t.is(vssName(0x8004231f), 'VSS_E_INSUFFICIENT_STORAGE');
  t.is(vssName(0x0004230a), 'VSS_S_ASYNC_FINISHED');
  t.is(vssName(-2147212522), 'VSS_E_SNAPSHOT_SET_IN_PROGRESS', 'koffi hands back a signed long');
  t.is(vssName(0x80042399), 'HRESULT 0x80042399');
  t.regex(vssText(0x80042306), /refused/);
  t.is(writerStateName(9), 'VSS_WS_FAILED_AT_FREEZE');
  t.true(writerStateFailed(7));
  t.false(writerStateFailed(5));
  t.like(vssError('CreateVssBackupComponents', 0x80070005), { category: 'Precondition', code: 'VSS_ACCESS_DENIED' });
  t.like(vssError('AddToSnapshotSet', 0x80042316), { category: 'Precondition', code: 'VSS_BACKUP_IN_PROGRESS' });
  const e = vssError('DoSnapshotSet', 0x80042306);
  t.like(e, {
    category: 'Platform',
    code: 'VSS_ERROR',
    details: { method: 'DoSnapshotSet', hresult: '0x80042306', name: 'VSS_E_PROVIDER_VETO' },
  });
});

test('the backup components document has its own role in meta/, beside the API expiry token', (t) => {
  t.is(roleOfEntry(VSS_COMPONENTS_ENTRY), 'vss-components');
  t.is(roleOfEntry('meta/expiry-token.bin'), 'expiry-token');
  t.true(isBlobRole('vss-components'));
  t.false(isBlobRole('database'));
});

test('off Windows a VSS backup is refused with VSS_UNAVAILABLE (exit 6) before anything is written', async (t) => {
  const dir = await tempDir(t);
  const archive = join(dir, 'never.tar.zst');
  const r = await adbackup(['backup'], { source: { type: 'vss' }, destination: { path: archive } });
  t.is(r.code, 6, r.stdout);
  t.is(r.json.error.code, 'VSS_UNAVAILABLE');
  t.regex(r.json.error.message, /only on Windows.*"type": "folder"/);
  const bad = await adbackup(['backup'], { source: { type: 'vss', path: 'C:\\' }, destination: { path: archive } });
  t.is(bad.code, 2, 'a folder option on a VSS source is an invalid request');
});
