/**
 * cache-lookup / cache-store and the cache-*-value policies through the real gateway, with
 * a counting upstream (a hit must not reach it), in the memory cache (with a test clock for
 * expiry) and in the machine's Redis (under a random prefix, removed afterwards).
 */
import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryCacheStore } from '../../src/counters/cache-memory.js';
import { openCaches, type OpenedCaches } from '../../src/counters/cache-open.js';
import { SHARED_REDIS_URL, deleteKeysWithPrefix, keysWithPrefix, plainClient, probeRedis, startPrivateRedisServer } from '../../src/counters/redis.test-helper.js';
import type { ConfigSnapshot } from '../../src/config/snapshot.js';
import type { PolicyEngine } from '../../src/policies/index.js';
import { startEchoUpstream, type EchoUpstream } from '../helpers/echo-upstream.js';
import { sendRaw } from '../helpers/raw-http.js';
import { SnapshotBuilder } from '../helpers/snapshot-builder.js';
import type { TestGateway } from '../helpers/test-gateway.js';
import { engineWith, inbound, operationPolicy, sharedEngine, startPolicyGateway, withPolicies } from './harness.js';

const KEYS = { alice1: 'key-alice-1', alice2: 'key-alice-2', bob: 'key-bob', carol: 'key-carol', lone: 'key-lone' } as const;
type Caller = keyof typeof KEYS;
const as = (caller: Caller, extra: Record<string, string> = {}) => ({ 'ocp-apim-subscription-key': KEYS[caller], ...extra });

const redisReachable = await probeRedis(SHARED_REDIS_URL);
const redisRequired = process.env.CI === 'true';

/** An upstream that counts the calls per method and path and answers with the count in the body. */
class CountingUpstream {
  readonly hits = new Map<string, number>();
  readonly lastHeaders = new Map<string, IncomingHttpHeaders>();
  constructor(readonly upstream: EchoUpstream) {}

  count(method: string, path: string): number {
    return this.hits.get(`${method} ${path}`) ?? 0;
  }

  route(path: string, answer: (res: ServerResponse, n: number, req: IncomingMessage) => void): void {
    this.upstream.route(path, (req, res) => {
      const key = `${req.method} ${path}`;
      const n = (this.hits.get(key) ?? 0) + 1;
      this.hits.set(key, n);
      this.lastHeaders.set(key, req.headers);
      req.resume();
      req.on('end', () => answer(res, n, req));
    });
  }

  /** 200 JSON with Content-Length, a repeated header and an ETag: a typical cacheable answer. */
  json(path: string, extra: Record<string, string | string[]> = {}, status = 200): void {
    this.route(path, (res, n, req) => {
      const body = JSON.stringify({ n, url: req.url });
      res.writeHead(status, { 'content-type': 'application/json', 'x-multi': ['one', 'two'], etag: `"v${n}"`, ...extra });
      res.end(body);
    });
  }
}

/** A document with cache-lookup in inbound and cache-store in outbound. */
function cached(options: { lookup?: string; vary?: string; store?: string; outbound?: string } = {}): string {
  // APIM's documents always carry the two vary-by-developer attributes; the defaults fill in what `lookup` leaves out.
  let lookup = options.lookup ?? '';
  for (const name of ['vary-by-developer', 'vary-by-developer-groups']) if (!lookup.includes(`${name}=`)) lookup += ` ${name}="false"`;
  return `<policies>
    <inbound><base /><cache-lookup ${lookup}>${options.vary ?? ''}</cache-lookup></inbound>
    <backend><base /></backend>
    <outbound><base />${options.outbound ?? ''}<cache-store ${options.store ?? 'duration="600"'} /></outbound>
    <on-error><base /></on-error>
  </policies>`;
}

