// AD values from ESE values, by the syntax letter of the column name (ATT<letter><attrtyp>): b a DN held as the
// target's row number (DNT), c an attrtyp (OID), i a boolean, j an integer, k an octet string, l a generalized
// time, q a large integer, r a SID; the string syntaxes (d–h, m) are text.
import type { EseValue } from '../ese/reader/values.ts';
import { guidString } from '../ese/reader/values.ts';

export type AdValue = string | number | boolean;

export interface ValueContext {
  dnOf(dnt: number): string | undefined;
  oidName(attrtyp: number): string;
  oid(attrtyp: number): string | undefined;
}

/** OID-valued attributes shown as dotted OIDs rather than as the name of what they identify. */
const OID_ATTRIBUTES = new Set(['attributeID', 'governsID', 'attributeSyntax']);

/** Attributes whose 16-byte octet strings are GUIDs. */
const GUID_ATTRIBUTES = new Set(['objectGUID', 'schemaIDGUID', 'attributeSecurityGUID', 'invocationId', 'rightsGuid']);

export function adValue(syntax: string, attr: string, v: EseValue, ctx: ValueContext): AdValue {
  if (v instanceof Uint8Array) {
    if (syntax === 'r') return sidString(v) ?? base64(v);
    // A security descriptor column holds the id of its row in sd_table, not the descriptor.
    if (syntax === 'p' && v.byteLength === 8)
      return Number(new DataView(v.buffer, v.byteOffset, 8).getBigUint64(0, true));
    if (v.byteLength === 16 && GUID_ATTRIBUTES.has(attr)) return guidString(v);
    return base64(v);
  }
  switch (syntax) {
    case 'b':
      return typeof v === 'number' ? (ctx.dnOf(v) ?? `<DNT=${v}>`) : String(v);
    case 'c':
      if (typeof v !== 'number') return String(v);
      return OID_ATTRIBUTES.has(attr) ? (ctx.oid(v >>> 0) ?? String(v >>> 0)) : ctx.oidName(v >>> 0);
    case 'i':
      return v === true || v === 1;
    case 'l':
      return typeof v === 'bigint' ? generalizedTime(v) : String(v);
    default:
      return typeof v === 'bigint' ? bigintValue(v) : typeof v === 'string' ? v.replace(/\0+$/, '') : v;
  }
}

/** AD stores generalized times as whole seconds since 1601-01-01 UTC (not FILETIME's 100 ns ticks). */
export function generalizedTime(seconds: bigint): string {
  const EPOCH_1601_TO_1970 = 11644473600n;
  const ms = Number(seconds - EPOCH_1601_TO_1970) * 1000;
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? seconds.toString() : d.toISOString().replace('.000Z', 'Z');
}

/** Safe integers as numbers (USNs, counts), larger ones as decimal strings so JSON keeps every digit. */
function bigintValue(v: bigint): number | string {
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
}

/**
 * S-1-… form. The database stores the last sub-authority (the RID) big-endian so that SIDs of one domain sort by
 * RID; the other sub-authorities are little-endian as in a binary SID.
 */
export function sidString(b: Uint8Array): string | undefined {
  if (b.byteLength < 8) return undefined;
  const count = b[1]!;
  if (b[0] !== 1 || b.byteLength !== 8 + 4 * count) return undefined;
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let authority = 0;
  for (let i = 2; i < 8; i++) authority = authority * 256 + b[i]!;
  const subs: number[] = [];
  for (let i = 0; i < count; i++) subs.push(v.getUint32(8 + 4 * i, i !== count - 1));
  return `S-1-${authority}${subs.map((s) => `-${s}`).join('')}`;
}

function base64(b: Uint8Array): string {
  return Buffer.from(b).toString('base64');
}
