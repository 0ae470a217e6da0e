import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEchoUpstream, type EchoUpstream } from '../helpers/echo-upstream.js';
import { SnapshotBuilder } from '../helpers/snapshot-builder.js';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.js';

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('backend failures', () => {
  let upstream: EchoUpstream;
  let gw: TestGateway;

  beforeAll(async () => {
    upstream = await startEchoUpstream();
    upstream.route('/hang', () => {
      // never answers
    });
    upstream.route('/reset', (req) => req.socket.destroy());
    const dead = await closedPort();
    gw = await startTestGateway(
      new SnapshotBuilder()
        .api('dead', { path: 'dead', serviceUrl: `http://127.0.0.1:${dead}`, subscriptionRequired: false })
        .operation('dead', 'any', '*', '/*')
        .api('live', { path: 'live', serviceUrl: upstream.url, subscriptionRequired: false })
        .operation('live', 'any', '*', '/*')
        .api('nowhere', { path: 'nowhere', subscriptionRequired: false })
        .operation('nowhere', 'any', '*', '/*')
        .build(),
      { backendTimeoutMs: 300 },
    );
  });

  afterAll(async () => {
    await gw.close();
    await upstream.close();
  });

  it('answers 502 with a JSON body (no stack) when the backend refuses the connection', async () => {
    const res = await gw.request('/dead/x');
    expect(res.statusCode).toBe(502);
    expect(res.json()).toEqual({ statusCode: 502, message: 'The backend service could not be reached.' });
  });

  it('answers 502 when the backend drops the connection before answering', async () => {
    const res = await gw.request('/live/reset');
    expect(res.statusCode).toBe(502);
    expect(res.json()).toMatchObject({ statusCode: 502 });
  });

  it('answers 504 with a JSON body when the backend does not answer in time', async () => {
    const res = await gw.request('/live/hang');
    expect(res.statusCode).toBe(504);
    expect(res.json()).toEqual({ statusCode: 504, message: 'The backend service did not respond in time.' });
  });

  it('answers 500 when the API has no backend at all', async () => {
    const res = await gw.request('/nowhere/x');
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({ statusCode: 500, message: 'No backend service is configured for this API.' });
  });

  it('keeps serving other APIs', async () => {
    expect((await gw.request('/live/fine')).statusCode).toBe(200);
  });
});
