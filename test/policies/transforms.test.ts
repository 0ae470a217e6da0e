/**
 * Body transforms through the real gateway and a real upstream: set-body liquid,
 * json-to-xml and xml-to-json, each on the request (inbound) and on the response (outbound).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEchoUpstream, type EchoUpstream, type ReceivedRequest } from '../helpers/echo-upstream.js';
import { SnapshotBuilder } from '../helpers/snapshot-builder.js';
import type { TestGateway } from '../helpers/test-gateway.js';
import { operationPolicy, startPolicyGateway, withPolicies } from './harness.js';

describe('body transform policies through the gateway', () => {
  let upstream: EchoUpstream;
  let gw: TestGateway;

  beforeAll(async () => {
    upstream = await startEchoUpstream();
    const answer = (path: string, type: string, text: string): void => {
      upstream.route(path, (_req, res) => {
        res.writeHead(200, { 'content-type': type, 'content-length': Buffer.byteLength(text) });
        res.end(text);
      });
    };
    answer('/json-out', 'application/json', '{"order":{"id":7,"items":["a","b"]}}');
    answer('/xml-out', 'application/xml', '<order id="7"><item>a</item><item>b</item></order>');
    answer('/liquid-out', 'application/json', '{"user":{"name":"ada"}}');
    answer('/bad-xml-out', 'application/xml', '<order><oops></order>');
    const api = 'tx';
    const op = (id: string, method: string, template: string, document: string) => ({ id, method, template, document });
    const operations = [
      op('liquid-in-id', 'POST', '/liquid-in/{id}', `<policies><inbound><base />
        <set-body template="liquid">{"greeting":"hello {{ body.name | Upcase }}","id":"{{ context.Request.MatchedParameters["id"] }}","api":"{{ context.Api.Name | Default: "none" }}"}</set-body>
      </inbound></policies>`),
      op('liquid-out', 'GET', '/liquid-out', `<policies><outbound><base />
        <set-body template="liquid">name={{ body.user.name | Capitalize }}</set-body>
      </outbound></policies>`),
      op('json-to-xml-in', 'POST', '/json-to-xml-in', '<policies><inbound><base /><json-to-xml apply="content-type-json" consider-accept-header="false" /></inbound></policies>'),
      op('json-to-xml-out', 'GET', '/json-out', '<policies><outbound><base /><json-to-xml apply="always" consider-accept-header="true" /></outbound></policies>'),
      op('xml-to-json-in', 'POST', '/xml-to-json-in', '<policies><inbound><base /><xml-to-json kind="javascript-friendly" apply="content-type-xml" consider-accept-header="false" /></inbound></policies>'),
      op('xml-to-json-out', 'GET', '/xml-out', '<policies><outbound><base /><xml-to-json kind="javascript-friendly" apply="always" /></outbound></policies>'),
      op('bad-xml-out', 'GET', '/bad-xml-out', `<policies><outbound><base /><xml-to-json kind="direct" apply="always" /></outbound>
        <on-error><set-body>@(context.LastError.Reason + ":" + context.LastError.Source)</set-body></on-error></policies>`),
    ];
    let builder = new SnapshotBuilder().api(api, { path: api, serviceUrl: upstream.url, subscriptionRequired: false });
    for (const o of operations) builder = builder.operation(api, o.id, o.method, o.template);
    gw = await startPolicyGateway(withPolicies(builder.build(), { policies: operations.map((o) => operationPolicy(api, o.id, o.document)) }));
  });

  afterAll(async () => {
    await gw?.close();
    await upstream?.close();
  });

  it('set-body liquid renders the request from the JSON body and the context', async () => {
    const response = await gw.request('/tx/liquid-in/42', { method: 'POST', body: '{"name":"ada"}', headers: { 'content-type': 'application/json' } });
    const received = response.json<ReceivedRequest>();
    expect(JSON.parse(received.bodyText!)).toEqual({ greeting: 'hello ADA', id: '42', api: 'tx' });
    expect(received.headers['content-length']).toBe(String(Buffer.byteLength(received.bodyText!)));
  });

  it('set-body liquid renders the response from the backend JSON', async () => {
    const response = await gw.request('/tx/liquid-out');
    expect(response.text).toBe('name=Ada');
    expect(response.headers['content-length']).toBe(String(response.text.length));
  });

  it('json-to-xml converts the request body and its Content-Type', async () => {
    const response = await gw.request('/tx/json-to-xml-in', { method: 'POST', body: '{"a":{"b":[1,2]}}', headers: { 'content-type': 'application/json' } });
    const received = response.json<ReceivedRequest>();
    expect(received.bodyText).toBe('<?xml version="1.0" encoding="utf-8"?><Document><a><b>1</b><b>2</b></a></Document>');
    expect(received.headers['content-type']).toBe('application/xml');
  });

  it('json-to-xml leaves a body whose Content-Type is not JSON (apply="content-type-json")', async () => {
    const received = (await gw.request('/tx/json-to-xml-in', { method: 'POST', body: '{"a":1}', headers: { 'content-type': 'text/plain' } })).json<ReceivedRequest>();
    expect(received.bodyText).toBe('{"a":1}');
  });

  it('json-to-xml converts the response, honouring Accept', async () => {
    const converted = await gw.request('/tx/json-out', { headers: { accept: 'application/xml' } });
    expect(converted.headers['content-type']).toBe('application/xml');
    expect(converted.text).toBe('<?xml version="1.0" encoding="utf-8"?><Document><order><id>7</id><items>a</items><items>b</items></order></Document>');
    const untouched = await gw.request('/tx/json-out', { headers: { accept: 'application/json' } });
    expect(untouched.text).toBe('{"order":{"id":7,"items":["a","b"]}}');
  });

  it('xml-to-json converts the request body and its Content-Type', async () => {
    const response = await gw.request('/tx/xml-to-json-in', { method: 'POST', body: '<r a="1"><c>x</c><c>y</c></r>', headers: { 'content-type': 'text/xml' } });
    const received = response.json<ReceivedRequest>();
    expect(JSON.parse(received.bodyText!)).toEqual({ r: { '@a': '1', c: ['x', 'y'] } });
    expect(received.headers['content-type']).toBe('application/json');
  });

  it('xml-to-json converts the response', async () => {
    const response = await gw.request('/tx/xml-out');
    expect(response.headers['content-type']).toBe('application/json');
    expect(response.json<unknown>()).toEqual({ order: { '@id': '7', item: ['a', 'b'] } });
  });

  it('invalid JSON fails the request with 400 when there is no on-error', async () => {
    const response = await gw.request('/tx/json-to-xml-in', { method: 'POST', body: '{oops', headers: { 'content-type': 'application/json' } });
    expect(response.statusCode).toBe(400);
    expect(response.json<{ statusCode: number }>().statusCode).toBe(400);
  });

  it('invalid XML is a policy error on-error sees in LastError', async () => {
    const response = await gw.request('/tx/bad-xml-out');
    expect(response.text).toBe('InvalidXml:xml-to-json');
  });
});
