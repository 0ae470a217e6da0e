/**
 * The external cache: Redis, shared by every gateway process using it. Values are stored
 * under `<prefix>cache:<key>` with `SET … PX ttl`, so Redis expires them (and its own
 * maxmemory policy bounds the total). A cache must never fail a request: a command that
 * errors or does not answer within `timeoutMs` is a miss (or a dropped write), counted in
 * `stats.errors`, and the request goes on to the backend.
 */
import type { Redis } from 'ioredis';
import { positiveInteger } from './options.js';
import { createRedisClient, waitForFirstConnection } from './redis-client.js';
import { DEFAULT_REDIS_PREFIX, validateRedisPrefix } from './redis-keys.js';
import type { CacheStore, CacheStoreStats } from './cache-types.js';

/** Longest wait for a cache answer: a slow cache costs no more than this before the backend is asked. */
export const DEFAULT_REDIS_CACHE_TIMEOUT_MS = 200;

export interface RedisCacheStoreOptions {
  /** `redis://` or `rediss://` URL (PORTICO_REDIS_URL). Never logged: it may hold a password. */
  url: string;
  /** Prepended to every key (then `cache:`). Default `portico:`. */
  prefix?: string;
  /** Longest wait for Redis per command, in ms. Default 200. */
  timeoutMs?: number;
  /** How long `open` waits for the first connection before returning anyway, in ms. Default 2000. */
  connectWaitMs?: number;
  /** Connection and command errors, for the caller's log (the store itself never logs). */
  onError?: (error: Error) => void;
}

export class RedisCacheStore implements CacheStore {
  readonly kind = 'redis';
  private readonly counts = { hits: 0, misses: 0, sets: 0, rejected: 0, evictions: 0, errors: 0 };

  private constructor(
    private readonly client: Redis,
    private readonly keyPrefix: string,
    private readonly onError: ((error: Error) => void) | undefined,
  ) {}

  /** Connects (waiting at most `connectWaitMs`) and returns the store even if Redis is away: it keeps reconnecting. */
  static async open(options: RedisCacheStoreOptions): Promise<RedisCacheStore> {
    const prefix = validateRedisPrefix(options.prefix ?? DEFAULT_REDIS_PREFIX);
    const timeoutMs = positiveInteger(options.timeoutMs ?? DEFAULT_REDIS_CACHE_TIMEOUT_MS, 'timeoutMs');
    const client = createRedisClient(options.url, timeoutMs);
    client.on('error', (error: Error) => options.onError?.(error));
    const store = new RedisCacheStore(client, `${prefix}cache:`, options.onError);
    await waitForFirstConnection(client, options.connectWaitMs ?? 2000);
    return store;
  }

  get stats(): CacheStoreStats {
    return { ...this.counts, entries: -1, bytes: -1, maxBytes: -1 };
  }

  /** Whether commands can be sent right now (for health pages). */
  get connected(): boolean {
    return this.client.status === 'ready';
  }

  async get(key: string): Promise<Buffer | undefined> {
    try {
      const value = await this.client.getBuffer(this.keyPrefix + key);
      if (value === null) {
        this.counts.misses++;
        return undefined;
      }
      this.counts.hits++;
      return value;
    } catch (error) {
      this.fault(error);
      this.counts.misses++;
      return undefined;
    }
  }

  async set(key: string, value: Buffer, ttlMs: number): Promise<boolean> {
    const ttl = Math.ceil(ttlMs);
    if (!Number.isSafeInteger(ttl) || ttl <= 0) return false;
    try {
      await this.client.set(this.keyPrefix + key, value, 'PX', ttl);
      this.counts.sets++;
      return true;
    } catch (error) {
      this.fault(error);
      return false;
    }
  }

  async delete(key: string): Promise<void> {
    try {
      await this.client.del(this.keyPrefix + key);
    } catch (error) {
      this.fault(error);
    }
  }

  async close(): Promise<void> {
    try {
      if (this.client.status === 'ready') await this.client.quit();
    } catch {
      // Closing anyway: disconnect() below frees the socket.
    } finally {
      this.client.disconnect();
    }
  }

  private fault(error: unknown): void {
    this.counts.errors++;
    this.onError?.(error instanceof Error ? error : new Error(String(error)));
  }
}
