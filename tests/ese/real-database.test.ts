// A database written by a real ESE engine (../shared/fixtures/basic.edb.gz, from dissect.esedb, Apache-2.0).
import test from 'ava';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { createHash } from 'node:crypto';
import { parseDatabaseHeader, dbStateName, HEADER_PROBE_BYTES } from '../../src/ese/database-header.ts';
import { headerChecksum } from '../../src/ese/checksum.ts';
import { summarizeDatabase } from '../../src/ese/report.ts';
import { haveShared, realDatabaseFixture } from '../support/shared.ts';

const maybe = haveShared || process.env['CI'] ? test : test.skip;

function load(): Buffer {
  return gunzipSync(readFileSync(realDatabaseFixture));
}

maybe('the fixture is the file the shared README describes', (t) => {
  t.is(
    createHash('sha256').update(load()).digest('hex'),
    '39f0370d0149288c758e818f8857aff9abc2a6d605f6dbf498c43390eb3fd711',
  );
});

maybe('a real ESE database: clean shutdown, 4096-byte pages, 0x620 update 20, OS 6.2.9200, checksum valid', (t) => {
  const file = load();
  const p = parseDatabaseHeader(new Uint8Array(file.subarray(0, HEADER_PROBE_BYTES)), file.length);
  t.is(p.pageSize, 4096);
  t.is(dbStateName(p.header.dbState), 'Clean Shutdown');
  t.is(p.header.version, 0x620);
  t.is(p.header.daeUpdateMajor, 20);
  t.deepEqual([p.header.osMajorVersion, p.header.osMinorVersion, p.header.osBuildNumber], [6, 2, 9200]);
  t.is(p.header.magic, 0x89abcdef);
  t.is(p.header.checksum, headerChecksum(new Uint8Array(file.subarray(0, 4096))));
  t.is(p.election.elected, 'primary');
  t.true(p.election.identical, 'primary and shadow pages are byte-identical');
  t.deepEqual(p.warnings, []);
  const s = summarizeDatabase(p);
  t.is(s.format.text, '0x620,20,0');
  t.is(s.osVersion.text, '6.2.9200 SP 0');
  t.is(s.logRequired.text, '0-0');
  t.is(s.lastConsistent.lgpos, '(0x1,16,0)', 'the clean test db documented with lgposConsistent (0x1,16,0)');
});

maybe('damage to page 0 of the real database is detected and the shadow is elected', (t) => {
  const file = Buffer.from(load().subarray(0, HEADER_PROBE_BYTES));
  file[2000]! ^= 0x40; // beyond the 748-byte struct: libesedb would miss this, ESE would not
  const p = parseDatabaseHeader(new Uint8Array(file), 1048576);
  t.is(p.election.elected, 'shadow');
  t.regex(p.warnings.join(), /primary header page is damaged/);
});
