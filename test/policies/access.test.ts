/**
 * Policies that admit or answer callers, through the real gateway: check-header, ip-filter,
 * cors (preflights answered before the subscription check) and mock-response.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEchoUpstream, type EchoUpstream } from '../helpers/echo-upstream.js';
import { SnapshotBuilder } from '../helpers/snapshot-builder.js';
import type { TestGateway } from '../helpers/test-gateway.js';
import { apiPolicy, inbound, operationPolicy, startPolicyGateway, withPolicies } from './harness.js';

const KEY = 'access-key';

describe('access policies through the gateway', () => {
  let upstream: EchoUpstream;
  let gw: TestGateway;

  beforeAll(async () => {
    upstream = await startEchoUpstream();
    const snapshot = new SnapshotBuilder()
      .api('web', { path: 'web', serviceUrl: upstream.url })
      .operation('web', 'read', 'GET', '/things')
      .operation('web', 'write', 'PUT', '/things')
      .api('guarded', { path: 'guarded', serviceUrl: upstream.url })
      .operation('guarded', 'header', 'GET', '/header')
      .operation('guarded', 'local-only', 'GET', '/local-only')
      .operation('guarded', 'not-local', 'GET', '/not-local')
      .operation('guarded', 'mock', 'GET', '/mock', {
        responses: [{ statusCode: 200, representations: [{ contentType: 'application/json', examples: { default: { value: { mocked: true } } } }] }],
      })
      .subscription('s', { scope: '/apis', primaryKey: KEY })
      .build();
    gw = await startPolicyGateway(
      withPolicies(snapshot, {
        policies: [
          apiPolicy(
            'web',
            inbound(`<cors>
              <allowed-origins><origin>https://app.example</origin></allowed-origins>
              <allowed-methods><method>GET</method><method>PUT</method></allowed-methods>
              <allowed-headers><header>content-type</header></allowed-headers>
            </cors>`),
          ),
          operationPolicy(
            'guarded',
            'header',
            inbound('<check-header name="x-partner" failed-check-httpcode="403" failed-check-error-message="Partner not allowed" ignore-case="false"><value>acme</value></check-header>'),
          ),
          operationPolicy('guarded', 'local-only', inbound('<ip-filter action="allow"><address-range from="127.0.0.0" to="127.255.255.255" /><address>::1</address></ip-filter>')),
          operationPolicy('guarded', 'not-local', inbound('<ip-filter action="forbid"><address>127.0.0.1</address><address>::1</address></ip-filter>')),
          operationPolicy('guarded', 'mock', inbound('<mock-response status-code="200" content-type="application/json" />')),
        ],
      }),
    );
  });

  afterAll(async () => {
    await gw?.close();
    await upstream?.close();
  });

  const keyed = { 'ocp-apim-subscription-key': KEY };

  it('check-header lets listed values through and refuses others with its status and message', async () => {
    expect((await gw.request('/guarded/header', { headers: { ...keyed, 'x-partner': 'acme' } })).statusCode).toBe(200);
    const refused = await gw.request('/guarded/header', { headers: { ...keyed, 'x-partner': 'other' } });
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toEqual({ statusCode: 403, message: 'Partner not allowed' });
  });

  it('ip-filter allows and forbids by the caller address', async () => {
    expect((await gw.request('/guarded/local-only', { headers: keyed })).statusCode).toBe(200);
    const forbidden = await gw.request('/guarded/not-local', { headers: keyed });
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.json()).toEqual({ statusCode: 403, message: 'Forbidden' });
  });

  it('answers a CORS preflight before the subscription check, without a key', async () => {
    const before = upstream.requests.length;
    const response = await gw.request('/web/things', {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example', 'access-control-request-method': 'PUT', 'access-control-request-headers': 'content-type' },
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['access-control-allow-origin']).toBe('https://app.example');
    expect(response.headers['access-control-allow-methods']).toBe('GET, PUT');
    expect(response.headers['access-control-allow-headers']).toBe('content-type');
    expect(upstream.requests.length).toBe(before);
  });

  it('still requires the key for the actual request, and adds the CORS headers to it', async () => {
    expect((await gw.request('/web/things', { headers: { origin: 'https://app.example' } })).statusCode).toBe(401);
    const response = await gw.request('/web/things', { headers: { ...keyed, origin: 'https://app.example' } });
    expect(response.statusCode).toBe(200);
    expect(response.headers['access-control-allow-origin']).toBe('https://app.example');
  });

  it('answers a preflight for an operation without a cors policy with 404, as before', async () => {
    const before = upstream.requests.length;
    const response = await gw.request('/guarded/header', { method: 'OPTIONS', headers: { origin: 'https://app.example', 'access-control-request-method': 'GET' } });
    expect(response.statusCode).toBe(404);
    expect(upstream.requests.length).toBe(before);
  });

  it("mock-response answers with the operation's example", async () => {
    const before = upstream.requests.length;
    const response = await gw.request('/guarded/mock', { headers: keyed });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/json');
    expect(response.json()).toEqual({ mocked: true });
    expect(upstream.requests.length).toBe(before);
  });
});
