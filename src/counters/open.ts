/**
 * Picks the counter store: Redis when a URL is given (PORTICO_REDIS_URL), memory otherwise.
 */
import { ValidationError } from '../model/errors.js';
import { MemoryCounterStore } from './memory.js';
import { RedisCounterStore } from './redis.js';
import type { CounterStore, FailMode } from './types.js';

export interface OpenCounterStoreOptions {
  /** `redis://…` or `rediss://…`; unset or empty selects the in-memory store. */
  redisUrl?: string;
  /** Redis key prefix. Default `portico:`. */
  prefix?: string;
  /** Decision when Redis cannot answer in time. Default 'open'. */
  failMode?: FailMode;
  /** Longest wait for Redis per decision, in ms. Default 50. */
  timeoutMs?: number;
  /** Redis connection and command errors, for the caller's log. */
  onError?: (error: Error) => void;
}

export async function openCounterStore(options: OpenCounterStoreOptions = {}): Promise<CounterStore> {
  const url = checkedRedisUrl(options.redisUrl);
  if (url === undefined) return new MemoryCounterStore();
  return RedisCounterStore.open({
    url,
    prefix: options.prefix,
    failMode: options.failMode,
    timeoutMs: options.timeoutMs,
    onError: options.onError,
  });
}

/** The trimmed Redis URL, undefined when unset or empty; throws for a scheme other than redis(s)://. */
export function checkedRedisUrl(redisUrl: string | undefined): string | undefined {
  const url = redisUrl?.trim() ?? '';
  if (url === '') return undefined;
  if (!/^rediss?:\/\//i.test(url)) {
    // Only the scheme is echoed: the rest of a Redis URL may hold a password.
    const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1] ?? '(none)';
    throw new ValidationError(`Unsupported PORTICO_REDIS_URL scheme "${scheme}"; use redis:// or rediss://.`);
  }
  return url;
}
