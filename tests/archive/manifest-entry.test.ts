import test from 'ava';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tempDir } from '../support/temp.ts';
import { verifyArchive } from '../../src/archive/verify.ts';
import { inspectArchive } from '../../src/archive/inspect.ts';
import { TAR_END, tarHeader, tarPadding } from '../../src/archive/tar.ts';
import { AppError } from '../../src/errors.ts';

/** An archive of our layout whose manifest.json holds `manifest` (text as given). */
async function archiveWithManifest(dir: string, manifest: string): Promise<string> {
  const entries = [
    { name: 'adbackup.json', data: '{"format":"adbackup-archive","backupId":"b"}' },
    { name: 'SHA256SUMS', data: '' },
    { name: 'manifest.json', data: manifest },
  ];
  const parts: Buffer[] = [];
  for (const e of entries) {
    const d = Buffer.from(e.data);
    parts.push(tarHeader({ name: e.name, size: d.length, mtime: new Date(0), mode: 0o600 }), d, tarPadding(d.length));
  }
  parts.push(TAR_END);
  const p = join(dir, `m${Math.random().toString(36).slice(2)}.tar`);
  await writeFile(p, Buffer.concat(parts));
  return p;
}

test('a manifest.json that is JSON but no manifest (null, a list, a number) fails verify and inspect alike', async (t) => {
  const dir = await tempDir(t);
  for (const text of ['null', '[]', '7', '{"format":"adbackup-archive"}']) {
    const archive = await archiveWithManifest(dir, text);
    const r = await verifyArchive(archive);
    t.false(r.ok, `${text}: ${JSON.stringify(r.findings)}`);
    t.true(
      r.findings.some((f) => f.code === 'manifest-invalid' && f.entry === 'manifest.json'),
      `${text}: ${JSON.stringify(r.findings)}`,
    );
    const err = await t.throwsAsync(inspectArchive(archive), { instanceOf: AppError });
    t.is(err.code, 'MANIFEST_INVALID', text);
  }
});

test('a manifest.json that is not JSON: manifest-invalid in verify, MANIFEST_INVALID in inspect', async (t) => {
  const dir = await tempDir(t);
  const archive = await archiveWithManifest(dir, '{"format": ');
  const r = await verifyArchive(archive);
  t.true(r.findings.some((f) => f.code === 'manifest-invalid' && /not valid JSON/.test(f.message)));
  const err = await t.throwsAsync(inspectArchive(archive), { instanceOf: AppError });
  t.is(err.code, 'MANIFEST_INVALID');
  t.regex(err.message, /manifest\.json is not valid JSON/);
});
