/**
 * The counter store contract the limit policies call: `rate-limit(-by-key)` uses `hit` /
 * `addHits`, `quota(-by-key)` uses `quota` / `addQuota`, `limit-concurrency` uses `acquire`.
 * Two implementations: memory (the default, exact within one process) and Redis (exact
 * across every gateway process sharing it). See docs/limits.md for the semantics.
 *
 * One counting rule everywhere: a call is allowed while its counter is below the limit and
 * adding the call's own increment keeps it within the limit. A REFUSED call never changes a
 * counter, so a client that keeps hammering a full sliding window is let in again as soon
 * as old calls slide out, and counters never run past their limit through refusals.
 * (APIM counts calls that other policies or the backend reject; the policy layer gets that
 * by checking before the backend call, not by counting refusals here.)
 */

/** The degraded decision taken when the shared store could not answer in time. */
export type FailMode = 'open' | 'closed';

export interface HitOptions {
  /** Calls allowed in any window of `windowMs`; a positive integer. */
  limit: number;
  /** Sliding window length in ms; any positive integer (windows > 300 s are fine). */
  windowMs: number;
  /** What this call adds to the counter; a non-negative integer, default 1. 0 only checks. */
  increment?: number;
  /**
   * Test clock (epoch ms). Honoured by the memory store only: the Redis store always uses the
   * Redis server's clock so that every gateway process agrees on the windows.
   */
  now?: number;
}

export interface HitResult {
  allowed: boolean;
  /** Capacity left in the window after this call (never negative). */
  remaining: number;
  /** 0 when allowed; otherwise ms until enough old calls slide out for this call to pass. */
  retryAfterMs: number;
  /** Weight counted in the current window, this call included when it was allowed. */
  total: number;
  /** Set when the store was unreachable and the fail mode decided instead of a counter. */
  failed?: FailMode;
}

/** Increments a sliding-window counter without checking it (e.g. after the response). */
export interface AddHitsOptions {
  /**
   * The limit the counter is checked against (as in `hit`): it decides whether the window is
   * the exact log or the sliced one (window-slices.ts), so the increment lands where `hit` reads.
   */
  limit: number;
  windowMs: number;
  /** A non-negative integer; 0 is a no-op. */
  increment: number;
  now?: number;
}

/** Which fixed window a quota key counts in. */
export interface QuotaPeriod {
  /** Fixed window length in seconds; 0 means the quota never renews (a lifetime quota). */
  renewalPeriodSec: number;
  /**
   * Epoch ms the windows are aligned to (window n = [start + n·period, start + (n+1)·period)).
   * Defaults to APIM's 0001-01-01T00:00:00Z.
   */
  firstPeriodStart?: number;
  /** Test clock (epoch ms); the Redis store ignores it and uses the Redis server's clock. */
  now?: number;
}

export interface QuotaOptions extends QuotaPeriod {
  /** Calls allowed per period; omit for no call limit. */
  calls?: number;
  /** Kilobytes (1024 bytes) allowed per period; omit for no bandwidth limit. */
  bandwidthKB?: number;
  /** Calls this request adds; a non-negative integer, default 1. */
  incrementCalls?: number;
  /** Bytes this request adds now (often 0: bandwidth is usually added with `addQuota` later). */
  incrementBytes?: number;
}

export interface AddQuotaOptions extends QuotaPeriod {
  incrementCalls?: number;
  incrementBytes?: number;
}

export interface QuotaResult {
  allowed: boolean;
  /** Which limit refused the call (calls is reported when both are exhausted). */
  exceeded?: 'calls' | 'bandwidth';
  /** 0 when allowed; ms until the period renews; null when refused and the quota never renews. */
  retryAfterMs: number | null;
  /** Calls counted in the current period, this call included when it was allowed. */
  callsUsed: number;
  /** Bytes counted in the current period. */
  bytesUsed: number;
  /** Epoch ms the current period ends; null for a lifetime quota. */
  periodEnd: number | null;
  failed?: FailMode;
}

/** Gives a concurrency slot back; calling it again is harmless. */
export type ConcurrencyRelease = () => void;

/** Degraded decisions, for the metrics layer (monotonic counters). */
export interface CounterStoreStats {
  /** Calls allowed because the store could not answer and failMode is 'open'. */
  readonly failOpen: number;
  /** Calls refused because the store could not answer and failMode is 'closed'. */
  readonly failClosed: number;
  /** `addHits` / `addQuota` increments that could not be written (the store was away). */
  readonly droppedIncrements: number;
  /**
   * Errors from the shared store: failed or timed-out commands and connection errors
   * (each failed reconnect attempt counts). Always 0 for the memory store.
   */
  readonly errors: number;
}

export interface CounterStore {
  /** Which implementation answers: for logs and the status page. */
  readonly kind: 'memory' | 'redis';
  /** A snapshot of the monotonic counters, cheap to read (for the /metrics collector). */
  readonly stats: CounterStoreStats;
  /** Sliding-window rate limit: check and, when allowed, increment, atomically. */
  hit(key: string, options: HitOptions): Promise<HitResult>;
  /**
   * `hit`, answered at once, by stores that need no round trip (memory): the limit policies
   * then run without a promise. Absent on stores that must ask elsewhere (Redis, IPC).
   */
  hitNow?(key: string, options: HitOptions): HitResult;
  addHits(key: string, options: AddHitsOptions): Promise<void>;
  /** Fixed-window quota: check calls and bandwidth and, when allowed, increment, atomically. */
  quota(key: string, options: QuotaOptions): Promise<QuotaResult>;
  addQuota(key: string, options: AddQuotaOptions): Promise<void>;
  /**
   * A slot under `max` concurrent holders of `key`, or null when all are taken. Slots are
   * per process in both stores (a crashed replica must not leak slots in a shared store).
   */
  acquire(key: string, max: number): ConcurrencyRelease | null;
  close(): Promise<void>;
}
