import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGatewayServer, type GatewayServer } from '../src/gateway/server.js';
import { startEchoUpstream, type EchoUpstream } from './helpers/echo-upstream.js';
import { startHarness, type Harness } from './management-harness.js';

/**
 * Hot reload under load, end to end: management writes go through the real REST API
 * into SQLite, the publisher rebuilds the snapshot, the gateway compiles and swaps it,
 * while clients keep calling the very API that is being rewritten. Not one request may
 * fail, and the last write must be what the gateway serves afterwards.
 */
const KEY = 'hot-reload-key-0123456789abcdef';
const WRITES = 100;
const CLIENTS = 16;

describe('hot reload under continuous load', () => {
  let harness: Harness;
  let gateway: GatewayServer;
  let upstreamA: EchoUpstream;
  let upstreamB: EchoUpstream;
  let gatewayUrl: string;
  const agent = new Agent({ connections: CLIENTS, keepAliveTimeout: 10_000 });

  beforeAll(async () => {
    harness = await startHarness();
    upstreamA = await startEchoUpstream();
    upstreamB = await startEchoUpstream();
    gateway = createGatewayServer();
    gateway.attach(harness.publisher);
    const address = await gateway.listen(0, '127.0.0.1');
    gatewayUrl = `http://127.0.0.1:${address.port}`;

    await put(`/apis/load`, apiProperties(upstreamA.url, 0));
    await put(`/apis/load/operations/any`, { displayName: 'Any', method: 'GET', urlTemplate: '/*' });
    await put(`/subscriptions/loader`, { scope: '/apis', displayName: 'Loader', state: 'active', primaryKey: KEY });
    await waitForRevision(await harness.store.revision());
  });

  afterAll(async () => {
    await gateway?.close({ drainMs: 1_000 });
    await agent.close();
    await harness?.close();
    await upstreamA?.close();
    await upstreamB?.close();
  });

  it('serves every request while 100 writes land, and ends on the last write', async () => {
    let stop = false;
    let ok = 0;
    const failures: string[] = [];
    const client = async (): Promise<void> => {
      while (!stop) {
        try {
          const response = await request(`${gatewayUrl}/load/ping`, {
            dispatcher: agent,
            headers: { 'ocp-apim-subscription-key': KEY },
          });
          const body = await response.body.text();
          if (response.statusCode === 200) ok++;
          else failures.push(`${response.statusCode} ${body.slice(0, 200)}`);
        } catch (error) {
          failures.push(String(error));
        }
      }
    };
    const clients = Array.from({ length: CLIENTS }, client);

    const swapMs: number[] = [];
    for (let i = 1; i <= WRITES; i++) {
      // Alternate the backend of the API under load, so each swap also moves traffic between pools.
      await put(`/apis/load`, apiProperties(i % 2 === 0 ? upstreamA.url : upstreamB.url, i));
      const written = performance.now();
      await waitForRevision(await harness.store.revision());
      swapMs.push(performance.now() - written);
    }
    // The last write (i = 100) pointed the API at upstream A. Requests that started on
    // the previous runtime may still finish at B, so let them land before counting.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const servedByABefore = upstreamA.requests.length;
    const servedByBBefore = upstreamB.requests.length;
    await new Promise((resolve) => setTimeout(resolve, 200));
    stop = true;
    await Promise.all(clients);

    expect(failures).toEqual([]);
    expect(ok).toBeGreaterThan(WRITES);
    expect(upstreamA.requests.length).toBeGreaterThan(servedByABefore);
    expect(upstreamB.requests.length).toBe(servedByBBefore);
    expect(gateway.runtime?.revision).toBe(await harness.store.revision());

    swapMs.sort((a, b) => a - b);
    const p95 = swapMs[Math.floor(swapMs.length * 0.95)];
    console.log(`hot reload: ${ok} requests ok, 0 failed; write→swap p50 ${swapMs[50].toFixed(1)} ms, p95 ${p95.toFixed(1)} ms, max ${swapMs.at(-1)!.toFixed(1)} ms`);
    expect(p95).toBeLessThan(100);
  });

  async function put(path: string, properties: Record<string, unknown>): Promise<void> {
    const reply = await harness.call('PUT', path, { properties });
    if (reply.status !== 200 && reply.status !== 201) throw new Error(`PUT ${path} → ${reply.status} ${reply.text}`);
  }

  async function waitForRevision(revision: number): Promise<void> {
    const deadline = Date.now() + 5_000;
    while ((gateway.runtime?.revision ?? -1) < revision) {
      if (Date.now() > deadline) throw new Error(`gateway never reached revision ${revision}`);
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
  }
});

function apiProperties(serviceUrl: string, generation: number): Record<string, unknown> {
  return { displayName: `Load ${generation}`, path: 'load', serviceUrl, protocols: ['http', 'https'] };
}
