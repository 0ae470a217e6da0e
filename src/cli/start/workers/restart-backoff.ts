/**
 * Restart delays per worker slot: a worker that keeps dying right after it starts waits
 * longer each time (doubling up to a ceiling), so a crash loop does not eat the machine;
 * one that ran for a while before dying is restarted at once (after the first delay).
 */
export class RestartBackoff {
  private readonly delays = new Map<number, number>();
  private readonly startedAt = new Map<number, number>();

  constructor(
    private readonly firstMs: number,
    private readonly maxMs: number,
    /** A worker that served this long counts as healthy: its next restart starts over. */
    private readonly healthyAfterMs = 30_000,
  ) {}

  /** The slot's worker is serving. */
  started(slot: number, now = Date.now()): void {
    this.startedAt.set(slot, now);
  }

  /** The delay before restarting the slot's worker, which just exited. */
  next(slot: number, now = Date.now()): number {
    const since = this.startedAt.get(slot);
    const previous = this.delays.get(slot);
    const delay = previous === undefined || (since !== undefined && now - since >= this.healthyAfterMs) ? this.firstMs : Math.min(previous * 2, this.maxMs);
    this.delays.set(slot, delay);
    this.startedAt.delete(slot);
    return delay;
  }
}
