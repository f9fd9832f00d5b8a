// Corruption suite: random single-byte changes (any XOR mask) and truncations at random and at structural
// positions (the first and last blocks, the JSON metadata entries of an uncompressed tar, the end of each gzip
// member) of zstd, gzip and uncompressed archives, with and without the sidecar. Every one must be detected by
// verify (ok: false, or an Integrity error: exit 3) and none may crash it.
//
// The one documented blind spot: a gzip archive WITHOUT its sidecar cannot see a change confined to the unused
// high bits of a gzip member's last deflate byte (inflaters ignore them, so the decompressed bytes are identical);
// the sidecar's whole-file hash sees it. Exactly those cases are set apart, and each is proved to be that: last
// deflate byte of a member, identical decompressed output, caught with the sidecar.
import test from 'ava';
import { gunzipSync } from 'node:zlib';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeDsaFolder } from '../fixtures/synthetic-dsa.ts';
import { Prng } from '../fixtures/prng.ts';
import { adbackup } from '../support/cli.ts';
import { verifyArchive } from '../../src/archive/verify.ts';
import { runBackup } from '../../src/backup/backup.ts';
import { createFolderSource } from '../../src/platform/folder-source.ts';
import { AppError } from '../../src/errors.ts';
import { allowTime, problemWith, scale, seedFor } from './support.ts';

const FORMATS = ['zstd', 'gzip', 'none'] as const;
type Format = (typeof FORMATS)[number];
const EXT: Record<Format, string> = { zstd: '.tar.zst', gzip: '.tar.gz', none: '.tar' };
const PER_FORMAT = scale(40, 100); // random cases per format, in process
const SPAWNED = scale(8, 30); // of which some again through the executable

let dir: string;
const good = new Map<Format, { path: string; bytes: Buffer; sidecar: Buffer }>();

