/**
 * Opens the caches `caching-type` chooses between: always the in-memory LRU (`internal`),
 * plus Redis (`external`) when a URL is given (PORTICO_REDIS_URL).
 */
import { ValidationError } from '../model/errors.js';
import { DEFAULT_CACHE_MAX_BYTES, MemoryCacheStore } from './cache-memory.js';
import { RedisCacheStore } from './cache-redis.js';
import type { Caches } from './cache-types.js';
import { REDIS_PREFIX_ENV, REDIS_URL_ENV } from './env.js';
import { checkedRedisUrl } from './open.js';

/** `PORTICO_CACHE_MAX_BYTES`: the internal cache's byte bound (`67108864`, `64MiB`, `512k`…). */
export const CACHE_MAX_BYTES_ENV = 'PORTICO_CACHE_MAX_BYTES';

export interface OpenCachesOptions {
  /** `redis://…` or `rediss://…`; unset or empty: no external cache. */
  redisUrl?: string;
  /** Redis key prefix (then `cache:`). Default `portico:`. */
  prefix?: string;
  /** Longest wait for Redis per command, in ms. Default 200. */
  timeoutMs?: number;
  /** The internal cache's byte bound. Default 64 MiB. */
  maxBytes?: number;
  /** Redis connection and command errors, for the caller's log. */
  onError?: (error: Error) => void;
}

/** Caches the caller owns: `close` closes both. */
export interface OpenedCaches extends Caches {
  close(): Promise<void>;
}

export async function openCaches(options: OpenCachesOptions = {}): Promise<OpenedCaches> {
  const url = checkedRedisUrl(options.redisUrl);
  const internal = new MemoryCacheStore({ maxBytes: options.maxBytes ?? DEFAULT_CACHE_MAX_BYTES });
  const external = url === undefined ? undefined : await RedisCacheStore.open({ url, prefix: options.prefix, timeoutMs: options.timeoutMs, onError: options.onError });
  return {
    internal,
    external,
    async close() {
      await Promise.all([internal.close(), external?.close()]);
    },
  };
}

const UNITS: Readonly<Record<string, number>> = { '': 1, b: 1, k: 1024, kb: 1024, kib: 1024, m: 1024 ** 2, mb: 1024 ** 2, mib: 1024 ** 2, g: 1024 ** 3, gb: 1024 ** 3, gib: 1024 ** 3 };

/** A byte size such as `67108864`, `64MiB`, `64m` or `512 KB` (binary units); undefined when unset or empty. */
export function parseCacheMaxBytes(text: string | undefined): number | undefined {
  const trimmed = text?.trim() ?? '';
  if (trimmed === '') return undefined;
  const match = /^(\d+)\s*([a-z]*)$/i.exec(trimmed);
  const unit = match === null ? undefined : UNITS[match[2].toLowerCase()];
  const bytes = match === null || unit === undefined ? Number.NaN : Number(match[1]) * unit;
  if (!Number.isSafeInteger(bytes) || bytes < 1) {
    throw new ValidationError(`${CACHE_MAX_BYTES_ENV} must be a positive size in bytes, e.g. 67108864 or 64MiB; got "${trimmed.slice(0, 40)}".`);
  }
  return bytes;
}

/** The caches' settings from the environment: PORTICO_REDIS_URL, PORTICO_REDIS_PREFIX and PORTICO_CACHE_MAX_BYTES. */
export function cacheOptionsFromEnv(env: NodeJS.ProcessEnv): OpenCachesOptions {
  const options: OpenCachesOptions = {};
  const url = env[REDIS_URL_ENV]?.trim();
  if (url !== undefined && url !== '') options.redisUrl = url;
  const prefix = env[REDIS_PREFIX_ENV]?.trim();
  if (prefix !== undefined && prefix !== '') options.prefix = prefix;
  const maxBytes = parseCacheMaxBytes(env[CACHE_MAX_BYTES_ENV]);
  if (maxBytes !== undefined) options.maxBytes = maxBytes;
  return options;
}
