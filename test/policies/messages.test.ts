/**
 * Policies that change the request or the response, through the real gateway and a real
 * upstream: headers, query, method, URI, bodies (buffered only when a policy reads them).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEchoUpstream, type EchoUpstream, type ReceivedRequest } from '../helpers/echo-upstream.js';
import { SnapshotBuilder } from '../helpers/snapshot-builder.js';
import type { TestGateway } from '../helpers/test-gateway.js';
import { operationPolicy, startPolicyGateway, withPolicies } from './harness.js';

describe('message policies through the gateway', () => {
  let upstream: EchoUpstream;
  let gw: TestGateway;

  beforeAll(async () => {
    upstream = await startEchoUpstream();
    upstream.route('/text', (_req, res) => {
      const text = 'see http://internal/docs';
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(text) });
      res.end(text);
    });
    const api = 'msg';
    const op = (id: string, method: string, template: string, document: string) => ({ id, method, template, document });
    const operations = [
      op('query', 'GET', '/query', `<policies><inbound><base />
        <set-query-parameter name="added" exists-action="override"><value>@(context.Request.Url.Query.GetValueOrDefault("keep", "none"))</value></set-query-parameter>
        <set-query-parameter name="drop" exists-action="delete" />
      </inbound></policies>`),
      op('method', 'GET', '/method', '<policies><inbound><base /><set-method>DELETE</set-method></inbound></policies>'),
      op('rewrite', 'GET', '/orders/{id}', '<policies><inbound><base /><rewrite-uri template="/v2/order-service/{id}/details" /></inbound></policies>'),
      op('request-body', 'POST', '/request-body', `<policies><inbound><base />
        <set-variable name="original" value="@(context.Request.Body.As<string>(preserveContent: true))" />
        <set-header name="x-original-length" exists-action="override"><value>@(((string)context.Variables["original"]).Length.ToString())</value></set-header>
        <set-body>@("wrapped:" + (string)context.Variables["original"])</set-body>
      </inbound></policies>`),
      op('consumed-body', 'POST', '/consumed', `<policies><inbound><base />
        <set-header name="x-seen" exists-action="override"><value>@(context.Request.Body.As<string>())</value></set-header>
      </inbound></policies>`),
      op('json-body', 'POST', '/json', `<policies><inbound><base />
        <set-body>@{
          var body = context.Request.Body.As<JObject>();
          body["added"] = "by-policy";
          return body.ToString();
        }</set-body>
      </inbound></policies>`),
      op('response', 'GET', '/text', `<policies><outbound><base />
        <set-status code="203" reason="Rewritten" />
        <set-header name="x-upstream" exists-action="delete" />
        <set-header name="x-length" exists-action="override"><value>@(context.Response.Body.As<string>(preserveContent: true).Length.ToString())</value></set-header>
        <find-and-replace from="http://internal" to="@("http://" + context.Request.OriginalUrl.Host)" />
      </outbound></policies>`),
      op('streamed', 'POST', '/streamed', '<policies><outbound><base /><set-header name="x-outbound" exists-action="override"><value>ran</value></set-header></outbound></policies>'),
    ];
    let builder = new SnapshotBuilder().api(api, { path: api, serviceUrl: upstream.url, subscriptionRequired: false });
    for (const o of operations) builder = builder.operation(api, o.id, o.method, o.template);
    gw = await startPolicyGateway(withPolicies(builder.build(), { policies: operations.map((o) => operationPolicy(api, o.id, o.document)) }));
  });

  afterAll(async () => {
    await gw?.close();
    await upstream?.close();
  });

  it('set-query-parameter changes only the parameters it names', async () => {
    const received = (await gw.request('/msg/query?keep=a%2Fb&drop=1&other=x')).json<ReceivedRequest>();
    expect(received.url).toBe('/query?keep=a%2Fb&other=x&added=a%2Fb');
  });

  it('set-method changes the method the backend sees', async () => {
    expect((await gw.request('/msg/method')).json<ReceivedRequest>().method).toBe('DELETE');
  });

  it('rewrite-uri rewrites the backend path with template parameters and keeps the query', async () => {
    expect((await gw.request('/msg/orders/77?x=1')).json<ReceivedRequest>().url).toBe('/v2/order-service/77/details?x=1');
  });

  it('reads the request body (preserved) and replaces it with a correct Content-Length', async () => {
    const response = await gw.request('/msg/request-body', { method: 'POST', body: 'hello', headers: { 'content-type': 'text/plain' } });
    const received = response.json<ReceivedRequest>();
    expect(received.bodyText).toBe('wrapped:hello');
    expect(received.headers['content-length']).toBe(String('wrapped:hello'.length));
    expect(received.headers['x-original-length']).toBe('5');
  });

  it('buffers a chunked request body for expressions', async () => {
    const { Readable } = await import('node:stream');
    const response = await gw.request('/msg/request-body', { method: 'POST', body: Readable.from([Buffer.from('chu'), Buffer.from('nked')]) });
    expect(response.json<ReceivedRequest>().bodyText).toBe('wrapped:chunked');
  });

  it('As<T>() without preserveContent consumes the body, as in APIM', async () => {
    const received = (await gw.request('/msg/consumed', { method: 'POST', body: 'gone' })).json<ReceivedRequest>();
    expect(received.headers['x-seen']).toBe('gone');
    expect(received.bodyLength).toBe(0);
  });

  it('edits a JSON body with JObject', async () => {
    const received = (await gw.request('/msg/json', { method: 'POST', body: '{"a":1}', headers: { 'content-type': 'application/json' } })).json<ReceivedRequest>();
    expect(JSON.parse(received.bodyText!)).toEqual({ a: 1, added: 'by-policy' });
  });

  it('changes the backend response: status, headers and body', async () => {
    const response = await gw.request('/msg/text');
    expect(response.statusCode).toBe(203);
    expect(response.headers['x-upstream']).toBeUndefined();
    expect(response.headers['x-length']).toBe('24');
    expect(response.text).toBe('see http://127.0.0.1/docs');
    expect(response.headers['content-length']).toBe(String(Buffer.byteLength(response.text)));
  });

  it('streams bodies no policy reads', async () => {
    const big = Buffer.alloc(2 * 1024 * 1024, 'x');
    const response = await gw.request('/msg/streamed', { method: 'POST', body: big });
    expect(response.headers['x-outbound']).toBe('ran');
    expect(response.json<ReceivedRequest>().bodyLength).toBe(big.length);
  });
});