function rawGet(port: number, path: string, headers: Record<string, string>): Promise<string> {
  const lines = [`GET ${path} HTTP/1.1`, 'Host: cache.test', 'Connection: close', ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
  return sendRaw(port, `${lines.join('\r\n')}\r\n\r\n`).then((r) => r.raw);
}

function withOwners(snapshot: ConfigSnapshot): ConfigSnapshot {
  const owners: Record<string, string> = { alice1: '/users/alice', alice2: '/users/alice', bob: '/users/bob', carol: '/users/carol' };
  return {
    ...snapshot,
    subscriptions: snapshot.subscriptions.map((s) => (owners[s.id] === undefined ? s : { ...s, ownerId: owners[s.id] })),
    users: [
      { id: 'alice', state: 'active', groupIds: ['developers', 'gold'] },
      { id: 'bob', state: 'active', groupIds: ['developers'] },
      { id: 'carol', state: 'active', groupIds: ['gold', 'developers'] },
    ],
    groups: [
      { id: 'developers', displayName: 'Developers', type: 'system' },
      { id: 'gold', displayName: 'Gold', type: 'custom' },
    ],
  };
}

function shopSnapshot(url: string, policies: [operation: string, method: string, template: string, document: string][]): ConfigSnapshot {
  const builder = new SnapshotBuilder().api('shop', { path: 'shop', serviceUrl: url });
  for (const [id, method, template] of policies) builder.operation('shop', id, method, template);
  for (const [caller, key] of Object.entries(KEYS)) builder.subscription(caller, { scope: '/apis', primaryKey: key });
  return withPolicies(withOwners(builder.build()), { policies: policies.map(([id, , , doc]) => operationPolicy('shop', id, doc)) });
}

describe('response caching in the memory cache', () => {
  let upstream: EchoUpstream;
  let counting: CountingUpstream;
  let memory: MemoryCacheStore;
  let now = 1_700_000_000_000;
  let engine: PolicyEngine;
  let gw: TestGateway;
  const get = (path: string, caller: Caller = 'alice1', extra: Record<string, string> = {}) => gw.request(path, { headers: as(caller, extra) });

  beforeAll(async () => {
    upstream = await startEchoUpstream();
    counting = new CountingUpstream(upstream);
    for (const id of ['1', '2']) counting.json(`/items/${id}`);
    for (const path of ['/dev', '/groups', '/shared', '/expiring', '/ext-none', '/auth', '/auth-allowed', '/conditional']) counting.json(path);
    counting.json('/missing', {}, 404);
    counting.json('/missing-cached', {}, 404);
    counting.json('/cookie', { 'set-cookie': 'session=abc; HttpOnly' });
    counting.json('/cookie-allowed', { 'set-cookie': 'session=abc; HttpOnly' });
    counting.json('/nostore', { 'cache-control': 'no-store' });
    counting.json('/private', { 'cache-control': 'private, max-age=60' });
    counting.json('/downstream');
    counting.json('/downstream-private', { 'cache-control': 'max-age=5' });
    counting.route('/chunked', (res, n) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write(`part one of call ${n};`);
      setImmediate(() => res.end(' part two'));
    });
    counting.route('/broken', (res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('the first half,');
      setImmediate(() => res.destroy());
    });
    const big = Buffer.alloc(3 * 1024 * 1024, 'x');
    counting.route('/big', (res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      for (let i = 0; i < big.length; i += 256 * 1024) res.write(big.subarray(i, i + 256 * 1024));
      res.end();
    });

    const items = cached({
      vary: '<vary-by-header>X-Variant</vary-by-header><vary-by-query-parameter>page;size</vary-by-query-parameter>',
      outbound: '<set-status code="200" reason="Fresh From Backend" />',
    });
    memory = new MemoryCacheStore({ now: () => now });
    engine = await engineWith({ caches: { internal: memory } });
    gw = await startPolicyGateway(
      shopSnapshot(upstream.url, [
        ['items', 'GET', '/items/{id}', items],
        ['items-post', 'POST', '/items/{id}', items],
        ['dev', 'GET', '/dev', cached({ lookup: 'vary-by-developer="true"' })],
        ['groups', 'GET', '/groups', cached()],
        ['shared', 'GET', '/shared', cached()],
        ['missing', 'GET', '/missing', cached()],
        ['missing-cached', 'GET', '/missing-cached', cached({ store: 'duration="600" cache-response="@(context.Response.StatusCode == 404)"' })],
        ['expiring', 'GET', '/expiring', cached({ store: 'duration="5"' })],
        ['cookie', 'GET', '/cookie', cached()],
        ['cookie-allowed', 'GET', '/cookie-allowed', cached({ lookup: 'allow-private-response-caching="true"' })],
        ['nostore', 'GET', '/nostore', cached()],
        ['private', 'GET', '/private', cached()],
        ['auth', 'GET', '/auth', cached()],
        ['auth-allowed', 'GET', '/auth-allowed', cached({ lookup: 'allow-private-response-caching="true"', vary: '<vary-by-header>Authorization</vary-by-header>' })],
        ['downstream', 'GET', '/downstream', cached({ lookup: 'downstream-caching-type="public"' })],
        ['downstream-private', 'GET', '/downstream-private', cached({ lookup: 'downstream-caching-type="@("pri" + "vate")" must-revalidate="false"' })],
        ['conditional', 'GET', '/conditional', cached()],
        ['chunked', 'GET', '/chunked', cached()],
        ['big', 'GET', '/big', cached()],
        ['broken', 'GET', '/broken', cached()],
        ['ext-none', 'GET', '/ext-none', cached({ lookup: 'caching-type="external"' })],
      ]),
      engine,
    );
  });

  afterAll(async () => {
    await gw?.close();
    await engine?.close();
    await memory?.close();
    await upstream?.close();
  });

  it('answers a repeated GET from the cache, byte for byte, without calling the backend', async () => {
    const first = await rawGet(gw.port, '/shop/items/1?page=1', as('alice1'));
    expect(counting.count('GET', '/items/1')).toBe(1);
    const second = await rawGet(gw.port, '/shop/items/1?page=1', as('alice1'));
    expect(counting.count('GET', '/items/1')).toBe(1);
    expect(second).toBe(first);
    expect(first).toMatch(/^HTTP\/1\.1 200 Fresh From Backend\r\n/);
    expect(first).toContain('x-multi: one\r\nx-multi: two\r\n');
    expect(first).toContain('"n":1');
  });

  it('keys by the matched URL, the varied headers and the varied query parameters only', async () => {
    const base = counting.count('GET', '/items/2');
    await get('/shop/items/2?page=1');
    await get('/shop/items/2?page=1&unrelated=x'); // not varied on: same entry (as in APIM)
    expect(counting.count('GET', '/items/2')).toBe(base + 1);
    await get('/shop/items/2?page=2');
    await get('/shop/items/2?page=1&size=10');
    await get('/shop/items/2?page=1', 'alice1', { 'x-variant': 'a' });
    await get('/shop/items/2?page=1', 'alice1', { 'x-variant': '' });
    expect(counting.count('GET', '/items/2')).toBe(base + 5);
    const again = await get('/shop/items/2?page=1', 'alice1', { 'x-variant': 'a' });
    expect(counting.count('GET', '/items/2')).toBe(base + 5);
    expect(again.json()).toMatchObject({ n: base + 4 });
  });

  it('neither looks up nor stores for POST', async () => {
    await get('/shop/items/1?page=9');
    const post = () => gw.request('/shop/items/1?page=9', { method: 'POST', headers: as('alice1'), body: 'x' });
    expect((await post()).json()).toMatchObject({ n: 1 });
    expect((await post()).json()).toMatchObject({ n: 2 });
    expect(counting.count('POST', '/items/1')).toBe(2);
  });

  it('varies by developer: the subscription owner, or the subscription without one', async () => {
    const bodies = [];
    for (const caller of ['alice1', 'alice2', 'bob', 'lone', 'lone'] as const) bodies.push((await get('/shop/dev', caller)).json<{ n: number }>().n);
    expect(bodies).toEqual([1, 1, 2, 3, 3]);
    expect(counting.count('GET', '/dev')).toBe(3);
  });

  it('shares one entry between developers unless told to vary', async () => {
    expect((await get('/shop/shared', 'alice1')).json()).toMatchObject({ n: 1 });
    expect((await get('/shop/shared', 'bob')).json()).toMatchObject({ n: 1 });
    expect(counting.count('GET', '/shared')).toBe(1);
  });

  it('does not cache other statuses than 200 unless cache-response says so', async () => {
    expect((await get('/shop/missing')).statusCode).toBe(404);
    expect((await get('/shop/missing')).statusCode).toBe(404);
    expect(counting.count('GET', '/missing')).toBe(2);
    expect((await get('/shop/missing-cached')).statusCode).toBe(404);
    expect((await get('/shop/missing-cached')).statusCode).toBe(404);
    expect(counting.count('GET', '/missing-cached')).toBe(1);
  });

  it('forgets an entry after its duration', async () => {
    await get('/shop/expiring');
    await get('/shop/expiring');
    expect(counting.count('GET', '/expiring')).toBe(1);
    now += 4_999;
    await get('/shop/expiring');
    expect(counting.count('GET', '/expiring')).toBe(1);
    now += 1;
    expect((await get('/shop/expiring')).json()).toMatchObject({ n: 2 });
    expect(counting.count('GET', '/expiring')).toBe(2);
  });

  it('does not cache Set-Cookie, no-store or private responses unless private caching is allowed', async () => {
    for (const path of ['/cookie', '/nostore', '/private']) {
      await get(`/shop${path}`);
      await get(`/shop${path}`);
      expect(counting.count('GET', path), path).toBe(2);
    }
    const first = await get('/shop/cookie-allowed');
    const second = await get('/shop/cookie-allowed');
    expect(counting.count('GET', '/cookie-allowed')).toBe(1);
    expect(second.headers['set-cookie']).toBe(first.headers['set-cookie']);
  });

  it('bypasses requests with Authorization unless allowed, and then varies by it', async () => {
    await get('/shop/auth', 'alice1', { authorization: 'Bearer a' });
    await get('/shop/auth', 'alice1', { authorization: 'Bearer a' });
    expect(counting.count('GET', '/auth')).toBe(2);
    await get('/shop/auth-allowed', 'alice1', { authorization: 'Bearer a' });
    await get('/shop/auth-allowed', 'alice1', { authorization: 'Bearer a' });
    expect(counting.count('GET', '/auth-allowed')).toBe(1);
    expect((await get('/shop/auth-allowed', 'alice1', { authorization: 'Bearer b' })).json()).toMatchObject({ n: 2 });
  });

  it('tells downstream caches what downstream-caching-type allows, on the miss and on every hit', async () => {
    const miss = await get('/shop/downstream');
    const hit = await get('/shop/downstream');
    expect(counting.count('GET', '/downstream')).toBe(1);
    expect(miss.headers['cache-control']).toBe('public, max-age=600, must-revalidate');
    expect(hit.headers['cache-control']).toBe('public, max-age=600, must-revalidate');
    expect((await get('/shop/downstream-private')).headers['cache-control']).toBe('private, max-age=600');
    expect((await get('/shop/downstream-private')).headers['cache-control']).toBe('private, max-age=600');
    expect(counting.count('GET', '/downstream-private')).toBe(1);
    // none (the default) leaves the backend's header alone.
    expect((await get('/shop/private')).headers['cache-control']).toBe('private, max-age=60');
  });

  it('asks the backend for a complete response on a miss (conditional headers removed)', async () => {
    const response = await get('/shop/conditional', 'alice1', { 'if-none-match': '"v0"', 'if-modified-since': 'Wed, 21 Oct 2015 07:28:00 GMT' });
    expect(response.statusCode).toBe(200);
    const seen = counting.lastHeaders.get('GET /conditional')!;
    expect(seen['if-none-match']).toBeUndefined();
    expect(seen['if-modified-since']).toBeUndefined();
  });

  it('caches a streamed (chunked) body and serves the same head and body', async () => {
    const first = await sendRaw(gw.port, `GET /shop/chunked HTTP/1.1\r\nHost: cache.test\r\nConnection: close\r\nOcp-Apim-Subscription-Key: ${KEYS.alice1}\r\n\r\n`);
    const second = await sendRaw(gw.port, `GET /shop/chunked HTTP/1.1\r\nHost: cache.test\r\nConnection: close\r\nOcp-Apim-Subscription-Key: ${KEYS.alice1}\r\n\r\n`);
    expect(counting.count('GET', '/chunked')).toBe(1);
    expect(second.statusCode).toBe(200);
    expect(second.body).toBe('part one of call 1; part two');
    expect(second.body).toBe(first.body);
    expect(second.headers).toEqual(first.headers);
  });

  it('passes on a body the backend cut mid-way as it came, cut, without caching it or failing into on-error', async () => {
    const request = `GET /shop/broken HTTP/1.1\r\nHost: cache.test\r\nConnection: close\r\nOcp-Apim-Subscription-Key: ${KEYS.alice1}\r\n\r\n`;
    const first = await sendRaw(gw.port, request);
    expect(first.statusCode).toBe(200);
    expect(first.raw).not.toMatch(/\r\n0\r\n\r\n$/);
    expect(first.raw).toContain('the first half,');
    await sendRaw(gw.port, request);
    expect(counting.count('GET', '/broken')).toBe(2);
  });

  it('passes a response larger than 2 MiB through whole, without caching it', async () => {
    const first = await get('/shop/big');
    const second = await get('/shop/big');
    expect(first.text.length).toBe(3 * 1024 * 1024);
    expect(second.text).toBe(first.text);
    expect(counting.count('GET', '/big')).toBe(2);
  });

  it('caches nothing with caching-type="external" when no external cache is configured', async () => {
    await get('/shop/ext-none');
    await get('/shop/ext-none');
    expect(counting.count('GET', '/ext-none')).toBe(2);
  });

  it('keeps the memory cache within its byte bound', () => {
    expect(memory.stats.bytes).toBeLessThanOrEqual(memory.stats.maxBytes);
    expect(memory.stats.hits).toBeGreaterThan(0);
  });
});

