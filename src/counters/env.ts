/**
 * The counter store's settings from the environment, for `portico start` and `portico
 * gateway` alike (see docs/limits.md). Bad values stop the start-up with a message naming
 * the variable: a typo in the fail mode must not silently fail open.
 */
import { ValidationError } from '../model/errors.js';
import type { OpenCounterStoreOptions } from './open.js';

/** `redis://…` or `rediss://…`; unset counts in memory. */
export const REDIS_URL_ENV = 'PORTICO_REDIS_URL';
/** Key prefix in Redis (default `portico:`), so several installations can share one Redis. */
export const REDIS_PREFIX_ENV = 'PORTICO_REDIS_PREFIX';
/** `open` (default) or `closed`: the decision when Redis cannot answer in time. */
export const REDIS_FAIL_MODE_ENV = 'PORTICO_REDIS_FAIL_MODE';
/** Longest wait for Redis per decision, in ms (default 50). */
export const REDIS_TIMEOUT_ENV = 'PORTICO_REDIS_TIMEOUT_MS';

const MAX_TIMEOUT_MS = 60_000;

export function counterStoreOptionsFromEnv(env: NodeJS.ProcessEnv): OpenCounterStoreOptions {
  const value = (name: string): string | undefined => {
    const raw = env[name]?.trim();
    return raw === undefined || raw === '' ? undefined : raw;
  };
  const options: OpenCounterStoreOptions = {};
  const url = value(REDIS_URL_ENV);
  if (url !== undefined) options.redisUrl = url;
  const prefix = value(REDIS_PREFIX_ENV);
  if (prefix !== undefined) options.prefix = prefix;
  const failMode = value(REDIS_FAIL_MODE_ENV)?.toLowerCase();
  if (failMode !== undefined) {
    if (failMode !== 'open' && failMode !== 'closed') {
      throw new ValidationError(`${REDIS_FAIL_MODE_ENV} must be "open" or "closed", got "${failMode.slice(0, 32)}".`);
    }
    options.failMode = failMode;
  }
  const timeout = value(REDIS_TIMEOUT_ENV);
  if (timeout !== undefined) {
    const ms = Number(timeout);
    if (!/^\d+$/.test(timeout) || ms < 1 || ms > MAX_TIMEOUT_MS) {
      throw new ValidationError(`${REDIS_TIMEOUT_ENV} must be a whole number of milliseconds from 1 to ${MAX_TIMEOUT_MS}, got "${timeout.slice(0, 32)}".`);
    }
    options.timeoutMs = ms;
  }
  return options;
}
