// Separated long values (FORMAT.md §9.6): a record holds only a long-value id (LID); the bytes live in the table's
// long-value tree. There the LID alone (big-endian, so keys sort by LID) keys a root entry (reference count and
// total size), and the LID followed by the big-endian byte offset keys each chunk.
import { seek } from './btree.ts';
import type { Findings } from './findings.ts';
import { startsWith } from './keys.ts';
import type { PageSource } from './page-source.ts';

/** Refuses values above this size rather than let a damaged size field exhaust memory. */
const MAX_LONG_VALUE = 256 * 1024 * 1024;

export function readLongValue(
  source: PageSource,
  lvRoot: number,
  lid: Uint8Array,
  findings: Findings,
  table: string,
): Uint8Array | null {
  const missing = (message: string) => {
    findings.add({ code: 'long-value-missing', message, table });
    return null;
  };
  const key = Uint8Array.from(lid).reverse(); // stored little-endian in the record, keyed big-endian
  const chunks: Uint8Array[] = [];
  let total = 0;
  let sawRoot = false;
  for (const e of seek(source, lvRoot, key, findings)) {
    if (!startsWith(e.key, key)) break;
    if (e.key.byteLength === key.byteLength) {
      sawRoot = true;
      continue;
    }
    if (e.key.byteLength !== key.byteLength + 4) return missing(`long value ${hex(key)}: chunk key of odd length`);
    const offset = new DataView(e.key.buffer, e.key.byteOffset + key.byteLength, 4).getUint32(0, false);
    if (offset !== total) return missing(`long value ${hex(key)}: chunk at ${offset}, expected ${total}`);
    total += e.data.byteLength;
    if (total > MAX_LONG_VALUE) return missing(`long value ${hex(key)} larger than ${MAX_LONG_VALUE} bytes`);
    chunks.push(e.data);
  }
  if (!sawRoot) return missing(`long value ${hex(key)} not in the long-value tree`);
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

function hex(b: Uint8Array): string {
  return Buffer.from(b).toString('hex');
}
