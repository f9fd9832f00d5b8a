// Interoperability with the reference age CLI (Debian package `age`), both ways and in both modes:
// - keys: age-keygen -y derives our recipient from our identity file, and we derive age-keygen's;
// - recipients: `age -d -i key.txt X.tar.zst.age | zstd -d | tar -x` recovers our archives (then sha256sum -c
//   passes), and we verify and restore archives that `age -r` encrypted;
// - passphrase: the age CLI reads passphrases from a terminal only, so it runs under a pseudo-terminal (`script`):
//   `age -d` opens our passphrase archives, and we open what `age -p` encrypted.
import { execFileSync } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeDsaFolder } from '../fixtures/synthetic-dsa.ts';
import { tempDir } from '../support/temp.ts';
import { adbackup } from '../support/cli.ts';
import { have, sh } from '../support/tools.ts';
import { testUnless } from '../support/gate.ts';
import { runWithTerminal } from '../support/terminal.ts';
import { snapshotTree } from '../support/tree.ts';

const tools = ['age', 'age-keygen', 'zstd', 'tar', 'sha256sum', 'script'];
const missing = tools.filter((t) => !have(t));
const gated = testUnless(
  missing.length ? `missing tools: ${missing.join(', ')} (Debian: apt install age zstd tar coreutils bsdutils)` : null,
  'age-cli.test.ts',
);
const small = { databaseBytes: 2 * 1024 * 1024 + 8192 * 3, logFileBytes: 96 * 1024, logs: 3, state: 'dirty' as const };
const PASSPHRASE = 'interop passphrase, with spaces & ünïcode';

async function dsa(t: import('ava').ExecutionContext) {
  const dir = await tempDir(t);
  return { dir, f: await makeDsaFolder(join(dir, 'NTDS'), small) };
}

gated("keys: age-keygen -y reads our identity file, and we read age-keygen's", async (t) => {
  const dir = await tempDir(t);
  const ours = await adbackup(['keygen'], { identityFile: join(dir, 'ours.txt') });
  t.is(ours.code, 0, ours.stdout);
  t.is((await sh(`age-keygen -y '${join(dir, 'ours.txt')}'`)).trim(), ours.json.recipient);

  execFileSync('age-keygen', ['-o', join(dir, 'theirs.txt')], { stdio: 'ignore' });
  const theirs = (await sh(`age-keygen -y '${join(dir, 'theirs.txt')}'`)).trim();
  // A backup to their recipient opens with their identity file, read by us: same key derivation both ways.
  const { f } = await dsa(t);
  const b = await adbackup(['backup'], {
    source: { type: 'folder', path: f.dir },
    destination: { path: join(dir, 'a.tar.zst.age') },
    encryption: { recipients: [theirs] },
  });
  t.is(b.code, 0, b.stdout);
  const v = await adbackup(['verify'], {
    archive: join(dir, 'a.tar.zst.age'),
    decryption: { identityFile: join(dir, 'theirs.txt') },
  });
  t.is(v.code, 0, v.stdout);
});

for (const [type, decompress] of [
  ['zstd', 'zstd -d'],
  ['gzip', 'gzip -d'],
  ['none', 'cat'],
] as const) {
  gated(
    `recipients, us -> age: age -d -i key.txt X${type === 'zstd' ? '.tar.zst' : type === 'gzip' ? '.tar.gz' : '.tar'}.age | ${decompress} | tar -x, then sha256sum -c`,
    async (t) => {
      const { dir, f } = await dsa(t);
      execFileSync('age-keygen', ['-o', join(dir, 'key.txt')], { stdio: 'ignore' });
      const other = await adbackup(['keygen'], { identityFile: join(dir, 'other.txt') });
      const b = await adbackup(['backup'], {
        source: { type: 'folder', path: f.dir, computer: 'DC01' },
        destination: { directory: join(dir, 'out') },
        compression: { type },
        encryption: {
          recipientsFile: await recipientsFile(dir, [
            (await sh(`age-keygen -y '${join(dir, 'key.txt')}'`)).trim(),
            other.json.recipient,
          ]),
        },
      });
      t.is(b.code, 0, b.stdout);
      t.regex(b.json.archive, /\.tar(\.zst|\.gz)?\.age$/);
      const x = join(dir, 'x');
      await mkdir(x);
      await sh(`age -d -i '${join(dir, 'key.txt')}' '${b.json.archive}' | ${decompress} | tar -x -C '${x}'`);
      t.regex(await sh('sha256sum -c SHA256SUMS', x), /ntds\/ntds\.dit: OK/);
      t.is((await snapshotTree(x))['ntds/ntds.dit'], (await snapshotTree(f.dir))['ntds.dit']);
      // The second recipient opens it too, with the CLI.
      await sh(`age -d -i '${join(dir, 'other.txt')}' -o '${join(dir, 'copy')}' '${b.json.archive}'`);
    },
  );
}