describe('vary-by-developer-groups', () => {
  let upstream: EchoUpstream;
  let counting: CountingUpstream;
  let gw: TestGateway;

  beforeAll(async () => {
    upstream = await startEchoUpstream();
    counting = new CountingUpstream(upstream);
    counting.json('/groups');
    gw = await startPolicyGateway(shopSnapshot(upstream.url, [['groups', 'GET', '/groups', cached({ lookup: 'vary-by-developer-groups="true"' })]]));
  });

  afterAll(async () => {
    await gw?.close();
    await upstream?.close();
  });

  it('shares entries between developers of the same groups only', async () => {
    const n = async (caller: Caller) => (await gw.request('/shop/groups', { headers: as(caller) })).json<{ n: number }>().n;
    expect(await n('alice1')).toBe(1);
    expect(await n('carol')).toBe(1); // same groups, listed in another order
    expect(await n('bob')).toBe(2);
    expect(await n('lone')).toBe(3);
    expect(counting.count('GET', '/groups')).toBe(3);
  });
});

const VALUE_POLICIES = {
  store: inbound(`
    <cache-store-value key="str" value="@(context.Request.Headers.GetValueOrDefault("x-value", ""))" duration="600" />
    <cache-store-value key="num" value="@(41)" duration="600" />
    <cache-store-value key="flag" value="@(true)" duration="600" />
    <cache-store-value key="json" value="@(JObject.Parse("{\\"a\\":{\\"b\\":[1,2]}}"))" duration="600" />
    <return-response><set-status code="204" reason="Stored" /></return-response>`),
  read: inbound(`
    <cache-lookup-value key="str" variable-name="s" default-value="none" />
    <cache-lookup-value key="num" variable-name="n" />
    <cache-lookup-value key="flag" variable-name="f" />
    <cache-lookup-value key="json" variable-name="j" />
    <return-response>
      <set-status code="200" />
      <set-body>@{
        var j = context.Variables.GetValueOrDefault<JObject>("j");
        return context.Variables.GetValueOrDefault<string>("s", "unset") + "|" + (context.Variables.GetValueOrDefault<int>("n", -1) + 1) + "|" + context.Variables.GetValueOrDefault<bool>("f", false) + "|" + (j == null ? "unset" : j["a"]["b"][1].ToString()) + "|" + context.Variables.ContainsKey("n");
      }</set-body>
    </return-response>`),
  remove: inbound(`<cache-remove-value key="str" /><cache-remove-value key="num" /><return-response><set-status code="204" reason="Removed" /></return-response>`),
};

