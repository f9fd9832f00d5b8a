// Headers with every field set to a distinct non-zero value, so a round trip proves each offset and codec.
import { type Codec, type Layout, type Decoded, i32, u16, u32, u64, u8 } from '../../src/ese/fields.ts';
import { bkinfo, lgpos, logtime, signature, type LogTime } from '../../src/ese/structs.ts';
import { DB_HEADER_LAYOUT, type DatabaseHeader } from '../../src/ese/database-header.ts';
import { LOG_HEADER_LAYOUT, type LogHeader } from '../../src/ese/log-header.ts';
import { CHECKPOINT_LAYOUT, type Checkpoint } from '../../src/ese/checkpoint.ts';
import type { AttachedDatabase } from '../../src/ese/attach-info.ts';

function time(i: number): LogTime {
  return {
    year: 2000 + (i % 50),
    month: 1 + (i % 12),
    day: 1 + (i % 28),
    hours: i % 24,
    minutes: i % 60,
    seconds: (i * 7) % 60,
    milliseconds: (i * 37) % 1000,
    utc: i % 2 === 0,
    osSnapshot: i % 3 === 0,
  };
}

function valueFor(codec: Codec<unknown>, i: number): unknown {
  if (codec === u8) return (i * 7 + 1) & 0xff;
  if (codec === u16) return (i * 263 + 1) & 0xffff;
  if (codec === u32) return (i * 2654435761) >>> 0 || 1;
  if (codec === i32) return i % 2 ? -(i * 1000 + 1) : i * 1000 + 1;
  if (codec === u64) return 0x1_0000_0000n * BigInt(i + 1) + 17n;
  if (codec === lgpos) return { generation: i + 1, sector: (i * 3) & 0xffff, offset: (i * 5) & 0xffff };
  if (codec === logtime) return time(i);
  if (codec === signature) return { random: (i * 40503) >>> 0, created: time(i + 1), computer: `DC${i}` };
  if (codec === bkinfo)
    return {
      mark: { generation: i + 2, sector: i, offset: 2 * i },
      markTime: time(i + 2),
      genLow: i + 1,
      genHigh: i + 9,
    };
  return `C:\\Path${i}\\`; // ansi paths
}

export function everyField<L extends Layout>(layout: L): Decoded<L> {
  const out: Record<string, unknown> = {};
  Object.entries(layout).forEach(([name, [, codec]], i) => (out[name] = valueFor(codec, i + 1)));
  return out as Decoded<L>;
}

export function attached(n: number): AttachedDatabase[] {
  return Array.from({ length: n }, (_, i) => ({
    dbid: i + 1,
    unicode: i % 2 === 0,
    sparse: i === 1,
    dbtime: 5000n + BigInt(i),
    objidLast: 100 + i,
    cpgDatabaseSizeMax: i,
    lgposAttach: { generation: 3, sector: 1, offset: 64 },
    lgposConsistent: { generation: 0, sector: 0, offset: 0 },
    signDb: { random: 99 + i, created: time(i), computer: '' },
    path: i % 2 === 0 ? `C:\\Windows\\NTDS\\ntds${i}.dit` : `D:\\db${i}.edb`,
  }));
}

export function richDatabaseHeader(pageSize: number): DatabaseHeader {
  return { ...everyField(DB_HEADER_LAYOUT), magic: 0x89abcdef, fileType: 1, pageSizeField: pageSize };
}

export function richLogHeader(): LogHeader {
  return { ...everyField(LOG_HEADER_LAYOUT), fileType: 3, attached: attached(2) };
}

export function richCheckpoint(): Checkpoint {
  return { ...everyField(CHECKPOINT_LAYOUT), fileType: 4, attached: attached(3) };
}

export function withoutChecksum<T extends { checksum: number }>(h: T): Omit<T, 'checksum'> {
  const { checksum: _c, ...rest } = h;
  return rest;
}
