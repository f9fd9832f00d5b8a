// The database's identity (identity.ts) from a handful of rows found by key instead of a pass over the whole
// datatable, so that a backup can record it: pages read ≈ B-tree depth × (DSA + its ancestors + the naming-context
// heads + a few configuration children), whatever the size of the directory.
//   hiddentable → dsa_col (the DSA's DNT) → the DSA row by its primary key (DNT_index on DNT_col)
//   → its ancestors by PDNT_col (the configuration head is one of them) → the naming contexts the DSA names in
//   hasMasterNCs, msDS-hasMasterNCs, hasPartialReplicaNCs and msDS-HasDomainNCs (linked attributes: the DSA's rows
//   of link_table, one prefix seek) and dMDLocation (a column of its row)
//   → CN=Partitions and CN=Services,… under the configuration through PDNT_index (children of a row)
//   → the highest USN from the last key of the uSNChanged index (INDEX_00020078).
import type { ColumnDef, TableDef } from '../ese/reader/catalog.ts';
import type { EseDatabase, Row } from '../ese/reader/database.ts';
import { longKey, readLongKey, readLongLongKey } from '../ese/reader/keys.ts';
import type { EseValue } from '../ese/reader/values.ts';
import { escapeRdnValue } from './dn.ts';
import { isRemoved } from './links.ts';
import type { AdObject } from './directory.ts';
import {
  DIRECTORY_SERVICE_RDNS,
  assembleIdentity,
  heldNamingContext,
  type DatabaseIdentity,
  type NamingContext,
} from './identity.ts';
import { parseColumnName } from './prefix-table.ts';
import { adValue, type AdValue, type ValueContext } from './values.ts';

/** The reader calls it needs: EseDatabase, or a test double of it (which may have no link_table to seek in). */
export type KeyedDatabase = Pick<EseDatabase, 'table' | 'rows' | 'rowByKey' | 'indexEntries' | 'lastIndexEntry'> &
  Partial<Pick<EseDatabase, 'rowsByPrefix'>>;

/**
 * The DSA's naming-context attributes that are linked ([MS-ADA1]/[MS-ADA2] linkID): their values are link_table
 * rows of the DSA (links.ts), not columns of its row; on 2012 R2 all four are (checked on the template's link_table).
 */
const NC_LINKS: Record<string, number> = {
  hasMasterNCs: 76,
  hasPartialReplicaNCs: 74,
  'msDS-hasMasterNCs': 2036,
  'msDS-HasDomainNCs': 2026,
};
const LINK_COLUMNS = new Set(['link_base', 'backlink_DNT', 'link_deltime', 'link_deactivetime']);

/** The attributes the identity reads, by attrtyp (default prefix table): nothing else is decoded. */
const IDENTITY_ATTRIBUTES: Record<number, string> = {
  0: 'objectClass',
  131073: 'instanceType',
  131074: 'whenCreated',
  131086: 'hasMasterNCs',
  131087: 'hasPartialReplicaNCs',
  131108: 'dMDLocation',
  131126: 'tombstoneLifetime',
  131148: 'objectVersion',
  131187: 'invocationId',
  589825: 'name',
  589826: 'objectGUID',
  589970: 'objectSid',
  591283: 'msDS-Behavior-Version',
  591644: 'msDS-HasDomainNCs',
  591660: 'msDS-hasMasterNCs',
};
const NC_ATTRIBUTES = ['hasMasterNCs', 'msDS-hasMasterNCs', 'hasPartialReplicaNCs', 'msDS-HasDomainNCs', 'dMDLocation'];

/** The object classes the identity tells apart (governsID attrtyps), and the RDN types AD writes upper case. */
const CLASSES: Record<number, string> = { 655372: 'configuration', 196617: 'dMD', 655427: 'domainDNS' };
const RDN_TYPES: Record<number, string> = {
  3: 'CN',
  6: 'C',
  7: 'L',
  8: 'ST',
  9: 'STREET',
  10: 'O',
  11: 'OU',
  1376257: 'UID',
  1376281: 'DC',
};

const PDNT_INDEX = 'PDNT_index';
const USN_CHANGED_INDEX = 'INDEX_00020078';
const TREE_COLUMNS = new Set(['DNT_col', 'PDNT_col', 'RDNtyp_col']);

interface Node {
  row: Row;
  parent: number;
  dn: string | undefined;
}

