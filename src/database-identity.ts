// The account a database gives of the DC and forest it belongs to: read by src/ad (identity.ts, quick-identity.ts),
// recorded in a backup's manifest by src/archive. One shape for both, in the base layer they may both import.

export interface NamingContext {
  dn: string;
  writable: boolean;
}

export interface DatabaseIdentity {
  /** The DN of this DC's NTDS Settings (nTDSDSA) object. */
  dsaDn?: string;
  dsaGuid?: string;
  invocationId?: string;
  namingContexts: NamingContext[];
  domainDn?: string;
  configurationDn?: string;
  schemaDn?: string;
  /** objectVersion of the schema head: the forest's schema version (adprep writes it; absent in the template). */
  schemaObjectVersion?: number;
  /** tombstoneLifetime of CN=Directory Service,…; absent means the DSA's built-in default applies. */
  tombstoneLifetimeDays?: number;
  /** msDS-Behavior-Version of the domain head, of CN=Partitions (the forest) and of the DSA (this DC). */
  domainFunctionalLevel?: number;
  forestFunctionalLevel?: number;
  dcFunctionalLevel?: number;
  /**
   * The highest uSNChanged/uSNCreated of any object: the last change the database holds (absent when the quick
   * reader finds no uSNChanged index; usnReserved still bounds it).
   */
  highestUsn?: number;
  /** hiddentable's USN counter: the DSA reserves USNs in blocks, so this is at or above the highest used. */
  usnReserved?: number;
  schemaCreated?: string;
}
