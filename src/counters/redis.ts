/**
 * The shared counter store: every gateway process talking to one Redis sees the same
 * counters, and each check-and-increment is one Lua script (EVALSHA; ioredis'
 * `defineCommand` loads the script again after a Redis restart), so limits are exact
 * across replicas. When Redis cannot answer within `timeoutMs` — down, unreachable or
 * stalled — the call does not wait: the configured fail mode decides and is counted.
 */
import type { Redis } from 'ioredis';
import { ConcurrencySlots } from './concurrency.js';
import { degradedHit, degradedQuota } from './degraded.js';
import { DEFAULT_LIFETIME_QUOTA_TTL_SEC, normalizeAddHits, normalizeAddQuota, normalizeHit, normalizeQuota, positiveInteger } from './options.js';
import { createRedisClient, waitForFirstConnection } from './redis-client.js';
import { DEFAULT_REDIS_PREFIX, redisCounterKeys, validateRedisPrefix, type RedisCounterKeys } from './redis-keys.js';
import { QUOTA_LUA, SLIDING_SLICES_LUA, SLIDING_WINDOW_LUA } from './redis-scripts.js';
import type {
  AddHitsOptions,
  AddQuotaOptions,
  ConcurrencyRelease,
  CounterStore,
  CounterStoreStats,
  FailMode,
  HitOptions,
  HitResult,
  QuotaOptions,
  QuotaResult,
} from './types.js';
import { WINDOW_SLICES, sliceMsFor, usesSlices } from './window-slices.js';

export const DEFAULT_REDIS_TIMEOUT_MS = 50;

export interface RedisCounterStoreOptions {
  /** `redis://` or `rediss://` URL (PORTICO_REDIS_URL). Never logged: it may hold a password. */
  url: string;
  /** Prepended to every key, so several Portico installations can share one Redis. Default `portico:`. */
  prefix?: string;
  /** Decision when Redis cannot answer in time: allow ('open', the default) or refuse ('closed'). */
  failMode?: FailMode;
  /** Longest wait for a Redis answer before the fail mode decides, in ms. Default 50. */
  timeoutMs?: number;
  /** How long `open` waits for the first connection before returning anyway, in ms. Default 2000. */
  connectWaitMs?: number;
  /** Idle time after which a never-renewing quota's key expires. Default 366 days. */
  lifetimeQuotaTtlSec?: number;
  /** Connection and command errors, for the caller's log (the store itself never logs). */
  onError?: (error: Error) => void;
}

type SlidingReply = [allowed: number, total: number, retryAfterMs: number];
type QuotaReply = [allowed: number, exceeded: number, callsUsed: number, bytesUsed: number, periodEnd: number, now: number];

/** The scripts registered with `defineCommand`, as ioredis adds them to the client. */
interface CounterScripts {
  porticoSlidingWindow(log: string, meta: string, limit: number, windowMs: number, increment: number, mode: 'hit' | 'add'): Promise<SlidingReply>;
  /** The sliced window for a batch of calls: one increment per call; { allowed, total, retryAfterMs } per call, flattened. */
  porticoSlidingSlices(key: string, limit: number, windowMs: number, mode: 'hit' | 'add', sliceMs: number, slices: number, ...increments: number[]): Promise<number[]>;
  porticoQuota(
    key: string,
    calls: number,
    bandwidthBytes: number,
    periodMs: number,
    firstPeriodStart: number,
    incrementCalls: number,
    incrementBytes: number,
    mode: 'check' | 'add',
    lifetimeTtlMs: number,
  ): Promise<QuotaReply>;
}

/** Calls on one sliced key with the same limit, window and mode, gathered within one event-loop turn. */
interface SliceBatch {
  key: string;
  limit: number;
  windowMs: number;
  mode: 'hit' | 'add';
  increments: number[];
  settle: ((reply: SlidingReply | Error) => void)[];
}

/** An ioredis pipeline with the sliced-window script queued by name (`defineCommand` adds it there too). */
interface CounterScriptsPipeline {
  porticoSlidingSlices(key: string, limit: number, windowMs: number, mode: 'hit' | 'add', sliceMs: number, slices: number, ...increments: number[]): unknown;
  exec(): Promise<[Error | null, unknown][] | null>;
}

/** Settles each call of a batch with its { allowed, total, retryAfterMs }, or all of them with the failure. */
function settleBatch(batch: SliceBatch, outcome: unknown): void {
  if (!Array.isArray(outcome)) {
    const failure = outcome instanceof Error ? outcome : new Error(String(outcome));
    for (const settle of batch.settle) settle(failure);
    return;
  }
  const flat = outcome as number[];
  for (let i = 0; i < batch.settle.length; i++) batch.settle[i]([flat[3 * i], flat[3 * i + 1], flat[3 * i + 2]]);
}

