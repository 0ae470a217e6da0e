import { createHash, randomBytes } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent, request } from 'undici';
import { startEchoUpstream, type EchoUpstream } from '../helpers/echo-upstream.js';
import { SnapshotBuilder } from '../helpers/snapshot-builder.js';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.js';

const MB = 1024 * 1024;
const TOTAL_MB = 50;

/**
 * Both directions are made to depend on streaming: the far side refuses to produce or
 * accept the rest until it has seen the first megabyte. A gateway that buffered whole
 * bodies would deadlock here (and the test would time out) instead of passing.
 */
describe('streaming through the gateway', () => {
  let upstream: EchoUpstream;
  let gw: TestGateway;
  let client: Agent;
  const chunk = randomBytes(MB);

  beforeAll(async () => {
    upstream = await startEchoUpstream();
    gw = await startTestGateway(
      new SnapshotBuilder()
        .api('files', { path: 'files', serviceUrl: upstream.url, subscriptionRequired: false })
        .operation('files', 'up', 'PUT', '/upload')
        .operation('files', 'up-chunked', 'POST', '/upload')
        .operation('files', 'down', 'GET', '/download')
        .build(),
      { maxRequestBodyBytes: 64 * MB },
    );
    client = new Agent();
  });

  afterAll(async () => {
    await client.close();
    await gw.close();
    await upstream.close();
  });

  function expectedSha(): string {
    const hash = createHash('sha256');
    for (let i = 0; i < TOTAL_MB; i++) hash.update(chunk);
    return hash.digest('hex');
  }

  it.each([
    ['with Content-Length', 'PUT' as const],
    ['chunked', 'POST' as const],
  ])('uploads %s: the backend gets the first bytes before the client sent the last', async (_name, method) => {
    let firstBytesSeen!: () => void;
    const firstBytes = new Promise<void>((resolve) => (firstBytesSeen = resolve));
    upstream.route('/upload', (req, res) => {
      const hash = createHash('sha256');
      let length = 0;
      req.on('data', (data: Buffer) => {
        if (length === 0) firstBytesSeen();
        length += data.length;
        hash.update(data);
      });
      req.on('end', () => res.end(JSON.stringify({ length, sha: hash.digest('hex'), te: req.headers['transfer-encoding'] ?? null })));
    });

    const body = new PassThrough();
    const headers: Record<string, string> = method === 'PUT' ? { 'content-length': String(TOTAL_MB * MB) } : {};
    const responsePromise = request(`${gw.url}/files/upload`, { dispatcher: client, method, body, headers });
    body.write(chunk);
    await firstBytes; // would never resolve if the gateway waited for the whole body
    for (let i = 1; i < TOTAL_MB; i++) {
      if (!body.write(chunk)) await new Promise((resolve) => body.once('drain', resolve));
    }
    body.end();

    const response = await responsePromise;
    const result = (await response.body.json()) as { length: number; sha: string; te: string | null };
    expect(response.statusCode).toBe(200);
    expect(result.length).toBe(TOTAL_MB * MB);
    expect(result.sha).toBe(expectedSha());
    if (method === 'POST') expect(result.te).toBe('chunked');
  });

  it('downloads: the client gets the first bytes before the backend sent the last', async () => {
    let clientGotFirstBytes!: () => void;
    const clientReady = new Promise<void>((resolve) => (clientGotFirstBytes = resolve));
    upstream.route('/download', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': TOTAL_MB * MB });
      res.write(chunk);
      void clientReady.then(async () => {
        for (let i = 1; i < TOTAL_MB; i++) {
          if (!res.write(chunk)) await new Promise((resolve) => res.once('drain', resolve));
        }
        res.end();
      });
    });

    const response = await request(`${gw.url}/files/download`, { dispatcher: client });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-length']).toBe(String(TOTAL_MB * MB));
    const hash = createHash('sha256');
    let length = 0;
    for await (const data of response.body) {
      if (length === 0) clientGotFirstBytes(); // the backend holds the rest until now
      length += (data as Buffer).length;
      hash.update(data as Buffer);
    }
    expect(length).toBe(TOTAL_MB * MB);
    expect(hash.digest('hex')).toBe(expectedSha());
  });
});
