import test, { type Implementation } from 'ava';

/**
 * `test`, or when something the tests need is missing: a failing test when CI is set (the machine must have it),
 * a skip with the reason printed otherwise.
 */
export function testUnless(missing: string | null, file: string): (title: string, fn: Implementation<[]>) => void {
  if (missing === null) return (title, fn) => test(title, fn);
  if (process.env['CI']) return (title) => test(title, (t) => t.fail(`${missing} — required when CI is set`));
  console.log(`${file}: skipping: ${missing}`);
  return (title) => test.skip(title, () => undefined);
}
