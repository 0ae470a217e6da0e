import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createBareProxy, type BareProxy } from '../bench/systems/bare-proxy.js';

/** Smoke test of the benchmark's ceiling system (a): it must really proxy, or its number means nothing. */

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

function get(port: number, path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('bench bare proxy', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  function track(proxy: BareProxy): BareProxy {
    cleanups.push(() => proxy.close());
    return proxy;
  }

  it('forwards the request without the API prefix and streams the upstream answer back', async () => {
    const seen: { url?: string; headers?: IncomingHttpHeaders } = {};
    const upstream = createServer((req, res) => {
      seen.url = req.url;
      seen.headers = req.headers;
      res.writeHead(201, { 'content-type': 'application/json', 'x-upstream': 'yes' });
      res.end('{"ok":true}');
    });
    const upstreamPort = await listen(upstream);
    cleanups.push(() => new Promise((resolve) => upstream.close(() => resolve())));

    const proxy = track(createBareProxy({ upstream: `http://127.0.0.1:${upstreamPort}`, stripPrefix: '/bench' }));
    const port = await listen(proxy.server);

    const response = await get(port, '/bench/hello?x=1', { 'ocp-apim-subscription-key': 'k', 'keep-alive': 'timeout=5' });
    expect(response).toEqual({ status: 201, body: '{"ok":true}' });
    expect(seen.url).toBe('/hello?x=1');
    expect(seen.headers?.['ocp-apim-subscription-key']).toBe('k');
    // Hop-by-hop headers stay on the client's hop.
    expect(seen.headers?.['keep-alive']).toBeUndefined();
  });

  it('answers 502 when the upstream is down', async () => {
    const closed = createServer();
    const deadPort = await listen(closed);
    await new Promise<void>((resolve) => closed.close(() => resolve()));

    const proxy = track(createBareProxy({ upstream: `http://127.0.0.1:${deadPort}`, stripPrefix: '/bench' }));
    const port = await listen(proxy.server);
    const response = await get(port, '/bench/hello');
    expect(response.status).toBe(502);
  });
});
