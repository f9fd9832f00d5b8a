// What must hold before the module is packaged: the manifest describes the module folder exactly, and carries what a
// gallery or an internal feed shows (version from package.json, editions, PowerShell 5.1, tags, no machine paths).
import type { ModuleManifest } from './manifest.ts';

/** An absolute path of a build machine or a UNC host: neither belongs in a published manifest. */
const MACHINE_PATH = /[A-Za-z]:\\|\\\\[A-Za-z0-9]|(^|[\s'"(])\/(home|root|tmp|work|usr|var|mnt|Users)\//;

/**
 * The problems of the manifest for a package of `packageVersion` (package.json's version); `moduleFiles` are the
 * module folder's files outside bin/ (relative, forward slashes). Empty when it may be packaged.
 */
export function manifestProblems(m: ModuleManifest, packageVersion: string, moduleFiles: string[]): string[] {
  const problems: string[] = [];
  if (!/^\d+\.\d+\.\d+$/.test(packageVersion))
    problems.push(
      `package.json version ${packageVersion} is not MAJOR.MINOR.PATCH (a ModuleVersion has no prerelease)`,
    );
  if (m.moduleVersion !== packageVersion)
    problems.push(`ModuleVersion ${m.moduleVersion} is not package.json's version ${packageVersion}`);
  if (m.powerShellVersion !== '5.1') problems.push(`PowerShellVersion is ${m.powerShellVersion}, not 5.1`);
  for (const edition of ['Desktop', 'Core'])
    if (!m.compatiblePSEditions.includes(edition)) problems.push(`CompatiblePSEditions lacks ${edition}`);
  if (m.tags.length === 0) problems.push('PrivateData.PSData.Tags is empty');
  if (m.description.trim().length === 0) problems.push('Description is empty');
  for (const [field, text] of Object.entries(m)) {
    const values = Array.isArray(text) ? text : [text];
    if (values.some((v) => MACHINE_PATH.test(v))) problems.push(`${field} holds a machine path or host name`);
  }
  const listed = new Set(m.fileList);
  for (const f of moduleFiles) if (!listed.has(f)) problems.push(`${f} is in the module folder but not in FileList`);
  const present = new Set(moduleFiles);
  for (const f of m.fileList) if (!present.has(f)) problems.push(`FileList names ${f}, which is missing`);
  const publicFunctions = moduleFiles
    .filter((f) => /^functions\/[^/]+\.ps1$/.test(f))
    .map((f) => f.slice('functions/'.length, -'.ps1'.length))
    .sort();
  if (JSON.stringify(publicFunctions) !== JSON.stringify([...m.functionsToExport].sort()))
    problems.push(
      `FunctionsToExport (${m.functionsToExport.join(', ')}) is not functions/*.ps1 (${publicFunctions.join(', ')})`,
    );
  return problems;
}
