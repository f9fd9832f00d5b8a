// Registry value types: codes, names, and the data bytes of the types a restore writes. Reading keeps every type
// (the raw bytes are always there); the common ones are also decoded.
import { decodeMultiSz, encodeMultiSz, encodeSz } from '../values.ts';
import { hiveError } from './errors.ts';

export const TYPE_NAMES: Readonly<Record<number, string>> = {
  0: 'REG_NONE',
  1: 'REG_SZ',
  2: 'REG_EXPAND_SZ',
  3: 'REG_BINARY',
  4: 'REG_DWORD',
  5: 'REG_DWORD_BIG_ENDIAN',
  6: 'REG_LINK',
  7: 'REG_MULTI_SZ',
  8: 'REG_RESOURCE_LIST',
  9: 'REG_FULL_RESOURCE_DESCRIPTOR',
  10: 'REG_RESOURCE_REQUIREMENTS_LIST',
  11: 'REG_QWORD',
};

export const typeName = (code: number): string => TYPE_NAMES[code] ?? `REG_UNKNOWN_${code}`;

/** What a hive write accepts. */
export type HiveValueInput =
  | { type: 'REG_SZ' | 'REG_EXPAND_SZ'; value: string }
  | { type: 'REG_DWORD'; value: number }
  | { type: 'REG_BINARY'; value: Uint8Array }
  | { type: 'REG_MULTI_SZ'; value: readonly string[] };

export type DecodedValue = string | number | bigint | string[];

export function encodeInput(input: HiveValueInput, target?: string): { type: number; data: Buffer } {
  switch (input.type) {
    case 'REG_SZ':
      return { type: 1, data: encodeSz(input.value) };
    case 'REG_EXPAND_SZ':
      return { type: 2, data: encodeSz(input.value) };
    case 'REG_BINARY':
      return { type: 3, data: Buffer.from(input.value) };
    case 'REG_DWORD': {
      if (!Number.isInteger(input.value) || input.value < 0 || input.value > 0xffffffff)
        throw hiveError(
          'InvalidRequest',
          'HIVE_BAD_VALUE',
          target,
          `REG_DWORD ${input.value} is not an integer from 0 to 4294967295`,
        );
      const data = Buffer.alloc(4);
      data.writeUInt32LE(input.value);
      return { type: 4, data };
    }
    case 'REG_MULTI_SZ':
      if (input.value.some((s) => s === '' || s.includes('\0')))
        throw hiveError('InvalidRequest', 'HIVE_BAD_VALUE', target, 'REG_MULTI_SZ strings cannot be empty or hold NUL');
      return { type: 7, data: encodeMultiSz(input.value) };
  }
}

/** Strings up to their first NUL (a missing terminator is tolerated), numbers, lists; other types as lowercase hex. */
export function decodeData(type: number, data: Buffer): DecodedValue {
  switch (type) {
    case 1:
    case 2:
    case 6: {
      const text = data.subarray(0, data.length & ~1).toString('utf16le');
      const nul = text.indexOf('\0');
      return nul < 0 ? text : text.slice(0, nul);
    }
    case 4:
      return data.length === 4 ? data.readUInt32LE(0) : data.toString('hex');
    case 5:
      return data.length === 4 ? data.readUInt32BE(0) : data.toString('hex');
    case 7:
      return decodeMultiSz(data.subarray(0, data.length & ~1));
    case 11:
      return data.length === 8 ? data.readBigUInt64LE(0) : data.toString('hex');
    default:
      return data.toString('hex');
  }
}
