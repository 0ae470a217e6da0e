/**
 * Policies that call out or compose, through the real gateway and real services:
 * send-request, send-one-way-request, wait, limit-concurrency, include-fragment, trace,
 * and named values (secret ones included).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEchoUpstream, type EchoUpstream, type ReceivedRequest } from '../helpers/echo-upstream.js';
import { SnapshotBuilder } from '../helpers/snapshot-builder.js';
import type { TestGateway } from '../helpers/test-gateway.js';
import type { PolicyEngine } from '../../src/policies/index.js';
import { engineWith, inbound, operationPolicy, startPolicyGateway, withPolicies } from './harness.js';

describe('calling and composing policies through the gateway', () => {
  let backend: EchoUpstream;
  let service: EchoUpstream;
  let engine: PolicyEngine;
  let gw: TestGateway;
  const traces: unknown[] = [];
  let releaseSlow: (() => void) | null = null;
  const tokenForms: string[] = [];

  beforeAll(async () => {
    backend = await startEchoUpstream();
    service = await startEchoUpstream();
    service.route('/token', (req, res) => {
      let form = '';
      req.on('data', (chunk: Buffer) => (form += chunk.toString()));
      req.on('end', () => {
        tokenForms.push(form);
        const body = JSON.stringify({ access_token: 'tok-123', expires_in: 60 });
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
        res.end(body);
      });
    });
    backend.route('/slow', (_req, res) => {
      releaseSlow = () => {
        if (res.headersSent) return;
        res.writeHead(200, { 'content-length': 0 });
        res.end();
      };
    });
    engine = await engineWith({ log: (entry) => traces.push(entry) });
    const documents: Record<string, string> = {
      token: inbound(`
        <send-request mode="new" response-variable-name="tokenResponse" timeout="5" ignore-error="false">
          <set-url>{{token-url}}</set-url>
          <set-method>POST</set-method>
          <set-header name="Content-Type" exists-action="override"><value>application/x-www-form-urlencoded</value></set-header>
          <set-body>@("client_id=portico&client_secret={{client-secret}}")</set-body>
        </send-request>
        <set-variable name="accessToken" value="@((string)((IResponse)context.Variables["tokenResponse"]).Body.As<JObject>()["access_token"])" />
        <set-header name="Authorization" exists-action="override"><value>@("Bearer " + (string)context.Variables["accessToken"])</value></set-header>`),
      notify: inbound(`<send-one-way-request mode="copy"><set-url>${service.url}/audit</set-url></send-one-way-request>`),
      parallel: inbound(`<wait for="all">
          <send-request response-variable-name="a" timeout="5"><set-url>${service.url}/a</set-url></send-request>
          <send-request response-variable-name="b" timeout="5"><set-url>${service.url}/b</set-url></send-request>
        </wait>
        <set-header name="x-both" exists-action="override"><value>@(((IResponse)context.Variables["a"]).StatusCode + "," + ((IResponse)context.Variables["b"]).StatusCode)</value></set-header>`),
      limited: '<policies><backend><limit-concurrency key="slow" max-count="1"><forward-request /></limit-concurrency></backend></policies>',
      fragment: inbound('<include-fragment fragment-id="stamp" />'),
      traced: inbound('<trace source="calls-test" severity="information"><message>@("operation " + context.Operation.Id)</message></trace>'),
    };
    let builder = new SnapshotBuilder().api('calls', { path: 'calls', serviceUrl: backend.url, subscriptionRequired: false });
    for (const id of Object.keys(documents)) builder = builder.operation('calls', id, id === 'notify' ? 'POST' : 'GET', id === 'limited' ? '/slow' : `/${id}`);
    gw = await startPolicyGateway(
      withPolicies(builder.build(), {
        policies: Object.entries(documents).map(([id, document]) => operationPolicy('calls', id, document)),
        namedValues: [
          { id: 'token-url', displayName: 'token-url', value: `${service.url}/token`, secret: false },
          { id: 'client-secret', displayName: 'client-secret', value: 's3cr3t', secret: true },
        ],
        policyFragments: [{ id: 'stamp', value: '<fragment><set-header name="x-stamp" exists-action="override"><value>@(context.Api.Id + "/" + context.Operation.Id)</value></set-header></fragment>' }],
      }),
      engine,
    );
  });

  afterAll(async () => {
    releaseSlow?.();
    await gw?.close();
    await engine?.close();
    await backend?.close();
    await service?.close();
  });

  it('send-request fetches a token and the next policies use it (named values resolved)', async () => {
    const received = (await gw.request('/calls/token')).json<ReceivedRequest>();
    expect(received.headers.authorization).toBe('Bearer tok-123');
    expect(tokenForms.at(-1)).toBe('client_id=portico&client_secret=s3cr3t');
  });

  it('send-one-way-request copies the request to another service without waiting', async () => {
    const next = service.nextRequest();
    const response = await gw.request('/calls/notify', { method: 'POST', body: 'event-body', headers: { 'x-event': 'created' } });
    expect(response.statusCode).toBe(200);
    expect(response.json<ReceivedRequest>().bodyText).toBe('event-body');
    const audit = await next;
    expect(audit).toMatchObject({ method: 'POST', url: '/audit', bodyText: 'event-body' });
    expect(audit.headers['x-event']).toBe('created');
  });

  it('wait runs send-requests in parallel and continues when all are done', async () => {
    const response = await gw.request('/calls/parallel');
    expect(response.json<ReceivedRequest>().headers['x-both']).toBe('200,200');
  });

  it('limit-concurrency refuses a second concurrent request with 429', async () => {
    const first = gw.request('/calls/slow');
    await expect.poll(() => releaseSlow !== null).toBe(true);
    const second = await gw.request('/calls/slow');
    expect(second.statusCode).toBe(429);
    releaseSlow!();
    expect((await first).statusCode).toBe(200);
  });

  it('include-fragment runs the fragment in place', async () => {
    expect((await gw.request('/calls/fragment')).json<ReceivedRequest>().headers['x-stamp']).toBe('calls/fragment');
  });

  it('trace sends its message to the engine log', async () => {
    await gw.request('/calls/traced');
    expect(traces).toContainEqual({ source: 'calls-test', severity: 'information', message: 'operation traced', metadata: {} });
  });
});
