// `tables` counts rows without building keys or records (countLeafEntries); the count and its findings must be the
// ones the full walk (leafEntries) gives, on a sound database and on one with an entry too short for its key.
import test from 'ava';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sealPage } from '../../src/ese/page-checksum.ts';
import { countLeafEntries, leafEntries } from '../../src/ese/reader/btree.ts';
import { EseDatabase } from '../../src/ese/reader/database.ts';
import { Findings } from '../../src/ese/reader/findings.ts';
import { ROWS, writeLargeEse } from '../fixtures/large-ese.ts';
import { tempDir } from '../support/temp.ts';

const PAGE = 8192;

function bothWays(db: EseDatabase) {
  const table = db.table(ROWS.name)!;
  const opts = { objid: table.objid, table: table.name };
  const walked = new Findings();
  const counted = new Findings();
  const entries = [...leafEntries(db.source, table.fdp, walked, opts)].length;
  const count = countLeafEntries(db.source, table.fdp, counted, opts);
  return { entries, count, walked: walked.list, counted: counted.list };
}

test('countLeafEntries: the same count and findings as the full walk, sound or damaged', async (t) => {
  const dir = await tempDir(t, 'reader-count-');
  const file = join(dir, 'count.edb');
  const gen = writeLargeEse(file, 2 * 2 ** 20);
  const sound = EseDatabase.openFile(file);
  const a = bothWays(sound);
  sound.close();
  t.deepEqual(a, { entries: gen.rows, count: gen.rows, walked: [], counted: [] });

  // Entry 3 of the first leaf claims a 65535-byte key, tag 6 an 8191-byte entry; the page is resealed so only those
  // two are wrong.
  const bytes = new Uint8Array(readFileSync(file));
  const pgno = ROWS.firstLeaf;
  const page = bytes.subarray((pgno + 1) * PAGE, (pgno + 2) * PAGE);
  const v = new DataView(page.buffer, page.byteOffset, PAGE);
  const offset = v.getUint16(PAGE - 4 * 4 + 2, true) & 0x1fff;
  v.setUint16(40 + offset, 0xffff, true);
  v.setUint16(PAGE - 4 * 7, 0x1fff, true); // and tag 6 runs past the data area
  sealPage(new Uint32Array(page.buffer, page.byteOffset, PAGE / 4), pgno);
  writeFileSync(file, bytes);
  const damaged = EseDatabase.openFile(file);
  const b = bothWays(damaged);
  t.is(damaged.rowCount(damaged.table(ROWS.name)!), gen.rows - 2, 'rowCount is the count');
  damaged.close();
  t.is(b.count, gen.rows - 2);
  t.is(b.entries, b.count);
  t.deepEqual(b.counted, b.walked);
  t.deepEqual(
    b.counted.map((f) => f.code),
    ['bad-entry', 'bad-tag'],
  );
});
