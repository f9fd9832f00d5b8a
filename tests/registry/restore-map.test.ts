import test from 'ava';
import { buildRestoreMap } from '../../src/registry/restore-map.ts';
import { AppError } from '../../src/errors.ts';
import { adbackup } from '../support/cli.ts';

test('NTDS_RstMap: original then new, UTF-16LE, each NUL-terminated, one more NUL; size = pairs', (t) => {
  const m = buildRestoreMap([{ original: 'C:\\a', new: 'D:\\b' }]);
  t.is(m.size, 1);
  t.deepEqual(m.strings, ['C:\\a', 'D:\\b']);
  t.is(m.hex, '43,00,3a,00,5c,00,61,00,00,00,44,00,3a,00,5c,00,62,00,00,00,00,00');
  t.deepEqual([...m.bytes.subarray(-6)], [0x62, 0, 0, 0, 0, 0]);
});

test('in place, both strings are equal', (t) => {
  const p = '\\\\DC01\\C$\\Windows\\NTDS\\ntds.dit';
  t.deepEqual(buildRestoreMap([{ original: p, new: p }]).strings, [p, p]);
});

test('empty maps and NULs in paths are refused', (t) => {
  t.throws(() => buildRestoreMap([]), { instanceOf: AppError });
  t.throws(() => buildRestoreMap([{ original: 'a\0b', new: 'c' }]), { instanceOf: AppError });
});

test('adbackup restore-map', async (t) => {
  const r = await adbackup(['restore-map'], {
    pairs: [{ original: 'C:\\Windows\\NTDS\\ntds.dit', new: 'C:\\Windows\\NTDS\\ntds.dit' }],
  });
  t.is(r.code, 0, r.stdout);
  t.is(r.json.size, 1);
  t.is(r.json.strings.length, 2);
  t.true(r.json.hex.startsWith('43,00,3a,00,5c,00,57,00'));
  t.true(r.json.hex.endsWith('74,00,00,00,00,00'));
  t.is((await adbackup(['restore-map'], { pairs: [] })).code, 2);
});
