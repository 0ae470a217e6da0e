/**
 * rate-limit, rate-limit-by-key, quota and quota-by-key through the real gateway and a real upstream, counting in the memory
 * store and in the machine's Redis (under a random prefix, removed afterwards).
 */
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCounterStore } from '../../src/counters/open.js';
import type { CounterStore } from '../../src/counters/types.js';
import { SHARED_REDIS_URL, deleteKeysWithPrefix, probeRedis } from '../../src/counters/redis.test-helper.js';
import type { PolicyEngine } from '../../src/policies/index.js';
import { startEchoUpstream, type EchoUpstream } from '../helpers/echo-upstream.js';
import { SnapshotBuilder } from '../helpers/snapshot-builder.js';
import type { TestGateway } from '../helpers/test-gateway.js';
import { engineWith, inbound, operationPolicy, productPolicy, startPolicyGateway, withPolicies } from './harness.js';

const KEY = 'limits-key';
const OTHER_KEY = 'limits-other-key';
const PRODUCT_KEY = 'limits-product-key';
const keyed = { 'ocp-apim-subscription-key': KEY };
const redisReachable = await probeRedis(SHARED_REDIS_URL);
const redisRequired = process.env.CI === 'true';

const byClient = `counter-key="@(context.Request.Headers.GetValueOrDefault("x-client", "anonymous"))"`;

/** The bytes of a response are added once it has been sent: poll briefly instead of racing that write. */
async function waitFor(condition: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(20);
  }
}

