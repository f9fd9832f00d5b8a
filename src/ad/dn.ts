// Distinguished names built from the datatable's tree: each row names its parent (PDNT_col) and holds its own
// RDN value (the 'name' attribute) and RDN type (RDNtyp_col, an attrtyp such as cn, ou or dc).

/** Escapes an RDN value per RFC 4514 §2.4. */
export function escapeRdnValue(value: string): string {
  let out = value.replace(/[\\"+,;<>=]/g, (c) => `\\${c}`).replace(/\0/g, '\\00');
  if (out.startsWith(' ') || out.startsWith('#')) out = `\\${out}`;
  if (out.endsWith(' ') && out.length > 1 && !out.endsWith('\\ ')) out = `${out.slice(0, -1)}\\ `;
  return out;
}

export interface TreeNode {
  parent: number;
  rdn: string | undefined;
  rdnType: string | undefined;
}

/**
 * The DN of `dnt`, walking parents up to the root object (an entry without RDN type). Cycles and missing parents
 * end the walk; the partial DN is returned and `broken` says so.
 */
export function buildDn(dnt: number, nodes: Map<number, TreeNode>): { dn: string; broken: boolean } {
  const parts: string[] = [];
  const seen = new Set<number>();
  let at = dnt;
  for (;;) {
    const node = nodes.get(at);
    if (node === undefined || seen.has(at)) return { dn: parts.join(','), broken: true };
    seen.add(at);
    if (node.rdnType === undefined || node.rdn === undefined) return { dn: parts.join(','), broken: false };
    parts.push(`${node.rdnType}=${escapeRdnValue(node.rdn)}`);
    at = node.parent;
  }
}
