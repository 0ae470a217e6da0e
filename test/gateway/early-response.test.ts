import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEchoUpstream, type EchoUpstream } from '../helpers/echo-upstream.js';
import { sendRaw } from '../helpers/raw-http.js';
import { SnapshotBuilder } from '../helpers/snapshot-builder.js';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.js';

/** Far more than the loopback socket buffers hold: reaching it means the gateway kept reading. */
const UNBOUNDED = 64 * 1024 * 1024;
const CHUNK = Buffer.alloc(64 * 1024, 'u');
const CHUNK_FRAME = Buffer.concat([Buffer.from(`${CHUNK.length.toString(16)}\r\n`), CHUNK, Buffer.from('\r\n')]);

/** A raw connection that records everything the gateway sends and when it hangs up. */
interface Upload {
  readonly socket: Socket;
  /** Everything received so far (latin1). */
  received(): string;
  /** Resolves once the gateway closed (or reset) the connection. */
  readonly closed: Promise<void>;
  isClosed(): boolean;
}

function openUpload(port: number, head: string): Promise<Upload> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    let closed = false;
    const closedPromise = new Promise<void>((done) => socket.once('close', () => ((closed = true), done())));
    socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
    socket.on('error', () => {
      // EPIPE / ECONNRESET: the gateway hung up mid-upload, which is what these tests expect.
    });
    socket.once('connect', () => {
      socket.write(head);
      resolve({ socket, received: () => text, closed: closedPromise, isClosed: () => closed });
    });
    socket.once('error', reject);
  });
}

/** Keeps uploading chunked frames until the gateway hangs up or `limit` bytes went out; returns the bytes sent. */
async function pumpChunks(upload: Upload, limit: number): Promise<number> {
  let sent = 0;
  while (!upload.isClosed() && sent < limit) {
    const flushed = upload.socket.write(CHUNK_FRAME);
    sent += CHUNK_FRAME.length;
    if (!flushed) {
      await Promise.race([new Promise((resolve) => upload.socket.once('drain', resolve)), upload.closed]);
    }
  }
  return sent;
}

function statusLines(text: string): string[] {
  return text.match(/HTTP\/1\.1 \d{3}/g) ?? [];
}

function headerValue(text: string, name: string): string | undefined {
  const head = text.slice(0, text.indexOf('\r\n\r\n'));
  const line = head.split('\r\n').find((l) => l.toLowerCase().startsWith(`${name}:`));
  return line?.slice(name.length + 1).trim().toLowerCase();
}

function waitFor(predicate: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const tick = (): void => {
      if (predicate()) resolve();
      else if (Date.now() > deadline) reject(new Error('condition not met in time'));
      else setTimeout(tick, 10);
    };
    tick();
  });
}