gated('recipients, age -> us: an archive `age -r` encrypted verifies and restores with its identity', async (t) => {
  const { dir, f } = await dsa(t);
  const plain = join(dir, 'plain.tar.zst');
  t.is(
    (
      await adbackup(['backup'], {
        source: { type: 'folder', path: f.dir, computer: 'DC01' },
        destination: { path: plain },
      })
    ).code,
    0,
  );
  execFileSync('age-keygen', ['-o', join(dir, 'key.txt')], { stdio: 'ignore' });
  const archive = join(dir, 'dc01.tar.zst.age');
  await sh(`age -r "$(age-keygen -y '${join(dir, 'key.txt')}')" -o '${archive}' '${plain}'`);
  const decryption = { identityFile: join(dir, 'key.txt') };
  const v = await adbackup(['verify'], { archive, decryption });
  t.is(v.code, 0, v.stdout);
  t.like(v.json, {
    ok: true,
    format: 'zstd',
    encryption: { format: 'age', stanzas: ['X25519'], contentVerified: true },
  });
  const root = join(dir, 'root');
  const r = await adbackup(['restore'], {
    archive,
    decryption,
    target: { type: 'files', root, createFolders: true },
    registry: { regFile: join(dir, 'r.reg') },
  });
  t.is(r.code, 0, r.stdout);
  const restored = await snapshotTree(join(root, ...f.dir.split('/').filter(Boolean)));
  t.is(restored['ntds.dit'], (await snapshotTree(f.dir))['ntds.dit']);
});

gated(
  'passphrase, us -> age: age -d (passphrase typed at a terminal) | zstd -d | tar -x, then sha256sum -c',
  async (t) => {
    const { dir, f } = await dsa(t);
    await writeFile(join(dir, 'pass.txt'), PASSPHRASE + '\n');
    const b = await adbackup(['backup'], {
      source: { type: 'folder', path: f.dir },
      destination: { path: join(dir, 'p.tar.zst.age') },
      encryption: { passphrase: { file: join(dir, 'pass.txt') } },
    });
    t.is(b.code, 0, b.stdout);
    t.regex(
      (await readFile(join(dir, 'p.tar.zst.age'))).subarray(0, 80).toString('latin1'),
      /\n-> scrypt \S+ 18\n/,
      "age's default work factor",
    );
    const out = join(dir, 'p.tar.zst');
    const run = await runWithTerminal(`age -d -o '${out}' '${join(dir, 'p.tar.zst.age')}'`, [
      { prompt: /Enter passphrase/, reply: PASSPHRASE },
    ]);
    t.is(run.code, 0, run.output);
    const x = join(dir, 'x');
    await mkdir(x);
    await sh(`zstd -dc '${out}' | tar -x -C '${x}' && sha256sum -c SHA256SUMS`, x);
    t.pass();
  },
);

gated(
  'passphrase, age -> us: an archive `age -p` encrypted (at a terminal) verifies with the passphrase; a wrong one is exit 3',
  async (t) => {
    const { dir, f } = await dsa(t);
    const plain = join(dir, 'plain.tar.zst');
    t.is(
      (await adbackup(['backup'], { source: { type: 'folder', path: f.dir }, destination: { path: plain } })).code,
      0,
    );
    const archive = join(dir, 'p.tar.zst.age');
    const run = await runWithTerminal(`age -p -o '${archive}' '${plain}'`, [
      { prompt: /Enter passphrase/, reply: PASSPHRASE },
      { prompt: /Confirm passphrase/, reply: PASSPHRASE },
    ]);
    t.is(run.code, 0, run.output);
    const v = await adbackup(['verify'], { archive, decryption: { passphrase: { value: PASSPHRASE } } });
    t.is(v.code, 0, v.stdout);
    t.like(v.json, { ok: true, encryption: { stanzas: ['scrypt'], contentVerified: true } });
    const wrong = await adbackup(['verify'], { archive, decryption: { passphrase: { value: 'not it' } } });
    t.is(wrong.code, 3, wrong.stdout);
    t.is(wrong.json.error.code, 'AGE_NO_MATCHING_KEY');
  },
);

async function recipientsFile(dir: string, recipients: string[]): Promise<string> {
  const path = join(dir, 'recipients.txt');
  await writeFile(path, `# backup operators\n${recipients.join('\n')}\n`);
  return path;
}
