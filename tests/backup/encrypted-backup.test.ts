// Encrypted backups through the CLI (and so, in npm test, through the standalone executable too): the archive is
// age-encrypted after compression and named .age, the sidecar stays plaintext without secrets, and verify, inspect
// and restore behave as documented with, without and with the wrong key, and on a tampered or truncated file.
import test from 'ava';
import { mkdir, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeDsaFolder } from '../fixtures/synthetic-dsa.ts';
import { tempDir } from '../support/temp.ts';
import { adbackup, assertOwnerOnly, cliPlatform } from '../support/cli.ts';
import { snapshotTree } from '../support/tree.ts';
import * as v from '../../src/protocol/generated/validators.js';
import { runBackup } from '../../src/backup/backup.ts';
import { createFolderSource } from '../../src/platform/folder-source.ts';
import { verifyAndStage } from '../../src/restore/verified-archive.ts';
import { AgeKeyring } from '../../src/archive/age/keyring.ts';
import { generateIdentity, parseIdentity, parseRecipient } from '../../src/archive/age/keys.ts';
import { AppError } from '../../src/errors.ts';

const small = { databaseBytes: 2 * 1024 * 1024 + 8192 * 3, logFileBytes: 96 * 1024, logs: 3, state: 'dirty' as const };

/** A DSA folder, a key made by `adbackup keygen`, and a backup encrypted to it. */
async function encryptedBackup(t: import('ava').ExecutionContext) {
  const dir = await tempDir(t);
  const f = await makeDsaFolder(join(dir, 'NTDS'), small);
  const identityFile = join(dir, 'key.txt');
  const k = await adbackup(['keygen'], { identityFile, recipientsFile: join(dir, 'recipients.txt') });
  if (k.code !== 0) throw new Error(k.stdout);
  const b = await adbackup(['backup'], {
    source: { type: 'folder', path: f.dir, computer: 'DC01' },
    destination: { directory: join(dir, 'out') },
    encryption: { recipientsFile: join(dir, 'recipients.txt') },
  });
  if (b.code !== 0) throw new Error(b.stdout);
  return {
    dir,
    f,
    identityFile,
    recipient: k.json.recipient as string,
    archive: b.json.archive as string,
    backup: b.json,
    decryption: { identityFile },
  };
}

test('keygen: an age-keygen style identity file, owner-only, never overwritten; only the public key is printed', async (t) => {
  const dir = await tempDir(t);
  const identityFile = join(dir, 'key.txt');
  const r = await adbackup(['keygen'], { identityFile });
  t.is(r.code, 0, r.stdout);
  t.true(v.keygenResponse(r.json), JSON.stringify(v.keygenResponse.errors));
  const text = await readFile(identityFile, 'utf8');
  t.regex(
    text,
    /^# created: \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\n# public key: (age1[a-z0-9]{58})\n(AGE-SECRET-KEY-1[A-Z0-9]{58})\n$/,
  );
  t.is(text.split('\n')[1], `# public key: ${r.json.recipient}`);
  await assertOwnerOnly(t, identityFile);
  t.false((r.stdout + r.stderr).includes('AGE-SECRET-KEY'), 'the secret never reaches stdout or stderr');
  const again = await adbackup(['keygen'], { identityFile });
  t.is(again.code, 4, again.stdout);
  t.is(again.json.error.code, 'DESTINATION_EXISTS');
  t.is(await readFile(identityFile, 'utf8'), text, 'the existing key is untouched');
});

test('backup to a recipient: .tar.zst.age, owner-only; the sidecar records the public key and the encrypted file hash', async (t) => {
  const { archive, backup, recipient, decryption } = await encryptedBackup(t);
  t.regex(archive, /\/DC01-ntds-\d{8}T\d{6}Z\.tar\.zst\.age$/);
  t.true(v.backupResponse(backup), JSON.stringify(v.backupResponse.errors));
  await assertOwnerOnly(t, archive);
  await assertOwnerOnly(t, archive + '.manifest.json');
  t.is((await readFile(archive)).subarray(0, 22).toString('latin1'), 'age-encryption.org/v1\n');
  const sidecar = JSON.parse(await readFile(archive + '.manifest.json', 'utf8'));
  t.deepEqual(sidecar.encryption, { format: 'age', recipients: [recipient], passphrase: false });
  t.is(sidecar.archive.sha256, backup.sha256);
  t.is(sidecar.archive.size, (await stat(archive)).size);

  const ok = await adbackup(['verify'], { archive, decryption });
  t.is(ok.code, 0, ok.stdout);
  t.true(v.verifyResponse(ok.json), JSON.stringify(v.verifyResponse.errors));
  t.like(ok.json, {
    ok: true,
    format: 'zstd',
    encryption: { format: 'age', stanzas: ['X25519'], contentVerified: true },
  });
  t.deepEqual(ok.json.findings, []);
  t.is(ok.json.entries.length, 1 + 4 + 1);
});

