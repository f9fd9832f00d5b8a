// npm run bench:encryption [-- --size-gib N] [--runs N] [--compare-age-encryption]
// What encryption at rest costs: the same synthetic DSA folder backed up by adbackup with and without age
// encryption (X25519 recipient), alternating runs, best time of each; the ratio is throughput encrypted /
// unencrypted (goal ≥ 0.9). Also the raw age STREAM speed in this process (encrypt and decrypt), and with
// --compare-age-encryption the npm package age-encryption's (not a dependency: install it anywhere and point
// AGE_ENCRYPTION_MODULE at its folder, e.g. …/node_modules/age-encryption),
// the measurement behind the choice of node:crypto in src/archive/age/encrypt.ts.
// Results: a summary on stdout and bench-output/encryption.json. measureEncryption() is the same, as a function.
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { GENERATOR_VERSION, makeDsaFolder } from '../tests/fixtures/synthetic-dsa.ts';
import { AgeEncoder, prepareEncryption } from '../src/archive/age/encrypt.ts';
import { AgeDecoder } from '../src/archive/age/decrypt.ts';
import { AgeKeyring } from '../src/archive/age/keyring.ts';
import { generateIdentity, parseIdentity, parseRecipient } from '../src/archive/age/keys.ts';
import { projectRoot } from './project-root.ts';

const root = projectRoot;
const bundle = join(root, 'dist/adbackup.cjs');

export interface EncryptionBench {
  date: string;
  machine: string;
  dataBytes: number;
  runs: number;
  backupSeconds: { plain: number[]; encrypted: number[] };
  archiveBytes: { plain: number; encrypted: number };
  /** Best plain time / best encrypted time: the encrypted backup's throughput relative to the plain one. */
  throughputRatio: number;
  stream: { encryptMBps: number; decryptMBps: number };
  ageEncryptionPackage: { encryptMBps: number; version: string } | null;
}

/** A cached synthetic DSA folder of `sizeGiB` (made again when the generator changed). */
async function folder(sizeGiB: number): Promise<string> {
  const work = join(tmpdir(), `adbackup-bench-enc-${sizeGiB}g`);
  const src = join(work, 'NTDS');
  const stamp = join(work, `generator-v${GENERATOR_VERSION}`);
  if (!existsSync(stamp)) {
    rmSync(work, { recursive: true, force: true });
    console.log(`generating a ${sizeGiB} GiB synthetic DSA folder in ${src} …`);
    await makeDsaFolder(src, {
      databaseBytes: Math.round(sizeGiB * 1024 ** 3),
      logs: 20,
      logFileBytes: 10 << 20,
      state: 'dirty',
      seed: 7,
    });
    writeFileSync(stamp, '');
  }
  return src;
}

function backupSeconds(src: string, out: string, encryption: object | undefined): number {
  rmSync(out, { force: true });
  rmSync(out + '.manifest.json', { force: true });
  const request = JSON.stringify({
    source: { type: 'folder', path: src, computer: 'BENCH' },
    destination: { path: out },
    ...(encryption ? { encryption } : {}),
  });
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [bundle, 'backup'], { input: request, encoding: 'utf8', maxBuffer: 64 << 20 });
  const seconds = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`backup failed (${r.status}): ${r.stdout.slice(-2000)} ${r.stderr.slice(-2000)}`);
  return seconds;
}

/** age STREAM in this process over `mib` MiB of random data in 1 MiB writes (after a warm-up of the same size). */
async function streamSpeed(mib: number): Promise<{ encryptMBps: number; decryptMBps: number }> {
  const key = generateIdentity();
  const block = randomBytes(1 << 20);
  const prepared = await prepareEncryption([parseRecipient(key.recipient, 'r')]);
  let sealed: Buffer[] = [];
  let seconds = 0;
  for (const round of [0, 1]) {
    const encoder = new AgeEncoder(prepared);
    sealed = [];
    const t0 = performance.now();
    for (let i = 0; i < mib; i++) sealed.push(...encoder.write(block));
    sealed.push(...encoder.end());
    if (round === 1) seconds = (performance.now() - t0) / 1000;
  }
  const decoder = new AgeDecoder(new AgeKeyring([parseIdentity(key.identity, 'id')]));
  const t0 = performance.now();
  for (let i = 0; i < sealed.length; i += 32) await decoder.write(Buffer.concat(sealed.slice(i, i + 32)));
  decoder.end();
  const dec = (performance.now() - t0) / 1000;
  return { encryptMBps: Math.round((mib * 1.048576) / seconds), decryptMBps: Math.round((mib * 1.048576) / dec) };
}

