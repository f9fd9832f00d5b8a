import test from 'ava';
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { buildPackage, moduleFiles, sourceDate } from '../../scripts/package-module.ts';
import { manifestProblems } from '../../scripts/package/check.ts';
import { readManifest, type ModuleManifest } from '../../scripts/package/manifest.ts';
import { contentTypes, nuspec, packageTags } from '../../scripts/package/nupkg.ts';
import { dosDateTime, listZip, writeZip, type ZipListing } from '../../scripts/package/zip.ts';
import { projectRoot } from '../support/shared.ts';
import { tempDir } from '../support/temp.ts';

const realManifest = () => readManifest(readFileSync(join(projectRoot, 'module', 'ADDatabaseBackup.psd1'), 'utf8'));
const packageVersion = () => JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')).version as string;

/** An entry's bytes, read back through its local header (as an unzipper does). */
function entryData(zip: Buffer, e: ZipListing): Buffer {
  const start = e.offset + 30 + zip.readUInt16LE(e.offset + 26) + zip.readUInt16LE(e.offset + 28);
  const body = zip.subarray(start, start + e.compressedSize);
  return e.method === 8 ? inflateRawSync(body) : body;
}

test('the module manifest is fit for a package: version from package.json, 5.1, both editions, FileList and FunctionsToExport match module/', (t) => {
  const m = realManifest();
  t.is(m.moduleVersion, packageVersion());
  t.is(m.powerShellVersion, '5.1');
  t.deepEqual(m.compatiblePSEditions, ['Desktop', 'Core']);
  t.true(m.tags.includes('ActiveDirectory'));
  t.true(m.releaseNotes.startsWith(`${m.moduleVersion}\n`));
  t.deepEqual(manifestProblems(m, packageVersion(), moduleFiles(join(projectRoot, 'module'))), []);
});

test('manifestProblems names each way a manifest and its folder disagree', (t) => {
  const m: ModuleManifest = {
    ...realManifest(),
    moduleVersion: '0.0.9',
    compatiblePSEditions: ['Core'],
    description: 'Built in C:\\build\\adb',
    fileList: ['ADDatabaseBackup.psd1', 'functions/Gone.ps1'],
    functionsToExport: ['Get-Thing'],
  };
  const problems = manifestProblems(m, '0.1.0', ['ADDatabaseBackup.psd1', 'functions/Get-Other.ps1']);
  t.deepEqual(problems, [
    "ModuleVersion 0.0.9 is not package.json's version 0.1.0",
    'CompatiblePSEditions lacks Desktop',
    'description holds a machine path or host name',
    'functions/Get-Other.ps1 is in the module folder but not in FileList',
    'FileList names functions/Gone.ps1, which is missing',
    'FunctionsToExport (Get-Thing) is not functions/*.ps1 (Get-Other)',
  ]);
  t.regex(manifestProblems(realManifest(), '1.0.0-beta.1', [])[0] ?? '', /not MAJOR\.MINOR\.PATCH/);
});

