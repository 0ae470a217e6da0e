/**
 * Fail-open and fail-closed through the limit policies: the gateway counts in a
 * `redis-server` this test starts on its own port, then the test stalls it (SIGSTOP) and
 * kills it mid-test. Every decision must come at once from the fail mode — no request waits
 * for Redis — and be counted in the store's stats. The machine's shared Redis is not touched.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { counterStoreOptionsFromEnv } from '../src/counters/env.js';
import { openCounterStore } from '../src/counters/open.js';
import { startPrivateRedisServer, type PrivateRedisServer } from '../src/counters/redis.test-helper.js';
import type { CounterStore, FailMode } from '../src/counters/types.js';
import type { PolicyEngine } from '../src/policies/index.js';
import { cleanEnv, RunningCli } from './cli-harness.js';
import { startUpstream } from './cli-upstream.js';
import { startEchoUpstream, type EchoUpstream } from './helpers/echo-upstream.js';
import { SnapshotBuilder } from './helpers/snapshot-builder.js';
import type { TestGateway, TestResponse } from './helpers/test-gateway.js';
import { engineWith, inbound, operationPolicy, startPolicyGateway, withPolicies } from './policies/harness.js';

/**
 * The Redis client's connect timeout (max(1000, timeoutMs)). A request that waited for
 * Redis at all — queued until a reconnect, or until a connect attempt gave up — would take
 * at least this long; every degraded decision here must come well before it.
 */
const REDIS_CONNECT_TIMEOUT_MS = 1000;
const STORE_TIMEOUT_MS = 200;
/**
 * Generous for a loaded 2-CPU machine running a whole gateway request (plus the store's
 * wait when Redis is stalled), still under the connect timeout.
 */
const NO_WAIT_BOUND_MS = 0.8 * REDIS_CONNECT_TIMEOUT_MS;

const byClient = `counter-key="@(context.Request.Headers.GetValueOrDefault("x-client", "anonymous"))"`;

interface Timed {
  response: TestResponse;
  ms: number;
}

async function timedRequest(gw: TestGateway, path: string, client: string): Promise<Timed> {
  const started = performance.now();
  const response = await gw.request(path, { headers: { 'x-client': client } });
  return { response, ms: performance.now() - started };
}

