/**
 * The policy core through the real gateway and a real upstream: scopes and <base/>,
 * set-header, set-variable, choose, return-response, forward-request and on-error.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEchoUpstream, type EchoUpstream, type ReceivedRequest } from '../helpers/echo-upstream.js';
import { SnapshotBuilder } from '../helpers/snapshot-builder.js';
import type { TestGateway } from '../helpers/test-gateway.js';
import { apiPolicy, globalPolicy, operationPolicy, productPolicy, startPolicyGateway, withPolicies } from './harness.js';

const KEY = 'core-key';
const PRODUCT_KEY = 'core-product-key';

describe('policy core through the gateway', () => {
  let upstream: EchoUpstream;
  let gw: TestGateway;

  beforeAll(async () => {
    upstream = await startEchoUpstream();
    const base = new SnapshotBuilder()
      .api('core', { path: 'core', serviceUrl: upstream.url })
      .operation('core', 'get-item', 'GET', '/items/{id}')
      .operation('core', 'plain', 'GET', '/plain')
      .operation('core', 'teapot', 'GET', '/teapot')
      .operation('core', 'explode', 'GET', '/explode')
      .operation('core', 'explode-handled', 'GET', '/explode-handled')
      .operation('core', 'dropped-base', 'GET', '/dropped')
      .product('gold', { apiIds: ['core'] })
      .subscription('api-sub', { scope: '/apis/core', primaryKey: KEY })
      .subscription('gold-sub', { scope: '/products/gold', primaryKey: PRODUCT_KEY })
      .build();
    const snapshot = withPolicies(base, {
      policies: [
        globalPolicy(`<policies>
  <inbound><set-header name="x-scope-global" exists-action="override"><value>global</value></set-header></inbound>
  <backend><forward-request timeout="30" /></backend>
  <outbound><set-header name="x-out-global" exists-action="override"><value>@(context.Response.StatusCode.ToString())</value></set-header></outbound>
  <on-error />
</policies>`),
        productPolicy('gold', `<policies><inbound><base /><set-header name="x-scope-product" exists-action="override"><value>@(context.Product.Name)</value></set-header></inbound></policies>`),
        apiPolicy('core', `<policies>
  <inbound>
    <set-header name="x-before-base" exists-action="override"><value>api-first</value></set-header>
    <base />
    <set-variable name="tier" value="@(context.Request.Headers.GetValueOrDefault("x-tier", "basic"))" />
    <set-header name="x-scope-api" exists-action="append"><value>@("api:" + (string)context.Variables["tier"])</value></set-header>
  </inbound>
  <outbound><base /><set-header name="x-out-api" exists-action="override"><value>api</value></set-header></outbound>
</policies>`),
        operationPolicy('core', 'get-item', `<policies>
  <inbound>
    <base />
    <choose>
      <when condition="@(context.Request.MatchedParameters["id"] == "42")">
        <set-header name="x-answer" exists-action="override"><value>yes</value></set-header>
      </when>
      <when condition="@((string)context.Variables["tier"] == "gold")">
        <set-header name="x-answer" exists-action="override"><value>gold</value></set-header>
      </when>
      <otherwise>
        <set-header name="x-answer" exists-action="override"><value>no</value></set-header>
      </otherwise>
    </choose>
    <set-header name="x-remove-me" exists-action="delete" />
  </inbound>
</policies>`),
        operationPolicy('core', 'teapot', `<policies>
  <inbound>
    <base />
    <return-response>
      <set-status code="418" reason="I'm a teapot" />
      <set-header name="content-type" exists-action="override"><value>text/plain</value></set-header>
      <set-body>@("short and stout: " + context.Operation.Id)</set-body>
    </return-response>
    <set-header name="x-never" exists-action="override"><value>never</value></set-header>
  </inbound>
</policies>`),
        operationPolicy('core', 'explode', `<policies><inbound><base /><set-variable name="n" value="@(int.Parse("not a number"))" /></inbound></policies>`),
        operationPolicy('core', 'explode-handled', `<policies>
  <inbound><base /><set-variable id="parse-step" name="n" value="@(int.Parse("nope"))" /></inbound>
  <on-error>
    <base />
    <return-response>
      <set-status code="503" />
      <set-header name="content-type" exists-action="override"><value>application/json</value></set-header>
      <set-body>@(new JObject(
        new JProperty("source", context.LastError.Source),
        new JProperty("reason", context.LastError.Reason),
        new JProperty("scope", context.LastError.Scope),
        new JProperty("section", context.LastError.Section),
        new JProperty("path", context.LastError.Path),
        new JProperty("policyId", context.LastError.PolicyId)).ToString())</set-body>
    </return-response>
  </on-error>
</policies>`),
        operationPolicy('core', 'dropped-base', `<policies><inbound><set-header name="x-only-operation" exists-action="override"><value>op</value></set-header></inbound></policies>`),
      ],
    });
    gw = await startPolicyGateway(snapshot);
  });

  afterAll(async () => {
    await gw?.close();
    await upstream?.close();
  });

  async function echoed(path: string, headers: Record<string, string> = {}): Promise<{ status: number; received: ReceivedRequest; headers: Record<string, unknown> }> {
    const response = await gw.request(path, { headers: { 'ocp-apim-subscription-key': KEY, ...headers } });
    expect(response.statusCode, response.text).toBe(200);
    return { status: response.statusCode, received: response.json<ReceivedRequest>(), headers: response.headers };
  }

  it('runs global, API and operation inbound policies in <base/> order', async () => {
    const { received } = await echoed('/core/items/42', { 'x-remove-me': 'secret' });
    expect(received.headers['x-scope-global']).toBe('global');
    expect(received.headers['x-before-base']).toBe('api-first');
    expect(received.headers['x-scope-api']).toBe('api:basic');
    expect(received.headers['x-answer']).toBe('yes');
    expect(received.headers['x-remove-me']).toBeUndefined();
    // API policy set x-before-base before <base/>: it comes first in the forwarded headers.
    const names = received.rawHeaders.filter((_, i) => i % 2 === 0).map((n) => n.toLowerCase());
    expect(names.indexOf('x-before-base')).toBeLessThan(names.indexOf('x-scope-global'));
  });

  it('takes the first matching <when>, else <otherwise>', async () => {
    expect((await echoed('/core/items/7', { 'x-tier': 'gold' })).received.headers['x-answer']).toBe('gold');
    expect((await echoed('/core/items/7')).received.headers['x-answer']).toBe('no');
  });

  it('runs outbound policies in order on the backend response', async () => {
    const { headers } = await echoed('/core/items/1');
    expect(headers['x-out-global']).toBe('200');
    expect(headers['x-out-api']).toBe('api');
    expect(headers['x-upstream']).toBe('echo');
  });

  it('applies product policies only in a product context', async () => {
    const withProduct = await gw.request('/core/plain', { headers: { 'ocp-apim-subscription-key': PRODUCT_KEY } });
    expect(withProduct.json<ReceivedRequest>().headers['x-scope-product']).toBe('gold');
    const withoutProduct = await echoed('/core/plain');
    expect(withoutProduct.received.headers['x-scope-product']).toBeUndefined();
  });

  it('drops the parent scopes when a section leaves out <base/>', async () => {
    const { received } = await echoed('/core/dropped');
    expect(received.headers['x-only-operation']).toBe('op');
    expect(received.headers['x-scope-global']).toBeUndefined();
    expect(received.headers['x-before-base']).toBeUndefined();
  });

  it('return-response answers without calling the backend and skips the rest', async () => {
    const before = upstream.requests.length;
    const response = await gw.request('/core/teapot', { headers: { 'ocp-apim-subscription-key': KEY } });
    expect(response.statusCode).toBe(418);
    expect(response.text).toBe('short and stout: teapot');
    expect(response.headers['content-type']).toBe('text/plain');
    expect(response.headers['content-length']).toBe(String(Buffer.byteLength('short and stout: teapot')));
    // APIM ends the pipeline: outbound does not run.
    expect(response.headers['x-out-global']).toBeUndefined();
    expect(upstream.requests.length).toBe(before);
  });

  it('answers a failing expression without an on-error handler with a 500 JSON body and no details', async () => {
    const response = await gw.request('/core/explode', { headers: { 'ocp-apim-subscription-key': KEY } });
    expect(response.statusCode).toBe(500);
    expect(response.json()).toEqual({ statusCode: 500, message: 'Internal server error' });
    expect(response.text).not.toMatch(/at |stack|int\.Parse/);
  });

  it('jumps to on-error with context.LastError describing where it failed', async () => {
    const response = await gw.request('/core/explode-handled', { headers: { 'ocp-apim-subscription-key': KEY } });
    expect(response.statusCode).toBe(503);
    expect(response.json()).toEqual({
      source: 'set-variable',
      reason: 'ExpressionValueEvaluationFailure',
      scope: 'operation',
      section: 'inbound',
      path: 'set-variable[1]',
      policyId: 'parse-step',
    });
  });
});
