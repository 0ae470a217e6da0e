import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEchoUpstream, type EchoUpstream, type ReceivedRequest } from '../helpers/echo-upstream.js';
import { SnapshotBuilder } from '../helpers/snapshot-builder.js';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.js';

describe('gateway proxying', () => {
  let upstream: EchoUpstream;
  let other: EchoUpstream;
  let gw: TestGateway;

  beforeAll(async () => {
    upstream = await startEchoUpstream();
    other = await startEchoUpstream();
    gw = await startTestGateway(
      new SnapshotBuilder()
        .backend('other', `${other.url}/writer/`)
        .api('orders', { path: 'orders', serviceUrl: `${upstream.url}/base`, subscriptionRequired: false })
        .operation('orders', 'get', 'GET', '/items/{id}')
        .operation('orders', 'root', 'GET', '/')
        .operation('orders', 'place', 'POST', '/items', { backendId: 'other' })
        .api('keyed', { path: 'keyed', serviceUrl: upstream.url })
        .operation('keyed', 'any', '*', '/*')
        .subscription('s', { scope: '/apis', primaryKey: 'key-1' })
        .build(),
    );
  });

  afterAll(async () => {
    await gw.close();
    await upstream.close();
    await other.close();
  });

  it('forwards to service URL + path after the API path + query string', async () => {
    const res = await gw.request('/orders/items/42?expand=lines&x=%20y');
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-upstream']).toBe('echo');
    const seen = res.json<ReceivedRequest>();
    expect(seen.url).toBe('/base/items/42?expand=lines&x=%20y');
    expect(seen.method).toBe('GET');
  });

  it('forwards the API root to the base path', async () => {
    expect((await gw.request('/orders')).json<ReceivedRequest>().url).toBe('/base');
    expect((await gw.request('/orders/')).json<ReceivedRequest>().url).toBe('/base/');
  });

  it("lets an operation's backendId override the API's service URL", async () => {
    const res = await gw.request('/orders/items', { method: 'POST', body: 'hello', headers: { 'content-type': 'text/plain' } });
    const seen = res.json<ReceivedRequest>();
    expect(seen.url).toBe('/writer/items');
    expect(seen.bodyText).toBe('hello');
    expect(seen.headers['content-type']).toBe('text/plain');
    expect(other.requests).toHaveLength(1);
  });

  it('sets X-Forwarded-For (appended), -Proto and -Host, and the backend Host', async () => {
    const res = await gw.request('/orders/items/1', {
      headers: { 'x-forwarded-for': '203.0.113.9', 'x-forwarded-host': 'spoofed', 'x-forwarded-proto': 'https' },
    });
    const seen = res.json<ReceivedRequest>();
    expect(seen.headers['x-forwarded-for']).toBe('203.0.113.9, 127.0.0.1');
    expect(seen.headers['x-forwarded-proto']).toBe('http');
    expect(seen.headers['x-forwarded-host']).toBe(`127.0.0.1:${gw.port}`);
    expect(seen.headers.host).toBe(`127.0.0.1:${upstream.port}`);
  });

  it('forwards the subscription key header and query parameter, as APIM does', async () => {
    const byHeader = (await gw.request('/keyed/a', { headers: { 'ocp-apim-subscription-key': 'key-1' } })).json<ReceivedRequest>();
    expect(byHeader.headers['ocp-apim-subscription-key']).toBe('key-1');
    const byQuery = (await gw.request('/keyed/a?subscription-key=key-1')).json<ReceivedRequest>();
    expect(byQuery.url).toBe('/a?subscription-key=key-1');
  });

  it('relays HEAD responses without a body', async () => {
    const res = await gw.request('/keyed/head', { method: 'HEAD', headers: { 'ocp-apim-subscription-key': 'key-1' } });
    expect(res.statusCode).toBe(200);
    expect(res.text).toBe('');
    expect(Number(res.headers['content-length'])).toBeGreaterThan(0);
  });

  it('answers 404 with APIM body for unknown API or operation', async () => {
    for (const path of ['/nope', '/orders/unknown', '/orders/items/1/extra']) {
      const res = await gw.request(path);
      expect(res.statusCode).toBe(404);
      expect(res.headers['content-type']).toContain('application/json');
      expect(res.json()).toEqual({ statusCode: 404, message: 'Resource not found' });
    }
    const wrongMethod = await gw.request('/orders/items/1', { method: 'DELETE' });
    expect(wrongMethod.statusCode).toBe(404);
  });

  it('passes backend status codes and response headers through', async () => {
    upstream.route('/base/items/teapot', (_req, res) => {
      res.writeHead(418, [['set-cookie', 'a=1'], ['set-cookie', 'b=2'], ['x-custom', 'yes']].flat());
      res.end('short and stout');
    });
    const res = await gw.request('/orders/items/teapot');
    expect(res.statusCode).toBe(418);
    expect(res.headers['set-cookie']).toEqual(['a=1', 'b=2']);
    expect(res.headers['x-custom']).toBe('yes');
    expect(res.text).toBe('short and stout');
  });
});

describe('gateway probe', () => {
  it('answers 503 before a snapshot is loaded and 200 after; other paths 503 meanwhile', async () => {
    const upstream = await startEchoUpstream();
    const gw = await startTestGateway(null);
    try {
      expect((await gw.request('/status-0123456789abcdef')).statusCode).toBe(503);
      expect((await gw.request('/anything')).statusCode).toBe(503);
      gw.publish(
        new SnapshotBuilder()
          .api('a', { path: '', serviceUrl: upstream.url, subscriptionRequired: false })
          .operation('a', 'any', '*', '/*')
          .build(),
      );
      expect((await gw.request('/status-0123456789abcdef')).statusCode).toBe(200);
      // The probe wins over a catch-all API.
      expect(upstream.requests).toHaveLength(0);
      expect((await gw.request('/anything')).statusCode).toBe(200);
    } finally {
      await gw.close();
      await upstream.close();
    }
  });
});
