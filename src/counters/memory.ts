/**
 * The default counter store: exact within one process (every check-and-increment runs to
 * completion on the event loop, so no two calls interleave). Memory stays bounded: a key
 * is dropped once its window or period has passed, lazily on access and by a cheap,
 * budgeted periodic sweep whose timer is unref'd so it never keeps the process alive.
 */
import { ConcurrencySlots } from './concurrency.js';
import { ExpiringMap } from './expiring-map.js';
import { storedKey } from './keys.js';
import { DEFAULT_LIFETIME_QUOTA_TTL_SEC, normalizeAddHits, normalizeAddQuota, normalizeHit, normalizeQuota } from './options.js';
import { quotaRefusal, quotaWindowAt, type QuotaWindow } from './quota-period.js';
import { SlidingLog } from './sliding-log.js';
import { SlidingSlices } from './sliding-slices.js';
import type {
  AddHitsOptions,
  AddQuotaOptions,
  ConcurrencyRelease,
  CounterStore,
  CounterStoreStats,
  HitOptions,
  HitResult,
  QuotaOptions,
  QuotaResult,
} from './types.js';
import { usesSlices, type SlidingCounter } from './window-slices.js';

export interface MemoryCounterStoreOptions {
  /** How often the background sweep runs, in ms; 0 disables it (lazy expiry still applies). Default 10 s. */
  sweepIntervalMs?: number;
  /** Keys examined per sweep. Default 10 000. */
  sweepBatch?: number;
  /** Idle time after which a never-renewing quota's counters are dropped. Default 366 days. */
  lifetimeQuotaTtlSec?: number;
}

interface QuotaCell {
  /** The window these counts belong to; a different window means they are stale. */
  windowStart: number;
  calls: number;
  bytes: number;
  expiresAt: number;
}

const NO_FAILURES: CounterStoreStats = Object.freeze({ failOpen: 0, failClosed: 0, droppedIncrements: 0, errors: 0 });

export class MemoryCounterStore implements CounterStore {
  readonly kind = 'memory';
  readonly stats = NO_FAILURES;
  /** Exact logs (small limits) and sliced windows (large limits) apart: see window-slices.ts. */
  private readonly logs = new ExpiringMap<SlidingCounter>();
  private readonly sliced = new ExpiringMap<SlidingSlices>();
  private readonly quotas = new ExpiringMap<QuotaCell>();
  private readonly slots = new ConcurrencySlots();
  private readonly sweepBatch: number;
  private readonly lifetimeTtlMs: number;
  private readonly timer: NodeJS.Timeout | undefined;

  constructor(options: MemoryCounterStoreOptions = {}) {
    this.sweepBatch = options.sweepBatch ?? 10_000;
    this.lifetimeTtlMs = (options.lifetimeQuotaTtlSec ?? DEFAULT_LIFETIME_QUOTA_TTL_SEC) * 1000;
    const interval = options.sweepIntervalMs ?? 10_000;
    if (interval > 0) {
      this.timer = setInterval(() => this.sweep(), interval);
      this.timer.unref();
    }
  }

  async hit(key: string, options: HitOptions): Promise<HitResult> {
    return this.hitNow(key, options);
  }

  hitNow(key: string, options: HitOptions): HitResult {
    const { limit, windowMs, increment } = normalizeHit(options);
    const now = options.now ?? Date.now();
    const id = storedKey(key);
    const windows = this.windowsFor(limit);
    let log = windows.get(id, now);
    const total = log === undefined ? 0 : log.evict(now, windowMs);
    const weight = Math.max(increment, 1);
    if (total + weight <= limit) {
      if (increment > 0) {
        if (log === undefined) {
          log = newWindow(limit, windowMs);
          windows.set(id, log);
        }
        log.record(now, windowMs, increment);
      } else if (log?.isEmpty === true) {
        windows.delete(id);
      }
      return { allowed: true, remaining: limit - total - increment, retryAfterMs: 0, total: total + increment };
    }
    // total + weight > limit with weight <= limit implies total > 0, so the log exists.
    const retryAfterMs = weight > limit || log === undefined ? windowMs : log.msUntilFreed(total + weight - limit, now, windowMs);
    return { allowed: false, remaining: Math.max(0, limit - total), retryAfterMs, total };
  }

