// A read-only view of an ntds.dit as directory objects: one pass reads the schema and the tree (only the columns
// that describe them), then objects are produced row by row with LDAP names, built DNs and decoded values, and
// the linked attributes asked for from link_table.
// Secret attributes (attrtyps.ts) are never decoded: the ESE reader skips their columns.
import { AppError } from '../errors.ts';
import { EseDatabase, type Row } from '../ese/reader/database.ts';
import type { ColumnDef, TableDef } from '../ese/reader/catalog.ts';
import { ATT } from './attrtyps.ts';
import { buildDn, type TreeNode } from './dn.ts';
import { LinkReader, linkSelection } from './links.ts';
import { attrtypToOid, parseColumnName } from './prefix-table.ts';
import { AdSchema, col, first } from './schema.ts';
import { adValue, type AdValue, type ValueContext } from './values.ts';

export type AdObject = Record<string, AdValue | AdValue[]>;

export interface ObjectsOptions {
  /** The attributes wanted (LDAP names, '*' for all): decides which linked attributes are read. */
  attributes?: readonly string[];
  /** Produces only the objects it accepts (judged on their datatable attributes, before links are read). */
  match?: (object: AdObject) => boolean;
}

const TREE_COLUMNS = new Set(['DNT_col', 'PDNT_col', 'RDNtyp_col', 'OBJ_col']);
const SCHEMA_ATTRTYPS = new Set<number>([
  ATT.name,
  ATT.lDAPDisplayName,
  ATT.governsID,
  ATT.attributeID,
  ATT.searchFlags,
  ATT.msDSIntId,
  ATT.linkID,
  ATT.attributeSyntax,
]);

export class AdDirectory {
  readonly schema = new AdSchema();
  private readonly nodes = new Map<number, TreeNode>();
  private readonly rdnTypes = new Map<number, number>();
  private readonly table: TableDef;
  readonly db: EseDatabase;

  constructor(db: EseDatabase) {
    this.db = db;
    const table = db.table('datatable');
    if (table === undefined) {
      const message = 'the database has no datatable: not an Active Directory database';
      throw new AppError('InvalidRequest', 'NOT_A_DIRECTORY_DATABASE', message);
    }
    this.table = table;
    const keep = (c: ColumnDef) =>
      TREE_COLUMNS.has(c.name) || SCHEMA_ATTRTYPS.has(parseColumnName(c.name)?.attrtyp ?? -1);
    for (const row of db.rows(table, keep)) {
      this.schema.add(row);
      const dnt = row['DNT_col'];
      if (typeof dnt !== 'number') continue;
      const rdnTyp = row['RDNtyp_col'];
      const name = first(row[col('m', ATT.name)]);
      if (typeof rdnTyp === 'number') this.rdnTypes.set(dnt, rdnTyp >>> 0);
      const parent = typeof row['PDNT_col'] === 'number' ? row['PDNT_col'] : 0;
      this.nodes.set(dnt, { parent, rdn: typeof name === 'string' ? name : undefined, rdnType: undefined });
    }
    for (const [dnt, typ] of this.rdnTypes) this.nodes.get(dnt)!.rdnType = this.rdnTypeName(typ);
  }

  static open(path: string): AdDirectory {
    return AdDirectory.fromDatabase(EseDatabase.openFile(path));
  }

  /** Over an open database, which the directory then owns (closed here if it is not a directory database). */
  static fromDatabase(db: EseDatabase): AdDirectory {
    try {
      return new AdDirectory(db);
    } catch (err) {
      db.close();
      throw err;
    }
  }

  /** The DN of a row, or undefined for rows outside the tree (the root, phantoms without a name). */
  dnOf(dnt: number): string | undefined {
    if (!this.nodes.get(dnt)?.rdnType) return undefined;
    const { dn } = buildDn(dnt, this.nodes);
    return dn === '' ? undefined : dn;
  }

  /**
   * Every object (a row with an RDN), with all its non-secret attributes, in row (DNT) order. `attributes` (LDAP
   * names, '*' for all) says which linked attributes to read from link_table (links.ts): none when it names none,
   * so a request for plain attributes pays nothing for them. `match`, when given, picks the objects to produce
   * before their links are read.
   */
  *objects(afterDnt = 0, opts: ObjectsOptions = {}): Generator<{ dnt: number; object: AdObject }> {
    const ctx: ValueContext = { dnOf: (d) => this.dnOf(d), oidName: (t) => this.oidName(t), oid: attrtypToOid };
    const keep = (c: ColumnDef) => !this.schema.isSecret(parseColumnName(c.name)?.attrtyp ?? -1);
    const links = linkSelection(this.schema, opts.attributes);
    const reader = links === undefined ? undefined : new LinkReader(this.db, this.schema, (d) => this.dnOf(d));
    for (const row of this.db.rows(this.table, keep)) {
      const dnt = row['DNT_col'];
      if (typeof dnt !== 'number' || dnt <= afterDnt || row['OBJ_col'] !== 1) continue;
      const dn = this.dnOf(dnt);
      if (dn === undefined) continue;
      const object = this.toObject(row, dn, ctx);
      if (opts.match !== undefined && !opts.match(object)) continue;
      // Linked values are always lists: most linked attributes are multi-valued, and a list keeps one shape.
      if (reader !== undefined) for (const [name, values] of reader.valuesOf(dnt, links!)) object[name] = values;
      yield { dnt, object };
    }
  }

  private toObject(row: Row, dn: string, ctx: ValueContext): AdObject {
    const out: AdObject = { distinguishedName: dn };
    for (const [column, value] of Object.entries(row)) {
      const parsed = parseColumnName(column);
      if (parsed === undefined) continue;
      const def = this.schema.attribute(parsed.attrtyp);
      if (def?.secret) continue; // belt and braces: keep() already skipped these columns
      const name = def?.name ?? column;
      const values = (Array.isArray(value) ? value : [value]).map((v) => adValue(parsed.syntax, name, v, ctx));
      out[name] = values.length === 1 && !Array.isArray(value) ? values[0]! : values;
    }
    return out;
  }

  /** An attrtyp as a class name, else an attribute name, else a dotted OID. */
  oidName(attrtyp: number): string {
    return (
      this.schema.classes.get(attrtyp) ?? this.schema.attribute(attrtyp)?.name ?? attrtypToOid(attrtyp) ?? `${attrtyp}`
    );
  }

  /** RDN attribute types are written as AD writes them: CN, OU, DC, O, … upper case; others by LDAP name. */
  private rdnTypeName(attrtyp: number): string {
    const name = this.schema.attribute(attrtyp)?.name ?? attrtypToOid(attrtyp) ?? `${attrtyp}`;
    return /^(cn|ou|dc|o|c|l|st|street|uid)$/i.test(name) ? name.toUpperCase() : name;
  }

  close(): void {
    this.db.close();
  }
}
