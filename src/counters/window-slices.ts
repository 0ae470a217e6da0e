/**
 * Which sliding window a rate limit counts in, one rule for every store. Small limits keep
 * the exact log (a call counts for exactly the window). Large limits would make that log
 * huge — `calls="100000"` means up to 100,000 entries per key — so above EXACT_LOG_MAX_CALLS
 * the window is cut into WINDOW_SLICES slices and only a count per slice is kept.
 *
 * A call made in slice s (= floor(t / sliceMs)) is counted until the WHOLE slice has left the
 * window, i.e. while (s + 1) · sliceMs > now − windowMs. A call therefore counts for between
 * windowMs and windowMs + sliceMs, never less: the limit is never exceeded, at the price of
 * capacity coming back up to 1 % of the window late. At most WINDOW_SLICES + 1 slices are
 * live at any instant, so memory per key is bounded whatever the limit.
 */

/** Limits up to this many calls per window keep the exact log. */
export const EXACT_LOG_MAX_CALLS = 1000;

/** Slices per window in the sliced mode. */
export const WINDOW_SLICES = 100;

/** Slices that can hold counted calls at one instant: the window's slices plus the partial oldest one. */
export const MAX_LIVE_SLICES = WINDOW_SLICES + 1;

export function usesSlices(limit: number): boolean {
  return limit > EXACT_LOG_MAX_CALLS;
}

export function sliceMsFor(windowMs: number): number {
  return Math.ceil(windowMs / WINDOW_SLICES);
}

/** The slice an instant falls in. */
export function sliceOf(time: number, sliceMs: number): number {
  return Math.floor(time / sliceMs);
}

/** The oldest slice still (partly) inside the window ending at `now`. */
export function oldestLiveSlice(now: number, windowMs: number, sliceMs: number): number {
  return Math.floor((now - windowMs) / sliceMs);
}

/** The instant slice s has wholly left the window: its calls stop counting then. */
export function sliceFreedAt(slice: number, windowMs: number, sliceMs: number): number {
  return (slice + 1) * sliceMs + windowMs;
}

/** What the memory store needs of a per-key sliding window, exact or sliced. */
export interface SlidingCounter {
  /** Epoch ms after which every counted call has left its window (for the sweeper). */
  expiresAt: number;
  /** Forgets what has left the window; returns the weight still counted. */
  evict(now: number, windowMs: number): number;
  record(now: number, windowMs: number, weight: number): void;
  /** Ms until `needed` weight has left the window (at least 1); `windowMs` if it never will. */
  msUntilFreed(needed: number, now: number, windowMs: number): number;
  readonly isEmpty: boolean;
}
