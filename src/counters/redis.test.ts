/**
 * The Redis counter store against real Redis: the shared behaviour suite, expiries, several
 * processes sharing one counter, and fail-open / fail-closed against a private redis-server
 * that the tests kill, stall and restart. Every run uses its own random key prefix and
 * deletes its keys afterwards. Without a reachable Redis the suite is skipped locally, but
 * under CI=true it fails.
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeCounterStoreBehaviour, realClock } from './behaviour.test-helper.js';
import { redisCounterKeys } from './redis-keys.js';
import { RedisCounterStore } from './redis.js';
import { MAX_LIVE_SLICES, sliceMsFor } from './window-slices.js';
import {
  SHARED_REDIS_URL,
  deleteKeysWithPrefix,
  keysWithPrefix,
  plainClient,
  probeRedis,
  startPrivateRedisServer,
  type PrivateRedisServer,
} from './redis.test-helper.js';
import type { FailMode } from './types.js';

const reachable = await probeRedis(SHARED_REDIS_URL);
const required = process.env.CI === 'true';
const prefix = `portico-test:${randomUUID()}:`;
/**
 * Correctness tests give Redis a generous answer time: they check counting, not latency, and
 * a loaded test machine must not turn a slow answer into a fail-open. The fail-mode tests
 * below use the 50 ms default.
 */
const CORRECTNESS_TIMEOUT_MS = 2000;

