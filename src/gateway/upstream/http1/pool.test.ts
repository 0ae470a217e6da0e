import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Server as NetServer, type Socket } from 'node:net';
import { PassThrough, Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { Http1Pool, type Http1PoolOptions } from './pool.js';
import type { UpstreamController, UpstreamRequest } from './types.js';

interface Outcome {
  status: number;
  headers: Record<string, string | string[]>;
  body: string;
}

const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

function pool(origin: string, options: Partial<Http1PoolOptions> = {}): Http1Pool {
  const p = new Http1Pool(origin, { connections: 8, keepAliveTimeoutMs: 4_000, connectTimeoutMs: 1_000, ...options });
  closers.push(() => p.destroy());
  return p;
}

/** One call through the pool; resolves with the response, rejects with the pool's error. */
function call(
  p: Http1Pool,
  request: Partial<UpstreamRequest> = {},
  onStart?: (c: UpstreamController) => void,
  onHead?: (c: UpstreamController) => void,
): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    let status = 0;
    let headers: Record<string, string | string[]> = {};
    const chunks: Buffer[] = [];
    p.dispatch(
      { method: 'GET', path: '/', headers: {}, body: null, headersTimeout: 2_000, bodyTimeout: 2_000, ...request },
      {
        onRequestStart: (c) => onStart?.(c),
        onResponseStart: (c, s, h) => {
          status = s;
          headers = h;
          onHead?.(c);
        },
        onResponseData: (_c, chunk) => chunks.push(Buffer.from(chunk)),
        onResponseEnd: () => resolve({ status, headers, body: Buffer.concat(chunks).toString() }),
        onResponseError: (_c, err) => reject(err),
      },
    );
  });
}

interface Backend {
  origin: string;
  /** Connections accepted so far. */
  connections: number;
  /** Highest number of requests in progress at once. */
  peak: number;
}

async function httpBackend(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<Backend> {
  let running = 0;
  const backend: Backend = { origin: '', connections: 0, peak: 0 };
  const server: Server = createHttpServer((req, res) => {
    backend.peak = Math.max(backend.peak, ++running);
    res.on('close', () => running--);
    handler(req, res);
  });
  server.on('connection', () => backend.connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  backend.origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  closers.push(() => {
    server.closeAllConnections();
    return new Promise((resolve) => server.close(resolve));
  });
  return backend;
}

/** A TCP server speaking whatever `onSocket` writes: for responses node's server would never send. */
async function rawBackend(onSocket: (socket: Socket, index: number) => void): Promise<{ origin: string; port: number; sockets: Socket[] }> {
  const sockets: Socket[] = [];
  const server: NetServer = createNetServer((socket) => {
    sockets.push(socket);
    socket.on('error', () => undefined);
    onSocket(socket, sockets.length - 1);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  closers.push(() => {
    for (const s of sockets) s.destroy();
    return new Promise((resolve) => server.close(resolve));
  });
  return { origin: `http://127.0.0.1:${port}`, port, sockets };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString()));
  });
}

