// The PowerShell sources read by the PowerShell 7.6.9 engine's own parser and loaders (tests/powershell/host): every
// file parses; the public functions follow the module conventions (advanced functions, approved verbs, singular
// nouns, full comment-based help, ShouldProcess where state changes, no Write-Host, no plaintext secrets); the
// manifest exports exactly the public function files and passes Test-ModuleManifest; the format and types files load
// in the engine's FormatTable/TypeTable and cover exactly the PSTypeNames the wrappers emit; the module imports and
// Get-Command/Get-Help see every export with its help. (PSScriptAnalyzer itself is not obtainable here.)
import test from 'ava';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../support/shared.ts';
import { formatData, lintFiles, manifestPath, moduleDir, prepare, psq, psTestFn, runPs } from './support/pshost.ts';

const psTest = psTestFn(test);
test.before(() => prepare());

const wrappers = join(projectRoot, 'ps-wrappers');
const samples = join(projectRoot, 'samples');
const publicFiles = readdirSync(wrappers).filter((n) => n.endsWith('.ps1')).sort();
const privateFiles = readdirSync(join(wrappers, 'private')).filter((n) => n.endsWith('.ps1')).sort();
const sampleFiles = readdirSync(samples).filter((n) => n.endsWith('.ps1')).sort();
const moduleFiles = ['ADDatabaseBackup.psd1', 'ADDatabaseBackup.psm1'];
const allFiles = [
  ...publicFiles.map((n) => join(wrappers, n)),
  ...privateFiles.map((n) => join(wrappers, 'private', n)),
  ...moduleFiles.map((n) => join(moduleDir, n)),
  ...sampleFiles.map((n) => join(samples, n)),
];
const publicNames = publicFiles.map((n) => n.replace(/\.ps1$/, ''));

interface Param {
  name: string;
  type: string | null;
  aliases: string[];
  parameterAttributes: { set: string | null; mandatory: boolean; valueFromPipeline: boolean; valueFromPipelineByPropertyName: boolean }[];
}
interface Help {
  synopsis: string | null;
  description: string | null;
  parameters: Record<string, string>;
  examples: string[];
  inputs: string[];
  outputs: string[];
  notes: string | null;
  links: string[];
}
interface Fn {
  name: string;
  nested: boolean;
  cmdletBinding: boolean;
  supportsShouldProcess: boolean | null;
  confirmImpact: string | null;
  outputTypes: string[];
  shouldProcessCalls: number;
  parameters: Param[];
  help: Help | null;
}
interface FileFacts {
  path: string;
  parseErrors: { message: string; line: number }[];
  scriptHelp: Help | null;
  scriptParameters: Param[];
  functions: Fn[];
  commands: { name: string | null; line: number }[];
}

let lintCache: Promise<{ approvedVerbs: { verb: string; group: string }[]; files: FileFacts[] }> | null = null;
function lint() {
  lintCache ??= lintFiles(allFiles);
  return lintCache;
}
const factsOf = async (path: string) => (await lint()).files.find((f) => f.path === path)!;

/** The common parameters PowerShell adds; comment-based help documents them itself. */
const COMMON = new Set(['WhatIf', 'Confirm']);
const STATE_CHANGING_VERBS = new Set(['Backup', 'Restore', 'New', 'Set', 'Remove', 'Add', 'Clear', 'Register', 'Unregister', 'Install', 'Uninstall', 'Protect', 'Unprotect', 'Update', 'Write', 'Move', 'Copy', 'Rename', 'Reset', 'Start', 'Stop']);
const SECRET_NAME = /pass(word|phrase)?$|secret|credential|privatekey|identity$/i;