if (!reachable && !required) {
  const reason = `Redis counter store tests skipped: no Redis at ${SHARED_REDIS_URL} (set PORTICO_TEST_REDIS_URL; under CI=true they fail instead)`;
  console.warn(reason);
  describe('RedisCounterStore', () => {
    it.skip(reason, () => {});
  });
} else {
  afterAll(async () => {
    if (reachable) await deleteKeysWithPrefix(SHARED_REDIS_URL, prefix);
  });

  describe('RedisCounterStore prerequisites', () => {
    it(`reaches Redis at ${SHARED_REDIS_URL}`, () => {
      expect(reachable, `no Redis answering at ${SHARED_REDIS_URL}`).toBe(true);
    });
  });

  describeCounterStoreBehaviour('redis', async () => {
    const store = await RedisCounterStore.open({ url: SHARED_REDIS_URL, prefix, timeoutMs: CORRECTNESS_TIMEOUT_MS });
    const client = plainClient(SHARED_REDIS_URL);
    await client.connect();
    return {
      dispose: () => client.disconnect(),
      store,
      clock: realClock(),
      windowMs: 1000,
      // Fields of the sliced window's hash: the slices plus total and head.
      slicedFootprint: { measure: (key: string) => client.hlen(redisCounterKeys(prefix, key).slidingSlices), max: MAX_LIVE_SLICES + 2 },
    };
  });

  describe('RedisCounterStore keys and expiry', () => {
    const client = plainClient(SHARED_REDIS_URL);
    let store: RedisCounterStore;
    const key = (label: string) => `${label}:${randomUUID()}`;

    beforeAll(async () => {
      await client.connect();
      store = await RedisCounterStore.open({ url: SHARED_REDIS_URL, prefix, timeoutMs: CORRECTNESS_TIMEOUT_MS, lifetimeQuotaTtlSec: 7200 });
    });

    afterAll(async () => {
      await store.close();
      client.disconnect();
    });

    it('puts a TTL of one window (plus 1 s) on both sliding-window keys, windows > 300 s included', async () => {
      for (const windowMs of [60_000, 3_600_000]) {
        const counter = key('ttl-sliding');
        await store.hit(counter, { limit: 5, windowMs });
        const names = redisCounterKeys(prefix, counter);
        for (const name of [names.slidingLog, names.slidingMeta]) {
          expect(name.startsWith(prefix)).toBe(true);
          const ttl = await client.pttl(name);
          expect(ttl).toBeGreaterThan(windowMs - 5000);
          expect(ttl).toBeLessThanOrEqual(windowMs + 1000);
        }
      }
    });

    it("decides one turn's sliced calls on several keys in one script per key, as if one by one", async () => {
      const [first, second] = [key('batch-a'), key('batch-b')];
      const options = { limit: 1500, windowMs: 60_000 };
      const hitsOnFirst = Array.from({ length: 1600 }, () => store.hit(first, options));
      const heavyOnSecond = Array.from({ length: 40 }, () => store.hit(second, { ...options, increment: 50 }));
      const addsOnFirst = Array.from({ length: 10 }, () => store.addHits(first, { ...options, increment: 1 }));
      const [firstResults, secondResults] = await Promise.all([Promise.all(hitsOnFirst), Promise.all(heavyOnSecond), Promise.all(addsOnFirst)]);
      const allowed = firstResults.filter((r) => r.allowed);
      expect(allowed).toHaveLength(1500);
      expect(new Set(allowed.map((r) => r.total)).size).toBe(1500);
      for (const refused of firstResults.filter((r) => !r.allowed)) {
        expect(refused.retryAfterMs).toBeGreaterThan(0);
        expect(refused.retryAfterMs).toBeLessThanOrEqual(60_000 + sliceMsFor(60_000));
      }
      expect(secondResults.filter((r) => r.allowed)).toHaveLength(30);
      // The hits were decided first (arrival order), then the unchecked adds were counted.
      expect((await client.hgetall(redisCounterKeys(prefix, first).slidingSlices)).total).toBe('1510');
      expect((await client.hgetall(redisCounterKeys(prefix, second).slidingSlices)).total).toBe('1500');
    });

    it('keeps a large limit in one sliced-window hash with a TTL of the window plus one slice (plus 1 s)', async () => {
      for (const windowMs of [60_000, 3_600_000]) {
        const counter = key('ttl-sliced');
        await store.hit(counter, { limit: 5000, windowMs, increment: 7 });
        await store.addHits(counter, { limit: 5000, windowMs, increment: 3 });
        const names = redisCounterKeys(prefix, counter);
        expect(await client.exists(names.slidingLog, names.slidingMeta)).toBe(0);
        const ttl = await client.pttl(names.slidingSlices);
        expect(ttl).toBeGreaterThan(windowMs - 5000);
        expect(ttl).toBeLessThanOrEqual(windowMs + sliceMsFor(windowMs) + 1000);
        const fields = await client.hgetall(names.slidingSlices);
        expect(fields.total).toBe('10');
        expect(fields.head).toMatch(new RegExp(`^\\d+:${sliceMsFor(windowMs)}$`));
      }
    });

    it('expires a quota key one second after its period ends, and a lifetime quota after its idle TTL', async () => {
      const renewing = key('ttl-quota');
      const firstPeriodStart = Date.now() - 1000;
      const result = await store.quota(renewing, { calls: 5, renewalPeriodSec: 3600, firstPeriodStart });
      const ttl = await client.pttl(redisCounterKeys(prefix, renewing).quota);
      expect(ttl).toBeLessThanOrEqual(result.periodEnd! + 1000 - Date.now() + 5);
      expect(ttl).toBeGreaterThan(result.periodEnd! + 1000 - Date.now() - 5000);

      const lifetime = key('ttl-lifetime');
      await store.quota(lifetime, { calls: 5, renewalPeriodSec: 0 });
      const lifetimeTtl = await client.pttl(redisCounterKeys(prefix, lifetime).quota);
      expect(lifetimeTtl).toBeGreaterThan(7_200_000 - 5000);
      expect(lifetimeTtl).toBeLessThanOrEqual(7_200_000);
    });

    it('writes nothing for a refused call on a fresh key', async () => {
      const counter = key('refused-fresh');
      expect((await store.hit(counter, { limit: 1, windowMs: 1000, increment: 2 })).allowed).toBe(false);
      expect((await store.quota(counter, { calls: 0, renewalPeriodSec: 60 })).allowed).toBe(false);
      const names = redisCounterKeys(prefix, counter);
      expect(await client.exists(names.slidingLog, names.slidingMeta, names.slidingSlices, names.quota)).toBe(0);
    });

    it('shares one Cluster hash tag between the keys of a counter, whatever the key holds', () => {
      for (const counter of ['plain', 'a{b}c', '}x{', '%7B', 'x'.repeat(1000)]) {
        const names = redisCounterKeys(prefix, counter);
        const tags = Object.values(names).map((name) => /\{([^}]*)\}/.exec(name)?.[1]);
        expect(new Set(tags).size).toBe(1);
        expect(tags[0]).toBeTruthy();
      }
      expect(redisCounterKeys(prefix, 'a{b').quota).not.toBe(redisCounterKeys(prefix, 'a%7Bb').quota);
    });

    it('leaves no key without a TTL under the test prefix', async () => {
      const keys = await keysWithPrefix(client, prefix);
      expect(keys.length).toBeGreaterThan(0);
      const ttls = await Promise.all(keys.map((name) => client.pttl(name)));
      expect(keys.filter((_, i) => ttls[i] < 0)).toEqual([]);
    });
  });

  describe('RedisCounterStore across processes', () => {
    it('allows exactly the limit when 3 processes of 25 concurrent clients each hammer one counter', async () => {
      const script = fileURLToPath(new URL('./hammer.test-helper.ts', import.meta.url));
      const env = {
        ...process.env,
        REDIS_URL: SHARED_REDIS_URL,
        PREFIX: prefix,
        WORKERS: '25',
        HIT_KEY: `multi-hit:${randomUUID()}`,
        HIT_LIMIT: '250',
        HIT_CALLS: '400',
        QUOTA_KEY: `multi-quota:${randomUUID()}`,
        QUOTA_CALLS_LIMIT: '150',
        QUOTA_CALLS: '200',
        TIMEOUT_MS: String(CORRECTNESS_TIMEOUT_MS),
      };
      const children = Array.from({ length: 3 }, () => {
        const child = spawn(process.execPath, ['--import', 'tsx', script], { env, stdio: ['pipe', 'pipe', 'inherit'] });
        const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
        return { child, lines, exited: once(child, 'exit') };
      });
      try {
        for (const { lines } of children) expect((await lines.next()).value).toBe('ready');
        for (const { child } of children) child.stdin.write('go\n');
        const reports = await Promise.all(
          children.map(async ({ lines }) => JSON.parse(String((await lines.next()).value)) as { hitsAllowed: number; quotaAllowed: number; stats: { failClosed: number } }),
        );
        for (const { exited } of children) expect((await exited)[0]).toBe(0);
        expect(reports.map((report) => report.stats.failClosed)).toEqual([0, 0, 0]);
        expect(reports.reduce((sum, report) => sum + report.hitsAllowed, 0)).toBe(250);
        expect(reports.reduce((sum, report) => sum + report.quotaAllowed, 0)).toBe(150);
        // For the report: how the allowed calls spread over the processes (not asserted: it varies).
        console.info(`[counters] 3 processes × 25 clients × 400 hits (limit 250) allowed per process: ${reports.map((report) => report.hitsAllowed).join(', ')}`);
      } finally {
        for (const { child } of children) if (child.exitCode === null) child.kill('SIGKILL');
      }
    });
  });
}

