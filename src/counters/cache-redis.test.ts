/**
 * The Redis cache store against real Redis (its own random key prefix, deleted afterwards),
 * and against a private redis-server the test kills: errors become misses, never failures.
 * Without a reachable Redis the suite is skipped locally; under CI=true it fails.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { RedisCacheStore } from './cache-redis.js';
import { SHARED_REDIS_URL, deleteKeysWithPrefix, keysWithPrefix, plainClient, probeRedis, startPrivateRedisServer } from './redis.test-helper.js';

const reachable = await probeRedis(SHARED_REDIS_URL);
const required = process.env.CI === 'true';
const prefix = `portico-test:${randomUUID()}:`;

if (!reachable && !required) {
  const reason = `Redis cache store tests skipped: no Redis at ${SHARED_REDIS_URL} (set PORTICO_TEST_REDIS_URL; under CI=true they fail instead)`;
  console.warn(reason);
  describe('RedisCacheStore', () => {
    it.skip(reason, () => {});
  });
} else {
  afterAll(async () => {
    if (reachable) await deleteKeysWithPrefix(SHARED_REDIS_URL, prefix);
  });

  describe('RedisCacheStore', () => {
    it(`reaches Redis at ${SHARED_REDIS_URL}`, () => {
      expect(reachable, `no Redis answering at ${SHARED_REDIS_URL}`).toBe(true);
    });

    it('stores bytes under its prefix with a TTL, reads and deletes them', async () => {
      const store = await RedisCacheStore.open({ url: SHARED_REDIS_URL, prefix, timeoutMs: 2000 });
      const client = plainClient(SHARED_REDIS_URL);
      try {
        const value = Buffer.from([0, 1, 2, 255, 0x7b, 0x22]);
        expect(await store.set('r:abc', value, 60_000)).toBe(true);
        expect(await store.get('r:abc')).toEqual(value);
        expect(await store.get('r:missing')).toBeUndefined();
        await client.connect();
        expect(await keysWithPrefix(client, prefix)).toEqual([`${prefix}cache:r:abc`]);
        const ttl = await client.pttl(`${prefix}cache:r:abc`);
        expect(ttl).toBeGreaterThan(0);
        expect(ttl).toBeLessThanOrEqual(60_000);
        await store.delete('r:abc');
        expect(await store.get('r:abc')).toBeUndefined();
        expect(store.stats).toMatchObject({ hits: 1, misses: 2, sets: 1, errors: 0, entries: -1, bytes: -1 });
      } finally {
        client.disconnect();
        await store.close();
      }
    });

    it('lets Redis expire entries', async () => {
      const store = await RedisCacheStore.open({ url: SHARED_REDIS_URL, prefix, timeoutMs: 2000 });
      try {
        await store.set('short', Buffer.from('x'), 1);
        await sleep(20);
        expect(await store.get('short')).toBeUndefined();
        expect(await store.set('never', Buffer.from('x'), 0)).toBe(false);
      } finally {
        await store.close();
      }
    });

    it('answers a miss, counted as an error, when Redis is away, and recovers when it is back', async () => {
      const server = await startPrivateRedisServer();
      const errors: Error[] = [];
      const store = await RedisCacheStore.open({ url: server.url, prefix, onError: (e) => errors.push(e) });
      try {
        expect(await store.set('k', Buffer.from('v'), 60_000)).toBe(true);
        await server.kill();
        expect(await store.get('k')).toBeUndefined();
        expect(await store.set('k2', Buffer.from('v'), 60_000)).toBe(false);
        await store.delete('k');
        expect(store.stats.errors).toBeGreaterThanOrEqual(3);
        expect(errors.length).toBeGreaterThan(0);
        await server.start();
        const deadline = Date.now() + 15_000;
        while (!store.connected && Date.now() < deadline) await sleep(50);
        expect(await store.set('k3', Buffer.from('back'), 60_000)).toBe(true);
        expect((await store.get('k3'))?.toString()).toBe('back');
      } finally {
        await store.close();
        await server.dispose();
      }
    }, 30_000);
  });
}
