// The parts of a NuGet package (.nupkg) for the PowerShell module, written the way NuGet's own packer lays them out
// (an Open Packaging Conventions zip): <id>.nuspec at the root, the module files at the root (PowerShellGet and
// PSResourceGet install the package's root as the module's version folder), _rels/.rels, [Content_Types].xml and the
// core-properties part. PowerShellGet 2.x reads packages through System.IO.Packaging, which needs the last three;
// PSResourceGet needs only the .nuspec and the files. Names that NuGet makes random (the .psmdcp part, relationship
// ids) are derived from the content here, so a package is a function of its inputs.
import { createHash } from 'node:crypto';
import type { ModuleManifest } from './manifest.ts';
import type { ZipEntry } from './zip.ts';

export type Rid = 'linux-x64' | 'win-x64';
export const RIDS: Rid[] = ['linux-x64', 'win-x64'];
export const EXECUTABLE: Record<Rid, string> = { 'linux-x64': 'adbackup', 'win-x64': 'adbackup.exe' };
const PLATFORM: Record<Rid, string> = { 'linux-x64': 'Linux x64', 'win-x64': 'Windows x64' };

export interface PackageFile {
  /** Path inside the module folder, with forward slashes. */
  path: string;
  data: Buffer;
  executable: boolean;
}

export function xml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
}

/** The nuspec's tags: PowerShellGet's conventions (PSModule, PSFunction_*, PSCommand_*, PSIncludes_Function: what
 *  Find-Module -Command and -Includes search) and the manifest's own tags. */
export function packageTags(m: ModuleManifest): string[] {
  const tags = ['PSModule', ...m.tags];
  for (const f of m.functionsToExport) tags.push(`PSFunction_${f}`, `PSCommand_${f}`);
  if (m.functionsToExport.length > 0) tags.push('PSIncludes_Function');
  return [...new Set(tags)];
}

export function packageDescription(m: ModuleManifest, rid: Rid): string {
  return `${m.description} This package carries the ${PLATFORM[rid]} executable only (bin/${rid}/${EXECUTABLE[rid]}).`;
}

export function nuspec(id: string, m: ModuleManifest, rid: Rid): string {
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<package xmlns="http://schemas.microsoft.com/packaging/2011/08/nuspec.xsd">',
    '  <metadata>',
    `    <id>${xml(id)}</id>`,
    `    <version>${xml(m.moduleVersion)}</version>`,
    `    <authors>${xml(m.author)}</authors>`,
    `    <owners>${xml(m.companyName)}</owners>`,
    '    <requireLicenseAcceptance>false</requireLicenseAcceptance>',
    `    <description>${xml(packageDescription(m, rid))}</description>`,
    `    <releaseNotes>${xml(m.releaseNotes)}</releaseNotes>`,
    `    <copyright>${xml(m.copyright)}</copyright>`,
    `    <tags>${xml(packageTags(m).join(' '))}</tags>`,
    '  </metadata>',
    '</package>',
    '',
  ].join('\n');
}

function extensionOf(path: string): string | null {
  const name = path.slice(path.lastIndexOf('/') + 1);
  const dot = name.lastIndexOf('.');
  return dot >= 0 ? name.slice(dot + 1).toLowerCase() : null;
}

/** [Content_Types].xml: a Default per extension, an Override per file without one (OPC needs a type for every part). */
export function contentTypes(paths: string[]): string {
  const lines = [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">',
    '  <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml" />',
    '  <Default Extension="psmdcp" ContentType="application/vnd.openxmlformats-package.core-properties+xml" />',
  ];
  const extensions = [...new Set(paths.map(extensionOf).filter((e): e is string => e !== null))].sort();
  for (const e of extensions.filter((e) => e !== 'rels' && e !== 'psmdcp'))
    lines.push(`  <Default Extension="${xml(e)}" ContentType="application/octet" />`);
  for (const p of paths.filter((p) => extensionOf(p) === null).sort())
    lines.push(`  <Override PartName="/${xml(p)}" ContentType="application/octet" />`);
  lines.push('</Types>', '');
  return lines.join('\n');
}

function shortHash(text: string, length: number): string {
  return createHash('sha256').update(text).digest('hex').slice(0, length).toUpperCase();
}

function relationships(nuspecPath: string, corePath: string): string {
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">',
    `  <Relationship Type="http://schemas.microsoft.com/packaging/2010/07/manifest" Target="/${nuspecPath}" Id="R${shortHash(nuspecPath, 16)}" />`,
    `  <Relationship Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="/${corePath}" Id="R${shortHash(corePath, 16)}" />`,
    '</Relationships>',
    '',
  ].join('\n');
}

function coreProperties(id: string, m: ModuleManifest, rid: Rid): string {
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<coreProperties xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns="http://schemas.openxmlformats.org/package/2006/metadata/core-properties">',
    `  <dc:creator>${xml(m.author)}</dc:creator>`,
    `  <dc:description>${xml(packageDescription(m, rid))}</dc:description>`,
    `  <dc:identifier>${xml(id)}</dc:identifier>`,
    `  <version>${xml(m.moduleVersion)}</version>`,
    `  <keywords>${xml(packageTags(m).join(' '))}</keywords>`,
    '  <lastModifiedBy>ADDatabaseBackup scripts/package-module.ts</lastModifiedBy>',
    '</coreProperties>',
    '',
  ].join('\n');
}

/** Every zip entry of the package, in the order written: rels, nuspec, the module files (sorted), content types,
 *  core properties. */
export function packageEntries(id: string, m: ModuleManifest, rid: Rid, files: PackageFile[]): ZipEntry[] {
  const spec = nuspec(id, m, rid);
  const nuspecPath = `${id}.nuspec`;
  const core = coreProperties(id, m, rid);
  const corePath = `package/services/metadata/core-properties/${shortHash(core, 32).toLowerCase()}.psmdcp`;
  const sorted = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const parts = ['_rels/.rels', nuspecPath, ...sorted.map((f) => f.path), corePath];
  return [
    { name: '_rels/.rels', data: Buffer.from(relationships(nuspecPath, corePath)) },
    { name: nuspecPath, data: Buffer.from(spec) },
    ...sorted.map((f) => ({ name: f.path, data: f.data, executable: f.executable })),
    { name: '[Content_Types].xml', data: Buffer.from(contentTypes(parts)) },
    { name: corePath, data: Buffer.from(core) },
  ];
}
