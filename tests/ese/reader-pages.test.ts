// Page layer and B-tree walk on hand-built pages of every page size, including the large-page layout (16/32 KiB)
// whose tag flags live in the entries, and the damage cases that must become findings.
import test from 'ava';
import { leafEntries, seek } from '../../src/ese/reader/btree.ts';
import { Findings } from '../../src/ese/reader/findings.ts';
import { PAGE_FLAG, TAG_FLAG, isLargePage, pageHeaderSize } from '../../src/ese/reader/page.ts';
import type { PageSource } from '../../src/ese/reader/page-source.ts';

interface Spec {
  flags: number;
  next?: number;
  objid?: number;
  /** Tag 0 (page prefix or root header) first, then the entries. */
  tags: { flags?: number; data: number[] }[];
}

function buildPage(size: number, spec: Spec): Uint8Array {
  const page = new Uint8Array(size);
  const v = new DataView(page.buffer);
  const large = isLargePage(size);
  v.setUint32(20, spec.next ?? 0, true);
  v.setUint32(24, spec.objid ?? 9, true);
  v.setUint16(34, spec.tags.length, true);
  v.setUint32(36, spec.flags, true);
  let offset = 0;
  spec.tags.forEach((tag, i) => {
    const data = Uint8Array.from(tag.data);
    const flags = tag.flags ?? 0;
    if (large && i > 0) data[1]! |= flags << 5; // large pages: flags in the entry's first word
    page.set(data, pageHeaderSize(size) + offset);
    v.setUint16(size - 4 * (i + 1), data.byteLength, true);
    v.setUint16(size - 4 * (i + 1) + 2, offset | (large ? 0 : flags << 13), true);
    offset += data.byteLength;
  });
  return page;
}

function source(size: number, pages: Record<number, Spec>): PageSource {
  return {
    pageSize: size,
    pageCount: 100,
    page: (pgno, findings) => {
      const spec = pages[pgno];
      if (spec !== undefined) return buildPage(size, spec);
      findings.add({ code: 'page-out-of-range', message: `no page ${pgno}`, pgno });
      return null;
    },
    close: () => {},
  };
}

const u16 = (n: number) => [n & 0xff, n >> 8];
const u32 = (n: number) => [n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, n >>> 24];
const str = (s: string) => [...Buffer.from(s)];
const branch = (key: string, child: number) => ({ data: [...u16(key.length), ...str(key), ...u32(child)] });
const leaf = (local: string, value: string, common?: number) =>
  common === undefined
    ? { data: [...u16(local.length), ...str(local), ...str(value)] }
    : { flags: TAG_FLAG.commonKey, data: [...u16(common), ...u16(local.length), ...str(local), ...str(value)] };

function tree(): Record<number, Spec> {
  return {
    1: { flags: PAGE_FLAG.root | PAGE_FLAG.parent, tags: [{ data: [] }, branch('ab', 2), branch('', 3)] },
    2: { flags: PAGE_FLAG.leaf, next: 3, tags: [{ data: str('a') }, leaf('aa', '1'), leaf('b', '2', 1)] },
    3: {
      flags: PAGE_FLAG.leaf,
      tags: [{ data: str('ca') }, leaf('t', '3', 2), { flags: TAG_FLAG.defunct, ...leaf('cb', 'x') }, leaf('d', '4')],
    },
  };
}

const text = (b: Uint8Array) => Buffer.from(b).toString();

for (const size of [4096, 8192, 16384, 32768]) {
  test(`${size}-byte pages: leaves in key order, prefixes expanded, defunct entries skipped`, (t) => {
    const findings = new Findings();
    const entries = [...leafEntries(source(size, tree()), 1, findings, { objid: 9 })];
    t.deepEqual(
      entries.map((e) => [text(e.key), text(e.data)]),
      [
        ['aa', '1'],
        ['ab', '2'],
        ['cat', '3'],
        ['d', '4'],
      ],
    );
    t.deepEqual(findings.list, []);
  });

  test(`${size}-byte pages: seek finds the first key at or after the target`, (t) => {
    const findings = new Findings();
    const found = [...seek(source(size, tree()), 1, Buffer.from('b'), findings)].map((e) => text(e.key));
    t.deepEqual(found, ['cat', 'd']);
  });
}

test('a branch that points back to itself is a cycle finding', (t) => {
  const findings = new Findings();
  const pages = { 1: { flags: PAGE_FLAG.root | PAGE_FLAG.parent, tags: [{ data: [] }, branch('', 1)] } };
  t.deepEqual([...leafEntries(source(8192, pages), 1, findings)], []);
  t.deepEqual(
    findings.list.map((f) => f.code),
    ['btree-cycle'],
  );
});

test('space-tree pages, foreign pages, missing pages and bad tags are findings', (t) => {
  const findings = new Findings();
  const pages: Record<number, Spec> = {
    1: {
      flags: PAGE_FLAG.root | PAGE_FLAG.parent,
      tags: [{ data: [] }, branch('a', 2), branch('b', 3), branch('c', 77), branch('d', 4), branch('', 5)],
    },
    2: { flags: PAGE_FLAG.spaceTree | PAGE_FLAG.leaf, tags: [{ data: [] }, leaf('a', '1')] },
    3: { flags: PAGE_FLAG.leaf, objid: 10, tags: [{ data: [] }, leaf('b', '2')] },
    4: { flags: PAGE_FLAG.leaf, tags: [{ data: [] }, { data: [1] }] },
    5: { flags: PAGE_FLAG.leaf, tags: [{ data: [] }, leaf('e', '5')] },
  };
  const entries = [...leafEntries(source(8192, pages), 1, findings, { objid: 9 })];
  t.deepEqual(
    entries.map((e) => text(e.key)),
    ['e'],
  );
  t.deepEqual(
    findings.list.map((f) => f.code),
    ['space-tree-page', 'page-objid-mismatch', 'page-out-of-range', 'bad-entry'],
  );
});

test('a tag pointing past the data area is a bad-tag finding', (t) => {
  const findings = new Findings();
  const page = buildPage(4096, { flags: PAGE_FLAG.root | PAGE_FLAG.leaf, tags: [{ data: [] }, leaf('a', '1')] });
  new DataView(page.buffer).setUint16(4096 - 8 + 2, 4050, true); // tag 1 would end inside the tag array
  const src: PageSource = { pageSize: 4096, pageCount: 1, page: () => page, close: () => {} };
  t.deepEqual([...leafEntries(src, 1, findings)], []);
  t.deepEqual(
    findings.list.map((f) => f.code),
    ['bad-tag'],
  );
});
