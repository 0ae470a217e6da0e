import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEchoUpstream, type EchoUpstream, type ReceivedRequest } from '../helpers/echo-upstream.js';
import { sendRaw } from '../helpers/raw-http.js';
import { SnapshotBuilder } from '../helpers/snapshot-builder.js';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.js';

const KEY = 'edge-key';

describe('edge rules (raw bytes on the wire)', () => {
  let upstream: EchoUpstream;
  let gw: TestGateway;
  /** A second gateway with short client timeouts. */
  let slow: TestGateway;
  const raw = (text: string) => sendRaw(gw.port, text);

  beforeAll(async () => {
    upstream = await startEchoUpstream();
    gw = await startTestGateway(
      new SnapshotBuilder()
        .api('open', { path: 'open', serviceUrl: upstream.url, subscriptionRequired: false })
        .operation('open', 'any', '*', '/*')
        .api('keyed', {
          path: 'keyed',
          serviceUrl: upstream.url,
          subscriptionKeyParameterNames: { header: 'X-Api-Key', query: 'key' },
        })
        .operation('keyed', 'any', '*', '/*')
        .api('admin', { path: 'admin', serviceUrl: upstream.url, subscriptionRequired: false })
        .operation('admin', 'any', '*', '/*')
        .subscription('s', { scope: '/apis', primaryKey: KEY })
        .build(),
      { maxRequestBodyBytes: 1024, maxHeaderSize: 4096 },
    );
    slow = await startTestGateway(new SnapshotBuilder().build(), {
      headersTimeoutMs: 300,
      requestTimeoutMs: 600,
      connectionsCheckingIntervalMs: 50,
    });
  });

  afterAll(async () => {
    await slow.close();
    await gw.close();
    await upstream.close();
  });

  it('forwards a clean request (control case)', async () => {
    const res = await raw('GET /open/x HTTP/1.1\r\nHost: gw\r\nConnection: close\r\n\r\n');
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ url: '/x' });
  });

  it.each([
    ['duplicate Content-Length', 'POST /open/x HTTP/1.1\r\nHost: gw\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc'],
    ['Content-Length with Transfer-Encoding', 'POST /open/x HTTP/1.1\r\nHost: gw\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n'],
    ['duplicate Host', 'GET /open/x HTTP/1.1\r\nHost: gw\r\nHost: other\r\n\r\n'],
    ['duplicate Authorization', 'GET /open/x HTTP/1.1\r\nHost: gw\r\nAuthorization: a\r\nAuthorization: b\r\n\r\n'],
    ['missing Host', 'GET /open/x HTTP/1.1\r\n\r\n'],
    ['encoded slash', 'GET /open/a%2Fb HTTP/1.1\r\nHost: gw\r\n\r\n'],
    ['backslash', 'GET /open/a%5C..%5Cadmin HTTP/1.1\r\nHost: gw\r\n\r\n'],
    ['NUL', 'GET /open/a%00 HTTP/1.1\r\nHost: gw\r\n\r\n'],
    ['dot-segments climbing out of the API path', 'GET /open/../admin/secret HTTP/1.1\r\nHost: gw\r\n\r\n'],
    ['encoded dot-segments climbing out of the API path', 'GET /open/%2e%2e/admin/secret HTTP/1.1\r\nHost: gw\r\n\r\n'],
    ['dot-segments above the root', 'GET /../open/x HTTP/1.1\r\nHost: gw\r\n\r\n'],
    ['`..;` segments climbing out of the API path', 'POST /open/..;/admin/secret HTTP/1.1\r\nHost: gw\r\nContent-Length: 0\r\n\r\n'],
    ['`..;` segments above the root', 'POST /open/..;/..;/admin HTTP/1.1\r\nHost: gw\r\nContent-Length: 0\r\n\r\n'],
    ['`..;param` segments climbing out of the API path', 'GET /open/..;jsessionid=x/admin/secret HTTP/1.1\r\nHost: gw\r\n\r\n'],
    ['encoded `..;` segments climbing out of the API path', 'GET /open/%2e%2E;x=1/admin/secret HTTP/1.1\r\nHost: gw\r\n\r\n'],
    ['Transfer-Encoding other than exactly chunked', 'POST /open/x HTTP/1.1\r\nHost: gw\r\nTransfer-Encoding: gzip, chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n'],
    ['Transfer-Encoding with chunked not last', 'POST /open/x HTTP/1.1\r\nHost: gw\r\nTransfer-Encoding: chunked, gzip\r\n\r\n3\r\nabc\r\n0\r\n\r\n'],
    ['Transfer-Encoding: identity', 'POST /open/x HTTP/1.1\r\nHost: gw\r\nTransfer-Encoding: identity\r\n\r\nabc'],
    ['duplicate Transfer-Encoding', 'POST /open/x HTTP/1.1\r\nHost: gw\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n'],
    ['Transfer-Encoding before Content-Length', 'POST /open/x HTTP/1.1\r\nHost: gw\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n3\r\nabc\r\n0\r\n\r\n'],
    ['a malformed header name', 'GET /open/x HTTP/1.1\r\nHost: gw\r\nBad Header: 1\r\n\r\n'],
    ['a malformed request line', 'GET /open/a b HTTP/1.1\r\nHost: gw\r\n\r\n'],
    ['an invalid Content-Length', 'POST /open/x HTTP/1.1\r\nHost: gw\r\nContent-Length: 3x\r\n\r\nabc'],
    ['Connection nominating the API key header', `GET /keyed/x HTTP/1.1\r\nHost: gw\r\nX-Api-Key: ${KEY}\r\nConnection: X-Api-Key\r\n\r\n`],
    ['Connection nominating X-Forwarded-For', 'GET /open/x HTTP/1.1\r\nHost: gw\r\nConnection: x-forwarded-for\r\n\r\n'],
  ])('refuses %s with 400 and nothing reaches the upstream', async (_name, request) => {
    const before = upstream.requests.length;
    const res = await raw(request);
    expect(res.statusCode).toBe(400);
    // The gateway's JSON body and a closed connection, whether node's parser or the edge refused it.
    expect(JSON.parse(res.body)).toMatchObject({ statusCode: 400 });
    expect(res.headers.connection).toBe('close');
    expect(upstream.requests.length).toBe(before);
  });

  it.each([
    ['POST /open/x HTTP/1.1\r\nHost: gw\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc', 'more than one Content-Length'],
    ['POST /open/x HTTP/1.1\r\nHost: gw\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n', 'both Content-Length and Transfer-Encoding'],
    ['POST /open/x HTTP/1.1\r\nHost: gw\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n3\r\nabc\r\n0\r\n\r\n', 'both Content-Length and Transfer-Encoding'],
    ['POST /open/x HTTP/1.1\r\nHost: gw\r\nTransfer-Encoding: gzip, chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n', "exactly 'chunked'"],
    ['POST /open/x HTTP/1.1\r\nHost: gw\r\nTransfer-Encoding: chunked, gzip\r\n\r\n3\r\nabc\r\n0\r\n\r\n', "exactly 'chunked'"],
    ['GET /open/x HTTP/1.1\r\n\r\n', 'no Host header'],
  ])('names the reason in the JSON body for %j', async (request, reason) => {
    const res = await raw(request);
    expect(res.statusCode).toBe(400);
    expect((JSON.parse(res.body) as { message: string }).message).toContain(reason);
  });

  it('accepts an HTTP/1.0 request without Host, and Transfer-Encoding: Chunked in any case', async () => {
    expect((await raw('GET /open/x HTTP/1.0\r\n\r\n')).statusCode).toBe(200);
    const res = await raw('POST /open/x HTTP/1.1\r\nHost: gw\r\nTransfer-Encoding: Chunked\r\nConnection: close\r\n\r\n3\r\nabc\r\n0\r\n\r\n');
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ bodyText: 'abc' });
  });

  it('resolves `..;` segments that stay inside the API path, as the backend would', async () => {
    const res = await raw('GET /open/a/..;/b/.;x=1/c HTTP/1.1\r\nHost: gw\r\nConnection: close\r\n\r\n');
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ url: '/b/c' });
  });

  it('answers a request timeout with the JSON 408', async () => {
    const res = await sendRaw(slow.port, 'GET /open/x HTTP/1.1\r\nHost: gw\r\n', 5_000);
    expect(res.statusCode).toBe(408);
    expect(JSON.parse(res.body)).toMatchObject({ statusCode: 408 });
    expect(res.headers.connection).toBe('close');
  });

  it('resolves dot-segments that stay inside the API path and forwards the normalised path', async () => {
    const res = await raw('GET /open/a/./b/../c HTTP/1.1\r\nHost: gw\r\nConnection: close\r\n\r\n');
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ url: '/a/c' });
  });

  it('strips hop-by-hop headers and Connection-nominated ones towards the backend', async () => {
    const res = await raw(
      'GET /open/x HTTP/1.1\r\nHost: gw\r\nConnection: close, X-Drop-Me\r\nX-Drop-Me: 1\r\nKeep-Alive: timeout=9\r\n' +
        'TE: trailers\r\nUpgrade: websocket\r\nProxy-Authorization: Basic Zm9vOmJhcg==\r\nX-Keep: yes\r\n\r\n',
    );
    const seen = JSON.parse(res.body) as ReceivedRequest;
    expect(seen.headers['x-keep']).toBe('yes');
    for (const name of ['x-drop-me', 'te', 'upgrade', 'proxy-authorization']) expect(seen.headers[name]).toBeUndefined();
    expect(seen.headers['keep-alive']).toBeUndefined();
  });

  it('strips hop-by-hop headers and Connection-nominated ones towards the client', async () => {
    upstream.route('/hop', (_req, res) => {
      res.writeHead(200, [
        'Connection', 'X-Internal',
        'X-Internal', 'backend-only',
        'Proxy-Authenticate', 'Basic',
        'Trailer', 'X-Checksum',
        'X-Public', 'ok',
      ]);
      res.write('ok');
      res.addTrailers({ 'X-Checksum': 'abc' });
      res.end();
    });
    const res = await raw('GET /open/hop HTTP/1.1\r\nHost: gw\r\nConnection: close\r\n\r\n');
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-public']).toBe('ok');
    expect(res.headers['x-internal']).toBeUndefined();
    expect(res.headers['proxy-authenticate']).toBeUndefined();
    expect(res.headers.trailer).toBeUndefined();
    expect(res.body).toBe('ok');
    // Response trailers are not relayed either.
    expect(res.raw.toLowerCase()).not.toContain('x-checksum');
  });

  it('never forwards request trailers', async () => {
    const res = await raw(
      'POST /open/t HTTP/1.1\r\nHost: gw\r\nTransfer-Encoding: chunked\r\nTrailer: X-Sig\r\nConnection: close\r\n\r\n' +
        '3\r\nabc\r\n0\r\nX-Sig: forged\r\n\r\n',
    );
    expect(res.statusCode).toBe(200);
    const seen = JSON.parse(res.body) as ReceivedRequest;
    expect(seen.bodyText).toBe('abc');
    expect(seen.trailers).toEqual({});
    expect(seen.headers.trailer).toBeUndefined();
  });

  it('answers 413 for a declared body over the cap, before contacting the backend', async () => {
    const before = upstream.requests.length;
    const res = await raw(`POST /open/x HTTP/1.1\r\nHost: gw\r\nContent-Length: 2048\r\n\r\n${'a'.repeat(100)}`);
    expect(res.statusCode).toBe(413);
    expect(res.headers.connection).toBe('close');
    expect(upstream.requests.length).toBe(before);
  });

  it('answers 413 for a chunked body that grows over the cap', async () => {
    upstream.route('/sink', (req, res) => {
      req.resume();
      req.on('end', () => res.end('done'));
    });
    const chunk = 'b'.repeat(600);
    const body = `258\r\n${chunk}\r\n258\r\n${chunk}\r\n0\r\n\r\n`;
    const res = await raw(`POST /open/sink HTTP/1.1\r\nHost: gw\r\nTransfer-Encoding: chunked\r\n\r\n${body}`);
    expect(res.statusCode).toBe(413);
  });

  it('answers 431 to oversized headers with a JSON body', async () => {
    const res = await raw(`GET /open/x HTTP/1.1\r\nHost: gw\r\nX-Big: ${'x'.repeat(8000)}\r\n\r\n`);
    expect(res.statusCode).toBe(431);
    expect(JSON.parse(res.body)).toMatchObject({ statusCode: 431 });
    expect(res.headers.connection).toBe('close');
  });
});
