// What a database says about the DC it belongs to: the DSA (NTDS Settings) object that hiddentable points at, the
// naming contexts it holds, its USN counters, the schema version and the tombstone lifetime. For a backup's
// manifest: a backup can then be checked against the DC and the forest it claims to come from.
import type { Row } from '../ese/reader/database.ts';
import type { AdDirectory, AdObject } from './directory.ts';
import type { DatabaseIdentity, NamingContext } from '../database-identity.ts';

export type { DatabaseIdentity, NamingContext } from '../database-identity.ts';

/** The DSA's linked naming-context attributes ([MS-ADA1]/[MS-ADA2]: linkIDs 76, 74, 2036, 2026). */
const NC_LINK_ATTRIBUTES = ['hasMasterNCs', 'hasPartialReplicaNCs', 'msDS-hasMasterNCs', 'msDS-HasDomainNCs'];

/** instanceType bits ([MS-ADTS]): the object heads a naming context; the replica is not instantiated; writable. */
export const IT_NC_HEAD = 0x1;
export const IT_UNINSTANT = 0x2;
export const IT_WRITE = 0x4;

/** What both readers collect: the objects the identity is read from, by DN, and the counters. */
export interface IdentityFacts {
  dsaDn: string | undefined;
  /** The naming-context heads, the DSA, CN=Partitions and CN=Directory Service of the configuration. */
  byDn: Map<string, AdObject>;
  namingContexts: NamingContext[];
  highestUsn: number | undefined;
  hidden: Row | undefined;
}

export const DIRECTORY_SERVICE_RDNS = ['CN=Directory Service', 'CN=Windows NT', 'CN=Services'];

/** A naming context this DC holds: an NC head that is instantiated (subordinate references are not). */
export function heldNamingContext(dn: string, instanceType: number): NamingContext | undefined {
  if (!(instanceType & IT_NC_HEAD) || instanceType & IT_UNINSTANT) return undefined;
  return { dn, writable: (instanceType & IT_WRITE) !== 0 };
}

/**
 * The reference reader: one pass over every object of the datatable. quick-identity.ts reads the same from a
 * handful of rows found by key; the tests hold the two equal.
 */
export function readIdentity(dir: AdDirectory): DatabaseIdentity {
  const hidden = hiddenRow(dir);
  const dsaDnt = typeof hidden?.['dsa_col'] === 'number' ? hidden['dsa_col'] : undefined;
  const dsaDn = dsaDnt === undefined ? undefined : dir.dnOf(dsaDnt);
  const byDn = new Map<string, AdObject>();
  const namingContexts: NamingContext[] = [];
  const wanted = /^CN=(Directory Service,CN=Windows NT,CN=Services|Partitions),/i;
  let highestUsn = 0;
  // The DSA's naming-context attributes are linked (link_table rows, links.ts): read with the objects.
  for (const { object } of dir.objects(0, { attributes: NC_LINK_ATTRIBUTES })) {
    const dn = String(object['distinguishedName']);
    for (const a of ['uSNChanged', 'uSNCreated']) highestUsn = Math.max(highestUsn, Number(object[a] ?? 0));
    const nc = heldNamingContext(dn, Number(object['instanceType'] ?? 0));
    if (nc !== undefined) namingContexts.push(nc);
    if (nc !== undefined || dn === dsaDn || wanted.test(dn)) byDn.set(dn, object);
  }
  return assembleIdentity({ dsaDn, byDn, namingContexts, highestUsn, hidden });
}

export function assembleIdentity(f: IdentityFacts): DatabaseIdentity {
  const { byDn, namingContexts } = f;
  const dsa = f.dsaDn === undefined ? undefined : byDn.get(f.dsaDn);
  const ncOfClass = (cls: string) =>
    namingContexts.find((nc) => [byDn.get(nc.dn)?.['objectClass']].flat().includes(cls))?.dn;
  const schemaDn = str(dsa?.['dMDLocation']) ?? ncOfClass('dMD');
  const configurationDn = ncOfClass('configuration');
  const ds = configurationDn && byDn.get(`${DIRECTORY_SERVICE_RDNS.join(',')},${configurationDn}`);
  const partitions = configurationDn && byDn.get(`CN=Partitions,${configurationDn}`);
  const schemaHead = schemaDn === undefined ? undefined : byDn.get(schemaDn);
  const domainDn = domainNc(dsa, namingContexts, byDn);
  return strip({
    dsaDn: f.dsaDn,
    dsaGuid: str(dsa?.['objectGUID']),
    invocationId: str(dsa?.['invocationId']),
    namingContexts,
    domainDn,
    configurationDn,
    schemaDn,
    schemaObjectVersion: num(schemaHead?.['objectVersion']),
    tombstoneLifetimeDays: ds ? num(ds['tombstoneLifetime']) : undefined,
    domainFunctionalLevel: domainDn === undefined ? undefined : num(byDn.get(domainDn)?.['msDS-Behavior-Version']),
    forestFunctionalLevel: partitions ? num(partitions['msDS-Behavior-Version']) : undefined,
    dcFunctionalLevel: num(dsa?.['msDS-Behavior-Version']),
    highestUsn: f.highestUsn,
    usnReserved: num(f.hidden?.['usn_col']),
    schemaCreated: str(schemaHead?.['whenCreated']),
  });
}

/**
 * The DSA names its domain in msDS-HasDomainNCs. Without it: the writable domainDNS naming context that has a
 * domain SID (application partitions such as DomainDnsZones are domainDNS too, but have no objectSid; other
 * domains' partial replicas on a global catalog are not writable).
 */
function domainNc(dsa: AdObject | undefined, ncs: NamingContext[], byDn: Map<string, AdObject>): string | undefined {
  const named = str([dsa?.['msDS-HasDomainNCs']].flat()[0]);
  if (named !== undefined) return named;
  return ncs.find((nc) => {
    const head = byDn.get(nc.dn);
    return nc.writable && [head?.['objectClass']].flat().includes('domainDNS') && head?.['objectSid'] !== undefined;
  })?.dn;
}

function hiddenRow(dir: AdDirectory): Row | undefined {
  const table = dir.db.table('hiddentable');
  if (table === undefined) return undefined;
  for (const row of dir.db.rows(table)) return row;
  return undefined;
}

export function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

export function num(v: unknown): number | undefined {
  if (typeof v === 'bigint') return Number(v);
  return typeof v === 'number' ? v : undefined;
}

export function strip<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
