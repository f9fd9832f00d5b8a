// Runs libesedb's esedbexport (Debian libesedb-utils), an independent ESE reader, and formats our reader's values
// the way its TSV export prints them, so every table can be compared value by value.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { ColumnDef } from '../../../src/ese/reader/catalog.ts';
import { COLTYP } from '../../../src/ese/reader/column-types.ts';
import type { EseValue } from '../../../src/ese/reader/values.ts';

export function haveEsedbexport(): boolean {
  try {
    execFileSync('esedbexport', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export interface ExportedTable {
  columns: string[];
  rows: string[][];
}

/** Gunzips a fixture into a fresh temporary folder; the caller removes `dir`. */
export function gunzipFixture(gz: string, name: string): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'ese-reader-'));
  const file = join(dir, name);
  writeFileSync(file, gunzipSync(readFileSync(gz)));
  return { dir, file };
}

/** Exports every table of `file` into `dir`/x.export, one TSV per table named "<table>.<n>". */
export function exportTables(file: string, dir: string): Map<string, ExportedTable> {
  const target = join(dir, 'x');
  execFileSync('esedbexport', ['-t', target, file], { stdio: 'ignore' });
  const out = new Map<string, ExportedTable>();
  for (const name of readdirSync(`${target}.export`)) {
    const text = readFileSync(join(`${target}.export`, name), 'utf8');
    const lines = text.split('\n');
    if (lines.at(-1) === '') lines.pop();
    const [head = '', ...rows] = lines;
    out.set(name.replace(/\.\d+$/, ''), { columns: head.split('\t'), rows: rows.map((r) => r.split('\t')) });
  }
  rmSync(`${target}.export`, { recursive: true, force: true });
  return out;
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/** Our value in esedbexport's notation (see the test for the notation, checked against its TSV). */
export function asEsedbexport(col: ColumnDef, value: EseValue | EseValue[] | undefined): string {
  if (value === undefined) return '';
  if (Array.isArray(value)) return value.map((v) => asEsedbexport(col, v)).join(';');
  switch (col.type) {
    case COLTYP.currency:
      return BigInt.asUintN(64, value as bigint).toString(); // printed unsigned
    case COLTYP.ieeeSingle:
    case COLTYP.ieeeDouble:
      return (value as number).toFixed(6); // C's %f
    case COLTYP.dateTime: {
      const b = new DataView(new ArrayBuffer(8));
      b.setFloat64(0, value as number, true);
      const w = (o: number) => `0x${b.getUint32(o, true).toString(16).padStart(8, '0')}`;
      return `(${w(4)} ${w(0)})`; // the raw 64 bits, high word first
    }
    case COLTYP.guid:
      return hex(guidBytes(value as string)); // the stored bytes
    case COLTYP.text:
    case COLTYP.longText:
      return (value as string).replace(/\0.*$/s, '').replace(/\\/g, '\\\\'); // C string, backslash escaped
    default:
      return value instanceof Uint8Array ? hex(value) : String(value);
  }
}

function guidBytes(s: string): Uint8Array {
  const h = s.replace(/-/g, '');
  const b = Buffer.from(h, 'hex');
  return Uint8Array.from([b[3]!, b[2]!, b[1]!, b[0]!, b[5]!, b[4]!, b[7]!, b[6]!, ...b.subarray(8)]);
}