  async addHits(key: string, options: AddHitsOptions): Promise<void> {
    const { limit, windowMs, increment } = normalizeAddHits(options);
    if (increment === 0) return;
    const now = options.now ?? Date.now();
    const id = storedKey(key);
    const windows = this.windowsFor(limit);
    let log = windows.get(id, now);
    if (log === undefined) {
      log = newWindow(limit, windowMs);
      windows.set(id, log);
    } else {
      log.evict(now, windowMs);
    }
    log.record(now, windowMs, increment);
  }

  async quota(key: string, options: QuotaOptions): Promise<QuotaResult> {
    const limits = normalizeQuota(options);
    const now = options.now ?? Date.now();
    const id = storedKey(key);
    const window = quotaWindowAt(now, limits.periodMs, limits.firstPeriodStart);
    const cell = this.currentCell(id, window, now);
    const callsUsed = cell?.calls ?? 0;
    const bytesUsed = cell?.bytes ?? 0;
    const exceeded = quotaRefusal(callsUsed, bytesUsed, limits);
    if (exceeded !== undefined) {
      return { allowed: false, exceeded, retryAfterMs: window.end === null ? null : window.end - now, callsUsed, bytesUsed, periodEnd: window.end };
    }
    const updated = this.increment(id, cell, window, now, limits.incrementCalls, limits.incrementBytes);
    return { allowed: true, retryAfterMs: 0, callsUsed: updated.calls, bytesUsed: updated.bytes, periodEnd: window.end };
  }

  async addQuota(key: string, options: AddQuotaOptions): Promise<void> {
    const period = normalizeAddQuota(options);
    const now = options.now ?? Date.now();
    const id = storedKey(key);
    const window = quotaWindowAt(now, period.periodMs, period.firstPeriodStart);
    this.increment(id, this.currentCell(id, window, now), window, now, period.incrementCalls, period.incrementBytes);
  }

  acquire(key: string, max: number): ConcurrencyRelease | null {
    return this.slots.acquire(key, max);
  }

  /**
   * Drops up to one batch of expired keys; the timer calls this, tests call it with their
   * own clock. Returns the number of keys dropped.
   */
  sweep(now = Date.now()): number {
    return this.logs.sweep(now, this.sweepBatch) + this.sliced.sweep(now, this.sweepBatch) + this.quotas.sweep(now, this.sweepBatch);
  }

  /** Keys held (sliding windows + quotas), to observe that memory stays bounded. */
  get size(): number {
    return this.logs.size + this.sliced.size + this.quotas.size;
  }

  /**
   * Slices a large-limit key's window holds (0 when it holds none): lets tests observe that
   * the sliced mode stays bounded. Not part of the CounterStore contract.
   */
  slicesHeld(key: string, now = Date.now()): number {
    return this.sliced.get(storedKey(key), now)?.slicesHeld ?? 0;
  }

  async close(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.logs.clear();
    this.sliced.clear();
    this.quotas.clear();
    this.slots.clear();
  }

  /**
   * The map a limit's window lives in. A limit edited across the threshold finds nothing in
   * the other map and starts counting afresh, rather than misreading the other mode's data.
   */
  private windowsFor(limit: number): ExpiringMap<SlidingCounter> {
    return usesSlices(limit) ? this.sliced : this.logs;
  }

  private currentCell(id: string, window: QuotaWindow, now: number): QuotaCell | undefined {
    const cell = this.quotas.get(id, now);
    return cell !== undefined && cell.windowStart === window.start ? cell : undefined;
  }

  private increment(id: string, cell: QuotaCell | undefined, window: QuotaWindow, now: number, calls: number, bytes: number): { calls: number; bytes: number } {
    if (calls === 0 && bytes === 0) return { calls: cell?.calls ?? 0, bytes: cell?.bytes ?? 0 };
    const expiresAt = window.end ?? now + this.lifetimeTtlMs;
    if (cell === undefined) {
      const created: QuotaCell = { windowStart: window.start, calls, bytes, expiresAt };
      this.quotas.set(id, created);
      return created;
    }
    cell.calls += calls;
    cell.bytes += bytes;
    cell.expiresAt = expiresAt;
    return cell;
  }
}

function newWindow(limit: number, windowMs: number): SlidingCounter {
  return usesSlices(limit) ? new SlidingSlices(windowMs) : new SlidingLog();
}
