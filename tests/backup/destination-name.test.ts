// An archive's name says how to open it: in an emergency an admin runs `tar -xzf X.tar.gz` or `age -d X.age`
// because of the name. So a destination.path with a known extension decides the compression (and whether it is
// age-encrypted), an explicit compression or encryption that contradicts the name is refused, and so is a name
// that states no format at all.
import test from 'ava';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeDsaFolder } from '../fixtures/synthetic-dsa.ts';
import { tempDir } from '../support/temp.ts';
import { adbackup } from '../support/cli.ts';
import { have, sh } from '../support/tools.ts';
import { testUnless } from '../support/gate.ts';
import { AppError } from '../../src/errors.ts';
import { compressionForName } from '../../src/backup/destination-name.ts';

const small = { databaseBytes: 1024 * 1024, logFileBytes: 64 * 1024, logs: 3, state: 'dirty' as const };
const RECIPIENT = 'age1qyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqs3290gq';

async function dsa(t: import('ava').ExecutionContext) {
  const dir = await tempDir(t);
  const f = await makeDsaFolder(join(dir, 'NTDS'), small);
  const out = join(dir, 'out');
  await mkdir(out);
  return { dir, f, out };
}

for (const [name, type, extract] of [
  ['dc.tar.gz', 'gzip', 'tar -xzf'],
  ['dc.tgz', 'gzip', 'tar -xzf'],
  ['DC.TAR.GZ', 'gzip', 'tar -xzf'],
  ['dc.tar', 'none', 'tar -xf'],
  ['dc.tar.zst', 'zstd', 'tar --zstd -xf'],
] as const) {
  test(`destination.path '${name}' without compression is ${type}: GNU '${extract}' extracts it and sha256sum -c passes`, async (t) => {
    const { f, out } = await dsa(t);
    const archive = join(out, name);
    const r = await adbackup(['backup'], {
      source: { type: 'folder', path: f.dir, computer: 'DC01' },
      destination: { path: archive },
    });
    t.is(r.code, 0, r.stdout);
    t.is(r.json.manifest.compression.type, type);
    const x = join(out, 'x');
    await mkdir(x);
    await sh(`${extract} '${archive}' -C '${x}' && sha256sum -c SHA256SUMS`, x);
    t.is((await readFile(join(x, 'ntds', 'ntds.dit'))).length, (await readFile(f.databasePath)).length);
  });
}

const refused: [string, object, RegExp][] = [
  ['dc.tar.gz', { compression: { type: 'zstd' } }, /'dc\.tar\.gz' names a gzip archive, but compression\.type is zstd/],
  ['dc.tgz', { compression: { type: 'none' } }, /names a gzip archive, but compression\.type is none/],
  ['dc.tar', { compression: { type: 'gzip' } }, /names an uncompressed archive, but compression\.type is gzip/],
  ['dc.tar.zst', { compression: { type: 'gzip', level: 6 } }, /names a zstd archive, but compression\.type is gzip/],
  ['dc.tar.zst.age', {}, /ends in \.age, the name of an encrypted archive, but the request has no encryption/],
  [
    'dc.tar.zst',
    { encryption: { recipients: [RECIPIENT] } },
    /an encrypted archive's name ends in \.age \(dc\.tar\.zst\.age\)/,
  ],
  ['dc.bak', {}, /'dc\.bak' does not end in \.tar\.zst, \.tar\.gz, \.tgz or \.tar/],
  ['dc.zst', { compression: { type: 'zstd' } }, /'dc\.zst' does not end in/],
  ['dc.tar.xz', {}, /'dc\.tar\.xz' does not end in/],
  [
    'dc.age',
    { encryption: { recipients: [RECIPIENT] } },
    /'dc\.age' does not end in \.tar\.zst\.age, \.tar\.gz\.age, \.tgz\.age or \.tar\.age/,
  ],
];

