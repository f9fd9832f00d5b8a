// Secret hygiene across the tool: every command that takes a passphrase or an identity is run (with --progress),
// through every way a secret can be given (file, environment variable, request field), on success and failure
// paths; then stdout, stderr and every file the runs left behind (archives, sidecars, .reg files, restored files)
// are searched for the secrets. Files the tool writes are owner-only. Nothing secret is ever on argv: the only
// value-taking option is --request FILE, and a secret put on the command line by mistake is refused unrepeated.
import test from 'ava';
import { readFile, readdir, stat, writeFile, mkdir, copyFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { makeDsaFolder } from '../fixtures/synthetic-dsa.ts';
import { tempDir } from '../support/temp.ts';
import { adbackup, assertOwnerOnly, cliPlatform, type CliResult } from '../support/cli.ts';

const PASSPHRASE = 'hygiene-Passphrase-7f3a9c';
const small = { databaseBytes: 2 * 1024 * 1024, logFileBytes: 64 * 1024, logs: 3, state: 'dirty' as const };

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true }))
    if (e.isFile()) out.push(join(e.parentPath, e.name));
  return out;
}

test('no passphrase or secret key in any output, progress event, error message, manifest, sidecar or file written', async (t) => {
  const dir = await tempDir(t);
  const f = await makeDsaFolder(join(dir, 'NTDS'), small);
  const secrets = join(dir, 'secrets'); // the only place the secrets are meant to be
  await mkdir(secrets);
  const out = join(dir, 'out');
  const runs: [string, CliResult][] = [];
  // Every backup, verify and restore also writes its run log line (src/ops/run-log.ts): searched like any file.
  const runLog = join(out, 'runs.jsonl');
  const reported = (args: string[], req: object | string) =>
    typeof req === 'object' && ['backup', 'verify', 'restore'].includes(args[0]!)
      ? { ...req, report: { log: runLog } }
      : req;
  const run = async (label: string, args: string[], req: object | string, code: number) => {
    const r = await adbackup(args, reported(args, req));
    runs.push([label, r]);
    t.is(r.code, code, `${label}: ${r.stdout}`);
    return r;
  };

  const identityFile = join(secrets, 'key.txt');
  await run('keygen', ['keygen'], { identityFile }, 0);
  const identity = (await readFile(identityFile, 'utf8')).split('\n').find((l) => l.startsWith('AGE-SECRET-KEY-1'))!;
  const recipient = (await readFile(identityFile, 'utf8')).match(/# public key: (\S+)/)![1]!;
  await writeFile(join(secrets, 'pass.txt'), PASSPHRASE + '\n');
  process.env['ADBACKUP_HYGIENE_PASSPHRASE'] = PASSPHRASE;
  process.env['ADBACKUP_HYGIENE_IDENTITY'] = identity;

  const source = { type: 'folder', path: f.dir, computer: 'DC01' };
  const keyed = (
    await run(
      'backup to a recipient',
      ['backup', '--progress'],
      { source, destination: { path: join(out, 'k.tar.zst.age') }, encryption: { recipients: [recipient] } },
      0,
    )
  ).json.archive;
  const byValue = (
    await run(
      'backup, passphrase in the request',
      ['backup', '--progress'],
      {
        source,
        destination: { path: join(out, 'v.tar.zst.age') },
        encryption: { passphrase: { value: PASSPHRASE }, workFactor: 12 },
      },
      0,
    )
  ).json.archive;
  await run(
    'backup, passphrase from the environment',
    ['backup', '--progress'],
    {
      source,
      destination: { path: join(out, 'e.tar.age') },
      compression: { type: 'none' },
      encryption: { passphrase: { env: 'ADBACKUP_HYGIENE_PASSPHRASE' }, workFactor: 12 },
    },
    0,
  );
  await run(
    'backup, passphrase from a file',
    ['backup', '--progress'],
    {
      source,
      destination: { path: join(out, 'f.tar.gz.age') },
      compression: { type: 'gzip' },
      encryption: { passphrase: { file: join(secrets, 'pass.txt') }, workFactor: 12 },
    },
    0,
  );

  await run('verify, identity file', ['verify', '--progress'], { archive: keyed, decryption: { identityFile } }, 0);
  await run(
    'verify, identity from the environment',
    ['verify', '--progress'],
    { archive: keyed, decryption: { identity: { env: 'ADBACKUP_HYGIENE_IDENTITY' } } },
    0,
  );
  await run(
    'verify, passphrase',
    ['verify', '--progress'],
    { archive: byValue, decryption: { passphrase: { value: PASSPHRASE } } },
    0,
  );
  await run(
    'verify, wrong passphrase',
    ['verify', '--progress'],
    { archive: byValue, decryption: { passphrase: { value: PASSPHRASE + 'x' } } },
    3,
  );
  await run(
    'verify, passphrase for a recipient archive',
    ['verify'],
    { archive: keyed, decryption: { passphrase: { value: PASSPHRASE } } },
    3,
  );
  await run('verify, no key', ['verify', '--progress'], { archive: keyed }, 4);
  const bare = join(out, 'bare.tar.zst.age');
  await copyFile(keyed, bare);
  await run(
    'inspect without sidecar, identity in the request',
    ['inspect'],
    { archive: bare, decryption: { identity: { value: `# mine\n${identity}\n` } } },
    0,
  );
  await run(
    'restore, identity in the request',
    ['restore', '--progress'],
    {
      archive: keyed,
      decryption: { identity: { value: identity } },
      target: { type: 'files', root: join(out, 'root1'), createFolders: true },
      registry: { regFile: join(out, 'r1.reg') },
    },
    0,
  );
  await run(
    'restore, passphrase file',
    ['restore', '--progress'],
    {
      archive: byValue,
      decryption: { passphrase: { file: join(secrets, 'pass.txt') } },
      target: { type: 'files', root: join(out, 'root2'), createFolders: true },
      registry: { regFile: join(out, 'r2.reg') },
    },
    0,
  );
  await run(
    'restore, wrong identity',
    ['restore'],
    {
      archive: byValue,
      decryption: { identity: { value: identity } },
      target: { type: 'files', root: join(out, 'root3'), createFolders: true },
      registry: { regFile: join(out, 'r3.reg') },
    },
    3,
  );

  // Mistakes that carry a secret: broken JSON around it, a schema violation beside it, an identity as recipient,
  // a passphrase on the command line.
  await run(
    'invalid JSON',
    ['verify'],
    `{"archive": "${keyed}", "decryption": {"passphrase": {"value": "${PASSPHRASE}"}}`,
    2,
  );
  await run(
    'invalid JSON inside the secret',
    ['verify'],
    `{"decryption": {"passphrase": {"value": ${PASSPHRASE}}}}`,
    2,
  );
  await run(
    'schema violation',
    ['verify'],
    { archive: keyed, decryption: { passphrase: { value: PASSPHRASE, file: PASSPHRASE } } },
    2,
  );
  await run(
    'identity given as recipient',
    ['backup'],
    { source, destination: { path: join(out, 'x.tar.zst.age') }, encryption: { recipients: [identity] } },
    2,
  );
  await run('passphrase as an option', ['backup', `--passphrase=${PASSPHRASE}`], {}, 2);
  await run('passphrase as an argument', ['backup', PASSPHRASE], {}, 2);

  const needles = [PASSPHRASE, identity, identity.toLowerCase(), identity.slice('AGE-SECRET-KEY-1'.length, -6)];
  for (const [label, r] of runs) {
    for (const n of needles) {
      t.false(r.stdout.includes(n), `${label}: stdout holds a secret`);
      t.false(r.stderr.includes(n), `${label}: stderr holds a secret`);
    }
  }
  t.true(runs.filter(([, r]) => r.stderr.includes('"event":"progress"')).length >= 8, 'progress was really on');

  const written = await filesUnder(out);
  t.true(written.length > 20);
  t.true(written.includes(runLog), 'the run log was written');
  const logged = (await readFile(runLog, 'utf8')).trim().split('\n');
  t.true(logged.length >= 12, `one line per reported run (${logged.length})`);
  for (const file of written) {
    const bytes = await readFile(file);
    for (const n of needles) t.is(bytes.indexOf(n), -1, `${relative(dir, file)} holds a secret`);
    if (file.endsWith('bare.tar.zst.age')) continue; // our own copy
    // Windows has no mode bits (assertOwnerOnly): there, every file must at least be its owner's to write.
    if (cliPlatform === 'win32') await assertOwnerOnly(t, file, `${relative(dir, file)} is its owner's`);
    else t.is((await stat(file)).mode & 0o077, 0, `${relative(dir, file)} is owner-only`);
  }
  await assertOwnerOnly(t, identityFile);
});
