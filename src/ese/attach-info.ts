// ATTACHINFO list (log.hxx, FORMAT.md §4.2): the databases attached when a log or checkpoint was written.
// Packed variable-length entries; a zero dbid ends the list.
import { u32, u64, i32, viewOf } from './fields.ts';
import { type Lgpos, type Signature, lgpos, signature } from './structs.ts';

export interface AttachedDatabase {
  dbid: number;
  unicode: boolean;
  sparse: boolean;
  dbtime: bigint;
  objidLast: number;
  cpgDatabaseSizeMax: number;
  lgposAttach: Lgpos;
  lgposConsistent: Lgpos;
  signDb: Signature;
  path: string;
}

const FIXED = 64;

export function readAttachList(area: Uint8Array): AttachedDatabase[] {
  const v = viewOf(area);
  const out: AttachedDatabase[] = [];
  let o = 0;
  while (o + FIXED <= area.byteLength) {
    const dbid = v.getUint8(o);
    if (dbid === 0) break;
    const flags = v.getUint8(o + 1);
    const cbNames = v.getUint16(o + 2, true);
    if (o + FIXED + cbNames > area.byteLength) break; // a damaged length: stop rather than read garbage
    const names = area.subarray(o + FIXED, o + FIXED + cbNames);
    const unicode = (flags & 0x20) !== 0;
    const path = Buffer.from(names)
      .toString(unicode ? 'utf16le' : 'latin1')
      .replace(/\0[\s\S]*$/, '');
    out.push({
      dbid,
      unicode,
      sparse: (flags & 0x40) !== 0,
      dbtime: u64.read(v, o + 4),
      objidLast: u32.read(v, o + 12),
      cpgDatabaseSizeMax: i32.read(v, o + 16),
      lgposAttach: lgpos.read(v, o + 20),
      lgposConsistent: lgpos.read(v, o + 28),
      signDb: signature.read(v, o + 36),
      path,
    });
    o += FIXED + cbNames;
  }
  return out;
}

export function writeAttachList(area: Uint8Array, list: readonly AttachedDatabase[]): void {
  area.fill(0);
  const v = viewOf(area);
  let o = 0;
  for (const a of list) {
    const names = Buffer.from(a.path + '\0', a.unicode ? 'utf16le' : 'latin1');
    if (o + FIXED + names.length + 1 > area.byteLength) throw new RangeError('attach list does not fit its area');
    v.setUint8(o, a.dbid);
    v.setUint8(o + 1, (a.unicode ? 0x20 : 0) | (a.sparse ? 0x40 : 0));
    v.setUint16(o + 2, names.length, true);
    u64.write(v, o + 4, a.dbtime);
    u32.write(v, o + 12, a.objidLast);
    i32.write(v, o + 16, a.cpgDatabaseSizeMax);
    lgpos.write(v, o + 20, a.lgposAttach);
    lgpos.write(v, o + 28, a.lgposConsistent);
    signature.write(v, o + 36, a.signDb);
    area.set(names, o + FIXED);
    o += FIXED + names.length;
  }
}