export function quickIdentity(db: KeyedDatabase): DatabaseIdentity | undefined {
  const table = db.table('datatable');
  if (table === undefined) return undefined;
  const reader = new KeyedRows(db, table);
  const hiddenTable = db.table('hiddentable');
  const hidden = hiddenTable === undefined ? undefined : db.rows(hiddenTable).next().value;
  const dsaDnt = typeof hidden?.['dsa_col'] === 'number' ? hidden['dsa_col'] : undefined;
  const byDn = new Map<string, AdObject>();
  const dsa = dsaDnt === undefined ? undefined : reader.object(dsaDnt);
  const dsaDn = dsa === undefined ? undefined : String(dsa['distinguishedName']);
  const linked = dsa === undefined || dsaDnt === undefined ? [] : withLinkedContexts(db, reader, dsaDnt, dsa);
  if (dsa !== undefined && dsaDn !== undefined) byDn.set(dsaDn, dsa);
  const namingContexts = dsaDnt === undefined ? [] : heldContexts(reader, dsaDnt, linked, byDn);
  const configuration = namingContexts.find((nc) => classes(byDn.get(nc.dn)).includes('configuration'));
  if (configuration !== undefined) configurationChildren(reader, configuration.dn, byDn);
  const last = db.lastIndexEntry(table, USN_CHANGED_INDEX);
  const usn = last === undefined ? undefined : readLongLongKey(last.key);
  const highestUsn = usn === undefined ? undefined : Number(usn);
  return assembleIdentity({ dsaDn, byDn, namingContexts, highestUsn, hidden });
}

/**
 * The DSA's linked NC attributes set on its object as DN lists (as the full reader's objects carry them); returns
 * their targets' DNTs.
 */
function withLinkedContexts(db: KeyedDatabase, reader: KeyedRows, dsaDnt: number, dsa: AdObject): number[] {
  const table = db.table('link_table');
  if (table === undefined || db.rowsByPrefix === undefined) return [];
  const wanted = new Map(Object.entries(NC_LINKS).map(([name, linkId]) => [linkId, name]));
  const targets: number[] = [];
  for (const row of db.rowsByPrefix(table, longKey(dsaDnt), (c) => LINK_COLUMNS.has(c.name))) {
    const { link_base: base, backlink_DNT: target } = row;
    if (isRemoved(row) || typeof base !== 'number' || typeof target !== 'number') continue;
    const name = wanted.get(base * 2);
    const dn = reader.dnOf(target);
    if (name === undefined || dn === undefined) continue;
    dsa[name] = [...[dsa[name] ?? []].flat(), dn];
    targets.push(target);
  }
  return targets;
}

/** The NC heads among the DSA's ancestors and among the DNs its own NC attributes name, in row (DNT) order. */
function heldContexts(
  reader: KeyedRows,
  dsaDnt: number,
  linked: number[],
  byDn: Map<string, AdObject>,
): NamingContext[] {
  const candidates = new Set<number>([...reader.ancestors(dsaDnt), ...linked]);
  for (const attr of NC_ATTRIBUTES) for (const dnt of reader.dnts(dsaDnt, attr)) candidates.add(dnt);
  const held: NamingContext[] = [];
  for (const dnt of [...candidates].sort((a, b) => a - b)) {
    const object = reader.object(dnt);
    if (object === undefined) continue;
    const nc = heldNamingContext(String(object['distinguishedName']), Number(object['instanceType'] ?? 0));
    if (nc === undefined) continue;
    held.push(nc);
    byDn.set(nc.dn, object);
  }
  return held;
}

/** CN=Partitions (the forest's functional level) and CN=Directory Service,… (the tombstone lifetime). */
function configurationChildren(reader: KeyedRows, configurationDn: string, byDn: Map<string, AdObject>): void {
  const configDnt = reader.dntOf(configurationDn);
  if (configDnt === undefined) return;
  const keep = (dnt: number | undefined) => {
    const object = dnt === undefined ? undefined : reader.object(dnt);
    if (object !== undefined) byDn.set(String(object['distinguishedName']), object);
  };
  keep(reader.child(configDnt, 'CN=Partitions'));
  let at: number | undefined = configDnt;
  for (const rdn of [...DIRECTORY_SERVICE_RDNS].reverse()) at = at === undefined ? at : reader.child(at, rdn);
  keep(at);
}

function classes(o: AdObject | undefined): AdValue[] {
  return [o?.['objectClass'] ?? []].flat();
}