describe('Http1Pool', () => {
  it('reuses one keep-alive connection for requests one after another', async () => {
    const backend = await httpBackend((req, res) => res.end(`you asked for ${req.url}`));
    const p = pool(backend.origin);
    for (const path of ['/a', '/b?x=1', '/c']) expect((await call(p, { path })).body).toBe(`you asked for ${path}`);
    expect(backend.connections).toBe(1);
  });

  it('opens at most `connections` connections and serves the rest in order as they free up', async () => {
    const backend = await httpBackend((req, res) => setTimeout(() => res.end(req.url), 30));
    const p = pool(backend.origin, { connections: 2 });
    const order: string[] = [];
    const bodies = await Promise.all(
      ['/1', '/2', '/3', '/4', '/5'].map((path) =>
        call(p, { path }).then((r) => {
          order.push(r.body);
          return r.body;
        }),
      ),
    );
    expect(bodies).toEqual(['/1', '/2', '/3', '/4', '/5']);
    expect(backend.connections).toBe(2);
    expect(backend.peak).toBe(2);
    expect(order.slice(2)).toEqual(['/3', '/4', '/5']);
  });

  it('sends the host, headers and a buffered body with its length', async () => {
    let seen: { headers: IncomingMessage['headers']; body: string } | null = null;
    const backend = await httpBackend((req, res) => {
      void readBody(req).then((body) => {
        seen = { headers: req.headers, body };
        res.end('ok');
      });
    });
    const p = pool(backend.origin);
    await call(p, {
      method: 'POST',
      headers: { 'x-one': 'a', 'x-many': ['b', 'c'], 'content-length': '999', connection: 'upgrade' },
      body: Buffer.from('payload'),
    });
    expect(seen!.body).toBe('payload');
    expect(seen!.headers['content-length']).toBe('7');
    expect(seen!.headers.host).toBe(new URL(backend.origin).host);
    expect(seen!.headers['x-one']).toBe('a');
    expect(seen!.headers['x-many']).toBe('b, c');
    expect(seen!.headers.connection).not.toBe('upgrade');
  });

  it('streams a body of unknown length chunked, and one of declared length as it is', async () => {
    const seen: { te?: string; cl?: string; body: string }[] = [];
    const backend = await httpBackend((req, res) => {
      void readBody(req).then((body) => {
        seen.push({ te: req.headers['transfer-encoding'], cl: req.headers['content-length'], body });
        res.end('ok');
      });
    });
    const p = pool(backend.origin);
    const parts = ['first ', 'second ', 'third'];
    await call(p, { method: 'POST', body: Readable.from(parts.map((s) => Buffer.from(s))) });
    await call(p, { method: 'PUT', headers: { 'content-length': '18' }, body: Readable.from(parts.map((s) => Buffer.from(s))) });
    expect(seen).toEqual([
      { te: 'chunked', cl: undefined, body: 'first second third' },
      { te: undefined, cl: '18', body: 'first second third' },
    ]);
    // And the connection carried both.
    expect(backend.connections).toBe(1);
  });

  it('fails a streamed body shorter than its Content-Length, and does not reuse that connection', async () => {
    const backend = await httpBackend((req, res) => void readBody(req).then((body) => res.end(body)));
    const p = pool(backend.origin);
    await expect(
      call(p, { method: 'POST', headers: { 'content-length': '100' }, body: Readable.from([Buffer.from('short')]) }),
    ).rejects.toMatchObject({ code: 'UPSTREAM_BAD_REQUEST' });
    expect((await call(p)).status).toBe(200);
    expect(backend.connections).toBe(2);
  });

  it('leaves a request body it stopped sending paused and heard: a later error there is no crash', async () => {
    const backend = await httpBackend((_req, res) => res.end('early'));
    const p = pool(backend.origin);
    const upload = new PassThrough();
    upload.write('the start of a long upload');
    // The backend answers without reading the body: the connection is closed, the body no longer sent.
    expect((await call(p, { method: 'POST', body: upload })).body).toBe('early');
    upload.write('more the client sends anyway');
    upload.destroy(new Error('the body-size limit, raised after the call ended'));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(upload.isPaused()).toBe(true);
    expect((await call(p)).body).toBe('early');
  });

  it('close() called twice settles both promises', async () => {
    const backend = await httpBackend((_req, res) => setTimeout(() => res.end('ok'), 20));
    const p = pool(backend.origin);
    const pending = call(p);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const [first, second] = [p.close(), p.close()];
    await pending;
    await expect(Promise.all([first, second])).resolves.toEqual([undefined, undefined]);
  });

  it('refuses a header value that would write another header, sending nothing', async () => {
    const backend = await httpBackend((_req, res) => res.end('ok'));
    const p = pool(backend.origin);
    await expect(call(p, { headers: { 'x-evil': 'a\r\nx-injected: 1' } })).rejects.toMatchObject({
      code: 'UPSTREAM_BAD_REQUEST',
      message: expect.stringContaining("'x-evil'"),
    });
    // Written as latin-1, U+010D U+010A would go out as CR LF.
    await expect(call(p, { headers: { 'x-user': 'bob\u010d\u010ax-admin: true' } })).rejects.toMatchObject({ code: 'UPSTREAM_BAD_REQUEST' });
    await expect(call(p, { headers: { host: 'a\u010d\u010ab' } })).rejects.toMatchObject({ code: 'UPSTREAM_BAD_REQUEST' });
    await expect(call(p, { path: '/a b' })).rejects.toMatchObject({ code: 'UPSTREAM_BAD_REQUEST' });
    expect((await call(p)).body).toBe('ok');
    expect(backend.connections).toBe(1);
  });

  it('times out waiting for headers, and a body that stalls', async () => {
    const backend = await httpBackend((req, res) => {
      if (req.url === '/stall') {
        res.writeHead(200, { 'content-length': '10' });
        res.write('half');
      }
      // '/silent': never answers.
    });
    const p = pool(backend.origin);
    const started = performance.now();
    await expect(call(p, { path: '/silent', headersTimeout: 150 })).rejects.toMatchObject({ code: 'UPSTREAM_HEADERS_TIMEOUT' });
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
    await expect(call(p, { path: '/stall', bodyTimeout: 150 })).rejects.toMatchObject({ code: 'UPSTREAM_BODY_TIMEOUT' });
  });

  it('times out the headers of a waiting request sent on the connection its predecessor just freed', async () => {
    const backend = await httpBackend((req, res) => {
      if (req.url === '/fast') setTimeout(() => res.end('ok'), 20);
    });
    const p = pool(backend.origin, { connections: 1 });
    const first = call(p, { path: '/fast', bodyTimeout: 10_000 });
    const second = call(p, { path: '/silent', headersTimeout: 150, bodyTimeout: 10_000 });
    expect((await first).body).toBe('ok');
    await expect(second).rejects.toMatchObject({ code: 'UPSTREAM_HEADERS_TIMEOUT' });
    expect(backend.connections).toBe(1);
  });

  it('does not count a response paused by its consumer against the body timeout', async () => {
    const backend = await httpBackend((_req, res) => {
      res.writeHead(200, { 'content-length': '4' });
      res.write('ab');
      setTimeout(() => res.end('cd'), 20);
    });
    const p = pool(backend.origin);
    let controller: UpstreamController | null = null;
    const outcome = call(p, { bodyTimeout: 100 }, undefined, (c) => {
      controller = c;
      c.pause();
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    controller!.resume();
    expect((await outcome).body).toBe('abcd');
  });

  it('times out a connection that never completes its TLS handshake', async () => {
    const silent = await rawBackend(() => undefined);
    const p = pool(`https://127.0.0.1:${silent.port}`, { connectTimeoutMs: 150 });
    await expect(call(p)).rejects.toMatchObject({ code: 'UPSTREAM_CONNECT_TIMEOUT' });
  });

  /** The first connection answers one request, then drops the next without a word (a keep-alive race). */
  function droppingBackend() {
    return rawBackend((socket, index) => {
      let requests = 0;
      socket.on('data', () => {
        if (index === 0 && ++requests > 1) socket.destroy();
        else socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
      });
    });
  }

  it('sends an idempotent request again when its reused connection turns out closed', async () => {
    const backend = await droppingBackend();
    const p = pool(backend.origin);
    expect((await call(p)).body).toBe('ok');
    expect((await call(p, { method: 'PUT', body: Buffer.from('x') })).body).toBe('ok');
    expect(backend.sockets).toHaveLength(2);
  });

  it('does not send a POST twice: it may have been acted on', async () => {
    const backend = await droppingBackend();
    const p = pool(backend.origin);
    await call(p);
    await expect(call(p, { method: 'POST', body: Buffer.from('x') })).rejects.toMatchObject({
      code: expect.stringMatching(/^(UPSTREAM_CLOSED|ECONNRESET)$/),
    });
    expect(backend.sockets).toHaveLength(1);
  });

  it('follows the backend: Connection: close and a short Keep-Alive hint end the connection', async () => {
    const backend = await rawBackend((socket, index) => {
      socket.on('data', () => {
        const header = index === 0 ? 'Connection: close' : 'Keep-Alive: timeout=1';
        socket.write(`HTTP/1.1 200 OK\r\n${header}\r\nContent-Length: 2\r\n\r\nok`);
      });
    });
    const p = pool(backend.origin);
    await call(p);
    await call(p);
    await call(p);
    expect(backend.sockets).toHaveLength(3);
  });

  it('reads a response delimited by the connection closing', async () => {
    const backend = await rawBackend((socket) => {
      socket.once('data', () => socket.end('HTTP/1.1 200 OK\r\n\r\nto the end'));
    });
    expect((await call(pool(backend.origin))).body).toBe('to the end');
  });

  it('fails a malformed response with a reason, and the pool goes on', async () => {
    const backend = await rawBackend((socket, index) => {
      socket.on('data', () => {
        socket.write(index === 0 ? 'HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nx' : 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
      });
    });
    const p = pool(backend.origin);
    await expect(call(p)).rejects.toMatchObject({ code: 'UPSTREAM_BAD_RESPONSE', message: expect.stringContaining('conflicting') });
    expect((await call(p)).body).toBe('ok');
  });

  it('aborts a queued request and one in flight, and frees the connection slot', async () => {
    const backend = await httpBackend((req, res) => {
      if (req.url !== '/hang') res.end('ok');
    });
    const p = pool(backend.origin, { connections: 1 });
    let inFlight: UpstreamController | null = null;
    let queued: UpstreamController | null = null;
    const first = call(p, { path: '/hang' }, (c) => (inFlight = c));
    const second = call(p, {}, (c) => (queued = c));
    const reason = new Error('client went away');
    queued!.abort(reason);
    await expect(second).rejects.toBe(reason);
    await new Promise((resolve) => setTimeout(resolve, 20));
    inFlight!.abort(reason);
    await expect(first).rejects.toBe(reason);
    expect((await call(p)).body).toBe('ok');
  });

  it('close() lets a request in flight finish; destroy() cuts it', async () => {
    const backend = await httpBackend((req, res) => {
      if (req.url === '/slow') setTimeout(() => res.end('done'), 50);
    });
    const p = pool(backend.origin);
    const slow = call(p, { path: '/slow' });
    await new Promise((resolve) => setTimeout(resolve, 10));
    const closed = p.close();
    expect((await slow).body).toBe('done');
    await closed;
    expect(p.size).toBe(0);
    await expect(call(p)).rejects.toMatchObject({ code: 'UPSTREAM_POOL_CLOSED' });

    const q = pool(backend.origin);
    const hanging = call(q, { path: '/hang' });
    await new Promise((resolve) => setTimeout(resolve, 10));
    await q.destroy();
    await expect(hanging).rejects.toMatchObject({ code: 'UPSTREAM_POOL_CLOSED' });
  });

  it('reports a refused connection as the system error', async () => {
    const gone = await rawBackend(() => undefined);
    const origin = gone.origin;
    await closers.pop()!();
    await expect(call(pool(origin))).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});