test('readManifest reads quoted strings with doubled quotes, one-per-line lists and here-strings, and refuses a missing key', (t) => {
  const m = realManifest();
  t.regex(m.description, /domain controller's database/);
  t.true(m.fileList.includes('functions/private/Invoke-ADBExecutable.ps1'));
  t.true(m.functionsToExport.includes('Get-ADDatabaseFileInfo'));
  t.throws(() => readManifest("@{ Author = 'x' }"), { message: /no ModuleVersion/ });
});

test('the nuspec escapes XML and carries the PowerShellGet tags; content types cover every part', (t) => {
  const m = { ...realManifest(), author: 'A & B <x>', functionsToExport: ['Get-A'] };
  const spec = nuspec('ADDatabaseBackup', m, 'win-x64');
  t.regex(spec, /<authors>A &amp; B &lt;x&gt;<\/authors>/);
  t.regex(spec, /carries the Windows x64 executable only \(bin\/win-x64\/adbackup\.exe\)/);
  t.deepEqual(packageTags(m).slice(-3), ['PSFunction_Get-A', 'PSCommand_Get-A', 'PSIncludes_Function']);
  t.is(packageTags(m)[0], 'PSModule');
  const types = contentTypes(['_rels/.rels', 'a.psd1', 'bin/linux-x64/adbackup', 'B.PSD1']);
  t.is((types.match(/Extension="psd1"/g) ?? []).length, 1);
  t.regex(types, /<Override PartName="\/bin\/linux-x64\/adbackup" ContentType="application\/octet" \/>/);
  t.notRegex(types, /Override PartName="\/_rels/);
});

test('writeZip: the same entries give the same bytes; names, modes, the fixed date and the data read back', (t) => {
  const at = new Date(Date.UTC(2000, 0, 1));
  const entries = [
    { name: 'a.txt', data: Buffer.from('hello '.repeat(100)) },
    { name: 'bin/x', data: Buffer.from([1, 2, 3]), executable: true },
  ];
  const zip = writeZip(entries, at);
  t.deepEqual(writeZip(entries, at), zip);
  const list = listZip(zip);
  t.deepEqual(
    list.map((e) => [e.name, e.mode.toString(8), e.method]),
    [
      ['a.txt', '100644', 8],
      ['bin/x', '100755', 0],
    ],
  );
  t.deepEqual(dosDateTime(at), { time: 0, date: (20 << 9) | (1 << 5) | 1 });
  t.true(list.every((e) => e.date === dosDateTime(at).date && e.time === 0));
  t.deepEqual(
    list.map((e) => entryData(zip, e)),
    entries.map((e) => e.data),
  );
  t.throws(
    () =>
      writeZip(
        [
          { name: 'A', data: Buffer.alloc(0) },
          { name: 'a', data: Buffer.alloc(0) },
        ],
        at,
      ),
    {
      message: /two entries named a/,
    },
  );
  t.throws(() => writeZip([{ name: 'dir\\f', data: Buffer.alloc(0) }], at), { message: /forward slashes/ });
  t.throws(() => dosDateTime(new Date(Date.UTC(1979, 11, 31))), { instanceOf: RangeError });
});

test('sourceDate: SOURCE_DATE_EPOCH, else 2000-01-01; anything but seconds is refused', (t) => {
  t.is(sourceDate({}).toISOString(), '2000-01-01T00:00:00.000Z');
  t.is(sourceDate({ SOURCE_DATE_EPOCH: '1700000000' }).toISOString(), '2023-11-14T22:13:20.000Z');
  t.throws(() => sourceDate({ SOURCE_DATE_EPOCH: 'yesterday' }), { message: /SOURCE_DATE_EPOCH/ });
});

/** A small module folder shaped like module/ after a build, with both platforms' bin/. */
function fakeProject(root: string): void {
  const psd1 = readFileSync(join(projectRoot, 'module', 'ADDatabaseBackup.psd1'), 'utf8');
  const m = readManifest(psd1);
  writeFileSync(join(root, 'package.json'), JSON.stringify({ version: m.moduleVersion }));
  const files: Record<string, string> = { 'ADDatabaseBackup.psd1': psd1, 'README.md': 'not shipped' };
  for (const f of m.fileList) files[f] ??= `# ${f}\n`;
  files['bin/linux-x64/adbackup'] = 'ELF';
  files['bin/linux-x64/node_modules/koffi/index.cjs'] = 'linux koffi';
  files['bin/win-x64/adbackup.exe'] = 'MZ';
  for (const [f, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, 'module', f)), { recursive: true });
    writeFileSync(join(root, 'module', f), text);
  }
  chmodSync(join(root, 'module', 'bin/linux-x64/adbackup'), 0o755);
}

test('buildPackage: one platform per package, the executable mode kept, reproducible, kept when nothing changed', async (t) => {
  const root = await tempDir(t);
  fakeProject(root);
  const out = join(root, 'packages');
  const at = sourceDate({});
  const first = buildPackage(root, 'linux-x64', out, { at });
  t.is(first.path, join(out, 'linux-x64', `ADDatabaseBackup.${packageVersion()}.nupkg`));
  const zip = readFileSync(first.path);
  const names = listZip(zip).map((e) => e.name);
  t.true(names.includes('bin/linux-x64/adbackup'));
  t.true(names.includes('bin/linux-x64/node_modules/koffi/index.cjs'));
  t.false(names.some((n) => n.startsWith('bin/win-x64') || n === 'README.md'));
  t.deepEqual(names.slice(0, 2), ['_rels/.rels', 'ADDatabaseBackup.nuspec']);
  t.is(listZip(zip).find((e) => e.name === 'bin/linux-x64/adbackup')?.mode, 0o100755);
  t.false(buildPackage(root, 'linux-x64', out, { at }).written, 'unchanged inputs: kept');
  const again = buildPackage(root, 'linux-x64', out, { at, force: true });
  t.true(again.written);
  t.is(again.sha256, first.sha256, 'byte-reproducible');
  const win = listZip(readFileSync(buildPackage(root, 'win-x64', out, { at }).path)).map((e) => e.name);
  t.true(win.includes('bin/win-x64/adbackup.exe'));
  t.false(win.some((n) => n.startsWith('bin/linux-x64')));
  t.not(
    buildPackage(root, 'linux-x64', out, { at: sourceDate({ SOURCE_DATE_EPOCH: '1700000000' }) }).sha256,
    first.sha256,
  );

  writeFileSync(join(root, 'module', 'functions', 'Stray.ps1'), '');
  t.throws(() => buildPackage(root, 'linux-x64', out, { at }), {
    message: /functions\/Stray\.ps1 is in the module folder but not in FileList/,
  });
});

test('buildPackage refuses a module folder without the platform executable', async (t) => {
  const root = await tempDir(t);
  fakeProject(root);
  writeFileSync(join(root, 'module', 'bin', 'win-x64', 'other'), '');
  rmSync(join(root, 'module', 'bin', 'win-x64', 'adbackup.exe'));
  t.throws(() => buildPackage(root, 'win-x64', join(root, 'packages'), { at: sourceDate({}) }), {
    message: /module\/bin\/win-x64\/adbackup\.exe is missing: run node scripts\/build\.ts first/,
  });
});
