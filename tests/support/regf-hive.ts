// A minimal, valid, EMPTY registry hive file (regf): a 4096-byte base block and one 4096-byte hive bin holding the
// root key node ("nk"), its security cell ("sk") and one free cell. hivex cannot create a hive from nothing, and
// hivexregedit --merge needs one to write into. Layout from the documented format (libyal "Windows NT Registry File
// (REGF) format", msuhanov "Windows registry file format specification"):
//
//   base block  0x000 "regf", 0x004 primary seq, 0x008 secondary seq (equal: cleanly written), 0x00C FILETIME,
//               0x014 major 1, 0x018 minor, 0x01C file type 0 (primary), 0x020 format 1 (direct memory load),
//               0x024 root cell offset, 0x028 hive bins data size, 0x02C clustering factor 1,
//               0x030 file name (UTF-16LE, 64 bytes), 0x1FC XOR checksum of the first 127 dwords.
//   hive bin    0x00 "hbin", 0x04 offset from the first bin, 0x08 size, 0x14 FILETIME; cells from 0x20.
//   cell        int32 size (negative: allocated, positive: free), 8-byte aligned; offsets are relative to the
//               first hive bin.

const BASE_BLOCK_SIZE = 0x1000;
const BIN_SIZE = 0x1000;
const BIN_HEADER_SIZE = 0x20;

/** 100-ns intervals since 1601-01-01 UTC. */
export function fileTime(date: Date): bigint {
  return (BigInt(date.getTime()) + 11_644_473_600_000n) * 10_000n;
}

/** The base block checksum: XOR of the first 127 little-endian dwords, 0 → 1 and 0xFFFFFFFF → 0xFFFFFFFE. */
export function baseBlockChecksum(block: Uint8Array): number {
  const b = Buffer.from(block.buffer, block.byteOffset, 0x1fc);
  let sum = 0;
  for (let i = 0; i < 0x1fc; i += 4) sum = (sum ^ b.readUInt32LE(i)) >>> 0;
  if (sum === 0) return 1;
  if (sum === 0xffffffff) return 0xfffffffe;
  return sum;
}

function sid(authority: number, ...subAuthorities: number[]): Buffer {
  const b = Buffer.alloc(8 + 4 * subAuthorities.length);
  b[0] = 1; // revision
  b[1] = subAuthorities.length;
  b.writeUIntBE(authority, 2, 6); // identifier authority, big-endian
  subAuthorities.forEach((s, i) => b.writeUInt32LE(s, 8 + 4 * i));
  return b;
}

/**
 * A self-relative security descriptor: owner BUILTIN\Administrators, group SYSTEM, a DACL granting KEY_ALL_ACCESS
 * to Administrators and SYSTEM (inherited by subkeys), no SACL.
 */
export function minimalSecurityDescriptor(): Buffer {
  const admins = sid(5, 32, 544);
  const system = sid(5, 18);
  const ace = (who: Buffer): Buffer => {
    const a = Buffer.alloc(8 + who.length);
    a[0] = 0x00; // ACCESS_ALLOWED_ACE_TYPE
    a[1] = 0x02; // CONTAINER_INHERIT_ACE
    a.writeUInt16LE(a.length, 2);
    a.writeUInt32LE(0x000f003f, 4); // KEY_ALL_ACCESS
    who.copy(a, 8);
    return a;
  };
  const aces = [ace(admins), ace(system)];
  const aclSize = 8 + aces.reduce((n, a) => n + a.length, 0);
  const acl = Buffer.alloc(8);
  acl[0] = 2; // ACL_REVISION
  acl.writeUInt16LE(aclSize, 2);
  acl.writeUInt16LE(aces.length, 4);
  const header = Buffer.alloc(20);
  header[0] = 1; // revision
  header.writeUInt16LE(0x8000 | 0x0004, 2); // SE_SELF_RELATIVE | SE_DACL_PRESENT
  const ownerAt = 20;
  const groupAt = ownerAt + admins.length;
  const daclAt = groupAt + system.length;
  header.writeUInt32LE(ownerAt, 4);
  header.writeUInt32LE(groupAt, 8);
  header.writeUInt32LE(0, 12); // no SACL
  header.writeUInt32LE(daclAt, 16);
  return Buffer.concat([header, admins, system, acl, ...aces]);
}

const align8 = (n: number): number => (n + 7) & ~7;

export interface EmptyHiveOptions {
  /** Root key name (ASCII); Windows uses e.g. "CMI-CreateHive{…}", any name works. */
  rootName?: string;
  /** Stored in the base block (UTF-16LE, at most 31 characters kept). */
  fileName?: string;
  /** 3 (NT 4.0) or 5 (XP and later). */
  minorVersion?: 3 | 5;
  /** Timestamps written in the base block, the bin and the root key. */
  time?: Date;
}