function checkHelp(t: import('ava').ExecutionContext, where: string, help: Help | null, params: Param[], minExamples: number) {
  t.truthy(help, `${where}: comment-based help`);
  if (!help) return;
  t.true((help.synopsis ?? '').trim().length > 10, `${where}: .SYNOPSIS`);
  t.true((help.description ?? '').trim().length > 40, `${where}: .DESCRIPTION`);
  t.true(help.examples.length >= minExamples, `${where}: at least ${minExamples} .EXAMPLE (has ${help.examples.length})`);
  for (const e of help.examples) t.true(e.trim().length > 0, `${where}: empty example`);
  const documented = new Set(Object.keys(help.parameters).map((k) => k.toUpperCase()));
  for (const p of params) {
    if (COMMON.has(p.name)) continue;
    t.true(documented.has(p.name.toUpperCase()), `${where}: .PARAMETER ${p.name}`);
  }
  for (const k of documented) t.true(params.some((p) => p.name.toUpperCase() === k) || k === 'WHATIF' || k === 'CONFIRM', `${where}: .PARAMETER ${k} documents no parameter`);
}

psTest('every .ps1, .psm1 and .psd1 parses with System.Management.Automation.Language.Parser.ParseFile without errors', async (t) => {
  const { files } = await lint();
  t.is(files.length, allFiles.length);
  for (const f of files) t.deepEqual(f.parseErrors, [], f.path);
  t.true(publicFiles.length >= 5 && sampleFiles.length >= 4);
});

psTest('public functions: one per file, advanced, approved verb, singular noun, OutputType, full comment-based help', async (t) => {
  const verbs = new Set((await lint()).approvedVerbs.map((v) => v.verb));
  t.true(verbs.has('Backup') && verbs.has('Restore') && verbs.has('Test') && verbs.has('Get'), 'verbs read from the engine by reflection');
  for (const file of publicFiles) {
    const facts = await factsOf(join(wrappers, file));
    const top = facts.functions.filter((f) => !f.nested);
    t.is(top.length, 1, `${file}: exactly one function`);
    const fn = top[0]!;
    t.is(`${fn.name}.ps1`, file, 'the file is named after its function');
    t.true(fn.cmdletBinding, `${fn.name}: [CmdletBinding()]`);
    const [verb, noun] = fn.name.split('-') as [string, string];
    t.true(verbs.has(verb), `${fn.name}: approved verb`);
    t.true(noun.startsWith('ADDatabase'), `${fn.name}: noun prefix`);
    t.false(/[^s]s$/.test(noun) || /ies$/.test(noun), `${fn.name}: singular noun`);
    t.true(fn.outputTypes.length > 0, `${fn.name}: [OutputType()]`);
    checkHelp(t, fn.name, fn.help, fn.parameters, 2);
    t.true(fn.help!.inputs.length > 0 && fn.help!.outputs.length > 0, `${fn.name}: .INPUTS and .OUTPUTS`);
    t.true(!!fn.help!.notes || fn.help!.links.length > 0, `${fn.name}: .NOTES or .LINK`);
  }
});

psTest('state-changing cmdlets support ShouldProcess and call it (Restore: ConfirmImpact High, Backup: Medium); read-only ones do not', async (t) => {
  for (const file of publicFiles) {
    const fn = (await factsOf(join(wrappers, file))).functions.find((f) => !f.nested)!;
    const changes = STATE_CHANGING_VERBS.has(fn.name.split('-')[0]!);
    t.is(fn.supportsShouldProcess === true, changes, `${fn.name}: SupportsShouldProcess`);
    if (changes) t.true(fn.shouldProcessCalls > 0, `${fn.name}: calls $PSCmdlet.ShouldProcess`);
  }
  const impact = async (name: string) => (await factsOf(join(wrappers, `${name}.ps1`))).functions.find((f) => f.name === name)!.confirmImpact;
  t.is(await impact('Restore-ADDatabase'), 'High');
  t.is(await impact('Backup-ADDatabase'), 'Medium');
});

