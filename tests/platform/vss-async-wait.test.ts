// The sliced IVssAsync wait at its seam, with a fake IVssAsync: an abort signal (SIGINT/SIGTERM in the executable)
// seen between slices cancels the operation and throws INTERRUPTED; a timeout cancels it as VSS_TIMEOUT; a failed
// status is the operation's error; the object is released in every case. The real thing runs under Wine against
// the emulated vssapi.dll (tests/exe/vss-bridge.test.ts).
import test from 'ava';
import type { Com } from '../../src/platform/vss/com.ts';
import { waitSliced } from '../../src/platform/vss/async-wait.ts';

const PENDING = 0x00042309;
const FINISHED = 0x0004230a;

/** An IVssAsync whose status is PENDING for `pendingQueries` QueryStatus calls, then `final`. */
function fakeAsync(pendingQueries: number, final = FINISHED) {
  const calls: string[] = [];
  let queries = 0;
  const com = {
    call(_self: unknown, slot: number, _args: string, ...values: unknown[]) {
      if (slot === 3) calls.push('Cancel');
      if (slot === 4) calls.push(`Wait ${values[0]}`);
      if (slot === 5) (values[0] as number[])[0] = ++queries > pendingQueries ? final : PENDING;
      return 0;
    },
    release: () => calls.push('Release'),
  } as unknown as Com;
  return { com, calls };
}

test('a finished operation resolves, waited in slices of at most 200 ms, and is released', async (t) => {
  const f = fakeAsync(2);
  await waitSliced(f.com, 'DoSnapshotSet', {}, 60_000);
  t.deepEqual(f.calls, ['Wait 200', 'Wait 200', 'Wait 200', 'Release']);
});

test('an abort while pending cancels the operation and throws INTERRUPTED (exit 5), then releases it', async (t) => {
  const f = fakeAsync(Number.MAX_SAFE_INTEGER);
  const abort = new AbortController();
  setTimeout(() => abort.abort(new Error('received SIGINT')), 50);
  const started = performance.now();
  const e = await t.throwsAsync(waitSliced(f.com, 'DoSnapshotSet', {}, 600_000, abort.signal));
  t.like(e, { code: 'INTERRUPTED', category: 'IO', details: { method: 'DoSnapshotSet' } });
  t.true(performance.now() - started < 5_000, 'seen within a slice, not at the timeout');
  t.deepEqual(f.calls.slice(-2), ['Cancel', 'Release']);
});

test('an operation still pending at the timeout is cancelled as VSS_TIMEOUT', async (t) => {
  const f = fakeAsync(Number.MAX_SAFE_INTEGER);
  const e = await t.throwsAsync(waitSliced(f.com, 'PrepareForBackup', {}, 30));
  t.like(e, { code: 'VSS_TIMEOUT', category: 'Platform' });
  t.deepEqual(f.calls.slice(-2), ['Cancel', 'Release']);
});

test("a failed status is the operation's error, decoded by name", async (t) => {
  const f = fakeAsync(1, 0x8004231f | 0);
  const e = await t.throwsAsync(waitSliced(f.com, 'DoSnapshotSet', {}, 60_000));
  t.like(e, { code: 'VSS_ERROR', details: { name: 'VSS_E_INSUFFICIENT_STORAGE' } });
  t.is(f.calls.at(-1), 'Release');
  t.false(f.calls.includes('Cancel'));
});
