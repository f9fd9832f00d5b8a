// Hive bins and cells. After the base block the file is a run of hive bins ("hbin", a multiple of 4096 bytes each,
// its own offset at 0x04 and size at 0x08, cells from 0x20). A cell is an int32 size — negative while allocated,
// positive when free — then its data; cells are 8-byte aligned and never cross a bin. Every offset the format
// stores (root key, lists, values, security) is a cell offset counted from the start of the first bin.
//
// The store keeps the whole file in one Buffer. It grows by appending bins; a Buffer handed out by data() is
// stale after alloc(), so callers allocate first and fetch the cells they write afterwards.
import { BASE_BLOCK_SIZE } from './base-block.ts';
import { corrupt, hex } from './errors.ts';

export const BIN_HEADER_SIZE = 0x20;
const BIN_ALIGN = 0x1000;
const align8 = (n: number): number => (n + 7) & ~7;

export class CellStore {
  readonly target: string | undefined;
  private file: Buffer;
  private size: number;
  /** Allocated cells: offset → size (with the size field). */
  private readonly used = new Map<number, number>();
  /** Free cells: offset → size, and end → offset to find a free neighbour before a cell. */
  private readonly free = new Map<number, number>();
  private readonly freeEnds = new Map<number, number>();

  constructor(file: Buffer, binsSize: number, target?: string) {
    this.file = file;
    this.size = binsSize;
    this.target = target;
    for (let pos = 0; pos < binsSize;) pos += this.scanBin(pos);
  }

  /** Size of all hive bins (the base block's 0x28). */
  get binsSize(): number {
    return this.size;
  }

  /** The whole file: base block and bins. */
  bytes(): Buffer {
    return this.file.subarray(0, BASE_BLOCK_SIZE + this.size);
  }

  private scanBin(pos: number): number {
    const at = BASE_BLOCK_SIZE + pos;
    if (this.file.toString('latin1', at, at + 4) !== 'hbin') throw corrupt(this.target, `no hive bin at ${hex(pos)}`);
    const offset = this.file.readUInt32LE(at + 4);
    const size = this.file.readUInt32LE(at + 8);
    if (offset !== pos) throw corrupt(this.target, `the hive bin at ${hex(pos)} says it is at ${hex(offset)}`);
    if (size < BIN_ALIGN || size % BIN_ALIGN !== 0 || pos + size > this.size)
      throw corrupt(this.target, `the hive bin at ${hex(pos)} has a bad size ${hex(size)}`);
    for (let cell = pos + BIN_HEADER_SIZE; cell < pos + size;) {
      const raw = this.file.readInt32LE(BASE_BLOCK_SIZE + cell);
      const length = Math.abs(raw);
      if (raw === 0 || length % 8 !== 0 || cell + length > pos + size)
        throw corrupt(this.target, `the cell at ${hex(cell)} has a bad size ${raw}`);
      if (raw < 0) this.used.set(cell, length);
      else this.addFree(cell, length);
      cell += length;
    }
    return size;
  }

  isCell(offset: number): boolean {
    return this.used.has(offset);
  }

  /** The data of the allocated cell at `offset` (after its size field); `what` names it in errors. */
  data(offset: number, what: string): Buffer {
    const size = this.used.get(offset);
    if (size === undefined) throw corrupt(this.target, `${what} at ${hex(offset)} is not an allocated cell`);
    const at = BASE_BLOCK_SIZE + offset;
    return this.file.subarray(at + 4, at + size);
  }

  /** Allocates a zeroed cell with room for `length` data bytes: first fit among free cells, else a new bin. */
  alloc(length: number): number {
    const need = align8(length + 4);
    let offset = -1;
    for (const [at, size] of this.free) {
      if (size >= need) {
        offset = at;
        break;
      }
    }
    if (offset < 0) offset = this.appendBin(need);
    const slot = this.takeFree(offset);
    const size = slot - need >= 8 ? need : slot;
    if (size < slot) {
      this.addFree(offset + size, slot - size);
      this.file.writeInt32LE(slot - size, BASE_BLOCK_SIZE + offset + size);
    }
    const at = BASE_BLOCK_SIZE + offset;
    this.file.fill(0, at, at + size);
    this.file.writeInt32LE(-size, at);
    this.used.set(offset, size);
    return offset;
  }

  /**
   * Marks a cell free, its contents cleared (a value's old data should not linger in the file), and merges it with
   * free neighbours in its bin (a bin header separates bins, so neighbours found here never cross one).
   */
  release(offset: number): void {
    let size = this.used.get(offset);
    if (size === undefined) throw corrupt(this.target, `cannot free ${hex(offset)}: not an allocated cell`);
    this.used.delete(offset);
    const before = this.freeEnds.get(offset);
    if (before !== undefined) {
      size += this.takeFree(before);
      offset = before;
    }
    if (this.free.has(offset + size)) size += this.takeFree(offset + size);
    const at = BASE_BLOCK_SIZE + offset;
    this.file.fill(0, at, at + size);
    this.file.writeInt32LE(size, at);
    this.addFree(offset, size);
  }

  private addFree(offset: number, size: number): void {
    this.free.set(offset, size);
    this.freeEnds.set(offset + size, offset);
  }

  private takeFree(offset: number): number {
    const size = this.free.get(offset)!;
    this.free.delete(offset);
    this.freeEnds.delete(offset + size);
    return size;
  }

  /** Appends a hive bin with room for a cell of `need` bytes, all of it one free cell; returns that cell. */
  private appendBin(need: number): number {
    const size = Math.ceil((need + BIN_HEADER_SIZE) / BIN_ALIGN) * BIN_ALIGN;
    const bin = Buffer.alloc(size);
    bin.write('hbin', 0, 'latin1');
    bin.writeUInt32LE(this.size, 0x04);
    bin.writeUInt32LE(size, 0x08);
    bin.writeInt32LE(size - BIN_HEADER_SIZE, BIN_HEADER_SIZE);
    // Grow geometrically so that many appends do not copy the whole file each time.
    const end = BASE_BLOCK_SIZE + this.size;
    if (end + size > this.file.length) {
      const grown = Buffer.alloc(Math.max(end + size, Math.ceil(end * 1.25)));
      this.file.copy(grown, 0, 0, end);
      this.file = grown;
    }
    bin.copy(this.file, end);
    const cell = this.size + BIN_HEADER_SIZE;
    this.addFree(cell, size - BIN_HEADER_SIZE);
    this.size += size;
    return cell;
  }
}
