/**
 * Redis key names for a counter key. All keys of one counter share a Cluster hash tag
 * (`{…}`), so a script that touches two of them stays on one slot; braces and `%` in the
 * counter key are percent-escaped, so a key can neither open its own tag nor collide.
 */
import { ValidationError } from '../model/errors.js';
import { storedKey } from './keys.js';

export const DEFAULT_REDIS_PREFIX = 'portico:';

export interface RedisCounterKeys {
  /** Sorted set: the sliding window's counted calls. */
  slidingLog: string;
  /** Hash: the sliding window's running total and member sequence. */
  slidingMeta: string;
  /**
   * Hash: a large limit's sliced window (window-slices.ts) { total, head, <slice>: count }.
   * Its own name, so a limit edited across the threshold never reads the other mode's data.
   */
  slidingSlices: string;
  /** Hash: the quota's current window and its counts. */
  quota: string;
}

export function validateRedisPrefix(prefix: string): string {
  if (/[{}]/.test(prefix)) throw new ValidationError('The Redis counter key prefix must not contain braces (they would form a Cluster hash tag).');
  if (prefix.length > 128) throw new ValidationError('The Redis counter key prefix must be at most 128 characters.');
  return prefix;
}

export function redisCounterKeys(prefix: string, key: string): RedisCounterKeys {
  const tagged = `${prefix}{${storedKey(key).replace(/[%{}]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`)}}`;
  return { slidingLog: `${tagged}:w`, slidingMeta: `${tagged}:m`, slidingSlices: `${tagged}:s`, quota: `${tagged}:q` };
}
