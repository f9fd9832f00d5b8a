import test from 'ava';
import { attrtypToOid, oidToAttrtyp, parseColumnName } from '../../src/ad/prefix-table.ts';
import { adValue, generalizedTime, sidString } from '../../src/ad/values.ts';

test('attrtyps map to OIDs through the default prefix table and back', (t) => {
  t.is(attrtypToOid(0), '2.5.4.0'); // objectClass
  t.is(attrtypToOid(589825), '1.2.840.113556.1.4.1'); // name
  t.is(attrtypToOid(131532), '1.2.840.113556.1.2.460'); // lDAPDisplayName
  t.is(attrtypToOid(1376281), '0.9.2342.19200300.100.1.25'); // dc
  t.is(attrtypToOid(0xffff0001), undefined);
  t.is(oidToAttrtyp('1.2.840.113556.1.4.90'), 589914); // unicodePwd
  t.is(oidToAttrtyp('1.2.3.4'), undefined);
  t.deepEqual(parseColumnName('ATTm589825'), { syntax: 'm', attrtyp: 589825 });
  t.is(parseColumnName('DNT_col'), undefined);
});

test('generalized times are seconds since 1601', (t) => {
  t.is(generalizedTime(13013628273n), '2013-05-21T16:44:33Z');
  t.is(generalizedTime(11644473600n), '1970-01-01T00:00:00Z');
});

test('SIDs: the RID is stored big-endian, the other sub-authorities little-endian', (t) => {
  // S-1-5-21-1-2-3-500 as the database holds it
  const b = Buffer.from('010500000000000515000000010000000200000003000000000001f4', 'hex');
  t.is(sidString(b), 'S-1-5-21-1-2-3-500');
  t.is(sidString(Buffer.from('0102000000000005', 'hex')), undefined, 'count says 2, no sub-authorities follow');
});

test('values by syntax letter', (t) => {
  const ctx = {
    dnOf: (d: number) => (d === 7 ? 'CN=x' : undefined),
    oidName: (a: number) => `n${a}`,
    oid: attrtypToOid,
  };
  t.is(adValue('b', 'member', 7, ctx), 'CN=x');
  t.is(adValue('b', 'member', 8, ctx), '<DNT=8>');
  t.is(adValue('c', 'objectClass', 65536, ctx), 'n65536');
  t.is(adValue('c', 'attributeID', 589914, ctx), '1.2.840.113556.1.4.90');
  t.is(adValue('i', 'isDeleted', 1, ctx), true);
  t.is(adValue('q', 'uSNChanged', 42n, ctx), 42);
  t.is(adValue('q', 'big', 2n ** 62n, ctx), '4611686018427387904');
  t.is(adValue('m', 'name', 'a\0', ctx), 'a');
  t.is(adValue('k', 'x', Uint8Array.of(1, 2), ctx), 'AQI=');
  t.is(adValue('p', 'nTSecurityDescriptor', Uint8Array.of(2, 0, 0, 0, 0, 0, 0, 0), ctx), 2);
});