test('verify without a key: header, payload length and whole-file hash checked, content not: exit 4; damage still exit 3', async (t) => {
  const { archive } = await encryptedBackup(t);
  const r = await adbackup(['verify'], { archive });
  t.is(r.code, 4, r.stdout);
  t.true(v.verifyResponse(r.json), JSON.stringify(v.verifyResponse.errors));
  t.like(r.json, { ok: true, format: 'zstd', entries: [], encryption: { contentVerified: false } });
  t.deepEqual(
    r.json.findings.map((f: { code: string }) => f.code),
    ['content-not-verified'],
  );

  const bytes = await readFile(archive);
  bytes[bytes.length >> 1]! ^= 0x10;
  await writeFile(archive, bytes);
  const flipped = await adbackup(['verify'], { archive });
  t.is(flipped.code, 3, flipped.stdout);
  t.true(flipped.json.findings.some((f: { code: string }) => f.code === 'archive-hash-mismatch'));

  // Cut so that the last chunk is shorter than its tag: no sidecar needed to see that.
  const headerEnd = bytes.indexOf('\n', bytes.indexOf('\n---') + 1) + 1;
  const lastChunk = (bytes.length - headerEnd - 16) % 65552;
  await writeFile(archive, bytes.subarray(0, bytes.length - lastChunk + 10));
  await rm(archive + '.manifest.json');
  const cut = await adbackup(['verify'], { archive });
  t.is(cut.code, 3, cut.stdout);
  t.regex(
    cut.json.findings.find((f: { code: string }) => f.code === 'archive-damaged').message,
    /truncated or has stray bytes/,
  );
});

test('inspect: from the plaintext sidecar without a key; without the sidecar it needs the key (exit 4), with it reads the archive', async (t) => {
  const { archive, recipient, decryption } = await encryptedBackup(t);
  const r = await adbackup(['inspect'], { archive });
  t.is(r.code, 0, r.stdout);
  t.true(v.inspectResponse(r.json), JSON.stringify(v.inspectResponse.errors));
  t.like(r.json, {
    from: 'sidecar',
    computer: 'DC01',
    encryption: { format: 'age', recipients: [recipient], passphrase: false },
  });
  await rm(archive + '.manifest.json');
  const locked = await adbackup(['inspect'], { archive });
  t.is(locked.code, 4, locked.stdout);
  t.is(locked.json.error.code, 'ARCHIVE_ENCRYPTED');
  t.regex(locked.json.error.message, /age-encrypted and has no sidecar .*decryption\.identityFile/);
  const opened = await adbackup(['inspect'], { archive, decryption });
  t.is(opened.code, 0, opened.stdout);
  t.like(opened.json, { from: 'archive', encryption: { recipients: [recipient] } });
});