describe('responses sent before the request body was read', () => {
  let upstream: EchoUpstream;
  let gw: TestGateway;

  beforeAll(async () => {
    upstream = await startEchoUpstream();
    upstream.route('/hang', () => {
      // never answers
    });
    upstream.route('/slow', (_req, res) => {
      // Slow enough for the pipelined request behind it to be read, within the 200 ms backend timeout.
      setTimeout(() => res.end('slow'), 100);
    });
    gw = await startTestGateway(
      new SnapshotBuilder()
        .api('open', { path: 'open', serviceUrl: upstream.url, subscriptionRequired: false })
        .operation('open', 'any', '*', '/*')
        .api('keyed', { path: 'keyed', serviceUrl: upstream.url })
        .operation('keyed', 'any', '*', '/*')
        .build(),
      {
        maxRequestBodyBytes: 32 * 1024 * 1024,
        backendTimeoutMs: 200,
        headersTimeoutMs: 1_000,
        requestTimeoutMs: 2_000,
        // node checks request timeouts on this tick; short, so a stray 408 shows up in the test.
        connectionsCheckingIntervalMs: 50,
      },
    );
  });

  afterAll(async () => {
    await gw.close();
    await upstream.close();
  });

  it.each([
    ['a 404 (unknown path)', '/nope'],
    ['a 401 (missing key)', '/keyed/x'],
  ])('answers %s to an endless chunked upload with connection: close and hangs up', async (_name, path) => {
    const upload = await openUpload(gw.port, `POST ${path} HTTP/1.1\r\nHost: gw\r\nTransfer-Encoding: chunked\r\n\r\n`);
    const sent = await pumpChunks(upload, UNBOUNDED);
    await upload.closed;
    expect(sent).toBeLessThan(UNBOUNDED);
    const text = upload.received();
    expect(statusLines(text)).toHaveLength(1);
    expect(headerValue(text, 'connection')).toBe('close');
    expect(JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4))).toHaveProperty('statusCode');
  });

  it('hangs up after answering a request whose declared body never arrives', async () => {
    const upload = await openUpload(gw.port, 'POST /nope HTTP/1.1\r\nHost: gw\r\nContent-Length: 100000\r\n\r\npartial');
    await upload.closed;
    const text = upload.received();
    expect(statusLines(text)).toEqual(['HTTP/1.1 404']);
    expect(headerValue(text, 'connection')).toBe('close');
  });

  it('sends one response only: a 504 during the upload, then no 408 from the request timeout', async () => {
    // The backend reads nothing, so the upload backs up and the backend timeout fires mid-upload.
    const upload = await openUpload(gw.port, 'POST /open/hang HTTP/1.1\r\nHost: gw\r\nTransfer-Encoding: chunked\r\n\r\n');
    const sent = await pumpChunks(upload, UNBOUNDED);
    expect(sent).toBeLessThan(UNBOUNDED);
    // Had the connection stayed open, the request timeout would now add node's 408.
    await Promise.race([upload.closed, new Promise((resolve) => setTimeout(resolve, 2_500))]);
    const text = upload.received();
    expect(statusLines(text)).toEqual(['HTTP/1.1 504']);
    expect(headerValue(text, 'connection')).toBe('close');
    expect(upload.isClosed()).toBe(true);
  });

  it('answers a request timeout during a backend call once, as JSON, through the response in flight', async () => {
    // Headers only, then the client stalls: the backend call is open, the request never completes.
    const upload = await openUpload(gw.port, 'POST /open/hang HTTP/1.1\r\nHost: gw\r\nTransfer-Encoding: chunked\r\n\r\n');
    await Promise.race([upload.closed, new Promise((resolve) => setTimeout(resolve, 3_000))]);
    const text = upload.received();
    expect(statusLines(text)).toEqual(['HTTP/1.1 408']);
    expect(JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4))).toMatchObject({ statusCode: 408 });
    expect(upload.isClosed()).toBe(true);
  });

  it('answers a malformed chunk arriving mid-call once, with the JSON 400', async () => {
    const upload = await openUpload(gw.port, 'POST /open/hang HTTP/1.1\r\nHost: gw\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n');
    await waitFor(() => upstream.openRequests > 0, 1_000);
    upload.socket.write('zz\r\nnot a chunk\r\n');
    await Promise.race([upload.closed, new Promise((resolve) => setTimeout(resolve, 1_500))]);
    const text = upload.received();
    expect(statusLines(text)).toEqual(['HTTP/1.1 400']);
    expect(JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4))).toMatchObject({ statusCode: 400 });
    expect(upload.isClosed()).toBe(true);
  });

  it('answers a complete request first when a malformed one is pipelined behind it, then hangs up', async () => {
    const upload = await openUpload(gw.port, 'GET /open/slow HTTP/1.1\r\nHost: gw\r\n\r\nG(T /open/x HTTP/1.1\r\nHost: gw\r\n\r\n');
    await Promise.race([upload.closed, new Promise((resolve) => setTimeout(resolve, 2_000))]);
    const text = upload.received();
    expect(statusLines(text)).toEqual(['HTTP/1.1 200']);
    expect(headerValue(text, 'connection')).toBe('close');
    expect(text.endsWith('slow')).toBe(true);
    expect(upload.isClosed()).toBe(true);
  });

  it('closes after the 200 health probe too when a body is still coming', async () => {
    const upload = await openUpload(gw.port, 'POST /status-0123456789abcdef HTTP/1.1\r\nHost: gw\r\nContent-Length: 100000\r\n\r\npartial');
    await Promise.race([upload.closed, new Promise((resolve) => setTimeout(resolve, 2_000))]);
    expect(statusLines(upload.received())).toEqual(['HTTP/1.1 200']);
    expect(headerValue(upload.received(), 'connection')).toBe('close');
    expect(upload.isClosed()).toBe(true);
  });

  it('keeps the connection for the next request when the body was read (control case)', async () => {
    const res = await sendRaw(
      gw.port,
      'POST /open/a HTTP/1.1\r\nHost: gw\r\nContent-Length: 3\r\n\r\nabc' + 'GET /open/b HTTP/1.1\r\nHost: gw\r\nConnection: close\r\n\r\n',
    );
    expect(res.statusCode).toBe(200);
    expect(res.headers.connection).toBe('keep-alive');
  });

  it('keeps the connection after a refusal of a request without a body (control case)', async () => {
    const upload = await openUpload(gw.port, 'GET /nope HTTP/1.1\r\nHost: gw\r\n\r\nGET /nope HTTP/1.1\r\nHost: gw\r\nConnection: close\r\n\r\n');
    await upload.closed;
    const text = upload.received();
    expect(statusLines(text)).toEqual(['HTTP/1.1 404', 'HTTP/1.1 404']);
    expect(headerValue(text, 'connection')).toBe('keep-alive');
  });
});

describe('answers given before the edge phase', () => {
  it.each([
    ['the 503 of a gateway with no configuration', '/anything', 503],
    ['the health probe', '/status-0123456789abcdef', 503],
  ])('close the connection for %s when a body is still coming', async (_name, path, status) => {
    const gw = await startTestGateway(null);
    try {
      const upload = await openUpload(gw.port, `POST ${path} HTTP/1.1\r\nHost: gw\r\nContent-Length: 100000\r\n\r\npartial`);
      await Promise.race([upload.closed, new Promise((resolve) => setTimeout(resolve, 2_000))]);
      const text = upload.received();
      expect(statusLines(text)).toEqual([`HTTP/1.1 ${status}`]);
      expect(headerValue(text, 'connection')).toBe('close');
      expect(upload.isClosed()).toBe(true);
    } finally {
      await gw.close();
    }
  });
});