/** Rows of the datatable by DNT, each read once, with the identity's columns decoded as the full reader does. */
class KeyedRows {
  private readonly nodes = new Map<number, Node | null>();
  private readonly columns: Map<string, { syntax: string; name: string }>;
  private readonly keep: (c: ColumnDef) => boolean;
  private readonly ctx: ValueContext;

  private readonly db: KeyedDatabase;
  private readonly table: TableDef;

  constructor(db: KeyedDatabase, table: TableDef) {
    this.db = db;
    this.table = table;
    this.columns = new Map();
    for (const c of table.columns) {
      const parsed = parseColumnName(c.name);
      const name = parsed === undefined ? undefined : IDENTITY_ATTRIBUTES[parsed.attrtyp];
      if (parsed !== undefined && name !== undefined) this.columns.set(c.name, { syntax: parsed.syntax, name });
    }
    this.keep = (c) => TREE_COLUMNS.has(c.name) || this.columns.has(c.name);
    this.ctx = {
      dnOf: (dnt) => this.node(dnt)?.dn,
      oidName: (t) => CLASSES[t] ?? String(t),
      oid: () => undefined,
    };
  }

  node(dnt: number): Node | undefined {
    const known = this.nodes.get(dnt);
    if (known !== undefined) return known ?? undefined;
    this.nodes.set(dnt, null); // a cycle in PDNT_col ends here instead of recursing
    const row = this.db.rowByKey(this.table, longKey(dnt), this.keep);
    if (row === undefined) return undefined;
    const parent = typeof row['PDNT_col'] === 'number' ? row['PDNT_col'] : 0;
    const node: Node = { row, parent, dn: this.dn(row, parent) };
    this.nodes.set(dnt, node);
    return node;
  }

  /** TYPE=value, then the parent's DN; rows without an RDN type (the root objects) end the name. */
  private dn(row: Row, parent: number): string | undefined {
    const type = row['RDNtyp_col'];
    const name = [row[this.columnOf('name') ?? '']].flat()[0];
    if (typeof type !== 'number' || typeof name !== 'string') return undefined;
    const rdn = `${RDN_TYPES[type >>> 0] ?? String(type >>> 0)}=${escapeRdnValue(name)}`;
    const above = parent === 0 ? undefined : this.node(parent)?.dn;
    return above === undefined ? rdn : `${rdn},${above}`;
  }

  object(dnt: number): AdObject | undefined {
    const node = this.node(dnt);
    if (node?.dn === undefined) return undefined;
    const out: AdObject = { distinguishedName: node.dn };
    for (const [column, value] of Object.entries(node.row)) {
      const def = this.columns.get(column);
      if (def === undefined) continue;
      const values = (Array.isArray(value) ? value : [value]).map((v) => adValue(def.syntax, def.name, v, this.ctx));
      out[def.name] = values.length === 1 && !Array.isArray(value) ? values[0]! : values;
    }
    return out;
  }

  /** The DNTs a DN-valued attribute of a row holds. */
  dnts(dnt: number, attribute: string): number[] {
    const column = this.columnOf(attribute);
    const value = column === undefined ? undefined : this.node(dnt)?.row[column];
    return [value ?? []].flat().filter((v: EseValue): v is number => typeof v === 'number');
  }

  dnOf(dnt: number): string | undefined {
    return this.node(dnt)?.dn;
  }

  ancestors(dnt: number): number[] {
    const out: number[] = [];
    for (let at = this.node(dnt)?.parent ?? 0; at !== 0 && !out.includes(at); at = this.node(at)?.parent ?? 0)
      out.push(at);
    return out;
  }

  dntOf(dn: string): number | undefined {
    for (const [dnt, node] of this.nodes) if (node?.dn === dn) return dnt;
    return undefined;
  }

  /** The child of `dnt` with the given RDN, through PDNT_index (keyed by PDNT_col, then the name). */
  child(dnt: number, rdn: string): number | undefined {
    const parentDn = this.node(dnt)?.dn;
    if (parentDn === undefined) return undefined;
    const wanted = `${rdn},${parentDn}`.toLowerCase();
    for (const e of this.db.indexEntries(this.table, PDNT_INDEX, longKey(dnt))) {
      const childDnt = readLongKey(e.data);
      if (childDnt !== undefined && this.node(childDnt)?.dn?.toLowerCase() === wanted) return childDnt;
    }
    return undefined;
  }

  private columnOf(attribute: string): string | undefined {
    for (const [column, def] of this.columns) if (def.name === attribute) return column;
    return undefined;
  }
}
