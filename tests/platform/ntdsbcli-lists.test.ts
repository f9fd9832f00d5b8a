import test from 'ava';
import { parseBftList, serverName, uncToLocal } from '../../src/platform/ntdsbcli/lists.ts';
import { hresultName, hresultText } from '../../src/platform/ntdsbcli/hresults.ts';

const list = (...entries: [number, string][]) =>
  Buffer.from(entries.map(([b, p]) => String.fromCharCode(b) + p + '\0').join('') + '\0', 'utf16le');

test('BFT lists: one tag character then the UNC path, double-NUL terminated', (t) => {
  const bytes = list(
    [0x44, '\\\\DC01\\C$\\Windows\\NTDS\\ntds.dit'],
    [0x21, '\\\\DC01\\C$\\Windows\\NTDS\\edb0000A.log'],
    [0x25, '\\\\DC01\\C$\\x.pat'],
  );
  t.deepEqual(parseBftList(bytes), [
    { bft: 0x44, kind: 'database', path: '\\\\DC01\\C$\\Windows\\NTDS\\ntds.dit' },
    { bft: 0x21, kind: 'log', path: '\\\\DC01\\C$\\Windows\\NTDS\\edb0000A.log' },
    { bft: 0x25, kind: 'patch', path: '\\\\DC01\\C$\\x.pat' },
  ]);
});

test('directory tags from the header (0x82/0x83) and from the documentation (0x22/0x23) both classify', (t) => {
  t.deepEqual(
    parseBftList(list([0x82, 'L'], [0x83, 'C'], [0x22, 'L2'], [0x23, 'C2'], [0x0f, '?'])).map((e) => e.kind),
    ['log-dir', 'checkpoint-dir', 'log-dir', 'checkpoint-dir', 'unknown'],
  );
});

test('an empty list and a list without its final NUL', (t) => {
  t.deepEqual(parseBftList(Buffer.from('\0', 'utf16le')), []);
  t.is(parseBftList(Buffer.from('\x44a\0', 'utf16le')).length, 1);
});

test('admin-share UNC paths of this computer become local paths', (t) => {
  t.is(uncToLocal('\\\\DC01\\C$\\Windows\\NTDS\\ntds.dit', 'dc01'), 'C:\\Windows\\NTDS\\ntds.dit');
  t.is(uncToLocal('\\\\DC01\\d$', 'DC01'), 'D:\\');
  t.is(uncToLocal('\\\\OTHER\\C$\\x', 'DC01'), '\\\\OTHER\\C$\\x');
  t.is(uncToLocal('C:\\x', 'DC01'), 'C:\\x');
  t.is(serverName('DC01'), '\\\\DC01');
});

test('return codes are decoded by name', (t) => {
  t.is(hresultName(0xc7ff0011), 'hrContentsExpired');
  t.is(hresultName(-939589615), 'hrContentsExpired', 'a signed LONG decodes the same');
  t.is(hresultName(38), 'ERROR_HANDLE_EOF');
  t.is(hresultName(0xc8000212), 'hrBadLogSignature');
  t.is(hresultName(0xdeadbeef), 'HRESULT 0xdeadbeef');
  t.is(hresultName(12345), 'Win32 error 12345');
  t.regex(hresultText(1702), /underscores/);
});
