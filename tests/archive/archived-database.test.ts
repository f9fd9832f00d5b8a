// The database inside a backup archive, read without a plaintext copy on disk: `tables` and `objects` out of a tar,
// tar.zst, tar.gz and an age-encrypted tar.zst give what they give on the database file itself; the sealed scratch
// file of a compressed archive never holds the database's bytes, is gone from its folder at once, and a slot altered
// on disk is an Integrity error, never wrong data.
import test from 'ava';
import { closeSync, openSync, readFileSync, readSync, readdirSync, writeFileSync, writeSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import * as v from '../../src/protocol/generated/validators.js';
import { openArchivedDatabase } from '../../src/archive/archived-database.ts';
import { EseDatabase } from '../../src/ese/reader/database.ts';
import { Findings } from '../../src/ese/reader/findings.ts';
import { AppError } from '../../src/errors.ts';
import { makeDsaFolder } from '../fixtures/synthetic-dsa.ts';
import { adbackup } from '../support/cli.ts';
import { haveNtds, ntdsFixture } from '../support/shared.ts';
import { tempDir } from '../support/temp.ts';

const maybe = haveNtds || process.env['CI'] ? test : test.skip;
const PAGE = 8192; // the 2012 R2 template's page size

interface Setup {
  dir: string;
  databasePath: string;
  archives: Record<'tar' | 'zst' | 'gz' | 'age', string>;
  identityFile: string;
  strangerFile: string;
}
let setup: Setup | undefined;

/** A synthetic DSA folder holding the real 2012 R2 ntds.dit, backed up four ways through the CLI. */
test.before(async () => {
  if (!haveNtds) return;
  const dir = await mkdtemp(join(tmpdir(), 'adbackup-archived-db-'));
  const f = await makeDsaFolder(join(dir, 'NTDS'), { logs: 2, logFileBytes: 96 * 1024 });
  writeFileSync(f.databasePath, gunzipSync(readFileSync(ntdsFixture)));
  const identityFile = join(dir, 'key.txt');
  const strangerFile = join(dir, 'stranger.txt');
  for (const [file, recipients] of [
    [identityFile, join(dir, 'recipients.txt')],
    [strangerFile, undefined],
  ] as const) {
    const k = await adbackup(['keygen'], { identityFile: file, ...(recipients ? { recipientsFile: recipients } : {}) });
    if (k.code !== 0) throw new Error(k.stdout);
  }
  const backup = async (name: string, compression: string, encrypted = false) => {
    const b = await adbackup(['backup'], {
      source: { type: 'folder', path: f.dir, computer: 'DC01' },
      destination: { directory: join(dir, name) },
      compression: { type: compression },
      ...(encrypted ? { encryption: { recipientsFile: join(dir, 'recipients.txt') } } : {}),
    });
    if (b.code !== 0) throw new Error(b.stdout + b.stderr);
    return b.json.archive as string;
  };
  const archives = {
    tar: await backup('tar', 'none'),
    zst: await backup('zst', 'zstd'),
    gz: await backup('gz', 'gzip'),
    age: await backup('age', 'zstd', true),
  };
  setup = { dir, databasePath: f.databasePath, archives, identityFile, strangerFile };
});
test.after.always(async () => {
  if (setup) await rm(setup.dir, { recursive: true, force: true });
});

const OBJECTS = { limit: 10000, attributes: ['distinguishedName', 'objectClass', 'objectGUID', 'lDAPDisplayName'] };

/** The response without the fields that name its source. */
function body(json: any): any {
  const { path: _p, archive: _a, member: _m, ...rest } = json;
  return rest;
}

for (const kind of ['tar', 'zst', 'gz', 'age'] as const) {
  maybe(`tables and objects out of the ${kind} archive equal those of the database file`, async (t) => {
    const s = setup!;
    const archive = s.archives[kind];
    const decryption = kind === 'age' ? { decryption: { identityFile: s.identityFile } } : {};
    for (const [command, extra, check] of [
      ['tables', {}, v.tablesResponse],
      ['objects', OBJECTS, v.objectsResponse],
    ] as const) {
      const fromFile = await adbackup([command], { path: s.databasePath, ...extra });
      const fromArchive = await adbackup([command], { archive, ...decryption, ...extra });
      t.is(fromFile.code, 0, fromFile.stdout);
      t.is(fromArchive.code, 0, fromArchive.stdout + fromArchive.stderr);
      t.true(check(fromArchive.json), JSON.stringify(check.errors));
      t.like(fromArchive.json, { archive, member: 'ntds/ntds.dit' });
      t.is(fromArchive.json.path, undefined);
      t.deepEqual(body(fromArchive.json), body(fromFile.json));
    }
  });
}

maybe(
  'compare: an encrypted archive against a tar.zst and against the file itself: no differences, sides named',
  async (t) => {
    const s = setup!;
    const left = { archive: s.archives.age, decryption: { identityFile: s.identityFile } };
    for (const right of [{ archive: s.archives.zst }, { path: s.databasePath }]) {
      const r = await adbackup(['compare'], { left, right });
      t.is(r.code, 0, r.stdout + r.stderr);
      t.true(v.compareResponse(r.json), JSON.stringify(v.compareResponse.errors));
      t.like(r.json, { differences: 0, left: { archive: s.archives.age, member: 'ntds/ntds.dit', objects: 1741 } });
      t.like(r.json.right, { ...right, objects: 1741 });
    }
    const locked = await adbackup(['compare'], { left: { archive: s.archives.age }, right: { path: s.databasePath } });
    t.is(locked.code, 4, locked.stdout);
    t.is(locked.json.error.code, 'ARCHIVE_ENCRYPTED');
    const both = await adbackup(['compare'], { left: { path: s.databasePath, archive: s.archives.tar }, right: left });
    t.is(both.code, 2, both.stdout);
  },
);

maybe('an encrypted archive: exit 4 ARCHIVE_ENCRYPTED without a key, the age error with a stranger key', async (t) => {
  const s = setup!;
  const none = await adbackup(['objects'], { archive: s.archives.age });
  t.is(none.code, 4, none.stdout);
  t.is(none.json.error.code, 'ARCHIVE_ENCRYPTED');
  const wrong = await adbackup(['tables'], { archive: s.archives.age, decryption: { identityFile: s.strangerFile } });
  t.is(wrong.code, 3, wrong.stdout);
  t.is(wrong.json.error.code, 'AGE_NO_MATCHING_KEY');
});

maybe('the request names exactly one source; a member that is not there is exit 2', async (t) => {
  const s = setup!;
  for (const request of [
    {},
    { path: s.databasePath, archive: s.archives.tar },
    { path: s.databasePath, member: 'ntds/ntds.dit' },
    { path: s.databasePath, decryption: { identityFile: s.identityFile } },
  ]) {
    const r = await adbackup(['tables'], request);
    t.is(r.code, 2, JSON.stringify(request) + r.stdout);
    t.is(r.json.error.category, 'InvalidRequest');
  }
  for (const archive of [s.archives.tar, s.archives.zst]) {
    const r = await adbackup(['tables'], { archive, member: 'ntds/other.dit' });
    t.is(r.code, 2, r.stdout);
    t.is(r.json.error.code, 'ARCHIVE_MEMBER_NOT_FOUND');
  }
});

maybe('a plain tar is read in place: no scratch file is made', async (t) => {
  const spillDirectory = await tempDir(t);
  let created = 0;
  const opened = await openArchivedDatabase(setup!.archives.tar, { spillDirectory, onSpillCreated: () => created++ });
  try {
    t.is(opened.mode, 'in-place');
    t.is(opened.source.pageCount, readFileSync(setup!.databasePath).length / PAGE - 2);
  } finally {
    opened.source.close();
  }
  t.is(created, 0);
  t.deepEqual(readdirSync(spillDirectory), []);
});

/** Opens the zst archive's database with a spill folder, and an fd of our own on the scratch file. */
async function openSpilled(t: import('ava').ExecutionContext) {
  const spillDirectory = await tempDir(t);
  let fd: number | undefined;
  const opened = await openArchivedDatabase(setup!.archives.zst, {
    spillDirectory,
    onSpillCreated: (path) => (fd = openSync(path, 'r+')),
  });
  t.teardown(() => {
    opened.source.close();
    if (fd !== undefined) closeSync(fd);
  });
  t.is(opened.mode, 'sealed-spill');
  t.not(fd, undefined, 'the test hook saw the scratch file');
  return { opened, fd: fd!, spillDirectory };
}

function readAll(fd: number): Buffer {
  const parts: Buffer[] = [];
  const chunk = Buffer.alloc(1 << 20);
  for (let pos = 0; ;) {
    const n = readSync(fd, chunk, 0, chunk.length, pos);
    if (n === 0) return Buffer.concat(parts);
    parts.push(Buffer.from(chunk.subarray(0, n)));
    pos += n;
  }
}

maybe('the scratch file is unlinked at once and never holds the database in plaintext', async (t) => {
  const { opened, fd, spillDirectory } = await openSpilled(t);
  t.deepEqual(readdirSync(spillDirectory), [], 'no name left in the folder while it is in use');
  const plain = readFileSync(setup!.databasePath);
  const sealed = readAll(fd);
  t.is(sealed.length, plain.length + (plain.length / PAGE) * 16, 'one 16-byte tag beside each page');
  const schema = Buffer.from('Schema', 'utf16le');
  t.true(plain.includes(schema), 'the database holds the text the check looks for');
  t.false(sealed.includes(schema));
  let checked = 0;
  for (let pgno = 1; (pgno + 2) * PAGE <= plain.length; pgno += 37) {
    const page = plain.subarray((pgno + 1) * PAGE, (pgno + 2) * PAGE);
    if (!page.some((b) => b !== 0)) continue; // a blank page says nothing
    t.false(sealed.includes(page.subarray(0, 256)), `page ${pgno}'s first bytes are not in the scratch file`);
    checked++;
  }
  t.true(checked > 10, `${checked} non-blank pages checked`);
  t.false(sealed.includes(plain.subarray(0, 512)), 'nor the header');
  const db = EseDatabase.fromSource(opened);
  t.deepEqual(
    db.tables.map((x) => x.name),
    EseDatabase.openFile(setup!.databasePath).tables.map((x) => x.name),
  );
  db.close();
  t.deepEqual(readdirSync(spillDirectory), []);
});

maybe('an altered or moved slot of the scratch file is an Integrity error, not data', async (t) => {
  const { opened, fd } = await openSpilled(t);
  const slot = PAGE + 16;
  const findings = new Findings();
  const page10 = opened.source.page(10, findings);
  t.truthy(page10, 'read before the change');
  // File page n + 1 holds database page n; flip one byte of page 20's slot, and put page 31's slot where page 30's is.
  const flip = Buffer.alloc(1);
  readSync(fd, flip, 0, 1, 21 * slot + 100);
  flip[0]! ^= 0x01;
  writeSync(fd, flip, 0, 1, 21 * slot + 100);
  const moved = Buffer.alloc(slot);
  readSync(fd, moved, 0, slot, 32 * slot);
  writeSync(fd, moved, 0, slot, 31 * slot);
  for (const pgno of [20, 30]) {
    const err = t.throws(() => opened.source.page(pgno, findings), { instanceOf: AppError });
    t.is(err?.code, 'SPILL_TAMPERED');
    t.is(err?.category, 'Integrity');
  }
  t.truthy(opened.source.page(40, findings), 'the untouched pages still read');
  t.deepEqual(findings.list, []);
});

maybe(
  'interrupted while streaming, or a member that is not a database: nothing left in the scratch folder',
  async (t) => {
    const spillDirectory = await tempDir(t);
    const abort = new AbortController();
    let created = 0;
    await t.throwsAsync(
      openArchivedDatabase(setup!.archives.gz, {
        spillDirectory,
        signal: abort.signal,
        onSpillCreated: () => {
          created++;
          abort.abort();
        },
      }),
    );
    t.is(created, 1);
    t.deepEqual(readdirSync(spillDirectory), []);
    for (const archive of [setup!.archives.tar, setup!.archives.zst]) {
      const err = await t.throwsAsync(openArchivedDatabase(archive, { spillDirectory, member: 'logs/edb00001.log' }), {
        instanceOf: AppError,
      });
      t.is(err?.category, 'Integrity');
      t.regex(err?.code ?? '', /^ESE_/);
    }
    t.deepEqual(readdirSync(spillDirectory), []);
  },
);
