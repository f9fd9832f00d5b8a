import test from 'ava';
import { parseRegFile, regFileBytes, regFileText } from '../../src/registry/reg-file.ts';
import type { RegValue } from '../../src/registry/values.ts';
import { AppError } from '../../src/errors.ts';

const K = 'HKLM\\SYSTEM\\Test';
const values: RegValue[] = [
  { key: K, name: 'Plain', type: 'REG_SZ', value: 'C:\\Windows\\NTDS' },
  { key: K, name: 'With "quotes" and \\', type: 'REG_SZ', value: 'say "hi" \\\\srv\\share\\' },
  { key: K, name: '', type: 'REG_SZ', value: 'default value' },
  { key: K, name: 'Zero', type: 'REG_DWORD', value: 0 },
  { key: K, name: 'Max', type: 'REG_DWORD', value: 0xffffffff },
  { key: K, name: 'Bin', type: 'REG_BINARY', value: '00ff10' },
  { key: K, name: 'Multi', type: 'REG_MULTI_SZ', value: ['D:\\Données\\ntds.dit', 'x'.repeat(200), ''.padEnd(3, 'é')] },
  { key: 'HKLM\\SYSTEM\\Other', name: 'Lines', type: 'REG_SZ', value: 'two\r\nlines' },
];

test('regedit shape: UTF-16LE with BOM, CRLF, header, escaped names and strings, dword, hex, hex(7)', (t) => {
  const bytes = regFileBytes(values);
  t.deepEqual([...bytes.subarray(0, 2)], [0xff, 0xfe]);
  const text = regFileText(values);
  t.true(text.startsWith('Windows Registry Editor Version 5.00\r\n\r\n[HKEY_LOCAL_MACHINE\\SYSTEM\\Test]\r\n'));
  t.false(/[^\r]\n/.test(text), 'every line ends CRLF');
  t.true(text.includes('"Plain"="C:\\\\Windows\\\\NTDS"\r\n'));
  t.true(text.includes('"With \\"quotes\\" and \\\\"="say \\"hi\\" \\\\\\\\srv\\\\share\\\\"\r\n'));
  t.true(text.includes('@="default value"\r\n'));
  t.true(text.includes('"Zero"=dword:00000000\r\n"Max"=dword:ffffffff\r\n'));
  t.true(text.includes('"Bin"=hex:00,ff,10\r\n'));
  t.true(text.includes('"Multi"=hex(7):44,00,3a,00,5c,00,'));
  t.true(
    text.includes('"Lines"=hex(1):74,00,77,00'),
    'strings with line breaks are written as hex(1), as regedit does',
  );
  for (const line of text.split('\r\n')) t.true(line.length <= 80, `line longer than 80: ${line}`);
  t.true(text.endsWith('\r\n\r\n'));
});

test('round trip through the reader, in UTF-16 and UTF-8', (t) => {
  t.deepEqual(parseRegFile(regFileBytes(values)).values, values);
  t.deepEqual(parseRegFile(Buffer.from(regFileText(values), 'utf8')).values, values);
});

test('reader: deletions, comments, REGEDIT4, and clear errors', (t) => {
  const r = parseRegFile(
    Buffer.from(
      'REGEDIT4\r\n\r\n; comment\r\n[-HKEY_LOCAL_MACHINE\\SYSTEM\\Old]\r\n[HKEY_LOCAL_MACHINE\\SYSTEM\\New]\r\n"A"=dword:0000000a\r\n',
    ),
  );
  t.deepEqual(r.deletedKeys, ['HKLM\\SYSTEM\\Old']);
  t.deepEqual(r.values, [{ key: 'HKLM\\SYSTEM\\New', name: 'A', type: 'REG_DWORD', value: 10 }]);
  for (const bad of [
    'not a reg file',
    'Windows Registry Editor Version 5.00\r\n"A"="outside a key"',
    'Windows Registry Editor Version 5.00\r\n[K]\r\n"A"=hex:zz',
    'Windows Registry Editor Version 5.00\r\n[K]\r\n"A="unterminated',
  ]) {
    const err = t.throws(() => parseRegFile(Buffer.from(bad)), { instanceOf: AppError });
    t.is(err.code, 'REG_FILE_INVALID');
  }
});

test('reader: \\r, \\n and \\0 inside a quoted string are CR, LF and NUL (as Wine exports them); other \\X is X', (t) => {
  const text =
    'Windows Registry Editor Version 5.00\r\n\r\n[HKEY_LOCAL_MACHINE\\SYSTEM\\K]\r\n"A"="one\\r\\ntwo\\0three \\\\n stays \\"q\\""\r\n';
  t.deepEqual(parseRegFile(Buffer.from(text)).values, [
    { key: 'HKLM\\SYSTEM\\K', name: 'A', type: 'REG_SZ', value: 'one\r\ntwo\0three \\n stays "q"' },
  ]);
});

test('a value the registration removes is written as "Name"=- and read back as a deletion', (t) => {
  const key = 'HKLM\\SYSTEM\\CurrentControlSet\\Services\\NTDS\\Parameters';
  const text = regFileText([
    { key, name: 'Database restored from backup', type: 'REG_DWORD', value: 1 },
    { key, name: 'DSA Database Epoch', type: 'DELETE', value: null },
  ]);
  t.true(text.includes('\r\n"Database restored from backup"=dword:00000001\r\n"DSA Database Epoch"=-\r\n'));
  const parsed = parseRegFile(regFileBytes([{ key, name: 'DSA Database Epoch', type: 'DELETE', value: null }]));
  t.deepEqual(parsed.values, []);
  t.deepEqual(parsed.deletedValues, [{ key, name: 'DSA Database Epoch' }]);
});
