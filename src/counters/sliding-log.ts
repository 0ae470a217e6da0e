/**
 * An exact sliding window for one key: the log of counted calls (time, weight) in arrival
 * order plus their running total. Entries older than the window are dropped from the head,
 * so memory per key is bounded by the calls inside one window (at most `limit` entries).
 */
export class SlidingLog {
  private times: number[] = [];
  private weights: number[] = [];
  private head = 0;
  private total = 0;
  /** Epoch ms after which every entry has left its window (for the sweeper). */
  expiresAt = 0;

  /** Drops entries with time <= now - windowMs and returns the weight still counted. */
  evict(now: number, windowMs: number): number {
    const cutoff = now - windowMs;
    while (this.head < this.times.length && this.times[this.head] <= cutoff) {
      this.total -= this.weights[this.head];
      this.head++;
    }
    this.compact();
    return this.total;
  }

  record(now: number, windowMs: number, weight: number): void {
    if (weight === 0) return;
    // A clock stepping backwards must not break the time order eviction relies on.
    const last = this.times.length > this.head ? this.times[this.times.length - 1] : now;
    const at = Math.max(now, last);
    this.times.push(at);
    this.weights.push(weight);
    this.total += weight;
    this.expiresAt = Math.max(this.expiresAt, at + windowMs);
  }

  /**
   * Ms until `needed` weight has left the window: the time of the entry at which the
   * cumulative weight from the oldest reaches `needed`, plus the window, minus now.
   */
  msUntilFreed(needed: number, now: number, windowMs: number): number {
    let freed = 0;
    for (let i = this.head; i < this.times.length; i++) {
      freed += this.weights[i];
      if (freed >= needed) return Math.max(1, this.times[i] + windowMs - now);
    }
    return windowMs;
  }

  get isEmpty(): boolean {
    return this.head >= this.times.length;
  }

  private compact(): void {
    if (this.head === 0) return;
    if (this.head >= this.times.length) {
      this.times = [];
      this.weights = [];
      this.head = 0;
    } else if (this.head >= 64 && this.head * 2 >= this.times.length) {
      // Amortised O(1): only copy once the dead prefix is at least as long as the live part.
      this.times = this.times.slice(this.head);
      this.weights = this.weights.slice(this.head);
      this.head = 0;
    }
  }
}