/** The npm package age-encryption's streaming Encrypter, when it is installed (it is not a dependency). */
async function ageEncryptionPackage(mib: number): Promise<EncryptionBench['ageEncryptionPackage']> {
  const dir = process.env['AGE_ENCRYPTION_MODULE'];
  if (!dir) {
    console.log('AGE_ENCRYPTION_MODULE is not set (the folder of an installed age-encryption package): not compared');
    return null;
  }
  const age: any = await import(
    pathToFileURL(join(dir, JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).main)).href
  );
  const e = new age.Encrypter();
  e.addRecipient(await age.identityToRecipient(await age.generateX25519Identity()));
  const block = randomBytes(1 << 20);
  let i = 0;
  const t0 = performance.now();
  const out = await e.encrypt(new ReadableStream({ pull: (c) => (i++ < mib ? c.enqueue(block) : c.close()) }));
  for await (const _ of out);
  const seconds = (performance.now() - t0) / 1000;
  const { version } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  return { encryptMBps: Math.round((mib * 1.048576) / seconds), version };
}

export async function measureEncryption(
  o: { sizeGiB?: number; runs?: number; compareAgeEncryption?: boolean } = {},
): Promise<EncryptionBench> {
  const sizeGiB = o.sizeGiB ?? 1;
  const runs = o.runs ?? 3;
  if (!existsSync(bundle))
    execFileSync(process.execPath, [join(root, 'scripts/build.ts'), '--bundle-only'], { stdio: 'inherit' });
  const src = await folder(sizeGiB);
  const files = readdirSync(src).map((n) => join(src, n));
  const dataBytes = files.reduce((n, f) => n + statSync(f).size, 0);
  execFileSync('bash', ['-c', `cat ${files.map((f) => `'${f}'`).join(' ')} > /dev/null`]); // warm the page cache
  const out = join(tmpdir(), `adbackup-bench-enc-out-${process.pid}`);
  mkdirSync(out, { recursive: true });
  const recipient = generateIdentity().recipient;
  const plain: number[] = [];
  const encrypted: number[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      plain.push(backupSeconds(src, join(out, 'plain.tar.zst'), undefined));
      encrypted.push(backupSeconds(src, join(out, 'enc.tar.zst.age'), { recipients: [recipient] }));
    }
    const archiveBytes = {
      plain: statSync(join(out, 'plain.tar.zst')).size,
      encrypted: statSync(join(out, 'enc.tar.zst.age')).size,
    };
    const best = (xs: number[]) => Math.min(...xs);
    return {
      date: new Date().toISOString(),
      machine: `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`,
      dataBytes,
      runs,
      backupSeconds: { plain, encrypted },
      archiveBytes,
      throughputRatio: +(best(plain) / best(encrypted)).toFixed(3),
      stream: await streamSpeed(256),
      ageEncryptionPackage: o.compareAgeEncryption ? await ageEncryptionPackage(256) : null,
    };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const arg = (name: string, dflt: string) => {
    const i = process.argv.indexOf(name);
    return i >= 0 ? process.argv[i + 1]! : dflt;
  };
  const r = await measureEncryption({
    sizeGiB: Number(arg('--size-gib', '1')),
    runs: Number(arg('--runs', '3')),
    compareAgeEncryption: process.argv.includes('--compare-age-encryption'),
  });
  const mbps = (s: number) => Math.round(r.dataBytes / 1e6 / s);
  const fmt = (xs: number[]) => xs.map((s) => `${s.toFixed(2)} s (${mbps(s)} MB/s)`).join(', ');
  console.log(`\n${(r.dataBytes / 2 ** 30).toFixed(2)} GiB of DSA files; ${r.machine}`);
  console.log(`backup, zstd -3:             ${fmt(r.backupSeconds.plain)}`);
  console.log(`backup, zstd -3 + age X25519: ${fmt(r.backupSeconds.encrypted)}`);
  console.log(
    `throughput encrypted / plain: ${r.throughputRatio.toFixed(3)} (goal ≥ 0.9); archive ${r.archiveBytes.plain} -> ${r.archiveBytes.encrypted} bytes`,
  );
  console.log(`age STREAM in-process: encrypt ${r.stream.encryptMBps} MB/s, decrypt ${r.stream.decryptMBps} MB/s`);
  if (r.ageEncryptionPackage)
    console.log(
      `npm age-encryption ${r.ageEncryptionPackage.version}: encrypt ${r.ageEncryptionPackage.encryptMBps} MB/s`,
    );
  mkdirSync(join(root, 'bench-output'), { recursive: true });
  writeFileSync(join(root, 'bench-output/encryption.json'), JSON.stringify(r, null, 2) + '\n');
}
