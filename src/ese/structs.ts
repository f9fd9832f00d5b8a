// ESE's small building blocks (daedef.hxx, see FORMAT.md §1): LGPOS, LOGTIME, SIGNATURE, BKINFO.
import { type Codec, u32 } from './fields.ts';

/** A position in the log stream: generation, then sector, then byte in the sector. */
export interface Lgpos {
  generation: number;
  sector: number;
  offset: number;
}

/** LOGTIME, decoded. `null` stands for the all-zero "unset" value. Month is 1-12 as ESE actually stores it. */
export interface LogTime {
  year: number;
  month: number;
  day: number;
  hours: number;
  minutes: number;
  seconds: number;
  milliseconds: number;
  utc: boolean;
  /** bit 0 of byte 7 (fReserved / fOSSnapshot). */
  osSnapshot: boolean;
}

export interface Signature {
  random: number;
  created: LogTime | null;
  computer: string;
}

export interface BkInfo {
  mark: Lgpos;
  markTime: LogTime | null;
  genLow: number;
  genHigh: number;
}

export const lgpos: Codec<Lgpos> = {
  size: 8,
  read: (v, o) => ({
    offset: v.getUint16(o, true),
    sector: v.getUint16(o + 2, true),
    generation: v.getInt32(o + 4, true),
  }),
  write(v, o, x) {
    v.setUint16(o, x.offset, true);
    v.setUint16(o + 2, x.sector, true);
    v.setInt32(o + 4, x.generation, true);
  },
};

export const logtime: Codec<LogTime | null> = {
  size: 8,
  read(v, o) {
    if (v.getUint32(o, true) === 0 && v.getUint32(o + 4, true) === 0) return null;
    const b6 = v.getUint8(o + 6);
    const b7 = v.getUint8(o + 7);
    return {
      seconds: v.getUint8(o),
      minutes: v.getUint8(o + 1),
      hours: v.getUint8(o + 2),
      day: v.getUint8(o + 3),
      month: v.getUint8(o + 4),
      year: 1900 + v.getUint8(o + 5),
      milliseconds: (b6 >>> 1) | (((b7 >>> 1) & 0x7) << 7),
      utc: (b6 & 1) === 1,
      osSnapshot: (b7 & 1) === 1,
    };
  },
  write(v, o, t) {
    if (t === null) {
      v.setUint32(o, 0);
      v.setUint32(o + 4, 0);
      return;
    }
    v.setUint8(o, t.seconds);
    v.setUint8(o + 1, t.minutes);
    v.setUint8(o + 2, t.hours);
    v.setUint8(o + 3, t.day);
    v.setUint8(o + 4, t.month);
    v.setUint8(o + 5, t.year - 1900);
    v.setUint8(o + 6, ((t.milliseconds & 0x7f) << 1) | (t.utc ? 1 : 0));
    v.setUint8(o + 7, (((t.milliseconds >>> 7) & 0x7) << 1) | (t.osSnapshot ? 1 : 0));
  },
};

export const signature: Codec<Signature> = {
  size: 28,
  read(v, o) {
    let computer = '';
    for (let i = 0; i < 16; i++) {
      const c = v.getUint8(o + 12 + i);
      if (c === 0) break;
      computer += String.fromCharCode(c);
    }
    return { random: v.getUint32(o, true), created: logtime.read(v, o + 4), computer };
  },
  write(v, o, s) {
    u32.write(v, o, s.random);
    logtime.write(v, o + 4, s.created);
    for (let i = 0; i < 16; i++)
      v.setUint8(o + 12 + i, i < s.computer.length && i < 15 ? s.computer.charCodeAt(i) & 0xff : 0);
  },
};