test.before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'adbackup-corrupt-'));
  const f = await makeDsaFolder(join(dir, 'NTDS'), {
    databaseBytes: 1 << 20,
    logFileBytes: 64 * 1024,
    logs: 3,
    state: 'dirty',
  });
  for (const type of FORMATS) {
    const path = join(dir, `good${EXT[type]}`);
    // Small frames and members: many boundaries to hit.
    await runBackup(
      createFolderSource({ path: f.dir, computer: 'DC01' }),
      { destination: { path }, compression: { type } },
      { now: () => new Date(), progress: () => {} },
    );
    good.set(type, { path, bytes: await readFile(path), sidecar: await readFile(path + '.manifest.json') });
  }
});
test.after.always(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

interface Case {
  kind: 'flip' | 'truncate' | 'append';
  pos: number;
  mask: number;
  sidecar: boolean;
}

/** Offsets of the last deflate byte of each gzip member (the byte before its 8-byte trailer). */
function lastDeflateBytes(gz: Buffer): number[] {
  const starts: number[] = [];
  for (let i = 0; i + 9 < gz.length; i++)
    if (gz[i] === 0x1f && gz[i + 1] === 0x8b && gz[i + 2] === 8 && gz[i + 3] === 2 && gz[i + 9] === 255) starts.push(i);
  return starts
    .slice(1)
    .concat([gz.length])
    .map((end) => end - 9);
}

function casesFor(type: Format, bytes: Buffer, rng: Prng): Case[] {
  const cases: Case[] = [];
  const pick = (n: number) => rng.below(n);
  const structural = [0, 1, 4, 100, 257, 511, 512, bytes.length - 1, bytes.length - 4, bytes.length - 1024];
  if (type === 'none') {
    // The JSON metadata: adbackup.json (first), SHA256SUMS, manifest.json (last) — their values, not only their hashes.
    const text = bytes.toString('latin1');
    for (const at of [
      text.indexOf('"createdAt"') + 16,
      text.lastIndexOf('"createdAt"') + 16,
      text.lastIndexOf('"tombstoneLifetimeDays"') + 25,
      text.lastIndexOf('"label"') + 9,
      text.indexOf('ntds/ntds.dit\n') - 5,
      text.lastIndexOf('"originalPath"') + 20,
    ]) {
      if (at > 0) structural.push(at);
    }
  }
  if (type === 'gzip') structural.push(...lastDeflateBytes(bytes).slice(0, 3));
  for (const pos of structural) cases.push({ kind: 'flip', pos, mask: 1 + pick(255), sidecar: cases.length % 2 === 0 });
  while (cases.length < structural.length + PER_FORMAT) {
    const r = pick(10);
    if (r < 7)
      cases.push({
        kind: 'flip',
        pos: pick(bytes.length),
        mask: r < 4 ? 1 << pick(8) : 1 + pick(255),
        sidecar: pick(2) === 0,
      });
    else if (r < 9) cases.push({ kind: 'truncate', pos: pick(bytes.length), mask: 0, sidecar: pick(2) === 0 });
    else cases.push({ kind: 'append', pos: bytes.length, mask: 1 + pick(255), sidecar: pick(2) === 0 });
  }
  return cases;
}

function damage(bytes: Buffer, c: Case): Buffer {
  if (c.kind === 'truncate') return bytes.subarray(0, c.pos);
  if (c.kind === 'append') return Buffer.concat([bytes, Buffer.from([c.mask, 0, 0, 0])]);
  const bad = Buffer.from(bytes);
  bad[c.pos]! ^= c.mask;
  return bad;
}

async function detected(path: string): Promise<{ detected: boolean; crash?: unknown }> {
  try {
    return { detected: !(await verifyArchive(path)).ok };
  } catch (err) {
    if (err instanceof AppError && err.category === 'Integrity') return { detected: true };
    return { detected: false, crash: err };
  }
}

for (const type of FORMATS) {
  test.serial(
    `${type}: random and structural single-byte changes, truncations and appended bytes are all detected`,
    async (t) => {
      allowTime(t, 120_000, 900_000);
      const { bytes, sidecar } = good.get(type)!;
      const rng = new Prng(seedFor(8200 + type.length));
      const cases = casesFor(type, bytes, rng);
      const target = join(dir, `damaged${EXT[type]}`);
      const tally = { detected: 0, sidecarOnly: 0, spawned: 0 };
      const started = Date.now();
      for (const [i, c] of cases.entries()) {
        const bad = damage(bytes, c);
        await writeFile(target, bad);
        if (c.sidecar) await writeFile(target + '.manifest.json', sidecar);
        else await rm(target + '.manifest.json', { force: true });
        const what = `${c.kind} at ${c.pos} of ${bytes.length}${c.kind === 'flip' ? ` (xor 0x${c.mask.toString(16)})` : ''}, sidecar ${c.sidecar}`;
        const r = await detected(target);
        t.is(r.crash, undefined, `${what}: verify crashed: ${(r.crash as Error)?.stack}`);
        if (!r.detected && type === 'gzip' && !c.sidecar && c.kind === 'flip') {
          t.true(lastDeflateBytes(bytes).includes(c.pos), `${what}: missed, and not in a member's last deflate byte`);
          t.deepEqual(gunzipSync(bad), gunzipSync(bytes), `${what}: missed though the decompressed bytes differ`);
          await writeFile(target + '.manifest.json', sidecar);
          t.true((await detected(target)).detected, `${what}: missed even with the sidecar`);
          tally.sidecarOnly++;
          continue;
        }
        t.true(r.detected, `${what}: went unnoticed`);
        if (r.detected) tally.detected++;
        if (i % Math.ceil(cases.length / SPAWNED) === 0) {
          // Through the executable: exit 3, one JSON document, nothing on stderr.
          const p = await adbackup(['verify'], { archive: target });
          t.is(p.code, 3, `${what}: ${p.stdout}`);
          t.is(problemWith('verify', p), null, what);
          tally.spawned++;
        }
      }
      t.log(
        `${type}: ${cases.length} cases in ${((Date.now() - started) / 1000).toFixed(1)} s: ${JSON.stringify(tally)}`,
      );
    },
  );
}
