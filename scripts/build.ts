// npm run build: validators -> one CommonJS bundle (dist/adbackup.cjs) -> the standalone executables
// module/bin/linux-x64/adbackup and module/bin/win-x64/adbackup.exe (scripts/build-sea.ts; `--force` rebuilds them
// even when their inputs have not changed). `--bundle-only` stops after the bundle: the demo and the benchmark need
// nothing else, and so run on a fresh machine with only Node and npm. The PowerShell function files are copied from
// ps-wrappers/ into module/functions/ in both cases (scripts/build-module.ts).
import { execFileSync } from 'node:child_process';
import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { buildExecutables } from './build-sea.ts';
import { buildModuleFunctions } from './build-module.ts';
import { projectRoot } from './project-root.ts';

const root = projectRoot;
execFileSync(process.execPath, [join(root, 'scripts', 'gen-validators.ts')], { stdio: 'inherit' });
await build({
  entryPoints: [join(root, 'src', 'cli', 'entry.ts')],
  outfile: join(root, 'dist', 'adbackup.cjs'),
  bundle: true,
  platform: 'node',
  target: 'node24',
  format: 'cjs',
  // koffi is a native addon: never bundled; loaded at run time from node_modules (beside the executable for SEA).
  external: ['koffi'],
  // The bundle is CommonJS: give code written for ESM its module URL.
  define: { 'import.meta.url': '__adbackupModuleUrl' },
  banner: { js: "#!/usr/bin/env node\nvar __adbackupModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
  legalComments: 'none',
  logLevel: 'warning',
});
chmodSync(join(root, 'dist', 'adbackup.cjs'), 0o755);
console.log('built dist/adbackup.cjs');
console.log(`built module/functions (${buildModuleFunctions(root).length} files from ps-wrappers/)`);
if (process.argv.includes('--bundle-only')) process.exit(0);
try {
  await buildExecutables(root, { force: process.argv.includes('--force') });
} catch (e) {
  console.error(`build: standalone executables: ${(e as Error).message}`);
  process.exit(1);
}
