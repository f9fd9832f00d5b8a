// npm run build: validators -> one CommonJS bundle (dist/adbackup.cjs). The standalone executables are added by
// scripts/build-sea.ts once that step exists.
import { execFileSync } from 'node:child_process';
import { chmodSync } from 'node:fs';
import { build } from 'esbuild';

const root = new URL('..', import.meta.url).pathname;
execFileSync(process.execPath, [`${root}scripts/gen-validators.ts`], { stdio: 'inherit' });
await build({
  entryPoints: [`${root}src/cli/entry.ts`],
  outfile: `${root}dist/adbackup.cjs`,
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
chmodSync(`${root}dist/adbackup.cjs`, 0o755);
console.log('built dist/adbackup.cjs');