test('restore: needs the identity (exit 4 without, exit 3 with a wrong one, target untouched); with it, byte-identical files', async (t) => {
  const { dir, f, archive, decryption } = await encryptedBackup(t);
  const root = join(dir, 'root');
  await mkdir(root);
  const req = {
    archive,
    target: { type: 'files', root, createFolders: true },
    registry: { regFile: join(dir, 'r.reg') },
  };
  const none = await adbackup(['restore'], req);
  t.is(none.code, 4, none.stdout);
  t.is(none.json.error.code, 'ARCHIVE_ENCRYPTED');
  const stranger = join(dir, 'stranger.txt');
  await adbackup(['keygen'], { identityFile: stranger });
  const wrong = await adbackup(['restore'], { ...req, decryption: { identityFile: stranger } });
  t.is(wrong.code, 3, wrong.stdout);
  t.is(wrong.json.error.code, 'AGE_NO_MATCHING_KEY');
  t.deepEqual(await readdir(root), []);

  const ok = await adbackup(['restore'], { ...req, decryption });
  t.is(ok.code, 0, ok.stdout);
  t.true(v.restoreResponse(ok.json), JSON.stringify(v.restoreResponse.errors));
  // The files go to their recorded paths under the root: /tmp/… for a POSIX adbackup, Z:\tmp\… (so Z/tmp/…) for the exe.
  const under = join(root, ...(cliPlatform === 'win32' ? ['Z'] : []), ...f.dir.split('/').filter(Boolean));
  const restored = await snapshotTree(under);
  const source = await snapshotTree(f.dir);
  t.is(restored['ntds.dit'], source['ntds.dit']);
  for (const n of f.logNames) t.is(restored[n], source[n]);
  await assertOwnerOnly(t, join(under, 'ntds.dit'));
});

test('tampering: header stanza, header MAC, payload and truncation are exit 3 with a named age error; restore writes nothing', async (t) => {
  const { dir, archive, decryption } = await encryptedBackup(t);
  const good = await readFile(archive);
  const headerEnd = good.indexOf('\n', good.indexOf('\n---') + 1) + 1;
  const text = good.subarray(0, headerEnd).toString('latin1');
  const cases: [string, Buffer, number, RegExp][] = [
    // Another share in the X25519 stanza: it no longer opens with the identity.
    [
      'stanza',
      Buffer.concat([
        Buffer.from(
          text.replace(/-> X25519 (\S)/, (_m, c: string) => `-> X25519 ${c === 'A' ? 'B' : 'A'}`),
          'latin1',
        ),
        good.subarray(headerEnd),
      ]),
      3,
      /^AGE_(NO_MATCHING_KEY|HEADER_INVALID)$/,
    ],
    // A stanza added: the key still unwraps, the MAC does not match.
    [
      'MAC',
      Buffer.concat([Buffer.from(text.replace('\n---', '\n-> grease\n\n---'), 'latin1'), good.subarray(headerEnd)]),
      3,
      /^AGE_HEADER_MAC_MISMATCH$/,
    ],
  ];
  for (const [what, bytes, code, error] of cases) {
    await writeFile(archive, bytes);
    const r = await adbackup(['verify'], { archive, decryption });
    t.is(r.code, code, `${what}: ${r.stdout}`);
    t.regex(r.json.error.code, error, what);
  }
  const root = join(dir, 'root');
  await mkdir(root);
  for (const [what, bytes] of [
    ['payload', Buffer.from(good).fill(0x55, headerEnd + 16 + 70_000, headerEnd + 16 + 70_001)],
    ['truncated', good.subarray(0, good.length - 40)],
  ] as const) {
    await writeFile(archive, bytes);
    const r = await adbackup(['verify'], { archive, decryption });
    t.is(r.code, 3, `${what}: ${r.stdout}`);
    t.false(r.json.ok);
    t.regex(
      r.json.findings.find((x: { code: string }) => x.code === 'archive-damaged')?.message ?? '',
      /age payload|final age payload chunk/,
      what,
    );
    const restore = await adbackup(['restore'], {
      archive,
      decryption,
      target: { type: 'files', root, createFolders: true },
      registry: { regFile: join(dir, 'r.reg') },
    });
    t.is(restore.code, 3, restore.stdout);
    t.is(restore.json.error.code, 'ARCHIVE_INVALID');
    t.deepEqual(await readdir(root), [], `${what}: nothing written`);
  }
});

