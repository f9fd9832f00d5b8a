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
  banner: { js: '#!/usr/bin/env node' },
  legalComments: 'none',
  logLevel: 'warning',
});
chmodSync(`${root}dist/adbackup.cjs`, 0o755);
console.log('built dist/adbackup.cjs');
