// What the packages need from the module manifest (module/ADDatabaseBackup.psd1), read without PowerShell so that
// packaging runs wherever the build runs. Not a PowerShell parser: it reads the shapes this manifest uses —
// `Key = 'single-quoted'`, `Key = @('a', 'b')` or one quoted item per line, and `Key = @'` here-strings `'@` — and
// fails on a key it cannot find rather than guessing.

export interface ModuleManifest {
  moduleVersion: string;
  author: string;
  companyName: string;
  copyright: string;
  description: string;
  powerShellVersion: string;
  compatiblePSEditions: string[];
  functionsToExport: string[];
  fileList: string[];
  tags: string[];
  releaseNotes: string;
}

function quoted(text: string): string {
  return text.slice(1, -1).replaceAll("''", "'");
}

function scalar(psd1: string, key: string): string {
  const m = new RegExp(`^\\s*${key}\\s*=\\s*('(?:[^']|'')*')\\s*$`, 'm').exec(psd1);
  if (!m?.[1]) throw new Error(`manifest: no ${key} = '...' line`);
  return quoted(m[1]);
}

function list(psd1: string, key: string): string[] {
  const m = new RegExp(`^\\s*${key}\\s*=\\s*@\\(([^)]*)\\)`, 'm').exec(psd1);
  if (!m) throw new Error(`manifest: no ${key} = @(...)`);
  return [...(m[1] ?? '').matchAll(/'(?:[^']|'')*'/g)].map((q) => quoted(q[0]));
}

function hereString(psd1: string, key: string): string {
  const m = new RegExp(`^\\s*${key}\\s*=\\s*@'\\r?\\n([\\s\\S]*?)\\r?\\n'@`, 'm').exec(psd1);
  if (!m) throw new Error(`manifest: no ${key} = @' ... '@`);
  return (m[1] ?? '').replaceAll('\r\n', '\n');
}

export function readManifest(psd1: string): ModuleManifest {
  return {
    moduleVersion: scalar(psd1, 'ModuleVersion'),
    author: scalar(psd1, 'Author'),
    companyName: scalar(psd1, 'CompanyName'),
    copyright: scalar(psd1, 'Copyright'),
    description: scalar(psd1, 'Description'),
    powerShellVersion: scalar(psd1, 'PowerShellVersion'),
    compatiblePSEditions: list(psd1, 'CompatiblePSEditions'),
    functionsToExport: list(psd1, 'FunctionsToExport'),
    fileList: list(psd1, 'FileList'),
    tags: list(psd1, 'Tags'),
    releaseNotes: hereString(psd1, 'ReleaseNotes'),
  };
}
