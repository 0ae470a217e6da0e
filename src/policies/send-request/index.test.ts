import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PolicyEngine } from '../engine/engine.js';
import { startLocalServer, type LocalServer } from '../testing/local-server.test-helper.js';
import { inboundDocument, problemsOf, runApiPolicy, testEngine } from '../testing/unit.test-helper.js';

let engine: PolicyEngine;
let service: LocalServer;

beforeAll(async () => {
  engine = await testEngine({ allowLinkLocalRequests: false });
  service = await startLocalServer((request, res) => {
    if (request.url.startsWith('/slow')) return; // never answers
    res.writeHead(request.url.startsWith('/missing') ? 404 : 200, { 'content-type': 'application/json', 'x-token': 'tok-1' });
    res.end(JSON.stringify({ got: request.method, body: request.body }));
  });
});

afterAll(async () => {
  await service?.close();
  await engine?.close();
});

describe('send-request', () => {
  it('calls the service and keeps the response in a variable for later expressions', async () => {
    const document = inboundDocument(`<send-request mode="new" response-variable-name="reply" timeout="5">
      <set-url>${service.url}/lookup?id=1</set-url>
      <set-method>POST</set-method>
      <set-header name="x-caller" exists-action="override"><value>@(context.Api.Id)</value></set-header>
      <set-body>payload</set-body>
    </send-request>
    <set-header name="x-token" exists-action="override"><value>@(((IResponse)context.Variables["reply"]).Headers.GetValueOrDefault("x-token"))</value></set-header>
    <set-header name="x-got" exists-action="override"><value>@((string)((IResponse)context.Variables["reply"]).Body.As<JObject>()["got"])</value></set-header>`);
    const ctx = await runApiPolicy(engine, document);
    expect(service.seen.at(-1)).toMatchObject({ method: 'POST', url: '/lookup?id=1', body: 'payload', headers: { 'x-caller': 'echo' } });
    expect(ctx.forwarded[0].headers).toMatchObject({ 'x-token': 'tok-1', 'x-got': 'POST' });
  });

  it('copies the current request in copy mode', async () => {
    const document = inboundDocument(`<send-request mode="copy" response-variable-name="reply" timeout="5"><set-url>${service.url}/copy</set-url></send-request>`);
    await runApiPolicy(engine, document, (c) => {
      c.method = 'PUT';
      c.forwardHeaders['x-original'] = 'yes';
      c.clientBody = Buffer.from('client body');
    });
    expect(service.seen.at(-1)).toMatchObject({ method: 'PUT', body: 'client body', headers: { 'x-original': 'yes' } });
  });

  it('fails the request on a timeout unless ignore-error is set', async () => {
    const failing = inboundDocument(`<send-request response-variable-name="r" timeout="1"><set-url>${service.url}/slow</set-url></send-request>`);
    expect(await runApiPolicy(engine, failing).catch((error: unknown) => error)).toMatchObject({ status: 502, reason: 'SendRequestFailed' });
    const ignoring = inboundDocument(`<send-request response-variable-name="r" timeout="1" ignore-error="true"><set-url>${service.url}/slow</set-url></send-request>`);
    const ctx = await runApiPolicy(engine, ignoring);
    expect(ctx.policyState?.variables.get('r')).toBeNull();
    expect(ctx.forwarded).toHaveLength(1);
  });

  it('refuses link-local and metadata addresses', async () => {
    const document = inboundDocument('<send-request response-variable-name="r" timeout="1"><set-url>http://169.254.169.254/latest/meta-data</set-url></send-request>');
    expect(await runApiPolicy(engine, document).catch((error: unknown) => error)).toMatchObject({ reason: 'InvalidRequestUrl' });
  });

  it('refuses children that need an Azure service, and a missing set-url', () => {
    expect(problemsOf(engine, inboundDocument('<send-request response-variable-name="r"><set-url>http://x</set-url><authentication-managed-identity resource="r" /></send-request>'))[0].code).toBe('AzureServicePolicy');
    expect(problemsOf(engine, inboundDocument('<send-request response-variable-name="r" />'))[0].code).toBe('MissingElement');
  });
});

describe('send-one-way-request', () => {
  it('sends without waiting for the answer', async () => {
    const before = service.seen.length;
    const ctx = await runApiPolicy(engine, inboundDocument(`<send-one-way-request mode="new"><set-url>${service.url}/notify</set-url><set-method>POST</set-method><set-body>event</set-body></send-one-way-request>`));
    expect(ctx.forwarded).toHaveLength(1);
    await expect.poll(() => service.seen.length).toBe(before + 1);
    expect(service.seen.at(-1)).toMatchObject({ url: '/notify', body: 'event' });
  });
});