describe.each<FailMode>(['open', 'closed'])('PORTICO_REDIS_FAIL_MODE=%s through the limit policies', (failMode) => {
  let server: PrivateRedisServer;
  let upstream: EchoUpstream;
  let counters: CounterStore;
  let engine: PolicyEngine;
  let gw: TestGateway;

  beforeAll(async () => {
    server = await startPrivateRedisServer();
    upstream = await startEchoUpstream();
    // Configured exactly as `portico start` configures it, from the environment. The wait
    // for Redis is 200 ms rather than the default 50 ms: on a loaded test machine 50 ms can
    // expire while Redis is healthy (see docs/limits.md), which would make the counting
    // phase flaky. A killed Redis is decided at once whatever the wait; a stalled one after it.
    counters = await openCounterStore(
      counterStoreOptionsFromEnv({
        PORTICO_REDIS_URL: server.url,
        PORTICO_REDIS_PREFIX: `failure-test:${randomUUID()}:`,
        PORTICO_REDIS_FAIL_MODE: failMode,
        PORTICO_REDIS_TIMEOUT_MS: String(STORE_TIMEOUT_MS),
      }),
    );
    engine = await engineWith({ counters });
    const snapshot = new SnapshotBuilder()
      .api('limited', { path: 'limited', serviceUrl: upstream.url, subscriptionRequired: false })
      .operation('limited', 'rate', 'GET', '/rate')
      .operation('limited', 'quota', 'GET', '/quota')
      .build();
    gw = await startPolicyGateway(
      withPolicies(snapshot, {
        policies: [
          operationPolicy('limited', 'rate', inbound(`<rate-limit-by-key calls="2" renewal-period="3600" ${byClient} />`)),
          operationPolicy('limited', 'quota', inbound(`<quota-by-key calls="2" renewal-period="3600" ${byClient} />`)),
        ],
      }),
      engine,
    );
  }, 60_000);

  afterAll(async () => {
    await gw?.close();
    await engine?.close();
    await counters?.close();
    await upstream?.close();
    await server?.dispose();
  });

  /** Checks a degraded answer: what the fail mode gives, and that nothing waited for Redis. */
  function expectFailMode({ response, ms }: Timed, refusal: number): void {
    expect(ms).toBeLessThan(NO_WAIT_BOUND_MS);
    if (failMode === 'open') {
      expect(response.statusCode).toBe(200);
      return;
    }
    expect(response.statusCode).toBe(refusal);
    // An outage is transient: come back in a second, whatever the window.
    expect(response.headers['retry-after']).toBe('1');
    expect(response.json()).toEqual(
      refusal === 429
        ? { statusCode: 429, message: 'Rate limit is exceeded. Try again in 1 seconds.' }
        : { statusCode: 403, message: 'Out of call volume quota. Quota will be replenished in 00:00:01.' },
    );
  }

  it('counts in Redis while it is up, decides by the fail mode at once when it stalls or dies, and recovers', { timeout: 60_000 }, async () => {
    const exhausted = `exhausted-${randomUUID()}`;
    for (const path of ['/limited/rate', '/limited/quota']) {
      expect((await timedRequest(gw, path, exhausted)).response.statusCode).toBe(200);
      expect((await timedRequest(gw, path, exhausted)).response.statusCode).toBe(200);
      expect((await timedRequest(gw, path, exhausted)).response.statusCode).toBe(path.endsWith('rate') ? 429 : 403);
    }
    expect(counters.stats).toEqual({ failOpen: 0, failClosed: 0, droppedIncrements: 0, errors: 0 });

    // Stalled: the socket stays open and nothing answers; the 50 ms command timeout decides.
    server.pause();
    try {
      expectFailMode(await timedRequest(gw, '/limited/rate', exhausted), 429);
      expectFailMode(await timedRequest(gw, '/limited/quota', `fresh-${randomUUID()}`), 403);
    } finally {
      server.resume();
    }
    const afterStall = failMode === 'open' ? counters.stats.failOpen : counters.stats.failClosed;
    expect(afterStall).toBe(2);

    // Killed mid-test: the connection is gone; commands are refused at once, not queued.
    await server.kill();
    await sleep(100);
    const decisions: Timed[] = [];
    for (let i = 0; i < 3; i++) {
      decisions.push(await timedRequest(gw, '/limited/rate', i === 0 ? exhausted : `fresh-${randomUUID()}`));
      decisions.push(await timedRequest(gw, '/limited/quota', i === 0 ? exhausted : `fresh-${randomUUID()}`));
    }
    decisions.forEach((decision, i) => expectFailMode(decision, i % 2 === 0 ? 429 : 403));

    const stats = counters.stats;
    expect(failMode === 'open' ? stats.failOpen : stats.failClosed).toBe(afterStall + decisions.length);
    expect(failMode === 'open' ? stats.failClosed : stats.failOpen).toBe(0);
    expect(stats.errors).toBeGreaterThanOrEqual(2 + decisions.length);

    // Redis comes back (empty): counting resumes within about a second.
    await server.start();
    const failures = (): number => counters.stats.failOpen + counters.stats.failClosed;
    const deadline = Date.now() + 15_000;
    for (;;) {
      const before = failures();
      await timedRequest(gw, '/limited/rate', `probe-${randomUUID()}`);
      if (failures() === before) break;
      if (Date.now() > deadline) throw new Error('the counter store did not reconnect within 15 s');
      await sleep(100);
    }
    const client = `after-${randomUUID()}`;
    const first = await timedRequest(gw, '/limited/rate', client);
    expect(first.response.statusCode).toBe(200);
    expect((await timedRequest(gw, '/limited/rate', client)).response.statusCode).toBe(200);
    expect((await timedRequest(gw, '/limited/rate', client)).response.statusCode).toBe(429);
  });
});

describe('PORTICO_REDIS_FAIL_MODE through `portico start`', () => {
  it('fail-closed refuses with 429 once the Redis it counts in is killed', { timeout: 90_000 }, async () => {
    const server = await startPrivateRedisServer();
    const upstream = await startUpstream();
    const dir = await mkdtemp(join(tmpdir(), 'portico-limits-failure-'));
    let cli: RunningCli | undefined;
    try {
      const file = join(dir, 'portico.yaml');
      await writeFile(
        file,
        `backends:
  target: { url: "${upstream.url}" }
apis:
  limited:
    path: limited
    protocols: [http]
    backendId: target
    subscriptionRequired: false
    operations:
      rate:
        method: GET
        urlTemplate: "/rate"
        policy: |
          <policies><inbound><base /><rate-limit-by-key calls="100" renewal-period="3600" counter-key="everyone" /></inbound>
            <backend><base /></backend><outbound><base /></outbound><on-error><base /></on-error></policies>
`,
      );
      cli = new RunningCli(
        ['start', '--data', join(dir, 'data'), '--gateway-port', '0', '--admin-port', '0', '--config', file, '--no-demo'],
        cleanEnv({ PORTICO_REDIS_URL: server.url, PORTICO_REDIS_FAIL_MODE: 'closed', PORTICO_REDIS_PREFIX: `cli-failure:${randomUUID()}:` }),
      );
      const { gateway } = await cli.addresses(60_000);
      expect((await fetch(`${gateway}/limited/rate`)).status).toBe(200);
      await server.kill();
      await sleep(100);
      const refused = await fetch(`${gateway}/limited/rate`);
      expect(refused.status).toBe(429);
      expect(refused.headers.get('retry-after')).toBe('1');
      expect(await refused.json()).toEqual({ statusCode: 429, message: 'Rate limit is exceeded. Try again in 1 seconds.' });
    } finally {
      await cli?.stop();
      await upstream.close();
      await server.dispose();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