export const bkinfo: Codec<BkInfo> = {
  size: 24,
  read: (v, o) => ({
    mark: lgpos.read(v, o),
    markTime: logtime.read(v, o + 8),
    genLow: v.getUint32(o + 16, true),
    genHigh: v.getUint32(o + 20, true),
  }),
  write(v, o, b) {
    lgpos.write(v, o, b.mark);
    logtime.write(v, o + 8, b.markTime);
    v.setUint32(o + 16, b.genLow >>> 0, true);
    v.setUint32(o + 20, b.genHigh >>> 0, true);
  },
};

export const NULL_LGPOS: Lgpos = Object.freeze({ generation: 0, sector: 0, offset: 0 });
export const EMPTY_SIGNATURE: Signature = Object.freeze({ random: 0, created: null, computer: '' });
export const EMPTY_BKINFO: BkInfo = Object.freeze({ mark: NULL_LGPOS, markTime: null, genLow: 0, genHigh: 0 });

export function isNullLgpos(p: Lgpos): boolean {
  return p.generation === 0 && p.sector === 0 && p.offset === 0;
}

export function compareLgpos(a: Lgpos, b: Lgpos): number {
  return a.generation - b.generation || a.sector - b.sector || a.offset - b.offset;
}

/** ESE compares signatures as all 28 bytes (memcmp), so equality is defined on the encoded form. */
export function signatureKey(s: Signature): string {
  const buf = new Uint8Array(28);
  signature.write(new DataView(buf.buffer), 0, s);
  return Buffer.from(buf).toString('hex');
}

export function sameSignature(a: Signature, b: Signature): boolean {
  return signatureKey(a) === signatureKey(b);
}

export function isEmptySignature(s: Signature): boolean {
  return s.random === 0 && s.created === null && s.computer === '';
}

export function sameLogTime(a: LogTime | null, b: LogTime | null): boolean {
  const buf = new Uint8Array(16);
  const v = new DataView(buf.buffer);
  logtime.write(v, 0, a);
  logtime.write(v, 8, b);
  return v.getBigUint64(0) === v.getBigUint64(8);
}

export function logTimeFromDate(d: Date): LogTime {
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hours: d.getUTCHours(),
    minutes: d.getUTCMinutes(),
    seconds: d.getUTCSeconds(),
    milliseconds: d.getUTCMilliseconds(),
    utc: true,
    osSnapshot: false,
  };
}

/**
 * ISO 8601 text. UTC stamps end in Z; local-time stamps (old databases, fTimeIsUTC clear) carry no zone because
 * the writer's zone is not recorded.
 */
export function logTimeToIso(t: LogTime | null): string | null {
  if (t === null) return null;
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(t.year, 4)}-${p(t.month)}-${p(t.day)}T${p(t.hours)}:${p(t.minutes)}:${p(t.seconds)}.${p(t.milliseconds, 3)}${t.utc ? 'Z' : ''}`;
}

/** Milliseconds since the epoch, treating local-time stamps as UTC (good enough to order and age them). */
export function logTimeToEpochMs(t: LogTime): number {
  return Date.UTC(t.year, t.month - 1, t.day, t.hours, t.minutes, t.seconds, t.milliseconds);
}

/** esentutl's text: `MM/DD/YYYY hh:mm:ss.mmm UTC|LOC` (dbdump.cxx). */
export function formatLogTime(t: LogTime | null): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  if (t === null) return '00/00/1900 00:00:00.000 LOC';
  return `${p(t.month)}/${p(t.day)}/${p(t.year, 4)} ${p(t.hours)}:${p(t.minutes)}:${p(t.seconds)}.${p(t.milliseconds, 3)} ${t.utc ? 'UTC' : 'LOC'}`;
}

/** esentutl prints an lgpos as `(0x%X,%X,%X)` = (generation, sector, byte). */
export function formatLgpos(p: Lgpos): string {
  const h = (n: number) => (n >>> 0).toString(16).toUpperCase();
  return `(0x${h(p.generation)},${h(p.sector)},${h(p.offset)})`;
}

export function formatSignature(s: Signature): string {
  return `Create time:${formatLogTime(s.created)} Rand:${s.random >>> 0} Computer:${s.computer}`;
}