function valueSuite(cachingType: string, open: () => Promise<{ engine: PolicyEngine; close: () => Promise<void> }>): void {
  let upstream: EchoUpstream;
  let gw: TestGateway;
  let close: () => Promise<void>;

  beforeAll(async () => {
    upstream = await startEchoUpstream();
    const opened = await open();
    close = opened.close;
    const withType = (doc: string) => doc.replace(/<cache-(store|lookup|remove)-value /g, `<cache-$1-value caching-type="${cachingType}" `);
    gw = await startPolicyGateway(
      shopSnapshot(upstream.url, [
        ['store', 'GET', '/values/store', withType(VALUE_POLICIES.store)],
        ['read', 'GET', '/values/read', withType(VALUE_POLICIES.read)],
        ['remove', 'GET', '/values/remove', withType(VALUE_POLICIES.remove)],
      ]),
      opened.engine,
    );
  });

  afterAll(async () => {
    await gw?.close();
    await close?.();
    await upstream?.close();
  });

  it('stores values with their type, reads them back, applies the default on a miss and removes them', async () => {
    const read = async () => (await gw.request('/shop/values/read', { headers: as('alice1') })).text;
    expect(await read()).toBe('none|0|False|unset|False');
    expect((await gw.request('/shop/values/store', { headers: as('alice1', { 'x-value': 'hello' }) })).statusCode).toBe(204);
    expect(await read()).toBe('hello|42|True|2|True');
    expect((await gw.request('/shop/values/remove', { headers: as('alice1') })).statusCode).toBe(204);
    expect(await read()).toBe('none|0|True|2|False');
  });
}

