/**
 * Metrics and access log through the real gateway, a real upstream, the real policy engine
 * and the real management server (for GET /metrics and its token).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccessLog, type AccessLog } from '../src/gateway/observability/access-log.js';
import { observabilityFromEnv } from '../src/gateway/observability/env.js';
import { createGatewayMetrics, type GatewayMetrics } from '../src/gateway/observability/metrics.js';
import { redactQuery } from '../src/gateway/observability/redact-query.js';
import { SnapshotPublisher } from '../src/management/publisher.js';
import { createManagementServer, type ManagementServer } from '../src/management/server.js';
import { Keyring } from '../src/store/keyring.js';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { startEchoUpstream, type EchoUpstream } from './helpers/echo-upstream.js';
import { SnapshotBuilder } from './helpers/snapshot-builder.js';
import { startTestGateway, type TestGateway } from './helpers/test-gateway.js';
import { inbound, sharedEngine, withPolicies } from './policies/harness.js';

const KEY = 'obs-primary-key-5f3a9c7e1b2d4068';
const CUSTOM_KEY = 'obs-custom-key-93d1e0a7c4b6f258';
const ADMIN_TOKEN = 'obs-admin-token-0123456789';
const METRICS_TOKEN = 'obs-metrics-token-abcdef';

let upstream: EchoUpstream;
let gateway: TestGateway;
let metrics: GatewayMetrics;
let accessLog: AccessLog;
let logDir: string;
let logFile: string;

function snapshot(builder = new SnapshotBuilder()) {
  const built = builder
    .api('orders', { path: 'orders', serviceUrl: upstream.url })
    .operation('orders', 'get-order', 'GET', '/orders/{id}')
    .operation('orders', 'limited', 'GET', '/limited')
    .api('custom', { path: 'custom', serviceUrl: upstream.url, subscriptionKeyParameterNames: { header: 'x-custom-key', query: 'ckey' } })
    .operation('custom', 'get', 'GET', '/thing')
    .product('gold', { apiIds: ['orders', 'custom'] })
    .subscription('alice', { scope: '/products/gold', primaryKey: KEY, secondaryKey: CUSTOM_KEY })
    .build();
  return withPolicies(built, {
    policies: [{ scope: 'operation', apiId: 'orders', operationId: 'limited', format: 'rawxml', value: inbound('<rate-limit calls="1" renewal-period="60" />') }],
  });
}

/** The metrics text, parsed to `name{labels} value` → value. */
async function scrape(): Promise<Map<string, number>> {
  const text = await metrics.registry.metrics();
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    values.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return values;
}

async function readLog(): Promise<string> {
  accessLog.flush();
  return readFile(logFile, 'utf8').catch(() => '');
}

