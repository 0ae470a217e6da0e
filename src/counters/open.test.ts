import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../model/errors.js';
import { MemoryCounterStore } from './memory.js';
import { openCounterStore } from './open.js';
import { RedisCounterStore } from './redis.js';
import { SHARED_REDIS_URL, deleteKeysWithPrefix, probeRedis } from './redis.test-helper.js';

const reachable = await probeRedis(SHARED_REDIS_URL);
const required = process.env.CI === 'true';

describe('openCounterStore', () => {
  it('opens the memory store without a Redis URL', async () => {
    for (const redisUrl of [undefined, '', '  ']) {
      const store = await openCounterStore({ redisUrl });
      expect(store).toBeInstanceOf(MemoryCounterStore);
      expect(store.kind).toBe('memory');
      await store.close();
    }
  });

  it('refuses other schemes without echoing the rest of the URL', async () => {
    const attempt = openCounterStore({ redisUrl: 'memcached://user:s3cret@host:11211' });
    await expect(attempt).rejects.toBeInstanceOf(ValidationError);
    await expect(attempt).rejects.not.toThrow(/s3cret/);
  });

  it('refuses a prefix holding braces', async () => {
    await expect(openCounterStore({ redisUrl: 'redis://127.0.0.1:1', prefix: 'a{b}' })).rejects.toBeInstanceOf(ValidationError);
  });

  it.skipIf(!reachable && !required)('opens the Redis store with the given prefix and options', async () => {
    const prefix = `portico-test:${randomUUID()}:`;
    const store = await openCounterStore({ redisUrl: SHARED_REDIS_URL, prefix, failMode: 'closed', timeoutMs: 2000 });
    try {
      expect(store).toBeInstanceOf(RedisCounterStore);
      expect(store.kind).toBe('redis');
      expect(await store.hit('k', { limit: 1, windowMs: 1000 })).toMatchObject({ allowed: true, total: 1 });
      expect(await deleteKeysWithPrefix(SHARED_REDIS_URL, prefix)).toBe(2);
    } finally {
      await store.close();
    }
  });
});
