/**
 * A bounded sliding window for one key with a large limit: a fixed ring of per-slice counts
 * plus their total (see window-slices.ts for the rule and its precision). Memory is
 * MAX_LIVE_SLICES numbers per key, whatever the limit and however many calls are counted.
 *
 * The slice length is fixed when the first call is counted and kept until every call has
 * left the window: a different `windowMs` meanwhile (a renewal-period edit, or two
 * scope="global" policies sharing the key) is measured in those slices, capped at
 * WINDOW_SLICES of them so the ring never overflows.
 */
import { MAX_LIVE_SLICES, WINDOW_SLICES, oldestLiveSlice, sliceFreedAt, sliceMsFor, sliceOf, type SlidingCounter } from './window-slices.js';

export class SlidingSlices implements SlidingCounter {
  /** Count of slice s at index s mod MAX_LIVE_SLICES, for s in [head, newest]. */
  private readonly counts = new Array<number>(MAX_LIVE_SLICES).fill(0);
  private sliceMs: number;
  /** Oldest slice that may hold calls. */
  private head = 0;
  /** Newest slice holding calls (calls are never recorded before it: time order). */
  private newest = 0;
  private total = 0;
  expiresAt = 0;

  constructor(windowMs: number) {
    this.sliceMs = sliceMsFor(windowMs);
  }

  evict(now: number, windowMs: number): number {
    if (this.total === 0) return 0;
    const oldest = oldestLiveSlice(now, this.windowOf(windowMs), this.sliceMs);
    // Bounded by the ring: nothing is held before head or after newest.
    while (this.head < oldest && this.head <= this.newest) this.drop();
    return this.total;
  }

  record(now: number, windowMs: number, weight: number): void {
    if (weight === 0) return;
    if (this.total === 0) {
      // Empty: start over with this window's slicing.
      this.sliceMs = sliceMsFor(windowMs);
      this.head = this.newest = sliceOf(now, this.sliceMs);
    }
    // A clock stepping backwards counts in the newest slice, keeping the ring in time order.
    const slice = Math.max(sliceOf(now, this.sliceMs), this.newest);
    // Callers evict first, so this only guards the ring: at most MAX_LIVE_SLICES drops.
    while (this.head <= this.newest && slice - this.head >= MAX_LIVE_SLICES) this.drop();
    this.head = Math.max(this.head, slice - MAX_LIVE_SLICES + 1);
    this.counts[ringIndex(slice)] += weight;
    this.newest = slice;
    this.total += weight;
    this.expiresAt = Math.max(this.expiresAt, sliceFreedAt(slice, this.windowOf(windowMs), this.sliceMs));
  }

  msUntilFreed(needed: number, now: number, windowMs: number): number {
    const window = this.windowOf(windowMs);
    let freed = 0;
    for (let slice = this.head; slice <= this.newest && this.total > 0; slice++) {
      freed += this.counts[ringIndex(slice)];
      if (freed >= needed) return Math.max(1, sliceFreedAt(slice, window, this.sliceMs) - now);
    }
    return windowMs;
  }

  get isEmpty(): boolean {
    return this.total === 0;
  }

  /** Slices from the oldest that may hold calls to the newest (≤ MAX_LIVE_SLICES): for tests. */
  get slicesHeld(): number {
    return this.total === 0 ? 0 : this.newest - this.head + 1;
  }

  private drop(): void {
    const index = ringIndex(this.head);
    this.total -= this.counts[index];
    this.counts[index] = 0;
    this.head++;
  }

  private windowOf(windowMs: number): number {
    return Math.min(windowMs, WINDOW_SLICES * this.sliceMs);
  }
}

/** Slices before 1970 are negative: keep the index in the ring. */
function ringIndex(slice: number): number {
  return ((slice % MAX_LIVE_SLICES) + MAX_LIVE_SLICES) % MAX_LIVE_SLICES;
}
