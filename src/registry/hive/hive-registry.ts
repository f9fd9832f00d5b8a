// The registration written straight into an offline SYSTEM hive file (a Windows volume mounted elsewhere): the
// restore's RegistryWriter and RegistryReader ports, with the same values the .reg and advapi32 writers write.
//
// HKLM\SYSTEM\CurrentControlSet does not exist in a hive file: Windows creates it at boot as a link to the control
// set named by Select\Current (1 → ControlSet001). Keys under it are written into that ControlSet00N, never into a
// key called CurrentControlSet. Other keys under HKLM\SYSTEM map to the same path in the hive; anything else is not
// in this hive and refused.
import { stat } from 'node:fs/promises';
import { AppError } from '../../errors.ts';
import { type RegChange, type RegValue, decodeMultiSz, encodeValue, REG_TYPE_CODES, shortKeyName } from '../values.ts';
import { hiveError } from './errors.ts';
import { Hive } from './hive.ts';
import type { HiveValueInput } from './value-types.ts';

export interface HiveRegistryOptions {
  now?: () => Date;
}

/** Structurally the restore's RegistryWriter and RegistryReader (src/registry/ports.ts). */
export interface HiveRegistry {
  readonly description: string;
  check(): Promise<void>;
  apply(values: readonly RegChange[]): Promise<void>;
  value(key: string, name: string): Promise<RegValue | null>;
  keyExists(key: string): Promise<boolean>;
}

export function hiveRegistry(path: string, options: HiveRegistryOptions = {}): HiveRegistry {
  const open = () => Hive.open(path, options.now === undefined ? {} : { now: options.now });
  return {
    description: `${path} (offline SYSTEM hive)`,
    async check() {
      currentControlSet(await open());
      if (
        await stat(`${path}.partial`).then(
          () => true,
          () => false,
        )
      )
        throw hiveError(
          'Precondition',
          'PARTIAL_EXISTS',
          path,
          `'${path}.partial' exists: another write of this hive was interrupted or is running`,
        );
    },
    async apply(values) {
      const hive = await open();
      const controlSet = currentControlSet(hive);
      let changed = false;
      for (const v of values) changed = applyOne(hive, hivePath(v.key, controlSet, path), v) || changed;
      if (changed) await hive.save();
    },
    async value(key, name) {
      const hive = await open();
      const v = hive.value(hivePath(key, currentControlSet(hive), path), name);
      return v === null ? null : asRegValue(key, name, v.type, v.data);
    },
    async keyExists(key) {
      const hive = await open();
      return hive.key(hivePath(key, currentControlSet(hive), path)) !== null;
    },
  };
}

/** The control set Windows boots with: "ControlSet00N" from Select\Current. */
export function currentControlSet(hive: Hive): string {
  const current = hive.value('Select', 'Current');
  const n = current?.type === 4 && typeof current.value === 'number' ? current.value : null;
  const name = n === null ? null : `ControlSet${String(n).padStart(3, '0')}`;
  if (name === null || hive.key(name) === null) {
    throw hiveError(
      'Precondition',
      'HIVE_NO_CONTROL_SET',
      hive.target,
      n === null
        ? 'no REG_DWORD Select\\Current: not a SYSTEM hive'
        : `Select\\Current names control set ${n}, and the hive has no ${name}`,
    );
  }
  return name;
}

/** A key as the restore names it (HKLM\SYSTEM\CurrentControlSet\…) as a path in the hive. */
export function hivePath(key: string, controlSet: string, target?: string): string {
  const m = /^HKLM\\SYSTEM(?:\\(.*))?$/i.exec(shortKeyName(key));
  if (!m) throw hiveError('InvalidRequest', 'HIVE_KEY_OUTSIDE', target, `'${key}' is not in the SYSTEM hive`);
  const rest = m[1] ?? '';
  return rest.replace(/^CurrentControlSet(?=\\|$)/i, controlSet);
}

/** Sets or deletes one value; false when the hive already holds exactly that. */
function applyOne(hive: Hive, path: string, change: RegChange): boolean {
  const existing = hive.value(path, change.name);
  if (change.type === 'DELETE') return existing !== null && hive.deleteValue(path, change.name);
  const data = encodeValue(change);
  if (existing !== null && existing.type === REG_TYPE_CODES[change.type] && existing.data.equals(data)) return false;
  hive.setValue(path, change.name, asInput(change));
  return true;
}

function asInput(v: RegValue): HiveValueInput {
  switch (v.type) {
    case 'REG_SZ':
      return { type: 'REG_SZ', value: v.value };
    case 'REG_DWORD':
      return { type: 'REG_DWORD', value: v.value };
    case 'REG_MULTI_SZ':
      return { type: 'REG_MULTI_SZ', value: v.value };
    case 'REG_BINARY':
      return { type: 'REG_BINARY', value: Buffer.from(v.value, 'hex') };
  }
}

/**
 * A hive value in the restore's model, which has no REG_EXPAND_SZ (reported as REG_SZ, unexpanded); types it does
 * not model are reported as their raw bytes (REG_BINARY).
 */
function asRegValue(key: string, name: string, type: number, data: Buffer): RegValue {
  const sz = () =>
    data
      .subarray(0, data.length & ~1)
      .toString('utf16le')
      .replace(/\0.*$/s, '');
  if (type === 1 || type === 2) return { key, name, type: 'REG_SZ', value: sz() };
  if (type === 4 && data.length === 4) return { key, name, type: 'REG_DWORD', value: data.readUInt32LE(0) };
  if (type === 7) return { key, name, type: 'REG_MULTI_SZ', value: decodeMultiSz(data.subarray(0, data.length & ~1)) };
  return { key, name, type: 'REG_BINARY', value: data.toString('hex') };
}

export interface NtdsLocations {
  /** "DSA Database file": the full path of ntds.dit. */
  databaseFile: string | null;
  /** "DSA Working Directory": where edb.chk lives. */
  workingDirectory: string | null;
  /** "Database log files path". */
  logPath: string | null;
}

/** Where the DC keeps its files, from ControlSet00N\Services\NTDS\Parameters of the hive. */
export function ntdsLocations(hive: Hive): NtdsLocations {
  const params = `${currentControlSet(hive)}\\Services\\NTDS\\Parameters`;
  const text = (name: string): string | null => {
    const v = hive.value(params, name);
    return v !== null && (v.type === 1 || v.type === 2) && typeof v.value === 'string' ? v.value : null;
  };
  if (hive.key(params) === null)
    throw new AppError(
      'Precondition',
      'NTDS_NOT_CONFIGURED',
      `${hive.target ?? 'the hive'}: no ${params}: not a domain controller's SYSTEM hive`,
      { target: hive.target },
    );
  return {
    databaseFile: text('DSA Database file'),
    workingDirectory: text('DSA Working Directory'),
    logPath: text('Database log files path'),
  };
}