psTest('private helpers: advanced functions with approved verbs, an ADB noun prefix and help for every parameter', async (t) => {
  const verbs = new Set((await lint()).approvedVerbs.map((v) => v.verb));
  for (const file of privateFiles) {
    for (const fn of (await factsOf(join(wrappers, 'private', file))).functions) {
      t.true(fn.cmdletBinding, `${fn.name}: [CmdletBinding()]`);
      t.true(verbs.has(fn.name.split('-')[0]!), `${fn.name}: approved verb`);
      t.true(fn.name.split('-')[1]!.startsWith('ADB'), `${fn.name}: ADB noun prefix (no clash with exported names)`);
      checkHelp(t, fn.name, fn.help ? { ...fn.help, description: fn.help.description ?? fn.help.synopsis } : null, fn.parameters, 0);
    }
  }
});

psTest('no Write-Host anywhere; secrets only as SecureString or PSCredential parameters', async (t) => {
  const { files } = await lint();
  for (const f of files) {
    t.deepEqual(f.commands.filter((c) => /^(Microsoft\.PowerShell\.Utility\\)?Write-Host$/i.test(c.name ?? '')), [], `${f.path}: Write-Host`);
    const params = [...f.scriptParameters, ...f.functions.flatMap((fn) => fn.parameters)];
    for (const p of params.filter((x) => SECRET_NAME.test(x.name))) {
      t.true(/^(securestring|System\.Security\.SecureString|System\.Management\.Automation\.PSCredential|pscredential)$/i.test(p.type ?? ''), `${f.path}: -${p.name} is ${p.type}`);
    }
  }
});

psTest('samples: comment-based help with synopsis, description, examples and every parameter', async (t) => {
  for (const file of sampleFiles) {
    const facts = await factsOf(join(samples, file));
    checkHelp(t, file, facts.scriptHelp, facts.scriptParameters, 2);
  }
  const runbook = readFileSync(join(samples, 'dsrm-restore-runbook.ps1'), 'utf8');
  for (const step of ["'/set', '{default}', 'safeboot', 'dsrepair'", 'Restore-ADDatabase', 'authoritative restore', "'/deletevalue', '{default}', 'safeboot'", 'Restart-Computer']) {
    t.true(runbook.includes(step), `runbook: ${step}`);
  }
  t.true(readFileSync(join(samples, 'register-nightly-backup-task.ps1'), 'utf8').includes('Register-ScheduledTask'));
  t.true(readFileSync(join(samples, 'gpo-startup-backup-task.ps1'), 'utf8').includes('register-nightly-backup-task.ps1'));
  t.true(readFileSync(join(samples, 'forest-backup-fanout.ps1'), 'utf8').includes('Invoke-Command'));
});

