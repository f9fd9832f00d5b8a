// ATTRTYP ↔ OID. A column of the datatable is named ATT<syntax letter><attrtyp>; the attrtyp is a 32-bit number
// whose high 16 bits index a prefix table (an OID prefix) and whose low 16 bits are the last OID arc.
// The default prefix table below is the one [MS-DRSR] §5.16.4 ("ATTRTYP-to-OID Conversion") lists; a database may
// extend it with the prefixMap attribute of its schema head (not read yet: the template database has none, and
// column names never need it, since the schema's own attributeID values are attrtyps).
const DEFAULT_PREFIXES = [
  '2.5.4',
  '2.5.6',
  '1.2.840.113556.1.2',
  '1.2.840.113556.1.3',
  '2.16.840.1.101.2.2.1',
  '2.16.840.1.101.2.2.3',
  '2.16.840.1.101.2.1.5',
  '2.16.840.1.101.2.1.4',
  '2.5.5',
  '1.2.840.113556.1.4',
  '1.2.840.113556.1.5',
  '1.2.840.113556.1.4.260',
  '1.2.840.113556.1.5.56',
  '1.2.840.113556.1.4.262',
  '1.2.840.113556.1.5.57',
  '1.2.840.113556.1.4.263',
  '1.2.840.113556.1.5.58',
  '1.2.840.113556.1.5.73',
  '1.2.840.113556.1.4.305',
  '0.9.2342.19200300.100',
  '2.16.840.1.113730.3',
  '0.9.2342.19200300.100.1',
  '2.16.840.1.113730.3.1',
  '1.2.840.113556.1.5.7000',
  '2.5.21',
  '2.5.18',
  '2.5.20',
  '1.3.6.1.4.1.1466.101.119',
  '2.16.840.1.113730.3.2',
  '1.3.6.1.4.1.250.1',
  '1.2.840.113549.1.9',
  '0.9.2342.19200300.100.4',
  '1.2.840.113556.1.6.23',
  '1.2.840.113556.1.6.18.1',
  '1.2.840.113556.1.6.18.2',
  '1.2.840.113556.1.6.13.3',
  '1.2.840.113556.1.6.13.4',
  '1.3.6.1.1.1.1',
  '1.3.6.1.1.1.2',
];

/** The dotted OID of an attrtyp from the default table, or undefined when its prefix index is not in it. */
export function attrtypToOid(attrtyp: number): string | undefined {
  const prefix = DEFAULT_PREFIXES[attrtyp >>> 16];
  return prefix === undefined ? undefined : `${prefix}.${attrtyp & 0xffff}`;
}

/** The attrtyp of a dotted OID whose prefix is in the default table (last arc below 65536), else undefined. */
export function oidToAttrtyp(oid: string): number | undefined {
  const cut = oid.lastIndexOf('.');
  const index = DEFAULT_PREFIXES.indexOf(oid.slice(0, cut));
  const last = Number(oid.slice(cut + 1));
  if (index < 0 || !Number.isInteger(last) || last > 0xffff) return undefined;
  return ((index << 16) | last) >>> 0;
}

/** `ATTm589825` → { syntax: 'm', attrtyp: 589825 }; other column names (DNT_col, …) → undefined. */
export function parseColumnName(name: string): { syntax: string; attrtyp: number } | undefined {
  const m = /^ATT([a-z])(\d+)$/.exec(name);
  return m === null ? undefined : { syntax: m[1]!, attrtyp: Number(m[2]) };
}
