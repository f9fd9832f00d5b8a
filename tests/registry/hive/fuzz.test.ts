// Damaged hives: truncated or with random bytes changed (the base block checksum fixed up, so that the damage
// reaches the bins, cells and lists), a hive is either read or refused with an AppError — never another exception,
// never a hang — and a refused hive writes no file.
import test from 'ava';
import fc from 'fast-check';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppError } from '../../../src/errors.ts';
import { baseBlockChecksum } from '../../../src/registry/hive/base-block.ts';
import { Hive } from '../../../src/registry/hive/hive.ts';
import { emptyHive } from '../../support/regf-hive.ts';

/** A small hive with every structure: lists (lh and ri), values of each type, big data, a deep path. */
function sample(): Buffer {
  const hive = Hive.parse(emptyHive());
  for (let i = 0; i < 520; i++) hive.createKey(`Many\\k${i}`);
  hive.setValue('A\\B\\C\\D', 'sz', { type: 'REG_SZ', value: 'text' });
  hive.setValue('A\\B\\C\\D', 'multi', { type: 'REG_MULTI_SZ', value: ['x', 'y'] });
  hive.setValue('A\\B\\C\\D', 'dword', { type: 'REG_DWORD', value: 5 });
  hive.setValue('A\\B', 'big', { type: 'REG_BINARY', value: Buffer.alloc(20_000, 9) });
  hive.setValue('A', 'bin', { type: 'REG_BINARY', value: Buffer.alloc(100, 1) });
  return hive.toBytes();
}
const SAMPLE = sample();

/** Reads every key and value, bounded (a damaged hive can make a list point back at a parent). */
function readAll(hive: Hive): number {
  let seen = 0;
  const walk = (path: string, depth: number): void => {
    if (depth > 16 || ++seen > 3000) return;
    hive.values(path);
    for (const s of hive.subkeys(path) ?? []) walk(path === '' ? s : `${path}\\${s}`, depth + 1);
  };
  walk('', 0);
  return seen;
}

/** Opening, reading everything and changing a value: done, or an AppError. */
function exercise(bytes: Buffer): 'ok' | 'refused' {
  try {
    const hive = Hive.parse(bytes);
    readAll(hive);
    hive.setValue('A\\B\\New', 'v', { type: 'REG_BINARY', value: Buffer.alloc(30_000, 1) });
    hive.deleteValue('A\\B\\C\\D', 'sz');
    Hive.parse(hive.toBytes());
    return 'ok';
  } catch (err) {
    if (err instanceof AppError) return 'refused';
    throw err;
  }
}

test('the undamaged sample reads and changes', (t) => {
  t.is(exercise(SAMPLE), 'ok');
  t.true(readAll(Hive.parse(SAMPLE)) > 520);
});

test('a truncated hive is refused with an AppError naming the problem', (t) => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: SAMPLE.length - 1 }), (length) => {
      const err = t.throws(() => Hive.parse(SAMPLE.subarray(0, length)), { instanceOf: AppError });
      return err !== undefined && /^HIVE_(TRUNCATED|CORRUPT)$/.test(err.code);
    }),
    { numRuns: 200 },
  );
  t.pass();
});

const damage = fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 12 });

test('random damage in the bins (checksum fixed up) is read or refused, never thrown otherwise', (t) => {
  const outcomes = { ok: 0, refused: 0 };
  fc.assert(
    fc.property(damage, fc.boolean(), (edits, fixChecksum) => {
      const bytes = Buffer.from(SAMPLE);
      for (const [at, value] of edits) bytes[at % bytes.length] = value;
      if (fixChecksum) bytes.writeUInt32LE(baseBlockChecksum(bytes), 0x1fc);
      outcomes[exercise(bytes)]++;
    }),
    { numRuns: 250 },
  );
  t.log(outcomes);
  t.true(outcomes.refused > 0);
});

test('damage aimed at cell sizes, signatures, counts and offsets is read or refused', (t) => {
  // Every 4-byte field of the first cells: the ones a reader trusts most.
  fc.assert(
    fc.property(
      fc.integer({ min: 0x1020, max: 0x1800 }),
      fc.constantFrom(0, 1, 0x7fffffff, 0xffffffff, 0x20, 0x1000, 0x80000004),
      (at, v) => {
        const bytes = Buffer.from(SAMPLE);
        bytes.writeUInt32LE(v >>> 0, at & ~3);
        exercise(bytes);
      },
    ),
    { numRuns: 400 },
  );
  t.pass();
});

test('a refused hive writes no file', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'adbackup-hive-fuzz-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'SYSTEM');
  await fc.assert(
    fc.asyncProperty(damage, async (edits) => {
      const bytes = Buffer.from(SAMPLE);
      for (const [at, value] of edits) bytes[at % 0x2000] = value; // base block and first bin
      for (const f of await readdir(dir)) await rm(join(dir, f));
      await writeFile(file, bytes);
      try {
        const hive = await Hive.open(file);
        hive.setValue('A', 'v', { type: 'REG_SZ', value: 'w' });
        await hive.save();
        return; // read and written: only then may files appear
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
      }
      const files = await readdir(dir);
      if (files.length !== 1) throw new Error(`files written for a refused hive: ${files.join(', ')}`);
    }),
    { numRuns: 60 },
  );
  t.pass();
});