/** Measured decision times, printed once at the end so the report can quote them. */
const measured: string[] = [];
const redisServerInstalled = spawnSync('redis-server', ['--version']).status === 0;

if (!redisServerInstalled && !required) {
  const reason = 'Redis fail-mode tests skipped: no redis-server binary on PATH (under CI=true they fail instead)';
  console.warn(reason);
  describe('RedisCounterStore when Redis is away', () => {
    it.skip(reason, () => {});
  });
} else describe('RedisCounterStore when Redis is away (private redis-server)', () => {
  let server: PrivateRedisServer;
  const ownPrefix = `portico-test:${randomUUID()}:`;

  beforeAll(async () => {
    server = await startPrivateRedisServer();
  });

  afterAll(async () => {
    await server.dispose();
    if (measured.length > 0) console.info(`[counters] decision times without Redis (timeoutMs 50):\n  ${measured.join('\n  ')}`);
  });

  async function timed<T>(label: string, run: () => Promise<T>): Promise<T> {
    const start = performance.now();
    const result = await run();
    const elapsed = performance.now() - start;
    measured.push(`${label}: ${elapsed.toFixed(1)} ms`);
    // The target is 50 ms; the assertion is loose so that a loaded machine cannot make it flaky.
    expect(elapsed).toBeLessThan(500);
    return result;
  }

  it.each<FailMode>(['open', 'closed'])('fail-%s: decides fast when Redis dies, counts each decision, and recovers on restart', async (failMode) => {
    const errors: Error[] = [];
    const store = await RedisCounterStore.open({ url: server.url, prefix: ownPrefix, failMode, onError: (error) => errors.push(error) });
    try {
      const counter = `dies:${randomUUID()}`;
      expect(await store.hit(counter, { limit: 5, windowMs: 60_000 })).toMatchObject({ allowed: true, total: 1 });
      expect(store.connected).toBe(true);

      await server.kill();
      const justKilled = await timed(`fail-${failMode}, first call after SIGKILL`, () => store.hit(counter, { limit: 5, windowMs: 60_000 }));
      await sleep(100);
      const down = await timed(`fail-${failMode}, Redis down (reconnecting)`, () => store.hit(counter, { limit: 5, windowMs: 60_000 }));
      const quota = await timed(`fail-${failMode}, quota while down`, () => store.quota(counter, { calls: 5, renewalPeriodSec: 3600 }));
      await store.addHits(counter, { limit: 5, windowMs: 60_000, increment: 1 });
      await store.addQuota(counter, { renewalPeriodSec: 3600, incrementBytes: 10 });

      for (const result of [justKilled, down, quota]) {
        expect(result.failed).toBe(failMode);
        expect(result.allowed).toBe(failMode === 'open');
      }
      if (failMode === 'closed') expect(down.retryAfterMs).toBeGreaterThan(0);
      expect(store.stats).toMatchObject({ failOpen: failMode === 'open' ? 3 : 0, failClosed: failMode === 'closed' ? 3 : 0, droppedIncrements: 2 });
      expect(errors.length).toBeGreaterThan(0);
      // Every error reported to onError is counted, for the metrics layer.
      expect(store.stats.errors).toBe(errors.length);
      expect(store.connected).toBe(false);

      // A restarted Redis is empty and has no scripts loaded: the store must reconnect and reload them.
      await server.start();
      const deadline = Date.now() + 10_000;
      let recovered = await store.hit(counter, { limit: 5, windowMs: 60_000 });
      while (recovered.failed !== undefined && Date.now() < deadline) {
        await sleep(50);
        recovered = await store.hit(counter, { limit: 5, windowMs: 60_000 });
      }
      expect(recovered).toMatchObject({ allowed: true, total: 1 });
      expect(recovered.failed).toBeUndefined();
    } finally {
      await store.close();
    }
  });

  it.each<FailMode>(['open', 'closed'])('fail-%s: decides after about timeoutMs when Redis stalls', async (failMode) => {
    const store = await RedisCounterStore.open({ url: server.url, prefix: ownPrefix, failMode });
    try {
      const counter = `stalls:${randomUUID()}`;
      expect((await store.hit(counter, { limit: 5, windowMs: 60_000 })).failed).toBeUndefined();
      server.pause();
      try {
        const stalled = await timed(`fail-${failMode}, Redis stalled (SIGSTOP)`, () => store.hit(counter, { limit: 5, windowMs: 60_000 }));
        expect(stalled).toMatchObject({ failed: failMode, allowed: failMode === 'open' });
        expect(failMode === 'open' ? store.stats.failOpen : store.stats.failClosed).toBe(1);
      } finally {
        server.resume();
      }
    } finally {
      await store.close();
    }
  });

  it.each<FailMode>(['open', 'closed'])('fail-%s: a stalled batch of sliced calls on several keys is decided per call', async (failMode) => {
    const store = await RedisCounterStore.open({ url: server.url, prefix: ownPrefix, failMode });
    try {
      const keys = [`stalls-sliced-a:${randomUUID()}`, `stalls-sliced-b:${randomUUID()}`];
      expect((await store.hit(keys[0], { limit: 5000, windowMs: 60_000 })).failed).toBeUndefined();
      server.pause();
      try {
        const results = await timed(`fail-${failMode}, sliced batch while Redis is stalled`, () =>
          Promise.all(keys.flatMap((key) => [1, 2, 3].map(() => store.hit(key, { limit: 5000, windowMs: 60_000 })))),
        );
        for (const result of results) expect(result).toMatchObject({ failed: failMode, allowed: failMode === 'open' });
        expect(failMode === 'open' ? store.stats.failOpen : store.stats.failClosed).toBe(6);
      } finally {
        server.resume();
      }
    } finally {
      await store.close();
    }
  });

  it('opens without waiting long when nothing listens, then applies the fail mode', async () => {
    await server.kill();
    try {
      const start = performance.now();
      const store = await RedisCounterStore.open({ url: server.url, prefix: ownPrefix, failMode: 'closed' });
      const openedIn = performance.now() - start;
      measured.push(`open() with nothing listening: ${openedIn.toFixed(1)} ms`);
      try {
        expect(openedIn).toBeLessThan(2500);
        const result = await timed('fail-closed, Redis never reached', () => store.hit('never', { limit: 5, windowMs: 1000 }));
        expect(result).toMatchObject({ allowed: false, failed: 'closed' });
      } finally {
        await store.close();
      }
    } finally {
      await server.start();
    }
  });
});
