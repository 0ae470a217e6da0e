/**
 * The cache store contract the caching policies call (`cache-lookup`/`cache-store` for
 * responses, `cache-*-value` for values). Values are opaque bytes with a time to live; the
 * policy layer encodes what it stores. Two implementations: an in-memory LRU bounded in
 * bytes (`internal`) and Redis (`external`). A cache never fails a request: a store that
 * cannot answer reports a miss (or drops the write) and counts it in `stats.errors`.
 */

export interface CacheStoreStats {
  /** Lookups that found a live entry. */
  readonly hits: number;
  /** Lookups that found nothing (errors included). */
  readonly misses: number;
  /** Entries written. */
  readonly sets: number;
  /** Writes refused because the entry alone is larger than the store may hold. */
  readonly rejected: number;
  /** Live entries pushed out to make room (memory only). */
  readonly evictions: number;
  /** Commands that failed or timed out (Redis only); each counted as a miss or a dropped write. */
  readonly errors: number;
  /** Entries held now; -1 when the store cannot tell cheaply (Redis). */
  readonly entries: number;
  /** Bytes held now, as the store accounts them; -1 when unknown (Redis). */
  readonly bytes: number;
  /** The byte bound; -1 when the store has none of its own (Redis: its maxmemory policy). */
  readonly maxBytes: number;
}

export interface CacheStore {
  /** Which implementation answers: for logs, docs and the status page. */
  readonly kind: 'memory' | 'redis';
  readonly stats: CacheStoreStats;
  /** The live value under `key`, or undefined (absent, expired, or the store could not answer). */
  get(key: string): Promise<Buffer | undefined>;
  /** Stores `value` for `ttlMs` (a positive integer); false when it was not stored. */
  set(key: string, value: Buffer, ttlMs: number): Promise<boolean>;
  delete(key: string): Promise<void>;
  close(): Promise<void>;
}

/** The stores `caching-type` chooses between. */
export interface Caches {
  /** `internal`: always present (the in-memory LRU by default). */
  readonly internal: CacheStore;
  /** `external`: Redis when PORTICO_REDIS_URL is set; undefined otherwise. */
  readonly external: CacheStore | undefined;
}