describe('cache-*-value in the memory cache', () => {
  valueSuite('internal', async () => {
    const engine = await engineWith({});
    return { engine, close: () => engine.close() };
  });
});

describe('save-time checks', () => {
  const problems = async (doc: string) => (await sharedEngine()).problems(doc, 'rawxml', 'operation').map((p) => p.code);

  it('refuses misplaced policies, bad attributes and unknown children', async () => {
    expect(await problems(inbound('<cache-store duration="10" />'))).toEqual(['PolicyNotAllowedInSection']);
    expect(await problems(inbound('<cache-lookup downstream-caching-type="sometimes" />'))).toEqual(['InvalidAttributeValue']);
    expect(await problems(inbound('<cache-lookup caching-type="nearby" />'))).toEqual(['InvalidAttributeValue']);
    expect(await problems(inbound('<cache-lookup><vary-by-cookie>x</vary-by-cookie></cache-lookup>'))).toEqual(['UnexpectedElement']);
    expect(await problems(inbound('<cache-lookup><vary-by-header>@(context.Api.Id)</vary-by-header></cache-lookup>'))).toEqual(['InvalidAttributeValue']);
    expect(await problems('<policies><outbound><cache-store /></outbound></policies>')).toEqual(['MissingAttribute']);
    expect(await problems(inbound('<cache-lookup-value key="k" />'))).toEqual(['MissingAttribute']);
    expect(await problems(inbound('<cache-store-value key="k" value="v" duration="-1" />'))).toEqual(['InvalidAttributeValue']);
    expect(await problems(inbound('<cache-lookup vary-by-developer="true" vary-by-developer-groups="false"><vary-by-header>Accept</vary-by-header><vary-by-query-parameter>a;b</vary-by-query-parameter></cache-lookup>'))).toEqual([]);
  });
});

