// Turns a column's bytes into a typed value by its ESE column type. Text follows the column's codepage: 1200 is
// UTF-16LE, 1252 Windows Latin-1, 20127 ASCII (stored one byte per character).
import { COLTYP } from './column-types.ts';
import type { ColumnDef } from './catalog.ts';

export type EseValue = boolean | number | bigint | string | Uint8Array;

export const CODEPAGE = { unicode: 1200, western: 1252, ascii: 20127 } as const;

/** A typed value, or null when the bytes cannot be the column's type (the caller records a finding). */
export function decodeValue(col: Pick<ColumnDef, 'type' | 'codepage'>, b: Uint8Array): EseValue | null {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const need = (n: number) => b.byteLength === n;
  switch (col.type) {
    case COLTYP.bit:
      return need(1) ? b[0] !== 0 : null;
    case COLTYP.unsignedByte:
      return need(1) ? b[0]! : null;
    case COLTYP.short:
      return need(2) ? v.getInt16(0, true) : null;
    case COLTYP.unsignedShort:
      return need(2) ? v.getUint16(0, true) : null;
    case COLTYP.long:
      return need(4) ? v.getInt32(0, true) : null;
    case COLTYP.unsignedLong:
      return need(4) ? v.getUint32(0, true) : null;
    case COLTYP.ieeeSingle:
      return need(4) ? v.getFloat32(0, true) : null;
    case COLTYP.ieeeDouble:
    case COLTYP.dateTime: // an OLE automation date: days since 1899-12-30 as a double
      return need(8) ? v.getFloat64(0, true) : null;
    case COLTYP.currency:
    case COLTYP.longLong:
      return need(8) ? v.getBigInt64(0, true) : null;
    case COLTYP.guid:
      return need(16) ? guidString(b) : null;
    case COLTYP.text:
    case COLTYP.longText:
      return decodeText(b, col.codepage);
    default:
      return b;
  }
}

export function decodeText(b: Uint8Array, codepage: number): string | null {
  if (codepage === CODEPAGE.unicode) return b.byteLength % 2 === 0 ? new TextDecoder('utf-16le').decode(b) : null;
  return new TextDecoder(codepage === CODEPAGE.western ? 'windows-1252' : 'latin1').decode(b);
}

/** The registry form of a GUID: the first three groups are stored little-endian. */
export function guidString(b: Uint8Array): string {
  const h = (i: number) => b[i]!.toString(16).padStart(2, '0');
  const run = (idx: number[]) => idx.map(h).join('');
  return `${run([3, 2, 1, 0])}-${run([5, 4])}-${run([7, 6])}-${run([8, 9])}-${run([10, 11, 12, 13, 14, 15])}`;
}