export class RedisCounterStore implements CounterStore {
  readonly kind = 'redis';
  private readonly counts = { failOpen: 0, failClosed: 0, droppedIncrements: 0, errors: 0 };
  private readonly slots = new ConcurrencySlots();
  /** Sliced-window calls waiting for this turn's flush, by Redis key (and, rarely, more per key). */
  private pendingSlices = new Map<string, SliceBatch[]>();
  private flushScheduled = false;

  private constructor(
    private readonly client: Redis & CounterScripts,
    private readonly prefix: string,
    private readonly failMode: FailMode,
    private readonly lifetimeTtlMs: number,
    private readonly onError: ((error: Error) => void) | undefined,
  ) {}

  /** Connects (waiting at most `connectWaitMs`) and returns the store even if Redis is away: it keeps reconnecting. */
  static async open(options: RedisCounterStoreOptions): Promise<RedisCounterStore> {
    const prefix = validateRedisPrefix(options.prefix ?? DEFAULT_REDIS_PREFIX);
    const timeoutMs = positiveInteger(options.timeoutMs ?? DEFAULT_REDIS_TIMEOUT_MS, 'timeoutMs');
    const client = createRedisClient(options.url, timeoutMs) as Redis & CounterScripts;
    client.defineCommand('porticoSlidingWindow', { numberOfKeys: 2, lua: SLIDING_WINDOW_LUA });
    client.defineCommand('porticoSlidingSlices', { numberOfKeys: 1, lua: SLIDING_SLICES_LUA });
    client.defineCommand('porticoQuota', { numberOfKeys: 1, lua: QUOTA_LUA });
    const store = new RedisCounterStore(
      client,
      prefix,
      options.failMode ?? 'open',
      (options.lifetimeQuotaTtlSec ?? DEFAULT_LIFETIME_QUOTA_TTL_SEC) * 1000,
      options.onError,
    );
    // Always listen: an 'error' event without a listener is printed by ioredis.
    client.on('error', (error: Error) => store.reportError(error));
    await waitForFirstConnection(client, options.connectWaitMs ?? 2000);
    return store;
  }

  get stats(): CounterStoreStats {
    return { ...this.counts };
  }

  /** Whether commands can be sent right now (for health pages). */
  get connected(): boolean {
    return this.client.status === 'ready';
  }

  async hit(key: string, options: HitOptions): Promise<HitResult> {
    const { limit, windowMs, increment } = normalizeHit(options);
    // Outside the try: a bad key is the caller's bug, not a Redis failure for the fail mode.
    const keys = redisCounterKeys(this.prefix, key);
    try {
      const [allowed, total, retryAfterMs] = await this.slidingWindow(keys, limit, windowMs, increment, 'hit');
      return { allowed: allowed === 1, remaining: Math.max(0, limit - total), retryAfterMs, total };
    } catch (error) {
      this.reportError(error);
      return degradedHit(this.countFailure(), limit, windowMs, increment);
    }
  }

  async addHits(key: string, options: AddHitsOptions): Promise<void> {
    const { limit, windowMs, increment } = normalizeAddHits(options);
    if (increment === 0) return;
    const keys = redisCounterKeys(this.prefix, key);
    try {
      await this.slidingWindow(keys, limit, windowMs, increment, 'add');
    } catch (error) {
      this.reportError(error);
      this.counts.droppedIncrements++;
    }
  }

  async quota(key: string, options: QuotaOptions): Promise<QuotaResult> {
    const q = normalizeQuota(options);
    const redisKey = redisCounterKeys(this.prefix, key).quota;
    try {
      const [allowed, exceeded, callsUsed, bytesUsed, periodEnd, now] = await this.client.porticoQuota(
        redisKey, q.calls, q.bandwidthBytes, q.periodMs, q.firstPeriodStart, q.incrementCalls, q.incrementBytes, 'check', this.lifetimeTtlMs,
      );
      const end = periodEnd < 0 ? null : periodEnd;
      if (allowed === 1) return { allowed: true, retryAfterMs: 0, callsUsed, bytesUsed, periodEnd: end };
      return { allowed: false, exceeded: exceeded === 2 ? 'bandwidth' : 'calls', retryAfterMs: end === null ? null : end - now, callsUsed, bytesUsed, periodEnd: end };
    } catch (error) {
      this.reportError(error);
      return degradedQuota(this.countFailure(), q, q.incrementCalls, q.incrementBytes);
    }
  }

