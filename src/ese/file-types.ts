// le_filetype at offset 667 of every header kind (jethdr.w JET_filetype*).
export const FILE_TYPES: Record<number, string> = {
  0: 'unknown',
  1: 'database',
  2: 'streaming file',
  3: 'log',
  4: 'checkpoint',
  5: 'temporary database',
  6: 'FTL',
  7: 'flush map',
  8: 'cached file',
  9: 'caching file',
  10: 'snapshot',
  11: 'revert checkpoint',
};

export function fileTypeName(t: number): string {
  return FILE_TYPES[t] ?? `type ${t}`;
}
