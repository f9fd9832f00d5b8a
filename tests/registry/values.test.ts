// What a value read from the live registry (RegGetValueW's type code and data bytes) becomes in the value model.
import test from 'ava';
import { decodeSz, decodeValue, encodeMultiSz, encodeSz } from '../../src/registry/values.ts';

const K = 'HKLM\\SYSTEM\\CurrentControlSet\\Services\\NTDS\\Parameters';

test('REG_SZ and REG_EXPAND_SZ are text (the expandable one unexpanded), without the terminating NULs', (t) => {
  t.deepEqual(decodeValue(K, 'DSA Database file', 1, encodeSz('C:\\Windows\\NTDS\\ntds.dit')), {
    key: K,
    name: 'DSA Database file',
    type: 'REG_SZ',
    value: 'C:\\Windows\\NTDS\\ntds.dit',
  });
  t.like(decodeValue(K, 'x', 2, encodeSz('%SystemRoot%\\NTDS')), { type: 'REG_SZ', value: '%SystemRoot%\\NTDS' });
  t.like(decodeValue(K, 'x', 1, Buffer.from('ab\0\0\0', 'utf16le')), { value: 'ab' });
  t.like(decodeValue(K, 'x', 1, Buffer.alloc(0)), { type: 'REG_SZ', value: '' });
});

test('REG_MULTI_SZ is a list of strings; REG_DWORD a number', (t) => {
  t.like(decodeValue(K, 'm', 7, encodeMultiSz(['\\\\?\\C:\\a', '\\\\?\\D:\\b'])), {
    type: 'REG_MULTI_SZ',
    value: ['\\\\?\\C:\\a', '\\\\?\\D:\\b'],
  });
  t.like(decodeValue(K, 'DSA Previous Restore Count', 4, Buffer.from([0x2a, 0x01, 0, 0x80])), {
    type: 'REG_DWORD',
    value: 0x8000012a,
  });
});

test('REG_BINARY, a type the model lacks and a short DWORD are bytes in hex', (t) => {
  t.like(decodeValue(K, 'b', 3, Buffer.from([0xde, 0xad])), { type: 'REG_BINARY', value: 'dead' });
  t.like(decodeValue(K, 'q', 11, Buffer.from([1, 0, 0, 0, 0, 0, 0, 0])), {
    type: 'REG_BINARY',
    value: '0100000000000000',
  });
  t.like(decodeValue(K, 'd', 4, Buffer.from([1, 2])), { type: 'REG_BINARY', value: '0102' });
});

test('decodeSz drops every trailing NUL and keeps the rest', (t) => {
  t.is(decodeSz(Buffer.from('C:\\x\0', 'utf16le')), 'C:\\x');
  t.is(decodeSz(Buffer.from('a\0b\0\0', 'utf16le')), 'a\0b');
});
