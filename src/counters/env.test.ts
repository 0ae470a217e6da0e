import { describe, expect, it } from 'vitest';
import { counterStoreOptionsFromEnv } from './env.js';

describe('counterStoreOptionsFromEnv', () => {
  it('reads nothing from an empty environment (memory store, defaults)', () => {
    expect(counterStoreOptionsFromEnv({})).toEqual({});
    expect(counterStoreOptionsFromEnv({ PORTICO_REDIS_URL: ' ', PORTICO_REDIS_FAIL_MODE: '' })).toEqual({});
  });

  it('reads the URL, prefix, fail mode and timeout', () => {
    expect(
      counterStoreOptionsFromEnv({
        PORTICO_REDIS_URL: 'redis://127.0.0.1:6379',
        PORTICO_REDIS_PREFIX: 'tenant-a:',
        PORTICO_REDIS_FAIL_MODE: 'Closed',
        PORTICO_REDIS_TIMEOUT_MS: '120',
      }),
    ).toEqual({ redisUrl: 'redis://127.0.0.1:6379', prefix: 'tenant-a:', failMode: 'closed', timeoutMs: 120 });
  });

  it('refuses an unknown fail mode or a bad timeout instead of guessing', () => {
    expect(() => counterStoreOptionsFromEnv({ PORTICO_REDIS_FAIL_MODE: 'shut' })).toThrow(/PORTICO_REDIS_FAIL_MODE must be "open" or "closed"/);
    expect(() => counterStoreOptionsFromEnv({ PORTICO_REDIS_TIMEOUT_MS: '50ms' })).toThrow(/PORTICO_REDIS_TIMEOUT_MS/);
    expect(() => counterStoreOptionsFromEnv({ PORTICO_REDIS_TIMEOUT_MS: '0' })).toThrow(/PORTICO_REDIS_TIMEOUT_MS/);
  });
});