test('the verify-and-write pass authenticates as it writes: damage inside the encrypted database entry leaves no file and no .partial', async (t) => {
  const dir = await tempDir(t);
  const f = await makeDsaFolder(join(dir, 'NTDS'), small);
  const key = generateIdentity();
  const archive = join(dir, 'a.tar.zst.age');
  const backup = await runBackup(
    createFolderSource({ path: f.dir }),
    { destination: { path: archive }, encryption: { recipients: [parseRecipient(key.recipient, 'r')] } },
    { now: () => new Date(), progress: () => {} },
  );
  // Damage inside the database entry (the first large entry): its .partial is already being written when the chunk fails.
  const bytes = await readFile(archive);
  bytes[Math.floor(bytes.length * 0.4)]! ^= 1;
  await writeFile(archive, bytes);
  const out = join(dir, 'target');
  await mkdir(out);
  const writes = new Map(backup.manifest.files.map((x) => [x.entry, join(out, x.entry.replace('/', '_'))]));
  const err = await t.throwsAsync(
    verifyAndStage(
      archive,
      backup.manifest,
      writes,
      { progress: () => {} },
      new Date(),
      new AgeKeyring([parseIdentity(key.identity, 'id')]),
    ),
  );
  t.true(err instanceof AppError && err.category === 'Integrity', String(err));
  t.regex(err!.message, /age payload chunk \d+ does not authenticate/);
  t.deepEqual(await readdir(out), []);
});

test('passphrase from an environment variable named in the request; a wrong or missing one fails cleanly', async (t) => {
  const dir = await tempDir(t);
  const f = await makeDsaFolder(join(dir, 'NTDS'), small);
  const archive = join(dir, 'p.tar.gz.age');
  process.env['ADBACKUP_TEST_PASSPHRASE'] = 'env passphrase 1';
  const b = await adbackup(['backup'], {
    source: { type: 'folder', path: f.dir },
    destination: { path: archive },
    compression: { type: 'gzip' },
    encryption: { passphrase: { env: 'ADBACKUP_TEST_PASSPHRASE' }, workFactor: 12 },
  });
  t.is(b.code, 0, b.stdout);
  t.deepEqual(b.json.manifest.encryption, { format: 'age', recipients: [], passphrase: true });
  t.regex((await readFile(archive)).subarray(0, 60).toString('latin1'), /\n-> scrypt \S{22} 12\n/);
  const ok = await adbackup(['verify'], { archive, decryption: { passphrase: { env: 'ADBACKUP_TEST_PASSPHRASE' } } });
  t.is(ok.code, 0, ok.stdout);
  t.like(ok.json, { format: 'gzip', encryption: { stanzas: ['scrypt'], contentVerified: true } });
  await writeFile(join(dir, 'pass.txt'), 'env passphrase 1\r\n');
  t.is(
    (await adbackup(['verify'], { archive, decryption: { passphrase: { file: join(dir, 'pass.txt') } } })).code,
    0,
    'from a file, CRLF and all',
  );
  const wrong = await adbackup(['verify'], { archive, decryption: { passphrase: { value: 'env passphrase 2' } } });
  t.is(wrong.code, 3, wrong.stdout);
  t.is(
    wrong.json.error.message,
    `'${archive}': the passphrase is wrong: it does not open this passphrase-encrypted file`,
  );
  const unset = await adbackup(['verify'], {
    archive,
    decryption: { passphrase: { env: 'ADBACKUP_TEST_UNSET_VARIABLE' } },
  });
  t.is(unset.code, 2, unset.stdout);
  t.is(unset.json.error.code, 'SECRET_NOT_SET');
  t.regex(unset.json.error.message, /ADBACKUP_TEST_UNSET_VARIABLE/);
});

test('invalid encryption requests -> exit 2, with messages that do not repeat keys', async (t) => {
  const dir = await tempDir(t);
  const key = generateIdentity();
  const base = { source: { type: 'folder', path: dir }, destination: { path: join(dir, 'x.tar.zst.age') } };
  for (const [encryption, code] of [
    [{ recipients: [key.recipient], passphrase: { value: 'p' } }, 'ENCRYPTION_INVALID'],
    [{ recipients: [key.identity] }, 'RECIPIENT_INVALID'],
    [{ recipients: ['age1qqqq'] }, 'RECIPIENT_INVALID'],
    [{}, 'SCHEMA_VIOLATION'],
    [{ passphrase: { value: 'p' }, workFactor: 30 }, 'SCHEMA_VIOLATION'],
    [{ passphrase: { value: '' } }, 'SCHEMA_VIOLATION'],
  ] as const) {
    const r = await adbackup(['backup'], { ...base, encryption });
    t.is(r.code, 2, JSON.stringify(encryption) + r.stdout);
    t.is(r.json.error.code, code, JSON.stringify(encryption));
    t.false(r.stdout.includes(key.identity.slice(16)), 'the secret key is not repeated');
  }
});