function rateLimitSuite(openStore: () => Promise<CounterStore>): void {
  let upstream: EchoUpstream;
  let counters: CounterStore;
  let engine: PolicyEngine;
  let gw: TestGateway;

  beforeAll(async () => {
    upstream = await startEchoUpstream();
    upstream.route('/failing', (_req, res) => {
      res.statusCode = 500;
      res.end('boom');
    });
    upstream.route('/succeeding', (_req, res) => res.end('fine'));
    // 3 × 512 bytes, chunked (no Content-Length).
    for (const path of ['/upload', '/stream-upload']) {
      upstream.route(path, (req, res) => {
        req.resume();
        req.on('end', () => res.end('ok'));
      });
    }
    upstream.route('/chunky', (_req, res) => {
      res.write('a'.repeat(512));
      res.write('b'.repeat(512));
      res.end('c'.repeat(512));
    });
    const snapshot = new SnapshotBuilder()
      .api('limited', { path: 'limited', serviceUrl: upstream.url })
      .operation('limited', 'three', 'GET', '/three')
      .operation('limited', 'three-again', 'GET', '/three-again')
      .operation('limited', 'shared-a', 'GET', '/shared-a')
      .operation('limited', 'shared-b', 'GET', '/shared-b')
      .operation('limited', 'short', 'GET', '/short')
      .operation('limited', 'failing', 'GET', '/failing')
      .operation('limited', 'succeeding', 'GET', '/succeeding')
      .operation('limited', 'quota', 'GET', '/quota')
      .operation('limited', 'lifetime', 'GET', '/lifetime')
      .operation('limited', 'per-sub', 'GET', '/per-sub')
      .operation('limited', 'sub-quota', 'GET', '/sub-quota')
      .operation('limited', 'bandwidth', 'POST', '/bandwidth')
      .operation('limited', 'once', 'GET', '/once')
      .operation('limited', 'chunky', 'GET', '/chunky')
      .operation('limited', 'upload', 'POST', '/upload')
      .operation('limited', 'stream-upload', 'POST', '/stream-upload')
      .product('limits-product', { apiIds: ['limited'] })
      .subscription('in-product', { scope: '/products/limits-product', primaryKey: PRODUCT_KEY })
      .subscription('s', { scope: '/apis', primaryKey: KEY })
      .subscription('other', { scope: '/apis', primaryKey: OTHER_KEY })
      .build();
    const reports = 'remaining-calls-header-name="x-remaining" total-calls-header-name="x-total"';
    const three = inbound(`<rate-limit-by-key calls="3" renewal-period="600" ${byClient} ${reports} />`);
    const shared = inbound(`<rate-limit-by-key calls="2" renewal-period="600" counter-key="shared-counter" scope="global" />`);
    const onceGlobal = `<rate-limit-by-key calls="3" renewal-period="600" counter-key="@("once-" + context.Request.Headers.GetValueOrDefault("x-client", ""))" scope="global" remaining-calls-header-name="x-remaining" /><quota-by-key calls="3" renewal-period="3600" counter-key="once-quota" scope="global" />`;
    const onFailures = `<rate-limit-by-key calls="2" renewal-period="600" counter-key="failures" scope="global" increment-condition="@(context.Response.StatusCode >= 500)" />`;
    counters = await openStore();
    engine = await engineWith({ counters });
    gw = await startPolicyGateway(
      withPolicies(snapshot, {
        policies: [
          operationPolicy('limited', 'three', three),
          operationPolicy('limited', 'three-again', three),
          operationPolicy('limited', 'shared-a', shared),
          operationPolicy('limited', 'shared-b', shared),
          operationPolicy('limited', 'short', inbound(`<rate-limit-by-key calls="2" renewal-period="1" ${byClient} retry-after-header-name="x-retry" />`)),
          operationPolicy('limited', 'failing', inbound(onFailures)),
          operationPolicy('limited', 'succeeding', inbound(onFailures)),
          operationPolicy('limited', 'quota', inbound(`<quota-by-key calls="2" renewal-period="3600" ${byClient} first-period-start="2024-01-01T00:00:00Z" />`)),
          operationPolicy(
            'limited',
            'per-sub',
            inbound(`<rate-limit calls="5" renewal-period="600" remaining-calls-header-name="x-remaining">
              <api id="limited" calls="3" renewal-period="600">
                <operation id="per-sub" calls="2" renewal-period="600" />
                <operation id="not-this-one" calls="1" renewal-period="600" />
              </api>
            </rate-limit>`),
          ),
          operationPolicy('limited', 'sub-quota', inbound('<quota calls="10" renewal-period="3600"><api name="limited" calls="2" renewal-period="3600" /></quota>')),
          operationPolicy('limited', 'bandwidth', inbound('<quota bandwidth="1" renewal-period="3600" />')),
          operationPolicy('limited', 'lifetime', inbound(`<quota-by-key calls="1" renewal-period="0" ${byClient} />`)),
          // The same scope="global" key at the product and the operation: one hit per request.
          productPolicy('limits-product', inbound(onceGlobal)),
          operationPolicy('limited', 'once', inbound(onceGlobal)),
          operationPolicy('limited', 'chunky', inbound(`<quota-by-key bandwidth="2" renewal-period="3600" ${byClient} />`)),
          operationPolicy('limited', 'stream-upload', inbound(`<quota-by-key bandwidth="2" renewal-period="3600" ${byClient} />`)),
          operationPolicy(
            'limited',
            'upload',
            inbound(`<set-variable name="seen" value="@(context.Request.Body.As<string>(preserveContent: true).Length)" /><quota-by-key bandwidth="2" renewal-period="3600" ${byClient} />`),
          ),
        ],
      }),
      engine,
    );
  });

  afterAll(async () => {
    await gw?.close();
    await engine?.close();
    await counters?.close();
    await upstream?.close();
  });

  it('lets exactly `calls` through, then answers 429 with the body and headers, without calling the backend', async () => {
    const client = { ...keyed, 'x-client': 'alice' };
    for (let i = 1; i <= 3; i++) {
      const response = await gw.request('/limited/three', { headers: client });
      expect(response.statusCode).toBe(200);
      expect(response.headers['x-remaining']).toBe(String(3 - i));
      expect(response.headers['x-total']).toBe('3');
    }
    const before = upstream.requests.length;
    const refused = await gw.request('/limited/three', { headers: client });
    expect(refused.statusCode).toBe(429);
    const retryAfter = Number(refused.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(600);
    expect(refused.json()).toEqual({ statusCode: 429, message: `Rate limit is exceeded. Try again in ${retryAfter} seconds.` });
    expect(refused.headers['x-remaining']).toBe('0');
    expect(upstream.requests.length).toBe(before);
  });

  it('counts each key separately', async () => {
    for (let i = 0; i < 3; i++) expect((await gw.request('/limited/three', { headers: { ...keyed, 'x-client': 'bob' } })).statusCode).toBe(200);
    expect((await gw.request('/limited/three', { headers: { ...keyed, 'x-client': 'bob' } })).statusCode).toBe(429);
    expect((await gw.request('/limited/three', { headers: { ...keyed, 'x-client': 'carol' } })).statusCode).toBe(200);
  });

  it('gives each policy instance its own counter, and shares one with scope="global"', async () => {
    const client = { ...keyed, 'x-client': 'dave' };
    for (let i = 0; i < 3; i++) expect((await gw.request('/limited/three', { headers: client })).statusCode).toBe(200);
    expect((await gw.request('/limited/three', { headers: client })).statusCode).toBe(429);
    expect((await gw.request('/limited/three-again', { headers: client })).statusCode).toBe(200);

    expect((await gw.request('/limited/shared-a', { headers: keyed })).statusCode).toBe(200);
    expect((await gw.request('/limited/shared-b', { headers: keyed })).statusCode).toBe(200);
    expect((await gw.request('/limited/shared-a', { headers: keyed })).statusCode).toBe(429);
  });

  it('lets calls in again once the window has moved on', async () => {
    const client = { ...keyed, 'x-client': `erin-${randomUUID()}` };
    expect((await gw.request('/limited/short', { headers: client })).statusCode).toBe(200);
    expect((await gw.request('/limited/short', { headers: client })).statusCode).toBe(200);
    const refused = await gw.request('/limited/short', { headers: client });
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['x-retry']).toBe('1');
    await sleep(1100);
    expect((await gw.request('/limited/short', { headers: client })).statusCode).toBe(200);
  });

  it('counts only the calls whose response meets increment-condition', async () => {
    for (let i = 0; i < 4; i++) expect((await gw.request('/limited/succeeding', { headers: keyed })).statusCode).toBe(200);
    expect((await gw.request('/limited/failing', { headers: keyed })).statusCode).toBe(500);
    expect((await gw.request('/limited/failing', { headers: keyed })).statusCode).toBe(500);
    const refused = await gw.request('/limited/succeeding', { headers: keyed });
    expect(refused.statusCode).toBe(429);
    expect(refused.json()).toMatchObject({ statusCode: 429 });
  });

  it('rate-limit counts per subscription, with the matching <api> and <operation> limits', async () => {
    const first = await gw.request('/limited/per-sub', { headers: keyed });
    expect(first.statusCode).toBe(200);
    expect(first.headers['x-remaining']).toBe('1');
    expect((await gw.request('/limited/per-sub', { headers: keyed })).statusCode).toBe(200);
    const refused = await gw.request('/limited/per-sub', { headers: keyed });
    expect(refused.statusCode).toBe(429);
    expect(refused.json()).toEqual({ statusCode: 429, message: `Rate limit is exceeded. Try again in ${Number(refused.headers['retry-after'])} seconds.` });
    expect((await gw.request('/limited/per-sub', { headers: { 'ocp-apim-subscription-key': OTHER_KEY } })).statusCode).toBe(200);
  });

  it('quota-by-key allows `calls` per fixed window, then answers 403 with the wait until the hour turns', async () => {
    const client = { ...keyed, 'x-client': `frank-${randomUUID()}` };
    expect((await gw.request('/limited/quota', { headers: client })).statusCode).toBe(200);
    expect((await gw.request('/limited/quota', { headers: client })).statusCode).toBe(200);
    const before = upstream.requests.length;
    const refused = await gw.request('/limited/quota', { headers: client });
    expect(refused.statusCode).toBe(403);
    const retryAfter = Number(refused.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(3600);
    const wait = [Math.floor(retryAfter / 3600), Math.floor((retryAfter % 3600) / 60), retryAfter % 60].map((n) => String(n).padStart(2, '0')).join(':');
    expect(refused.json()).toEqual({ statusCode: 403, message: `Out of call volume quota. Quota will be replenished in ${wait}.` });
    expect(upstream.requests.length).toBe(before);
    expect((await gw.request('/limited/quota', { headers: { ...keyed, 'x-client': `grace-${randomUUID()}` } })).statusCode).toBe(200);
  });

  it('quota counts per subscription, with the matching <api> limit', async () => {
    expect((await gw.request('/limited/sub-quota', { headers: keyed })).statusCode).toBe(200);
    expect((await gw.request('/limited/sub-quota', { headers: keyed })).statusCode).toBe(200);
    const refused = await gw.request('/limited/sub-quota', { headers: keyed });
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({ statusCode: 403, message: expect.stringMatching(/^Out of call volume quota\. Quota will be replenished in \d\d:\d\d:\d\d\.$/) as unknown });
    expect((await gw.request('/limited/sub-quota', { headers: { 'ocp-apim-subscription-key': OTHER_KEY } })).statusCode).toBe(200);
  });

  it('quota counts bandwidth in kilobytes once the response is known', async () => {
    const body = 'x'.repeat(2048);
    expect((await gw.request('/limited/bandwidth', { method: 'POST', headers: keyed, body })).statusCode).toBe(200);
    const refused = await gw.request('/limited/bandwidth', { method: 'POST', headers: keyed, body });
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({ message: expect.stringMatching(/^Out of bandwidth quota\./) as unknown });
  });

  it('counts a scope="global" key named at two scopes once per request', async () => {
    const client = { 'ocp-apim-subscription-key': PRODUCT_KEY, 'x-client': `ivan-${randomUUID()}` };
    for (let i = 1; i <= 3; i++) {
      const response = await gw.request('/limited/once', { headers: client });
      expect(response.statusCode).toBe(200);
      expect(response.headers['x-remaining']).toBe(String(3 - i));
    }
    expect((await gw.request('/limited/once', { headers: client })).statusCode).toBe(429);
    // The global quota (3 calls) was counted once per allowed request too: a fresh rate-limit key still gets 0 more.
    const quotaRefused = await gw.request('/limited/once', { headers: { ...client, 'x-client': `judy-${randomUUID()}` } });
    expect(quotaRefused.statusCode).toBe(403);
  });

  it('quota-by-key counts the bytes of a chunked response as they flow', async () => {
    const client = { ...keyed, 'x-client': `kim-${randomUUID()}` };
    const first = await gw.request('/limited/chunky', { headers: client });
    expect(first.statusCode).toBe(200);
    expect(first.headers['content-length']).toBeUndefined();
    expect(first.text).toBe(`${'a'.repeat(512)}${'b'.repeat(512)}${'c'.repeat(512)}`);
    // 1536 bytes used of 2048: still allowed; then 3072 > 2048.
    expect((await gw.request('/limited/chunky', { headers: client })).statusCode).toBe(200);
    await waitFor(async () => (await gw.request('/limited/chunky', { headers: client })).statusCode === 403);
  });

  it('quota-by-key counts a chunked request body that a policy read (it is forwarded with its length)', async () => {
    const client = { ...keyed, 'x-client': `liam-${randomUUID()}` };
    const upload = () => gw.request('/limited/upload', { method: 'POST', headers: client, body: Readable.from([Buffer.alloc(700, 1), Buffer.alloc(800, 2)]) });
    // 1500 + 2 bytes of 2048: still allowed; then 3004 > 2048.
    expect((await upload()).statusCode).toBe(200);
    expect((await upload()).statusCode).toBe(200);
    await waitFor(async () => (await upload()).statusCode === 403);
  });

  it('quota-by-key counts a chunked request body streamed to the backend unread, as it flowed', async () => {
    const client = { ...keyed, 'x-client': `mia-${randomUUID()}` };
    const upload = () => gw.request('/limited/stream-upload', { method: 'POST', headers: client, body: Readable.from([Buffer.alloc(700, 1), Buffer.alloc(800, 2)]) });
    expect((await upload()).statusCode).toBe(200);
    expect((await upload()).statusCode).toBe(200);
    await waitFor(async () => (await upload()).statusCode === 403);
  });

  it('quota-by-key with renewal-period 0 never renews', async () => {
    const client = { ...keyed, 'x-client': `heidi-${randomUUID()}` };
    expect((await gw.request('/limited/lifetime', { headers: client })).statusCode).toBe(200);
    const refused = await gw.request('/limited/lifetime', { headers: client });
    expect(refused.statusCode).toBe(403);
    expect(refused.headers['retry-after']).toBeUndefined();
    expect(refused.json()).toEqual({ statusCode: 403, message: 'Out of call volume quota. Quota will not be replenished.' });
  });
}

describe('limit policies through the gateway (memory store)', () => {
  rateLimitSuite(() => openCounterStore());
});

describe('limit policies through the gateway (Redis store)', () => {
  const prefix = `portico-test:${randomUUID()}:`;
  if (!redisReachable && !redisRequired) {
    it.skip(`needs Redis at ${SHARED_REDIS_URL} (unreachable)`, () => {});
    return;
  }
  afterAll(async () => {
    await deleteKeysWithPrefix(SHARED_REDIS_URL, prefix);
  });
  rateLimitSuite(() => openCounterStore({ redisUrl: SHARED_REDIS_URL, prefix, timeoutMs: 2000 }));
});
