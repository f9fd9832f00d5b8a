// Declarative little-endian struct layouts. Every ESE header is a #pragma pack(1) C struct; describing each one
// as a table of (offset, codec) gives one source of truth for reading and for writing, so a round trip cannot
// drift between two hand-written halves.

export interface Codec<T> {
  readonly size: number;
  read(view: DataView, offset: number): T;
  write(view: DataView, offset: number, value: T): void;
}

export const u8: Codec<number> = {
  size: 1,
  read: (v, o) => v.getUint8(o),
  write: (v, o, x) => v.setUint8(o, x),
};
export const u16: Codec<number> = {
  size: 2,
  read: (v, o) => v.getUint16(o, true),
  write: (v, o, x) => v.setUint16(o, x, true),
};
export const u32: Codec<number> = {
  size: 4,
  read: (v, o) => v.getUint32(o, true),
  write: (v, o, x) => v.setUint32(o, x >>> 0, true),
};
export const i32: Codec<number> = {
  size: 4,
  read: (v, o) => v.getInt32(o, true),
  write: (v, o, x) => v.setInt32(o, x | 0, true),
};
export const u64: Codec<bigint> = {
  size: 8,
  read: (v, o) => v.getBigUint64(o, true),
  write: (v, o, x) => v.setBigUint64(o, BigInt.asUintN(64, x), true),
};

/** Fixed-size NUL-padded single-byte string (ESE's ANSI paths and computer names). */
export function ansi(size: number): Codec<string> {
  return {
    size,
    read(v, o) {
      let s = '';
      for (let i = 0; i < size; i++) {
        const c = v.getUint8(o + i);
        if (c === 0) break;
        s += String.fromCharCode(c);
      }
      return s;
    },
    write(v, o, x) {
      for (let i = 0; i < size; i++) v.setUint8(o + i, i < x.length && i < size - 1 ? x.charCodeAt(i) & 0xff : 0);
    },
  };
}

export type Layout = Record<string, readonly [offset: number, codec: Codec<any>]>;
export type Decoded<L extends Layout> = { -readonly [K in keyof L]: L[K][1] extends Codec<infer T> ? T : never };

export function decode<L extends Layout>(layout: L, view: DataView, base = 0): Decoded<L> {
  const out: Record<string, unknown> = {};
  for (const [name, [offset, codec]] of Object.entries(layout)) out[name] = codec.read(view, base + offset);
  return out as Decoded<L>;
}

/** Writes the known fields over `view`; bytes the layout does not name are left as they are. */
export function encode<L extends Layout>(layout: L, value: Decoded<L>, view: DataView, base = 0): void {
  for (const [name, [offset, codec]] of Object.entries(layout)) {
    codec.write(view, base + offset, (value as Record<string, unknown>)[name]);
  }
}

export function viewOf(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export function isAllZero(bytes: Uint8Array): boolean {
  // Word-wise where alignment allows: reserve logs are megabytes of zeros.
  let i = 0;
  if (bytes.byteOffset % 4 === 0) {
    const words = new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength >>> 2);
    for (const w of words) if (w !== 0) return false;
    i = words.length * 4;
  }
  for (; i < bytes.byteLength; i++) if (bytes[i] !== 0) return false;
  return true;
}

export function hex32(n: number): string {
  return '0x' + (n >>> 0).toString(16).padStart(8, '0');
}
