// npm run package: the PowerShell module as NuGet packages, one per platform, for an internal feed or a file share
// (Install-PSResource, Install-Module, Save-PSResource):
//
//   build/packages/win-x64/ADDatabaseBackup.<version>.nupkg     the module + bin/win-x64 only (for Windows DCs)
//   build/packages/linux-x64/ADDatabaseBackup.<version>.nupkg   the module + bin/linux-x64 only
//
// Both have the id ADDatabaseBackup, because PowerShellGet and PSResourceGet install a package into a folder named
// for its id and Import-Module finds a module by that folder's name; so they go into different folders (feeds), and
// an admin publishes the win-x64 one to the feed the DCs install from. The module folder must be built first
// (`node scripts/build.ts`). The packages are byte-reproducible: entries in a fixed order, all dated
// SOURCE_DATE_EPOCH (else 2000-01-01 00:00 UTC), no random names. A package whose inputs have not changed since it
// was written is kept (its inputs' fingerprint is in <out>/<rid>.inputs, outside the feed folder); --force writes it anyway.
//
//   node scripts/package-module.ts [--rid linux-x64|win-x64]... [--out DIR] [--force]
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';
import { manifestProblems } from './package/check.ts';
import { readManifest, type ModuleManifest } from './package/manifest.ts';
import { EXECUTABLE, packageEntries, RIDS, type PackageFile, type Rid } from './package/nupkg.ts';
import { writeZip } from './package/zip.ts';
import { projectRoot } from './project-root.ts';

export const PACKAGE_ID = 'ADDatabaseBackup';
const DEFAULT_DATE = new Date(Date.UTC(2000, 0, 1));

/** Files under a folder, relative with forward slashes, sorted. */
function walk(dir: string, base = dir): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, e.name);
    if (e.isDirectory()) out.push(...walk(full, base));
    else if (e.isFile()) out.push(relative(base, full).split(sep).join('/'));
    else throw new Error(`package: ${full} is neither a file nor a folder`);
  }
  return out.sort();
}

function readFile(moduleDir: string, path: string): PackageFile {
  const full = join(moduleDir, path);
  return { path, data: readFileSync(full), executable: (statSync(full).mode & 0o111) !== 0 };
}

/** The module's files without bin/ (its README.md is the source folder's note, not part of the module). */
export function moduleFiles(moduleDir: string): string[] {
  return walk(moduleDir).filter((f) => !f.startsWith('bin/') && f !== 'README.md');
}

/** The files of one platform's package: the manifest's FileList and bin/<rid>/ (the executable and its koffi). */
export function platformFiles(moduleDir: string, m: ModuleManifest, rid: Rid): PackageFile[] {
  const bin = join(moduleDir, 'bin', rid);
  if (!existsSync(join(bin, EXECUTABLE[rid])))
    throw new Error(`package: module/bin/${rid}/${EXECUTABLE[rid]} is missing: run node scripts/build.ts first`);
  const binFiles = walk(bin).map((f) => `bin/${rid}/${f}`);
  return [...m.fileList, ...binFiles].map((p) => readFile(moduleDir, p));
}

export function sourceDate(env: NodeJS.ProcessEnv): Date {
  const epoch = env.SOURCE_DATE_EPOCH;
  if (epoch === undefined || epoch === '') return DEFAULT_DATE;
  if (!/^\d+$/.test(epoch)) throw new Error(`package: SOURCE_DATE_EPOCH ${epoch} is not a number of seconds`);
  return new Date(Number(epoch) * 1000);
}

function fingerprint(files: PackageFile[], at: Date): string {
  const h = createHash('sha256').update(`${PACKAGE_ID} ${at.toISOString()}\n`);
  // The packaging code is an input too: a change to how packages are written rewrites them.
  const code = join(import.meta.dirname, 'package');
  for (const f of [import.meta.filename, ...walk(code).map((f) => join(code, f))]) h.update(readFileSync(f));
  for (const f of files) h.update(`${f.path} ${f.executable} ${f.data.length}\n`).update(f.data);
  return h.digest('hex');
}

export interface BuiltPackage {
  rid: Rid;
  path: string;
  bytes: number;
  sha256: string;
  written: boolean;
}

export function buildPackage(root: string, rid: Rid, outDir: string, options: { force?: boolean; at: Date }) {
  const moduleDir = join(root, 'module');
  const m = readManifest(readFileSync(join(moduleDir, `${PACKAGE_ID}.psd1`), 'utf8'));
  const version: string = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;
  const problems = manifestProblems(m, version, moduleFiles(moduleDir));
  if (problems.length > 0) throw new Error(`package: the module manifest:\n  ${problems.join('\n  ')}`);
  const files = platformFiles(moduleDir, m, rid);
  const dir = join(outDir, rid);
  const path = join(dir, `${PACKAGE_ID}.${m.moduleVersion}.nupkg`);
  const print = fingerprint(files, options.at);
  const stamp = join(outDir, `${rid}.inputs`);
  const current = existsSync(path) && existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === print;
  if (!current || options.force) {
    const zip = writeZip(packageEntries(PACKAGE_ID, m, rid, files), options.at);
    mkdirSync(dir, { recursive: true });
    writeFileSync(`${path}.partial`, zip);
    renameSync(`${path}.partial`, path);
    writeFileSync(stamp, `${print}\n`);
  }
  const data = readFileSync(path);
  const sha256 = createHash('sha256').update(data).digest('hex');
  return { rid, path, bytes: data.length, sha256, written: !current || !!options.force } satisfies BuiltPackage;
}

function main(): void {
  const { values } = parseArgs({
    options: { rid: { type: 'string', multiple: true }, out: { type: 'string' }, force: { type: 'boolean' } },
  });
  const rids = (values.rid ?? RIDS) as Rid[];
  for (const r of rids) if (!RIDS.includes(r)) throw new Error(`package: --rid ${r}: expected ${RIDS.join(' or ')}`);
  const outDir = resolve(values.out ?? join(projectRoot, 'build', 'packages'));
  const at = sourceDate(process.env);
  for (const rid of rids) {
    const p = buildPackage(projectRoot, rid, outDir, { force: values.force ?? false, at });
    const mb = (p.bytes / 1e6).toFixed(1);
    console.log(
      `${p.written ? 'packaged' : 'up to date'}: ${relative(projectRoot, p.path)} (${mb} MB, sha256 ${p.sha256})`,
    );
  }
}

if (import.meta.main) {
  try {
    main();
  } catch (e) {
    console.error((e as Error).message);
    process.exit(1);
  }
}
