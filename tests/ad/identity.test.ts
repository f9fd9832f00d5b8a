// The identity a database gives of its DC, on the 2012 R2 template: the boot DSA under O=Boot, no domain yet,
// no schema objectVersion and no tombstone lifetime (dcpromo and adprep write those).
import test from 'ava';
import { AdDirectory } from '../../src/ad/directory.ts';
import { readIdentity } from '../../src/ad/identity.ts';
import { haveNtds } from '../support/shared.ts';
import { unpackNtds } from './support.ts';

const maybe = haveNtds || process.env['CI'] ? test : test.skip;
const ntds = unpackNtds(test);

maybe('the template database: its DSA, naming contexts, USNs and schema', (t) => {
  const dir = AdDirectory.open(ntds());
  try {
    t.deepEqual(readIdentity(dir), {
      dsaDn: 'CN=BootMachine,O=Boot',
      dsaGuid: 'aa4d80e3-73dc-4aac-bb30-4ab503824662',
      invocationId: '00000000-0000-0000-0000-000000000000',
      namingContexts: [
        { dn: 'O=Boot', writable: true },
        { dn: 'CN=Schema,O=Boot', writable: true },
      ],
      schemaDn: 'CN=Schema,O=Boot',
      highestUsn: 1994,
      usnReserved: 4097,
      schemaCreated: '2013-05-21T16:44:33Z',
    });
  } finally {
    dir.close();
  }
});

test('a forest database: domain, configuration and schema by class, objectVersion, tombstone lifetime', (t) => {
  const cfg = 'CN=Configuration,DC=contoso,DC=com';
  const dsaDn = `CN=NTDS Settings,CN=DC1,CN=Servers,CN=Default-First-Site-Name,CN=Sites,${cfg}`;
  const objects = [
    {
      distinguishedName: 'DC=child,DC=contoso,DC=com',
      instanceType: 1,
      objectClass: ['domainDNS'],
      objectSid: 'S-1-5-21-9',
    },
    { distinguishedName: 'DC=DomainDnsZones,DC=contoso,DC=com', instanceType: 5, objectClass: ['top', 'domainDNS'] },
    { distinguishedName: 'DC=contoso,DC=com', instanceType: 5, objectClass: ['domainDNS'], objectSid: 'S-1-5-21-1' },
    { distinguishedName: cfg, instanceType: 13, objectClass: ['top', 'configuration'], uSNChanged: 12 },
    { distinguishedName: `CN=Schema,${cfg}`, instanceType: 13, objectClass: ['top', 'dMD'], objectVersion: 69 },
    { distinguishedName: `CN=Directory Service,CN=Windows NT,CN=Services,${cfg}`, tombstoneLifetime: 180 },
    { distinguishedName: dsaDn, invocationId: 'i-d', objectGUID: 'g', dMDLocation: `CN=Schema,${cfg}`, uSNCreated: 70 },
  ];
  const fake = {
    db: {
      table: () => ({}),
      *rows() {
        yield { usn_col: 81920n, dsa_col: 42 };
      },
    },
    dnOf: (dnt: number) => (dnt === 42 ? dsaDn : undefined),
    *objects() {
      for (const object of objects) yield { dnt: 0, object };
    },
  };
  const id = readIdentity(fake as unknown as AdDirectory);
  t.is(id.domainDn, 'DC=contoso,DC=com', 'writable, with a domain SID: not the GC replica, not the DNS partition');
  t.is(id.configurationDn, cfg);
  t.is(id.schemaDn, `CN=Schema,${cfg}`);
  t.is(id.schemaObjectVersion, 69);
  t.is(id.tombstoneLifetimeDays, 180);
  t.is(id.dsaDn, dsaDn);
  t.is(id.invocationId, 'i-d');
  t.is(id.highestUsn, 70);
  t.is(id.usnReserved, 81920);
  t.deepEqual(id.namingContexts[0], { dn: 'DC=child,DC=contoso,DC=com', writable: false });
  const named = { ...objects.at(-1)!, 'msDS-HasDomainNCs': 'DC=named' };
  const withNamed = {
    ...fake,
    *objects() {
      for (const object of [...objects.slice(0, -1), named]) yield { dnt: 0, object };
    },
  };
  t.is(readIdentity(withNamed as unknown as AdDirectory).domainDn, 'DC=named', "the DSA's msDS-HasDomainNCs first");
});