/** The bytes of a valid hive with only a root key: 8192 bytes. */
export function emptyHive(options: EmptyHiveOptions = {}): Buffer {
  const rootName = options.rootName ?? 'ROOT';
  if (!/^[\x20-\x7e]{1,255}$/.test(rootName) || rootName.includes('\\'))
    throw new Error(`bad root key name: ${rootName}`);
  const time = fileTime(options.time ?? new Date());
  const hive = Buffer.alloc(BASE_BLOCK_SIZE + BIN_SIZE);

  // --- hive bin -------------------------------------------------------------------------------------------------
  const bin = hive.subarray(BASE_BLOCK_SIZE);
  bin.write('hbin', 0, 'latin1');
  bin.writeUInt32LE(0, 0x04); // offset of this bin from the first one
  bin.writeUInt32LE(BIN_SIZE, 0x08);
  bin.writeBigUInt64LE(time, 0x14);

  // Root key node cell at 0x20.
  const nkAt = BIN_HEADER_SIZE;
  const nkSize = align8(0x50 + rootName.length);
  const sd = minimalSecurityDescriptor();
  const skAt = nkAt + nkSize;
  const skSize = align8(0x18 + sd.length);
  const freeAt = skAt + skSize;

  const nk = bin.subarray(nkAt, nkAt + nkSize);
  nk.writeInt32LE(-nkSize, 0x00);
  nk.write('nk', 0x04, 'latin1');
  nk.writeUInt16LE(0x0004 | 0x0020, 0x06); // KEY_HIVE_ENTRY | KEY_COMP_NAME
  nk.writeBigUInt64LE(time, 0x08); // last written
  nk.writeUInt32LE(0, 0x10); // access bits
  nk.writeUInt32LE(0xffffffff, 0x14); // parent: none for the root (Windows stores an arbitrary value here)
  nk.writeUInt32LE(0, 0x18); // number of subkeys
  nk.writeUInt32LE(0, 0x1c); // number of volatile subkeys
  nk.writeUInt32LE(0xffffffff, 0x20); // subkeys list offset
  nk.writeUInt32LE(0xffffffff, 0x24); // volatile subkeys list offset
  nk.writeUInt32LE(0, 0x28); // number of values
  nk.writeUInt32LE(0xffffffff, 0x2c); // values list offset
  nk.writeUInt32LE(skAt, 0x30); // key security offset
  nk.writeUInt32LE(0xffffffff, 0x34); // class name offset
  // 0x38 largest subkey name, 0x3C largest subkey class name, 0x40 largest value name, 0x44 largest value data,
  // 0x48 WorkVar: all 0 in an empty key
  nk.writeUInt16LE(rootName.length, 0x4c); // key name length
  nk.writeUInt16LE(0, 0x4e); // class name length
  nk.write(rootName, 0x50, 'latin1');

  // Key security cell: the only one, so its list links point to itself.
  const sk = bin.subarray(skAt, skAt + skSize);
  sk.writeInt32LE(-skSize, 0x00);
  sk.write('sk', 0x04, 'latin1');
  sk.writeUInt16LE(0, 0x06); // reserved
  sk.writeUInt32LE(skAt, 0x08); // flink
  sk.writeUInt32LE(skAt, 0x0c); // blink
  sk.writeUInt32LE(1, 0x10); // reference count: the root key
  sk.writeUInt32LE(sd.length, 0x14);
  sd.copy(sk, 0x18);

  // The rest of the bin: one free cell.
  bin.writeInt32LE(BIN_SIZE - freeAt, freeAt);

  // --- base block -----------------------------------------------------------------------------------------------
  const base = hive.subarray(0, BASE_BLOCK_SIZE);
  base.write('regf', 0x00, 'latin1');
  base.writeUInt32LE(1, 0x04); // primary sequence number
  base.writeUInt32LE(1, 0x08); // secondary sequence number (equal: the hive is consistent)
  base.writeBigUInt64LE(time, 0x0c);
  base.writeUInt32LE(1, 0x14); // major version
  base.writeUInt32LE(options.minorVersion ?? 5, 0x18);
  base.writeUInt32LE(0, 0x1c); // file type: primary
  base.writeUInt32LE(1, 0x20); // file format: direct memory load
  base.writeUInt32LE(nkAt, 0x24); // root cell offset
  base.writeUInt32LE(BIN_SIZE, 0x28); // hive bins data size
  base.writeUInt32LE(1, 0x2c); // clustering factor
  const fileName = Buffer.from((options.fileName ?? '').slice(0, 31), 'utf16le');
  fileName.copy(base, 0x30);
  base.writeUInt32LE(baseBlockChecksum(base), 0x1fc);
  return hive;
}
