// NTDS_RstMap: the restore map DsRestoreRegister records (EDB_RSTMAP pairs), as REG_MULTI_SZ — for each pair the
// database path at backup time, then its path now; `NTDS_RstMap Size` is the number of pairs (KB814167.md §3).
import { AppError } from '../errors.ts';
import { encodeMultiSz, regeditHex } from './values.ts';

export interface RestoreMapPair {
  original: string;
  new: string;
}

export interface RestoreMap {
  size: number;
  strings: string[];
  bytes: Buffer;
  /** regedit style, e.g. `5c,00,5c,00,…` */
  hex: string;
}

export function buildRestoreMap(pairs: readonly RestoreMapPair[]): RestoreMap {
  if (pairs.length === 0)
    throw new AppError('InvalidRequest', 'RESTORE_MAP_EMPTY', 'a restore map needs at least one (original, new) pair');
  for (const p of pairs) {
    for (const s of [p.original, p.new]) {
      if (s.length === 0 || s.includes('\0'))
        throw new AppError(
          'InvalidRequest',
          'INVALID_PATH',
          `restore map paths must be non-empty and contain no NUL: ${JSON.stringify(s)}`,
        );
    }
  }
  const strings = pairs.flatMap((p) => [p.original, p.new]);
  const bytes = encodeMultiSz(strings);
  return { size: pairs.length, strings, bytes, hex: regeditHex(bytes) };
}
