// The folders a restore creates, and so removes again after a failed pass: only those mkdir made, never a folder
// that was there before (found under Wine: Node on Windows reports the first folder it made in long-path form).
import test from 'ava';
import { foldersMade } from '../../src/restore/actions.ts';

test('foldersMade: from the deepest up to the first folder mkdir made (POSIX)', (t) => {
  t.deepEqual(foldersMade('/r/a/b', '/r/a'), ['/r/a/b', '/r/a']);
  t.deepEqual(foldersMade('/r/a', '/r/a'), ['/r/a']);
});

test('foldersMade: Node on Windows gives the first folder as \\\\?\\C:\\… or \\\\?\\UNC\\…; the walk stops there', (t) => {
  t.deepEqual(foldersMade('D:\\root\\Z\\tmp\\NTDS', '\\\\?\\D:\\root\\Z'), [
    'D:\\root\\Z\\tmp\\NTDS',
    'D:\\root\\Z\\tmp',
    'D:\\root\\Z',
  ]);
  t.deepEqual(foldersMade('\\\\fs1\\share\\a\\b', '\\\\?\\UNC\\fs1\\share\\a'), [
    '\\\\fs1\\share\\a\\b',
    '\\\\fs1\\share\\a',
  ]);
  t.deepEqual(foldersMade('d:\\Root\\NTDS', 'D:\\root\\NTDS'), ['d:\\Root\\NTDS'], 'drive paths compare without case');
});

test('foldersMade: a first folder that is not on the path stops at the path itself, never above it', (t) => {
  t.deepEqual(foldersMade('C:\\a\\b', 'E:\\x'), ['C:\\a\\b']);
  t.deepEqual(foldersMade('/r/a/b', '/elsewhere'), ['/r/a/b']);
});
