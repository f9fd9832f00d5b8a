// Waiting for a long IVssAsync (GatherWriterMetadata, PrepareForBackup, DoSnapshotSet: seconds to minutes on a busy
// DC) without holding the event loop: IVssAsync::Wait in short slices, each followed by QueryStatus, with a timer turn
// between them. A koffi call blocks the main thread, and Node delivers SIGINT/SIGTERM (and the Windows console's
// Ctrl+C, which it maps to SIGINT) only between JS turns: one Wait(timeout) would keep an interrupted backup's
// snapshot set alive until VSS gave up. Sliced, the abort signal is seen within a slice: the operation is cancelled
// (IVssAsync::Cancel) and INTERRUPTED thrown, and the caller aborts the backup (AbortBackup / DeleteSnapshots).
import { setTimeout as delay } from 'node:timers/promises';
import { AppError } from '../../errors.ts';
import type { Com, Ptr } from './com.ts';
import { VSS_S_ASYNC_PENDING, failed } from './hresults.ts';
import { ASYNC, BC, cancelAtTimeout, checkAsyncStatus, queryAsyncStatus, vssError } from './vssapi.ts';

/** The longest the main thread is held by one Wait. */
export const WAIT_SLICE_MS = 200;

export function interruptedError(method: string): AppError {
  return new AppError(
    'IO',
    'INTERRUPTED',
    `the backup was interrupted during ${method}: the VSS backup was aborted and its snapshots released; nothing was published`,
    { details: { method } },
  );
}

/** Calls a method that hands back an IVssAsync and waits for it, giving way to the event loop between slices. */
export async function callAsyncAbortable(
  com: Com,
  bc: Ptr,
  method: keyof typeof BC,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<void> {
  if (signal?.aborted) throw interruptedError(method);
  const out: unknown[] = [null];
  const hr = com.call(bc, BC[method], '_Out_ void **async', out);
  if (failed(hr) || !out[0]) throw vssError(method, hr);
  await waitSliced(com, method, out[0], timeoutMs, signal);
}

/** Waits for an IVssAsync in slices, checks its status, releases it; cancels it on timeout or abort. */
export async function waitSliced(
  com: Com,
  method: string,
  asyncPtr: Ptr,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  try {
    for (;;) {
      const left = Math.max(0, Math.ceil(deadline - performance.now()));
      // "Wait can succeed even if the method that returns it failed": the status says how it went.
      const hr = com.call(asyncPtr, ASYNC.Wait, 'uint32_t ms', Math.min(WAIT_SLICE_MS, left));
      if (failed(hr)) throw vssError(method, hr);
      const st = queryAsyncStatus(com, method, asyncPtr);
      if (st !== VSS_S_ASYNC_PENDING) return checkAsyncStatus(method, st);
      if (left === 0) throw cancelAtTimeout(com, method, asyncPtr, timeoutMs);
      await delay(1); // a timer turn: a pending SIGINT/SIGTERM handler runs here
      if (signal?.aborted) {
        com.call(asyncPtr, ASYNC.Cancel, '');
        throw interruptedError(method);
      }
    }
  } finally {
    com.release(asyncPtr);
  }
}
