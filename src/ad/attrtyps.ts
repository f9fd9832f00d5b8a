// The attrtyps (default prefix table, see prefix-table.ts) the AD layer reads before the schema is known: the
// attributes that describe the schema itself and the tree. Each is `prefix index << 16 | last OID arc`.
export const ATT = {
  objectClass: 0, // 2.5.4.0
  cn: 3, // 2.5.4.3
  instanceType: 131073, // 1.2.840.113556.1.2.1
  whenCreated: 131074, // 1.2.840.113556.1.2.2
  whenChanged: 131075, // 1.2.840.113556.1.2.3
  uSNCreated: 131091, // 1.2.840.113556.1.2.19
  governsID: 131094, // 1.2.840.113556.1.2.22
  attributeID: 131102, // 1.2.840.113556.1.2.30
  attributeSyntax: 131104, // 1.2.840.113556.1.2.32
  isDeleted: 131120, // 1.2.840.113556.1.2.48
  linkID: 131122, // 1.2.840.113556.1.2.50
  uSNChanged: 131192, // 1.2.840.113556.1.2.120
  searchFlags: 131406, // 1.2.840.113556.1.2.334
  lDAPDisplayName: 131532, // 1.2.840.113556.1.2.460
  name: 589825, // 1.2.840.113556.1.4.1
  objectGUID: 589826, // 1.2.840.113556.1.4.2
  systemFlags: 590199, // 1.2.840.113556.1.4.375
  msDSIntId: 591540, // 1.2.840.113556.1.4.1716
} as const;

/**
 * Attributes whose values are credentials or key material. AD has no schema flag for them: the directory service
 * knows them by identity (they are the attributes [MS-DRSR] encrypts on replication). Matched by attrtyp and by
 * LDAP name, so a damaged or renamed schema entry does not let one through.
 */
export const SECRET_ATTRIBUTES: Record<string, number> = {
  unicodePwd: 589914, // 1.2.840.113556.1.4.90
  dBCSPwd: 589879, // 1.2.840.113556.1.4.55
  ntPwdHistory: 589918, // 1.2.840.113556.1.4.94
  lmPwdHistory: 589984, // 1.2.840.113556.1.4.160
  supplementalCredentials: 589949, // 1.2.840.113556.1.4.125
  currentValue: 589851, // 1.2.840.113556.1.4.27
  priorValue: 589924, // 1.2.840.113556.1.4.100
  initialAuthIncoming: 590363, // 1.2.840.113556.1.4.539
  initialAuthOutgoing: 590364, // 1.2.840.113556.1.4.540
  trustAuthIncoming: 589953, // 1.2.840.113556.1.4.129
  trustAuthOutgoing: 589959, // 1.2.840.113556.1.4.135
  pekList: 590689, // 1.2.840.113556.1.4.865
};

/**
 * searchFlags bit 0x80 (fCONFIDENTIAL): readable only with a control-access right. Not the same as secret (the
 * directory still returns such values to whoever holds the right), but they include recovery keys and the like,
 * so this reader drops them too.
 */
export const SEARCH_FLAG_CONFIDENTIAL = 0x80;