function parseLines(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** Runs `send`, then returns the access lines it produced (the log is written asynchronously). */
async function linesOf(count: number, send: () => Promise<void>): Promise<{ lines: Record<string, unknown>[]; text: string }> {
  const before = parseLines(await readLog()).length;
  await send();
  const deadline = Date.now() + 20_000;
  for (;;) {
    const text = await readLog();
    const lines = parseLines(text);
    if (lines.length >= before + count || Date.now() > deadline) return { lines: lines.slice(before), text };
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

beforeAll(async () => {
  upstream = await startEchoUpstream();
  logDir = await mkdtemp(join(tmpdir(), 'portico-observability-'));
  logFile = join(logDir, 'access.log');
  metrics = createGatewayMetrics({ counters: { kind: 'memory', stats: { failOpen: 2, failClosed: 1, droppedIncrements: 0, errors: 3 } } });
  accessLog = createAccessLog({ destination: logFile, redactQueryParameters: ['sig'] });
  const engine = await sharedEngine();
  gateway = await startTestGateway(snapshot(), { policies: engine.compile, metrics, accessLog });
}, 60_000);

afterAll(async () => {
  await gateway?.close();
  await accessLog?.close();
  await upstream?.close();
  if (logDir) await rm(logDir, { recursive: true, force: true });
});

describe('metrics through the real gateway', () => {
  it('counts requests by API, operation, product and status, with durations', async () => {
    for (let i = 0; i < 3; i++) {
      const res = await gateway.request('/orders/orders/42', { headers: { 'ocp-apim-subscription-key': KEY } });
      expect(res.statusCode).toBe(200);
    }
    const values = await scrape();
    const labels = 'api="orders",operation="get-order",product="gold",code="200"';
    expect(values.get(`portico_gateway_requests_total{${labels}}`)).toBe(3);
    expect(values.get(`portico_gateway_request_duration_seconds_count{${labels}}`)).toBe(3);
    expect(values.get(`portico_gateway_request_duration_seconds_bucket{${labels},le="+Inf"}`)).toBe(3);
    expect(values.get(`portico_gateway_request_duration_seconds_sum{${labels}}`)).toBeGreaterThan(0);
    expect(values.get('portico_gateway_backend_duration_seconds_count{api="orders",operation="get-order",code="200"}')).toBe(3);
  });

  it('counts the gateway own refusals: no route, missing key, rate limit', async () => {
    expect((await gateway.request('/nowhere')).statusCode).toBe(404);
    expect((await gateway.request('/orders/orders/1')).statusCode).toBe(401);
    const limited = { headers: { 'ocp-apim-subscription-key': KEY } };
    expect((await gateway.request('/orders/limited', limited)).statusCode).toBe(200);
    expect((await gateway.request('/orders/limited', limited)).statusCode).toBe(429);
    const values = await scrape();
    expect(values.get('portico_gateway_requests_total{api="",operation="",product="",code="404"}')).toBe(1);
    expect(values.get('portico_gateway_requests_total{api="orders",operation="get-order",product="",code="401"}')).toBe(1);
    expect(values.get('portico_gateway_requests_total{api="orders",operation="limited",product="gold",code="429"}')).toBe(1);
    // The refusals never reached the backend: no backend series for them.
    expect(values.has('portico_gateway_backend_duration_seconds_count{api="orders",operation="limited",code="429"}')).toBe(false);
  });

  it('exports the snapshot, in-flight and counter-store gauges, and process metrics', async () => {
    const values = await scrape();
    expect(values.get('portico_gateway_snapshot_revision')).toBe(1);
    expect(values.get('portico_gateway_snapshot_applies_total')).toBe(1);
    expect(values.get('portico_gateway_snapshot_rejections_total')).toBe(0);
    expect(values.get('portico_gateway_requests_in_flight')).toBe(0);
    expect(values.get('portico_counter_store_degraded_decisions_total{store="memory",outcome="allowed"}')).toBe(2);
    expect(values.get('portico_counter_store_degraded_decisions_total{store="memory",outcome="refused"}')).toBe(1);
    expect(values.get('portico_counter_store_errors_total{store="memory"}')).toBe(3);
    expect(values.has('process_cpu_user_seconds_total')).toBe(true);

    const broken = snapshot(new SnapshotBuilder({ revision: 2 }));
    broken.apis[0] = { ...broken.apis[0], serviceUrl: 'not a url' };
    gateway.publish(broken);
    const after = await scrape();
    expect(after.get('portico_gateway_snapshot_rejections_total')).toBe(1);
    expect(after.get('portico_gateway_snapshot_revision')).toBe(1);
  });

  it('keeps counting on the same series after a reload', async () => {
    gateway.publish(snapshot(new SnapshotBuilder({ revision: 3 })));
    const res = await gateway.request('/orders/orders/7', { headers: { 'ocp-apim-subscription-key': KEY } });
    expect(res.statusCode).toBe(200);
    const values = await scrape();
    expect(values.get('portico_gateway_requests_total{api="orders",operation="get-order",product="gold",code="200"}')).toBe(4);
    expect(values.get('portico_gateway_snapshot_revision')).toBe(3);
  });
});

describe('a client that leaves before the answer', () => {
  it('is counted with code 0 and logged as aborted, with the backend call it cut short', async () => {
    let arrived!: () => void;
    const reached = new Promise<void>((resolve) => (arrived = resolve));
    // The backend never answers: the client gives up first.
    upstream.route('/orders/9999', () => arrived());
    const { lines } = await linesOf(1, async () => {
      const req = httpRequest(`${gateway.url}/orders/orders/9999`, { headers: { 'ocp-apim-subscription-key': KEY } });
      req.on('error', () => undefined);
      req.end();
      await reached;
      req.destroy();
    });
    expect(lines[0]).toMatchObject({ path: '/orders/orders/9999', status: 0, aborted: true, backendStatus: 0, subscription: 'alice' });
    const values = await scrape();
    expect(values.get('portico_gateway_requests_total{api="orders",operation="get-order",product="gold",code="0"}')).toBe(1);
    expect(values.get('portico_gateway_backend_duration_seconds_count{api="orders",operation="get-order",code="0"}')).toBe(1);
  });
});

describe('access log through the real gateway', () => {
  it('writes one JSON line per request with ids, status, timings and bytes', async () => {
    const { lines } = await linesOf(1, async () => {
      const res = await gateway.request('/orders/orders/9?x=1', { headers: { 'ocp-apim-subscription-key': KEY } });
      expect(res.statusCode).toBe(200);
    });
    expect(lines).toHaveLength(1);
    const line = lines[0];
    expect(line).toMatchObject({
      method: 'GET',
      path: '/orders/orders/9',
      query: 'x=1',
      status: 200,
      api: 'orders',
      operation: 'get-order',
      product: 'gold',
      subscription: 'alice',
      backendStatus: 200,
      clientIp: '127.0.0.1',
    });
    expect(typeof line.time).toBe('string');
    expect(line.reqId).toMatch(/^[0-9a-f-]{36}$/);
    expect(line.durationMs).toBeGreaterThan(0);
    expect(line.backendMs).toBeGreaterThan(0);
    expect(line.bytesIn).toBeGreaterThan(0);
    expect(line.bytesOut).toBeGreaterThan(0);
    expect(line.level).toBeUndefined();
  });

  it('logs a request with a body (node has detached the socket by then) and keeps the gateway up', async () => {
    const { lines } = await linesOf(2, async () => {
      const posted = await gateway.request('/orders/orders/5', { method: 'GET', headers: { 'ocp-apim-subscription-key': KEY, 'content-type': 'text/plain' }, body: 'x'.repeat(1000) });
      expect(posted.statusCode).toBe(200);
      expect((await gateway.request('/orders/orders/5')).statusCode).toBe(401);
    });
    expect(lines[0]).toMatchObject({ status: 200, clientIp: '127.0.0.1' });
    expect(lines[0].bytesIn).toBeGreaterThan(1000);
    expect(lines[1]).toMatchObject({ status: 401 });
  });

  it('never writes a subscription key, from a header or any API key query parameter', async () => {
    const { lines, text } = await linesOf(7, async () => {
      await gateway.request(`/orders/orders/1?subscription-key=${KEY}&keep=1`);
      await gateway.request(`/orders/orders/1?Subscription%2DKey=${KEY}`);
      await gateway.request(`/custom/thing?ckey=${CUSTOM_KEY}`);
      await gateway.request(`/nowhere?ckey=${CUSTOM_KEY}&sig=secret-signature`);
      await gateway.request('/orders/orders/1', { headers: { 'ocp-apim-subscription-key': KEY } });
      await gateway.request('/custom/thing', { headers: { 'x-custom-key': CUSTOM_KEY } });
      await gateway.request(`/orders/orders/1?subscription-key=wrong-${KEY}`);
    });
    expect(lines).toHaveLength(7);
    expect(text).not.toContain(KEY);
    expect(text).not.toContain(CUSTOM_KEY);
    expect(text).not.toContain('secret-signature');
    expect(lines[0]).toMatchObject({ query: 'subscription-key=REDACTED&keep=1', status: 200, subscription: 'alice' });
    expect(lines[1]).toMatchObject({ query: 'Subscription%2DKey=REDACTED' });
    expect(lines[2]).toMatchObject({ query: 'ckey=REDACTED', status: 200 });
    expect(lines[3]).toMatchObject({ query: 'ckey=REDACTED&sig=REDACTED', status: 404 });
    expect(lines[6]).toMatchObject({ query: 'subscription-key=REDACTED', status: 401 });
  });
});

describe('GET /metrics on the admin server', () => {
  let management: ManagementServer;
  let store: SqliteStore;
  let publisher: SnapshotPublisher;
  let base: string;

  async function start(token: string | undefined, open = false): Promise<void> {
    store = SqliteStore.open({ path: ':memory:' });
    const keyring = await Keyring.load({ env: {} });
    publisher = new SnapshotPublisher({ store, keyring });
    management = createManagementServer({
      store,
      keyring,
      adminToken: ADMIN_TOKEN,
      publisher,
      metrics: { render: () => metrics.registry.metrics(), contentType: metrics.registry.contentType, token, public: open },
    });
    const address: AddressInfo = await management.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${address.port}`;
  }

  async function stop(): Promise<void> {
    await management.close();
    await publisher.close();
    await store.close();
  }

  it('needs the admin token by default, and no token when made public', async () => {
    await start(undefined);
    try {
      expect((await fetch(`${base}/metrics`)).status).toBe(401);
      expect((await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).status).toBe(200);
    } finally {
      await stop();
    }
    await start(undefined, true);
    try {
      const res = await fetch(`${base}/metrics`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/plain');
      expect(await res.text()).toContain('portico_gateway_requests_total{api="orders"');
    } finally {
      await stop();
    }
  });

  it('requires the metrics token (or the admin token) when one is set', async () => {
    await start(METRICS_TOKEN);
    try {
      expect((await fetch(`${base}/metrics`)).status).toBe(401);
      expect((await fetch(`${base}/metrics`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
      const withToken = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
      expect(withToken.status).toBe(200);
      expect(await withToken.text()).toContain('portico_gateway_snapshot_revision');
      expect((await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).status).toBe(200);
    } finally {
      await stop();
    }
  });
});

describe('several worker processes', () => {
  it('sums the request series of several registries as the cluster primary does', async () => {
    const { AggregatorRegistry } = await import('prom-client');
    const worker = createGatewayMetrics({ defaultMetrics: false });
    const own = await metrics.registry.getMetricsAsJSON();
    const other = await worker.registry.getMetricsAsJSON();
    const summed = await AggregatorRegistry.aggregate([own, own, other]).metrics();
    const values = await scrape();
    const labels = 'api="orders",operation="get-order",product="gold",code="200"';
    const single = values.get(`portico_gateway_requests_total{${labels}}`)!;
    expect(summed).toContain(`portico_gateway_requests_total{${labels}} ${2 * single}`);
    expect(summed).toContain(`portico_gateway_request_duration_seconds_count{${labels}} ${2 * single}`);
  });
});

describe('settings and redaction', () => {
  it('reads the environment', () => {
    expect(observabilityFromEnv({})).toMatchObject({ accessLog: 'stdout', metrics: true, metricsDetail: 'operation' });
    expect(observabilityFromEnv({ PORTICO_ACCESS_LOG: 'off', PORTICO_METRICS: 'off' })).toMatchObject({ accessLog: null, metrics: false });
    expect(observabilityFromEnv({ PORTICO_ACCESS_LOG: '/var/log/portico.log', PORTICO_METRICS_TOKEN: 't' })).toMatchObject({
      accessLog: '/var/log/portico.log',
      metricsToken: 't',
    });
    expect(() => observabilityFromEnv({ PORTICO_METRICS: 'maybe' })).toThrow(/PORTICO_METRICS/);
    expect(() => observabilityFromEnv({ PORTICO_METRICS_DETAIL: 'path' })).toThrow(/PORTICO_METRICS_DETAIL/);
  });

  it('redacts by decoded, case-insensitive name and leaves the rest as sent', () => {
    const secrets = new Set(['subscription-key']);
    expect(redactQuery('a=1&subscription-key=k&b=%20', secrets)).toBe('a=1&subscription-key=REDACTED&b=%20');
    expect(redactQuery('SUBSCRIPTION-KEY=k&&x', secrets)).toBe('SUBSCRIPTION-KEY=REDACTED&&x');
    expect(redactQuery('subscription+key=k', new Set(['subscription key']))).toBe('subscription+key=REDACTED');
    expect(redactQuery('a=1', secrets)).toBe('a=1');
  });
});
