// Progress events are throttled to one every PROGRESS_INTERVAL_MS per pass: often enough to move a progress bar,
// rarely enough that reporting costs nothing next to the bytes moved.
export const PROGRESS_INTERVAL_MS = 250;

/** A gate that opens at most once per interval: `due()` is true when the last true answer is that long ago. */
export function progressThrottle(
  intervalMs: number = PROGRESS_INTERVAL_MS,
  clock: () => number = Date.now,
): () => boolean {
  let last = 0;
  return () => {
    const t = clock();
    if (t - last < intervalMs) return false;
    last = t;
    return true;
  };
}
