import test from 'ava';
import { classifyLogName, numberedLogName } from '../../src/logs/names.ts';

test('numbered logs: 5 and 8 hex digits, any case, .log and .jtx', (t) => {
  t.deepEqual(classifyLogName('edb0000A.log'), { name: 'edb0000A.log', role: 'numbered', generation: 10, digits: 5 });
  t.deepEqual(classifyLogName('EDB0000a.LOG'), { name: 'EDB0000a.LOG', role: 'numbered', generation: 10, digits: 5 });
  t.is(classifyLogName('edb00100000.log').generation, 0x100000);
  t.is(classifyLogName('edb00100000.log').digits, 8);
  t.is(classifyLogName('edb00001.jtx').role, 'numbered');
});

test('the current log, temp log, reserve logs and checkpoint are not in the numbered sequence', (t) => {
  t.is(classifyLogName('edb.log').role, 'current');
  t.is(classifyLogName('Edb.Log').role, 'current');
  t.is(classifyLogName('edbtmp.log').role, 'temp');
  t.is(classifyLogName('edbres00001.jrs').role, 'reserve');
  t.is(classifyLogName('EDBRES00002.JRS').role, 'reserve');
  t.is(classifyLogName('res1.log').role, 'reserve');
  t.is(classifyLogName('res2.log').role, 'reserve');
  t.is(classifyLogName('edb.chk').role, 'checkpoint');
});

test('other names are left alone: wrong digit counts, other bases, other files', (t) => {
  for (const n of [
    'edb0001.log',
    'edb000001.log',
    'edb0000G.log',
    'ntds.dit',
    'edb00001.log.bak',
    'temp.edb',
    'abc00001.log',
  ]) {
    t.is(classifyLogName(n).role, 'other', n);
  }
  t.is(classifyLogName('abc00001.log', 'abc').role, 'numbered', 'another base name when asked');
});

test('names ESE gives: uppercase hex, 5 digits until they run out, then 8', (t) => {
  t.is(numberedLogName(0xa), 'edb0000A.log');
  t.is(numberedLogName(0xfffff), 'edbFFFFF.log');
  t.is(numberedLogName(0x100000), 'edb00100000.log');
  t.is(numberedLogName(1, { digits: 8 }), 'edb00000001.log');
  t.throws(() => numberedLogName(0x100000, { digits: 5 }), { instanceOf: RangeError });
});