psTest('manifest: explicit exports equal the public function files, Test-ModuleManifest passes, version and editions', async (t) => {
  const r = await runPs(`
    $m = Test-ModuleManifest -Path ${psq(manifestPath)} -ErrorAction Stop
    [pscustomobject]@{
      Version = $m.Version.ToString(); PowerShellVersion = $m.PowerShellVersion.ToString()
      Editions = @($m.CompatiblePSEditions); Functions = @($m.ExportedFunctions.Keys)
      Cmdlets = @($m.ExportedCmdlets.Keys); Aliases = @($m.ExportedAliases.Keys); Variables = @($m.ExportedVariables.Keys)
      Formats = @($m.ExportedFormatFiles | ForEach-Object { [IO.Path]::GetFileName($_) })
      Types = @($m.ExportedTypeFiles | ForEach-Object { [IO.Path]::GetFileName($_) })
      FileList = @($m.FileList | ForEach-Object { $_.Substring(${psq(moduleDir)}.Length + 1).Replace('\\', '/') })
      Tags = @($m.Tags); ReleaseNotes = [string]$m.ReleaseNotes
    }`);
  t.deepEqual(r.errors, []);
  t.is(r.terminating, null, JSON.stringify(r.terminating));
  const m = r.output[0];
  const pkg = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8'));
  t.is(m.Version, pkg.version, 'ModuleVersion equals package.json');
  t.is(m.PowerShellVersion, '5.1');
  t.deepEqual(m.Editions, ['Desktop', 'Core']);
  t.deepEqual([...m.Functions].sort(), publicNames);
  t.deepEqual([m.Cmdlets, m.Aliases, m.Variables], [[], [], []]);
  t.deepEqual(m.Formats, ['ADDatabaseBackup.Format.ps1xml']);
  t.deepEqual(m.Types, ['ADDatabaseBackup.Types.ps1xml']);
  t.deepEqual([...m.FileList].sort(), [...moduleFiles, 'ADDatabaseBackup.Format.ps1xml', 'ADDatabaseBackup.Types.ps1xml',
    ...publicFiles.map((n) => `functions/${n}`), ...privateFiles.map((n) => `functions/private/${n}`)].sort());
  t.true(m.Tags.includes('ActiveDirectory') && m.Tags.includes('PSEdition_Core') && m.Tags.includes('PSEdition_Desktop'));
  t.true(m.ReleaseNotes.includes('Backup-ADDatabase'));
  const source = readFileSync(manifestPath, 'utf8');
  t.false(/ToExport\s*=\s*['"@(]*\*/.test(source), 'no wildcard exports');
});

psTest('format and types files load in the engine and cover exactly the PSTypeNames the cmdlets emit', async (t) => {
  const r = await formatData(join(moduleDir, 'ADDatabaseBackup.Format.ps1xml'), join(moduleDir, 'ADDatabaseBackup.Types.ps1xml'));
  t.deepEqual(r.formatErrors, []);
  t.deepEqual(r.typesErrors, []);
  const sources = [...publicFiles.map((n) => join(wrappers, n)), ...privateFiles.map((n) => join(wrappers, 'private', n))].map((p) => readFileSync(p, 'utf8')).join('\n');
  const emitted = new Set([...sources.matchAll(/-TypeName '(ADDatabaseBackup\.[A-Za-z]+)'/g)].map((m) => m[1]!));
  const declared = new Set([...sources.matchAll(/\[OutputType\('(ADDatabaseBackup\.[A-Za-z]+)'/g)].map((m) => m[1]!));
  t.deepEqual([...declared].sort(), [...emitted].sort(), 'every [OutputType()] names a type a helper emits, and back');
  t.is(emitted.size, 6);
  const viewed = new Set<string>(r.views.flatMap((v: { typeNames: string[] }) => v.typeNames));
  t.deepEqual([...viewed].sort(), [...emitted].flatMap((n) => [n, `Deserialized.${n}`]).sort(), 'a view for each type and its deserialized copy');
  t.deepEqual([...r.types].sort(), [...emitted].sort(), 'type data for each type');
});

psTest('the module imports in the engine: Get-Command lists exactly the exports; Get-Help has synopsis, description, examples and parameters', async (t) => {
  const r = await runPs(`
    Import-Module ${psq(manifestPath)} -ErrorAction Stop
    $commands = @(Get-Command -Module ADDatabaseBackup)
    foreach ($c in $commands) {
      $h = Get-Help $c.Name -Full
      [pscustomobject]@{
        Name = $c.Name; CommandType = $c.CommandType.ToString()
        Synopsis = [string]$h.Synopsis
        Description = [string]($h.description | ForEach-Object { $_.Text }) -join ' '
        Examples = @($h.examples.example | ForEach-Object { [string]$_.code })
        HelpParameters = @($h.parameters.parameter | ForEach-Object { $_.name })
        CommandParameters = @($c.Parameters.Keys | Where-Object { $_ -notin [System.Management.Automation.PSCmdlet]::CommonParameters -and $_ -notin [System.Management.Automation.PSCmdlet]::OptionalCommonParameters })
        ParameterSets = @($c.ParameterSets | ForEach-Object { $_.Name })
        Inputs = [string]($h.inputTypes.inputType | ForEach-Object { $_.type.name })
        Outputs = [string]($h.returnValues.returnValue | ForEach-Object { $_.type.name })
      }
    }
    [pscustomobject]@{ Private = @(Get-Command -Name '*-ADB*' -ErrorAction SilentlyContinue).Count }`);
  t.deepEqual(r.errors, []);
  t.is(r.terminating, null, JSON.stringify(r.terminating));
  const commands = r.output.filter((o) => o.Name);
  t.deepEqual(commands.map((c) => c.Name).sort(), publicNames);
  t.is(r.output.at(-1).Private, 0, 'private helpers are not exported');
  for (const c of commands) {
    t.is(c.CommandType, 'Function');
    t.true(c.Synopsis.length > 10 && !c.Synopsis.startsWith(c.Name), `${c.Name}: synopsis from the comment-based help`);
    t.true(c.Description.length > 40, `${c.Name}: description`);
    t.true(c.Examples.length >= 2 && c.Examples.every((e: string) => e.includes('-ADDatabase')), `${c.Name}: examples`);
    t.deepEqual(c.HelpParameters.filter((n: string) => !COMMON.has(n)).sort(), [...c.CommandParameters].sort(), `${c.Name}: Get-Help lists every parameter`);
    t.true(c.Inputs.length > 0 && c.Outputs.length > 0, `${c.Name}: inputs and outputs`);
  }
});

psTest('the test host\'s JSON shims behave as PowerShell 7 documents ConvertFrom-Json and ConvertTo-Json', async (t) => {
  const r = await runPs(`
    $o = '{"n":1,"big":12345678901,"f":1.5,"d":"2026-11-23T15:18:44.280Z","s":"2026-11-23","a":[1,"x"],"e":[],"o":{"k":null},"t":true}' | ConvertFrom-Json
    [pscustomobject]@{
      Types = @($o.n, $o.big, $o.f, $o.d, $o.s, $o.a, $o.t) | ForEach-Object { $_.GetType().FullName }
      Kind = $o.d.Kind.ToString(); IsCustom = $o -is [System.Management.Automation.PSCustomObject]; EmptyArray = $o.e.Count
      Enumerated = @('[1,2,3]' | ConvertFrom-Json).Count; NotEnumerated = @('[1,2,3]' | ConvertFrom-Json -NoEnumerate).Count
      Hashtable = ('{"a":1}' | ConvertFrom-Json -AsHashtable).GetType().Name
      Compressed = ConvertTo-Json -InputObject ([ordered]@{ s = 'a"b\\'; n = 3; b = $false; x = $null; l = @(1, 'two'); w = [switch]$true }) -Compress
      Indented = ConvertTo-Json -InputObject @{ a = 1 }
      Deep = ConvertTo-Json -InputObject @{ a = @{ b = @{ c = @{ d = 1 } } } } -Compress
      DeepEnough = ConvertTo-Json -InputObject @{ a = @{ b = @{ c = @{ d = 1 } } } } -Compress -Depth 5
    }
  `);
  t.is(r.terminating, null, JSON.stringify(r.terminating));
  const o = r.output[0];
  t.deepEqual(o.Types, ['System.Int64', 'System.Int64', 'System.Double', 'System.DateTime', 'System.String', 'System.Object[]', 'System.Boolean']);
  t.like(o, { Kind: 'Utc', IsCustom: true, EmptyArray: 0, Enumerated: 3, NotEnumerated: 1, Hashtable: 'OrderedHashtable' });
  t.is(o.Compressed, '{"s":"a\\"b\\\\","n":3,"b":false,"x":null,"l":[1,"two"],"w":{"IsPresent":true}}');
  t.is(o.Indented, '{\n  "a": 1\n}');
  t.is(o.Deep, '{"a":{"b":{"c":"System.Collections.Hashtable"}}}', 'beyond -Depth (default 2): the object\'s string');
  t.deepEqual(r.warnings, ['Resulting JSON is truncated as serialization has exceeded the set depth of 2.']);
  t.is(o.DeepEnough, '{"a":{"b":{"c":{"d":1}}}}');
});