test('a name that contradicts compression or encryption, or states no format: exit 2 DESTINATION_NAME_MISMATCH, nothing written', async (t) => {
  const { dir, f, out } = await dsa(t);
  for (const [name, extra, message] of refused) {
    const archive = join(out, name);
    const r = await adbackup(['backup'], {
      source: { type: 'folder', path: f.dir },
      destination: { path: archive },
      ...extra,
    });
    t.is(r.code, 2, `${name} ${JSON.stringify(extra)}: ${r.stdout}`);
    t.like(r.json?.error, { code: 'DESTINATION_NAME_MISMATCH', category: 'InvalidRequest', target: archive }, name);
    t.regex(r.json?.error?.message ?? '', message, name);
  }
  t.deepEqual(await readdir(out), [], 'no archive, sidecar or .partial');
  t.deepEqual((await readdir(dir)).sort(), ['NTDS', 'out']);
});

test('the name is checked before anything else: a contradicting name over an existing file is exit 2, the file untouched', async (t) => {
  const { f, out } = await dsa(t);
  const archive = join(out, 'dc.tar.gz');
  await writeFile(archive, 'precious');
  const r = await adbackup(['backup'], {
    source: { type: 'folder', path: f.dir },
    destination: { path: archive },
    compression: { type: 'zstd' },
    overwrite: true,
  });
  t.is(r.code, 2, r.stdout);
  t.is(r.json.error.code, 'DESTINATION_NAME_MISMATCH');
  t.is(await readFile(archive, 'utf8'), 'precious');
});

test('a folder destination still takes its extension from compression and encryption', async (t) => {
  const { f, out } = await dsa(t);
  const r = await adbackup(['backup'], {
    source: { type: 'folder', path: f.dir, computer: 'DC01' },
    destination: { directory: out },
    compression: { type: 'gzip' },
  });
  t.is(r.code, 0, r.stdout);
  t.regex(r.json.archive, /DC01-ntds-\d{8}T\d{6}Z\.tar\.gz$/);
});

const ageMissing = ['age', 'tar', 'sha256sum'].filter((x) => !have(x));
const withAge = testUnless(
  ageMissing.length ? `missing tools: ${ageMissing.join(', ')} (Debian: apt install age tar coreutils)` : null,
  'destination-name.test.ts',
);

withAge('an encrypted .tgz.age without compression is gzip inside age: age -d | tar -xz extracts it', async (t) => {
  const { f, out } = await dsa(t);
  const key = await adbackup(['keygen'], { identityFile: join(out, 'key.txt') });
  t.is(key.code, 0, key.stdout);
  const archive = join(out, 'dc.tgz.age');
  const r = await adbackup(['backup'], {
    source: { type: 'folder', path: f.dir },
    destination: { path: archive },
    encryption: { recipients: [key.json.recipient] },
  });
  t.is(r.code, 0, r.stdout);
  t.like(r.json.manifest, { compression: { type: 'gzip' }, encryption: { format: 'age' } });
  const x = join(out, 'x');
  await mkdir(x);
  await sh(`age -d -i '${join(out, 'key.txt')}' '${archive}' | tar -xz -C '${x}' && sha256sum -c SHA256SUMS`, x);
  t.pass();
});

test('compressionForName: the known extensions, case-insensitive, on Windows and POSIX paths', (t) => {
  t.is(compressionForName('C:\\Backup\\DC01.TAR.GZ', undefined, false), 'gzip');
  t.is(compressionForName('\\\\backup01\\ad$\\dc01.tgz', 'gzip', false), 'gzip');
  t.is(compressionForName('/srv/b/dc01.tar', undefined, false), 'none');
  t.is(compressionForName('/srv/b/dc01.tar.zst', undefined, false), 'zstd');
  t.is(compressionForName('/srv/b/dc01.tar.zst.AGE', undefined, true), 'zstd');
  t.is(compressionForName('/srv/b/dc01.tar.age', 'none', true), 'none');
  t.is(compressionForName('/srv/b/dc.tar.gz.d/dc01.tar.zst', undefined, false), 'zstd', 'only the file name counts');
  for (const [path, type, encrypted] of [
    ['/srv/b/dc01.tar.gz', 'zstd', false],
    ['/srv/b/dc01.tar.gz.age', undefined, false],
    ['/srv/b/dc01.tar.gz', undefined, true],
    ['/srv/b/dc01.tar.age.gz', undefined, false],
    ['/srv/b/dc01', undefined, false],
  ] as const) {
    const err = t.throws(() => compressionForName(path, type, encrypted), { instanceOf: AppError }, path);
    t.is(err?.code, 'DESTINATION_NAME_MISMATCH', path);
  }
});