if (!redisReachable && !redisRequired) {
  const reason = `Redis caching tests skipped: no Redis at ${SHARED_REDIS_URL} (set PORTICO_TEST_REDIS_URL; under CI=true they fail instead)`;
  console.warn(reason);
  describe('caching in Redis', () => {
    it.skip(reason, () => {});
  });
} else {
  const prefix = `portico-test:${randomUUID()}:`;
  afterAll(async () => {
    if (redisReachable) await deleteKeysWithPrefix(SHARED_REDIS_URL, prefix);
  });

  describe('response caching in Redis (external)', () => {
    let upstream: EchoUpstream;
    let counting: CountingUpstream;
    let caches: OpenedCaches;
    let engine: PolicyEngine;
    let gw: TestGateway;
    const redisKeys = async () => {
      const client = plainClient(SHARED_REDIS_URL);
      try {
        await client.connect();
        return await keysWithPrefix(client, `${prefix}cache:r:`);
      } finally {
        client.disconnect();
      }
    };

    beforeAll(async () => {
      expect(redisReachable, `no Redis answering at ${SHARED_REDIS_URL}`).toBe(true);
      upstream = await startEchoUpstream();
      counting = new CountingUpstream(upstream);
      for (const path of ['/ext', '/prefer', '/internal']) counting.json(path);
      caches = await openCaches({ redisUrl: SHARED_REDIS_URL, prefix, timeoutMs: 2000 });
      engine = await engineWith({ caches: { internal: caches.internal, external: caches.external } });
      gw = await startPolicyGateway(
        shopSnapshot(upstream.url, [
          ['ext', 'GET', '/ext', cached({ lookup: 'caching-type="external"', outbound: '<set-status code="200" reason="Stored In Redis" />' })],
          ['prefer', 'GET', '/prefer', cached()],
          ['internal', 'GET', '/internal', cached({ lookup: 'caching-type="internal"' })],
        ]),
        engine,
      );
    });

    afterAll(async () => {
      await gw?.close();
      await engine?.close();
      await caches?.close();
      await upstream?.close();
    });

    it('stores in Redis and answers hits byte for byte without calling the backend', async () => {
      const first = await rawGet(gw.port, '/shop/ext', as('alice1'));
      const second = await rawGet(gw.port, '/shop/ext', as('alice1'));
      expect(counting.count('GET', '/ext')).toBe(1);
      expect(second).toBe(first);
      expect(first).toMatch(/^HTTP\/1\.1 200 Stored In Redis\r\n/);
      expect(await redisKeys()).toHaveLength(1);
      expect(caches.external!.stats.hits).toBeGreaterThanOrEqual(1);
    });

    it('prefers Redis by default, and keeps internal entries out of it', async () => {
      await gw.request('/shop/prefer', { headers: as('alice1') });
      await gw.request('/shop/prefer', { headers: as('bob') });
      expect(counting.count('GET', '/prefer')).toBe(1);
      expect(await redisKeys()).toHaveLength(2);
      await gw.request('/shop/internal', { headers: as('alice1') });
      await gw.request('/shop/internal', { headers: as('alice1') });
      expect(counting.count('GET', '/internal')).toBe(1);
      expect(await redisKeys()).toHaveLength(2);
    });
  });

  describe('a Redis cache that goes away', () => {
    it('turns into misses: every request still reaches the backend and succeeds', async () => {
      const server = await startPrivateRedisServer();
      const upstream = await startEchoUpstream();
      const counting = new CountingUpstream(upstream);
      counting.json('/flaky');
      const caches = await openCaches({ redisUrl: server.url, prefix, onError: () => {} });
      const engine = await engineWith({ caches: { internal: caches.internal, external: caches.external } });
      const gw = await startPolicyGateway(
        shopSnapshot(upstream.url, [
          ['flaky', 'GET', '/flaky', cached({ lookup: 'caching-type="external"' })],
          ['values', 'GET', '/values', inbound('<cache-store-value key="k" value="v" duration="60" caching-type="external" /><cache-lookup-value key="k" variable-name="x" default-value="missed" caching-type="external" /><return-response><set-body>@((string)context.Variables["x"])</set-body></return-response>')],
        ]),
        engine,
      );
      try {
        await gw.request('/shop/flaky', { headers: as('alice1') });
        await gw.request('/shop/flaky', { headers: as('alice1') });
        expect(counting.count('GET', '/flaky')).toBe(1);
        await server.kill();
        for (let i = 0; i < 3; i++) {
          const response = await gw.request('/shop/flaky', { headers: as('alice1') });
          expect(response.statusCode).toBe(200);
        }
        expect(counting.count('GET', '/flaky')).toBe(4);
        const value = await gw.request('/shop/values', { headers: as('alice1') });
        expect(value.statusCode).toBe(200);
        expect(value.text).toBe('missed');
        expect(caches.external!.stats.errors).toBeGreaterThanOrEqual(5);
      } finally {
        await gw.close();
        await engine.close();
        await caches.close();
        await upstream.close();
        await server.dispose();
      }
    }, 30_000);
  });

  describe('cache-*-value in Redis (external)', () => {
    valueSuite('external', async () => {
      const caches = await openCaches({ redisUrl: SHARED_REDIS_URL, prefix, timeoutMs: 2000 });
      const engine = await engineWith({ caches: { internal: caches.internal, external: caches.external } });
      return {
        engine,
        close: async () => {
          await engine.close();
          await caches.close();
        },
      };
    });
  });
}
