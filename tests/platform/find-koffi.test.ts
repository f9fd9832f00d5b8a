import test from 'ava';
import { createRequire } from 'node:module';
import { findKoffi } from '../../src/platform/native/koffi.ts';

test('findKoffi reports the version of the koffi loadKoffi would load, without loading it', (t) => {
  const require = createRequire(import.meta.url);
  const before = Object.keys(require.cache).some((p) => p.includes('koffi.node'));
  const found = findKoffi();
  t.is(found.error, null);
  t.is(found.version, (require('../../node_modules/koffi/package.json') as { version: string }).version);
  // Finding it must not have loaded the native addon.
  t.is(
    Object.keys(require.cache).some((p) => p.includes('koffi.node')),
    before,
  );
});
