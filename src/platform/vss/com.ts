// Calling COM methods through koffi: an interface pointer points at its vtable, a table of function pointers in the
// order of the interface's C `…Vtbl` struct (mingw-w64's vsbackup.h, vss.h, vswriter.h; `this` is always the first
// argument). A method is called by reading the pointer at slot × 8 and calling it with koffi.call and a prototype.
// x64 only: one calling convention; a 16-byte VSS_ID passed by value goes by reference to a caller copy, which koffi
// does for a by-value struct.
import type { Koffi } from '../native/koffi.ts';

export type Ptr = unknown; // an opaque koffi pointer

export interface Com {
  koffi: Koffi;
  /** Calls slot `slot` of the interface `self` with the prototype `args` (after `void *self`); returns the HRESULT. */
  call(self: Ptr, slot: number, args: string, ...values: unknown[]): number;
  /** IUnknown::Release (slot 2). */
  release(self: Ptr): void;
  /** A VSS_ID (GUID) as koffi's by-value struct from its 16 bytes. */
  id(bytes: Buffer): { lo: bigint; hi: bigint };
  /** The UTF-16 text of a BSTR, then SysFreeString; '' for NULL. */
  takeBstr(p: Ptr): string;
  /** The NUL-terminated UTF-16 string a pointer points at ('' for NULL); not freed. */
  string16(p: Ptr): string;
}

export const VSS_ID_TYPE = 'ADBACKUP_VSS_ID';

export function createCom(koffi: Koffi, sysFreeString: (p: Ptr) => void): Com {
  try {
    koffi.struct(VSS_ID_TYPE, { lo: 'uint64_t', hi: 'uint64_t' });
  } catch {
    /* already declared in this process */
  }
  const protos = new Map<string, unknown>();
  const proto = (ret: string, args: string) => {
    const key = `${ret}|${args}`;
    let p = protos.get(key);
    if (p === undefined) {
      p = koffi.proto(`${ret} __stdcall adbackup_com_${protos.size}(void *self${args ? ', ' + args : ''})`);
      protos.set(key, p);
    }
    return p as never;
  };
  const slotOf = (self: Ptr, slot: number) => {
    const vtbl = koffi.decode(self, 'void *');
    return koffi.decode(vtbl, slot * 8, 'void *');
  };
  const string16 = (p: Ptr) => (p ? (koffi.decode(p, 'char16_t', -1) as string) : '');
  return {
    koffi,
    call: (self, slot, args, ...values) => Number(koffi.call(slotOf(self, slot), proto('long', args), self, ...values)),
    release(self) {
      if (self) koffi.call(slotOf(self, 2), proto('uint32_t', ''), self);
    },
    id: (b) => ({ lo: b.readBigUInt64LE(0), hi: b.readBigUInt64LE(8) }),
    takeBstr(p) {
      if (!p) return '';
      try {
        return string16(p);
      } finally {
        sysFreeString(p);
      }
    },
    string16,
  };
}

/** The canonical text of a GUID from its 16 bytes (Data1..3 little-endian). */
export function guidText(b: Buffer): string {
  const h = (n: number, w: number) => n.toString(16).padStart(w, '0');
  const tail = [...b.subarray(8)].map((x) => h(x, 2)).join('');
  return `${h(b.readUInt32LE(0), 8)}-${h(b.readUInt16LE(4), 4)}-${h(b.readUInt16LE(6), 4)}-${tail.slice(0, 4)}-${tail.slice(4)}`;
}

export function guidBytes(text: string): Buffer {
  const hex = text.replace(/[{}-]/g, '');
  const b = Buffer.from(hex, 'hex');
  const out = Buffer.alloc(16);
  out.writeUInt32LE(b.readUInt32BE(0), 0);
  out.writeUInt16LE(b.readUInt16BE(4), 4);
  out.writeUInt16LE(b.readUInt16BE(6), 6);
  b.copy(out, 8, 8);
  return out;
}
