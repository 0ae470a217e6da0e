/**
 * The internal cache: an LRU bounded in bytes. A Map keeps entries in use order (a hit moves
 * its entry to the end), so eviction takes the oldest from the front in O(1). Expired
 * entries are dropped when read and are the first pushed out when room is needed only by
 * virtue of being unused; the byte bound holds either way.
 */
import { ValidationError } from '../model/errors.js';
import type { CacheStore, CacheStoreStats } from './cache-types.js';

export const DEFAULT_CACHE_MAX_BYTES = 64 * 1024 * 1024;
/**
 * What an entry costs besides its value: the key (UTF-16 in V8, so 2 bytes a character) and
 * this fixed amount for the Map slot and the entry object. An estimate, but a stable one, so
 * many tiny entries cannot grow the heap past the bound unaccounted.
 */
export const CACHE_ENTRY_OVERHEAD_BYTES = 96;

export interface MemoryCacheStoreOptions {
  /** Most bytes held (values + keys + per-entry overhead). Default 64 MiB. */
  maxBytes?: number;
  /** Clock (epoch ms), for tests. Default Date.now. */
  now?: () => number;
}

interface Entry {
  readonly value: Buffer;
  readonly expiresAt: number;
  readonly size: number;
}

export class MemoryCacheStore implements CacheStore {
  readonly kind = 'memory';
  readonly maxBytes: number;
  private readonly entries = new Map<string, Entry>();
  private readonly now: () => number;
  private held = 0;
  private readonly counts = { hits: 0, misses: 0, sets: 0, rejected: 0, evictions: 0 };

  constructor(options: MemoryCacheStoreOptions = {}) {
    const maxBytes = options.maxBytes ?? DEFAULT_CACHE_MAX_BYTES;
    if (!Number.isSafeInteger(maxBytes) || maxBytes < 1) throw new ValidationError(`The cache size must be a positive number of bytes, got ${String(maxBytes)}.`);
    this.maxBytes = maxBytes;
    this.now = options.now ?? Date.now;
  }

  get stats(): CacheStoreStats {
    return { ...this.counts, errors: 0, entries: this.entries.size, bytes: this.held, maxBytes: this.maxBytes };
  }

  /** Synchronous form of `get`, for callers that can avoid a promise. */
  getNow(key: string): Buffer | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) {
      this.counts.misses++;
      return undefined;
    }
    this.entries.delete(key);
    if (entry.expiresAt <= this.now()) {
      this.held -= entry.size;
      this.counts.misses++;
      return undefined;
    }
    // Re-inserting moves the entry to the most recently used end.
    this.entries.set(key, entry);
    this.counts.hits++;
    return entry.value;
  }

  setNow(key: string, value: Buffer, ttlMs: number): boolean {
    if (!Number.isFinite(ttlMs) || ttlMs <= 0) return false;
    const size = value.length + key.length * 2 + CACHE_ENTRY_OVERHEAD_BYTES;
    this.deleteNow(key);
    if (size > this.maxBytes) {
      this.counts.rejected++;
      return false;
    }
    while (this.held + size > this.maxBytes && this.entries.size > 0) this.evictOldest();
    this.entries.set(key, { value, expiresAt: this.now() + ttlMs, size });
    this.held += size;
    this.counts.sets++;
    return true;
  }

  deleteNow(key: string): void {
    const entry = this.entries.get(key);
    if (entry === undefined) return;
    this.entries.delete(key);
    this.held -= entry.size;
  }

  get(key: string): Promise<Buffer | undefined> {
    return Promise.resolve(this.getNow(key));
  }

  set(key: string, value: Buffer, ttlMs: number): Promise<boolean> {
    return Promise.resolve(this.setNow(key, value, ttlMs));
  }

  delete(key: string): Promise<void> {
    this.deleteNow(key);
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.entries.clear();
    this.held = 0;
    return Promise.resolve();
  }

  private evictOldest(): void {
    const oldest = this.entries.entries().next();
    if (oldest.done === true) return;
    const [key, entry] = oldest.value;
    this.entries.delete(key);
    this.held -= entry.size;
    // An expired entry leaving is not an eviction of live data.
    if (entry.expiresAt > this.now()) this.counts.evictions++;
  }
}
