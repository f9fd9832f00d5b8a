// The schema, read from the database itself: attributeSchema rows (attributeID, lDAPDisplayName, msDS-IntId,
// searchFlags) name the datatable's ATTxNNN columns; classSchema rows (governsID) name objectClass values. Linked
// attributes (linkID set) name link_table rows instead: see links.ts.
import type { Row } from '../ese/reader/database.ts';
import { ATT, SEARCH_FLAG_CONFIDENTIAL, SECRET_ATTRIBUTES } from './attrtyps.ts';
import { attrtypToOid } from './prefix-table.ts';

export interface AttributeDef {
  attrtyp: number;
  name: string;
  oid: string | undefined;
  searchFlags: number;
  secret: boolean;
  /** [MS-ADTS] linkID: even for a forward link, the forward link's + 1 for its back link; absent if not linked. */
  linkId?: number;
  /** attributeSyntax as an attrtyp (2.5.5.x): tells DN-Binary and DN-String links from plain DN ones. */
  syntax?: number;
}

export class AdSchema {
  readonly attributes = new Map<number, AttributeDef>();
  readonly classes = new Map<number, string>();
  private readonly byName = new Map<string, AttributeDef>();
  private readonly byLinkId = new Map<number, AttributeDef>();

  /** Feeds one datatable row; rows that are not schema objects are ignored. */
  add(row: Row): void {
    const ldapName = first(row[col('m', ATT.lDAPDisplayName)]);
    if (typeof ldapName !== 'string') return;
    const governs = first(row[col('c', ATT.governsID)]);
    if (typeof governs === 'number') this.classes.set(governs >>> 0, ldapName);
    const id = first(row[col('c', ATT.attributeID)]);
    if (typeof id !== 'number') return;
    const searchFlags = Number(first(row[col('j', ATT.searchFlags)]) ?? 0);
    const secretById = Object.values(SECRET_ATTRIBUTES).includes(id >>> 0);
    const def: AttributeDef = {
      attrtyp: id >>> 0,
      name: ldapName,
      oid: attrtypToOid(id >>> 0),
      searchFlags,
      secret: secretById || ldapName in SECRET_ATTRIBUTES || (searchFlags & SEARCH_FLAG_CONFIDENTIAL) !== 0,
    };
    const linkId = first(row[col('j', ATT.linkID)]);
    if (typeof linkId === 'number') {
      def.linkId = linkId;
      this.byLinkId.set(linkId, def);
    }
    const syntax = first(row[col('c', ATT.attributeSyntax)]);
    if (typeof syntax === 'number') def.syntax = syntax >>> 0;
    this.attributes.set(def.attrtyp, def);
    this.byName.set(ldapName.toLowerCase(), def);
    // Attributes added to a schema after the base may be stored under their msDS-IntId instead of the attrtyp.
    const intId = first(row[col('j', ATT.msDSIntId)]);
    if (typeof intId === 'number' && intId !== 0) this.attributes.set(intId >>> 0, def);
  }

  attribute(attrtyp: number): AttributeDef | undefined {
    return this.attributes.get(attrtyp);
  }

  /** The attribute a linkID names (link_table's link_base × 2 for forward links, + 1 for back links). */
  attributeByLinkId(linkId: number): AttributeDef | undefined {
    return this.byLinkId.get(linkId);
  }

  attributeByName(name: string): AttributeDef | undefined {
    return this.byName.get(name.toLowerCase());
  }

  /** Column attrtyps that must never be decoded or returned. */
  isSecret(attrtyp: number): boolean {
    return Object.values(SECRET_ATTRIBUTES).includes(attrtyp) || this.attributes.get(attrtyp)?.secret === true;
  }
}

export function col(syntax: string, attrtyp: number): string {
  return `ATT${syntax}${attrtyp}`;
}

export function first<T>(v: T | T[] | undefined): T | undefined {
  return Array.isArray(v) ? v[0] : v;
}
