// ESE column types (JET_coltyp*) and their fixed sizes; text codepages. Source: ESE's published jethdr.w and the
// libesedb format notes (FORMAT.md §9.4).
export const COLTYP = {
  nil: 0,
  bit: 1,
  unsignedByte: 2,
  short: 3,
  long: 4,
  currency: 5,
  ieeeSingle: 6,
  ieeeDouble: 7,
  dateTime: 8,
  binary: 9,
  text: 10,
  longBinary: 11,
  longText: 12,
  slv: 13,
  unsignedLong: 14,
  longLong: 15,
  guid: 16,
  unsignedShort: 17,
} as const;

export const COLTYP_NAMES: Record<number, string> = Object.fromEntries(
  Object.entries(COLTYP).map(([name, id]) => [id, name]),
);

/** Byte size of the fixed-size types; undefined for variable ones. */
export function fixedTypeSize(type: number): number | undefined {
  return (
    {
      [COLTYP.bit]: 1,
      [COLTYP.unsignedByte]: 1,
      [COLTYP.short]: 2,
      [COLTYP.long]: 4,
      [COLTYP.currency]: 8,
      [COLTYP.ieeeSingle]: 4,
      [COLTYP.ieeeDouble]: 8,
      [COLTYP.dateTime]: 8,
      [COLTYP.unsignedLong]: 4,
      [COLTYP.longLong]: 8,
      [COLTYP.guid]: 16,
      [COLTYP.unsignedShort]: 2,
    } as Record<number, number>
  )[type];
}

export function isTextType(type: number): boolean {
  return type === COLTYP.text || type === COLTYP.longText;
}

export function isLongType(type: number): boolean {
  return type === COLTYP.longBinary || type === COLTYP.longText;
}
