/**
 * Choosing and calling the backend through the real gateway: set-backend-service,
 * forward-request options, retry, and on-error for backend failures.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEchoUpstream, type EchoUpstream, type ReceivedRequest } from '../helpers/echo-upstream.js';
import { SnapshotBuilder } from '../helpers/snapshot-builder.js';
import type { TestGateway } from '../helpers/test-gateway.js';
import { operationPolicy, startPolicyGateway, withPolicies } from './harness.js';

describe('backend policies through the gateway', () => {
  let primary: EchoUpstream;
  let secondary: EchoUpstream;
  let closedPort: number;
  let gw: TestGateway;
  let flakyCalls = 0;

  beforeAll(async () => {
    primary = await startEchoUpstream();
    secondary = await startEchoUpstream();
    primary.route('/flaky', (_req, res) => {
      flakyCalls++;
      res.writeHead(flakyCalls % 3 === 0 ? 200 : 503, { 'content-length': 0 });
      res.end();
    });
    primary.route('/redirect-again', (_req, res) => {
      res.writeHead(302, { location: `${secondary.url}/landed?from=redirect`, 'content-length': 0 });
      res.end();
    });
    primary.route('/redirect', (_req, res) => {
      res.writeHead(302, { location: `${secondary.url}/landed?from=redirect`, 'content-length': 0 });
      res.end();
    });
    primary.route('/error-status', (_req, res) => {
      res.writeHead(500, { 'content-length': 4 });
      res.end('oops');
    });
    primary.route('/hang', () => undefined);
    closedPort = await unusedPort();

    const api = 'route';
    const policies: Record<string, string> = {
      'literal-url': `<policies><inbound><base /><set-backend-service base-url="${secondary.url}/prefix" /></inbound></policies>`,
      'named-backend': '<policies><inbound><base /><set-backend-service backend-id="second" /></inbound></policies>',
      'computed-url': `<policies><inbound><base /><set-backend-service base-url="@(context.Request.Headers.GetValueOrDefault("x-use-second", "no") == "yes" ? "${secondary.url}" : "${primary.url}")" /></inbound></policies>`,
      flaky: '<policies><backend><retry condition="@(context.Response.StatusCode == 503)" count="5" interval="0"><forward-request /></retry></backend></policies>',
      redirect: '<policies><backend><forward-request follow-redirects="true" /></backend></policies>',
      'no-follow': '<policies><backend><forward-request /></backend></policies>',
      'error-status': `<policies><backend><forward-request fail-on-error-status-code="true" /></backend>
        <on-error><return-response><set-status code="502" /><set-body>@("backend said " + context.LastError.Message)</set-body></return-response></on-error></policies>`,
      hang: '<policies><backend><forward-request timeout="1" /></backend></policies>',
      unreachable: `<policies><inbound><base /><set-backend-service base-url="http://127.0.0.1:${closedPort}" /></inbound>
        <on-error><set-header name="x-error-reason" exists-action="override"><value>@(context.LastError.Reason + "/" + context.LastError.Source)</value></set-header></on-error></policies>`,
    };
    const templates: Record<string, string> = { flaky: '/flaky', redirect: '/redirect', 'no-follow': '/redirect-again', 'error-status': '/error-status', hang: '/hang' };
    let builder = new SnapshotBuilder()
      .api(api, { path: api, serviceUrl: primary.url, subscriptionRequired: false })
      .backend('second', `${secondary.url}/named`);
    for (const id of Object.keys(policies)) builder = builder.operation(api, id, 'GET', templates[id] ?? `/${id}`);
    gw = await startPolicyGateway(
      withPolicies(builder.build(), { policies: Object.entries(policies).map(([id, document]) => operationPolicy(api, id, document)) }),
      undefined,
      { backendConnectTimeoutMs: 2_000 },
    );
  });

  afterAll(async () => {
    await gw?.close();
    await primary?.close();
    await secondary?.close();
  });

  it('set-backend-service base-url sends to another service, under its path', async () => {
    const response = await gw.request('/route/literal-url');
    expect(response.json<ReceivedRequest>().url).toBe('/prefix/literal-url');
    expect(secondary.requests.at(-1)?.url).toBe('/prefix/literal-url');
  });

  it('set-backend-service backend-id uses the named backend', async () => {
    expect((await gw.request('/route/named-backend')).json<ReceivedRequest>().url).toBe('/named/named-backend');
    expect(secondary.requests.at(-1)?.url).toBe('/named/named-backend');
  });

  it('set-backend-service with an expression chooses per request', async () => {
    const before = secondary.requests.length;
    await gw.request('/route/computed-url', { headers: { 'x-use-second': 'yes' } });
    expect(secondary.requests.length).toBe(before + 1);
    await gw.request('/route/computed-url');
    expect(secondary.requests.length).toBe(before + 1);
  });

  it('retry re-forwards until the condition is false', async () => {
    flakyCalls = 0;
    const response = await gw.request('/route/flaky');
    expect(response.statusCode).toBe(200);
    expect(flakyCalls).toBe(3);
  });

  it('forward-request follows redirects only when asked', async () => {
    const followed = await gw.request('/route/redirect');
    expect(followed.statusCode).toBe(200);
    expect(followed.json<ReceivedRequest>().url).toBe('/landed?from=redirect');
    const notFollowed = await gw.request('/route/redirect-again');
    expect(notFollowed.statusCode).toBe(302);
  });

  it('fail-on-error-status-code sends error statuses to on-error', async () => {
    const response = await gw.request('/route/error-status');
    expect(response.statusCode).toBe(502);
    expect(response.text).toBe('backend said The backend responded with status 500.');
  });

  it('forward-request timeout answers 504', async () => {
    const response = await gw.request('/route/hang');
    expect(response.statusCode).toBe(504);
    expect(response.json()).toMatchObject({ statusCode: 504 });
  });

  it('an unreachable backend goes to on-error, which can adjust the error response', async () => {
    const response = await gw.request('/route/unreachable');
    expect(response.statusCode).toBe(502);
    expect(response.headers['x-error-reason']).toBe('BackendConnectionFailure/forward-request');
    expect(response.json()).toMatchObject({ statusCode: 502 });
  });
});

async function unusedPort(): Promise<number> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
