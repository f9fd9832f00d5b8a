// The 2012 R2 template database, unpacked once per test file into a temporary folder (never into the project).
import type { TestFn } from 'ava';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { ntdsFixture } from '../support/shared.ts';

export function unpackNtds(test: TestFn): () => string {
  let dir: string | undefined;
  test.before(() => {
    dir = mkdtempSync(join(tmpdir(), 'adbackup-ntds-'));
    writeFileSync(join(dir, 'ntds.dit'), gunzipSync(readFileSync(ntdsFixture)));
  });
  test.after.always(() => {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });
  return () => join(dir!, 'ntds.dit');
}
