// A registry hive file (regf) in memory: read keys and values, create keys, set and delete values, write the file
// back atomically. The format is described in FORMAT.md beside this file (sources: libyal's "Windows NT Registry
// File (REGF) format", M. Suhanov's "Windows registry file format specification", the notes of hivex).
//
// Key paths are relative to the hive's root key and use backslashes ("ControlSet001\\Services\\NTDS"); names
// compare case-insensitively as Windows compares them. Changes stay in memory until save(): one file write.
// A change that fails half-way (a corrupt cell met while writing) leaves this object unusable, never the file.
import { readFile } from 'node:fs/promises';
import { AppError, fsError } from '../../errors.ts';
import { type BaseBlock, fileTime, fromFileTime, readBaseBlock, stampBaseBlock } from './base-block.ts';
import { CellStore } from './bins.ts';
import { hiveError } from './errors.ts';
import { NK, createSubkey, findSubkey, keyCell, keyName, subkeyEntries } from './keys.ts';
import { MAX_VALUE_NAME, sameName, splitKeyPath } from './names.ts';
import { type DecodedValue, type HiveValueInput, decodeData, encodeInput, typeName } from './value-types.ts';
import { type RawValue, deleteValue, readValues, setValue } from './values.ts';
import { type SavedHive, writeHiveFile } from './writer.ts';

export interface HiveValue extends RawValue {
  typeName: string;
  /** Strings, numbers and lists decoded; other types as lowercase hex. */
  value: DecodedValue;
}

export interface HiveKeyInfo {
  name: string;
  lastWritten: Date;
  subkeys: number;
  values: number;
}

export interface HiveOptions {
  /** Names the file in errors. */
  target?: string;
  /** The time written into changed keys and the base block (default: now). */
  now?: () => Date;
}

export class Hive {
  readonly target: string | undefined;
  readonly base: BaseBlock;
  private readonly store: CellStore;
  private readonly original: Buffer;
  private readonly now: () => Date;
  private failed: unknown = null;

  private constructor(original: Buffer, base: BaseBlock, store: CellStore, options: HiveOptions) {
    this.original = original;
    this.base = base;
    this.store = store;
    this.target = options.target;
    this.now = options.now ?? (() => new Date());
  }

  /** Checks the base block and every hive bin and cell boundary; refuses a dirty hive. */
  static parse(bytes: Uint8Array, options: HiveOptions = {}): Hive {
    const original = Buffer.from(bytes);
    const base = readBaseBlock(original, options.target);
    const store = new CellStore(Buffer.from(original), base.binsSize, options.target);
    keyCell(store, base.rootCell);
    return new Hive(original, base, store, options);
  }

  static async open(path: string, options: Omit<HiveOptions, 'target'> = {}): Promise<Hive> {
    const bytes = await readFile(path).catch((err) => Promise.reject(fsError(err, path, 'read')));
    return Hive.parse(bytes, { ...options, target: path });
  }

  /** "1.5" and so on. */
  get version(): string {
    return `${this.base.major}.${this.base.minor}`;
  }

  get rootName(): string {
    return keyName(this.store, this.base.rootCell);
  }

  /** Big data ("db") exists from format 1.4, hashed subkey lists ("lh") from 1.5. */
  private get bigData(): boolean {
    return this.base.minor >= 4;
  }

  private find(path: string): number | null {
    let at: number | null = this.base.rootCell;
    for (const name of splitKeyPath(path, this.target)) {
      at = findSubkey(this.store, at, name);
      if (at === null) return null;
    }
    return at;
  }

  key(path: string): HiveKeyInfo | null {
    const at = this.find(path);
    if (at === null) return null;
    const nk = keyCell(this.store, at);
    return {
      name: keyName(this.store, at),
      lastWritten: fromFileTime(nk.readBigUInt64LE(NK.lastWritten)),
      subkeys: nk.readUInt32LE(NK.subkeys),
      values: nk.readUInt32LE(NK.values),
    };
  }

  /** Subkey names in stored order (sorted as Windows sorts them); null when the key does not exist. */
  subkeys(path: string): string[] | null {
    const at = this.find(path);
    return at === null ? null : subkeyEntries(this.store, at).map((e) => e.name);
  }

  values(path: string): HiveValue[] | null {
    const at = this.find(path);
    if (at === null) return null;
    return readValues(this.store, at, this.bigData).map((v) => ({
      ...v,
      typeName: typeName(v.type),
      value: decodeData(v.type, v.data),
    }));
  }

  /** One value ("" for the default value); null when the key or the value does not exist. */
  value(path: string, name: string): HiveValue | null {
    return this.values(path)?.find((v) => sameName(v.name, name)) ?? null;
  }

  /** Creates the key and any missing parents; returns whether anything was created. */
  createKey(path: string): boolean {
    const names = splitKeyPath(path, this.target);
    return this.change(() => {
      let at = this.base.rootCell;
      let created = false;
      for (const name of names) {
        const next = findSubkey(this.store, at, name);
        if (next !== null) at = next;
        else {
          at = createSubkey(this.store, at, name, fileTime(this.now()), this.base.minor >= 5);
          created = true;
        }
      }
      return created;
    });
  }

  /** Sets a value, creating the key (and its parents) when missing. */
  setValue(path: string, name: string, input: HiveValueInput): void {
    const { type, data } = encodeInput(input, this.target);
    this.setRawValue(path, name, type, data);
  }

  setRawValue(path: string, name: string, type: number, data: Uint8Array): void {
    checkValueName(name, this.target);
    if (!Number.isInteger(type) || type < 0 || type > 0xffffffff)
      throw hiveError('InvalidRequest', 'HIVE_BAD_VALUE', this.target, `value type ${type} is not a 32-bit type code`);
    this.createKey(path);
    this.change(() => {
      const at = this.find(path)!;
      setValue(this.store, at, { name, type, data: Buffer.from(data) }, fileTime(this.now()), this.bigData);
    });
  }

  /** Deletes a value; false when it (or its key) does not exist. */
  deleteValue(path: string, name: string): boolean {
    checkValueName(name, this.target);
    return this.change(() => {
      const at = this.find(path);
      return at !== null && deleteValue(this.store, at, name, fileTime(this.now()), this.bigData);
    });
  }

  private change<T>(fn: () => T): T {
    if (this.failed !== null) throw this.failed;
    try {
      return fn();
    } catch (err) {
      this.failed = err;
      throw err;
    }
  }

  /** The file as save() writes it: sequence numbers moved on, size, time and checksum updated. */
  toBytes(): Buffer {
    if (this.failed !== null) throw this.failed;
    const bytes = Buffer.from(this.store.bytes());
    stampBaseBlock(bytes, this.store.binsSize, fileTime(this.now()));
    return bytes;
  }

  /**
   * Writes the hive to the file it was opened from (or `path`), the old one kept as `<name>.pre-restore-<UTC>`.
   * The new bytes are parsed again first: a hive this code cannot read back is never written.
   */
  async save(path = this.target): Promise<SavedHive> {
    if (path === undefined)
      throw new AppError('Internal', 'HIVE_NO_PATH', 'the hive was not read from a file: name one');
    const bytes = this.toBytes();
    Hive.parse(bytes, { target: `${path} (as it would be written)` });
    return writeHiveFile(path, bytes, this.original, this.now());
  }
}

function checkValueName(name: string, target?: string): void {
  if (name.length > MAX_VALUE_NAME)
    throw hiveError(
      'InvalidRequest',
      'HIVE_BAD_VALUE_NAME',
      target,
      `value names are at most ${MAX_VALUE_NAME} characters`,
    );
}