  async addQuota(key: string, options: AddQuotaOptions): Promise<void> {
    const period = normalizeAddQuota(options);
    if (period.incrementCalls === 0 && period.incrementBytes === 0) return;
    const redisKey = redisCounterKeys(this.prefix, key).quota;
    try {
      await this.client.porticoQuota(redisKey, -1, -1, period.periodMs, period.firstPeriodStart, period.incrementCalls, period.incrementBytes, 'add', this.lifetimeTtlMs);
    } catch (error) {
      this.reportError(error);
      this.counts.droppedIncrements++;
    }
  }

  acquire(key: string, max: number): ConcurrencyRelease | null {
    return this.slots.acquire(key, max);
  }

  async close(): Promise<void> {
    this.slots.clear();
    try {
      if (this.client.status === 'ready') await this.client.quit();
    } catch {
      // Closing anyway: a failed QUIT leaves nothing to clean up that disconnect() does not.
    } finally {
      this.client.disconnect();
    }
  }

  /** The exact log for small limits, the sliced window for large ones (window-slices.ts). */
  private slidingWindow(keys: RedisCounterKeys, limit: number, windowMs: number, increment: number, mode: 'hit' | 'add'): Promise<SlidingReply> {
    if (usesSlices(limit)) return this.batchedSlices(keys.slidingSlices, limit, windowMs, increment, mode);
    return this.client.porticoSlidingWindow(keys.slidingLog, keys.slidingMeta, limit, windowMs, increment, mode);
  }

  /**
   * A sliced-window call, sent with every other call on the same key made in this event-loop
   * turn as one script (flushed by setImmediate, as ioredis' auto-pipelining does). Large
   * limits are where traffic per key is high: under load, dozens of requests of one
   * subscription meet in a turn, and one script replaces dozens. The script decides them in
   * arrival order exactly as separate calls would be decided.
   */
  private batchedSlices(key: string, limit: number, windowMs: number, increment: number, mode: 'hit' | 'add'): Promise<SlidingReply> {
    let batches = this.pendingSlices.get(key);
    if (batches === undefined) this.pendingSlices.set(key, (batches = []));
    let batch = batches.find((b) => b.limit === limit && b.windowMs === windowMs && b.mode === mode);
    if (batch === undefined) {
      batch = { key, limit, windowMs, mode, increments: [], settle: [] };
      batches.push(batch);
    }
    const pending = batch;
    const reply = new Promise<SlidingReply>((resolve, reject) => {
      pending.increments.push(increment);
      pending.settle.push((outcome) => (outcome instanceof Error ? reject(outcome) : resolve(outcome)));
    });
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(this.flushSlices);
    }
    return reply;
  }

  /**
   * Sends this turn's batches: one script per batch, written together (an explicit pipeline
   * when there are several; the script is left out of ioredis' auto-pipelining, which would
   * hold it for one more event-loop turn). Each call's own promise settles with its share.
   */
  private readonly flushSlices = (): void => {
    this.flushScheduled = false;
    const batches = [...this.pendingSlices.values()].flat();
    this.pendingSlices = new Map();
    if (batches.length === 1) {
      const [batch] = batches;
      this.client
        .porticoSlidingSlices(batch.key, batch.limit, batch.windowMs, batch.mode, sliceMsFor(batch.windowMs), WINDOW_SLICES, ...batch.increments)
        .then(
          (flat) => settleBatch(batch, flat),
          (error: unknown) => settleBatch(batch, error),
        );
      return;
    }
    const pipeline = this.client.pipeline() as unknown as CounterScriptsPipeline;
    for (const batch of batches) {
      pipeline.porticoSlidingSlices(batch.key, batch.limit, batch.windowMs, batch.mode, sliceMsFor(batch.windowMs), WINDOW_SLICES, ...batch.increments);
    }
    pipeline.exec().then(
      (replies) => batches.forEach((batch, i) => settleBatch(batch, replies?.[i] === undefined ? new Error('Redis returned no reply') : (replies[i][0] ?? replies[i][1]))),
      (error: unknown) => batches.forEach((batch) => settleBatch(batch, error)),
    );
  };

  private countFailure(): FailMode {
    if (this.failMode === 'open') this.counts.failOpen++;
    else this.counts.failClosed++;
    return this.failMode;
  }

  private reportError(error: unknown): void {
    this.counts.errors++;
    this.onError?.(error instanceof Error ? error : new Error(String(error)));
  }
}
