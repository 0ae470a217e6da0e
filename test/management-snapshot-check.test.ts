import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatewaySnapshotCheck } from '../src/cli/snapshot-check.js';
import { createGatewayServer, type GatewayServer } from '../src/gateway/server.js';
import { createPolicyEngine, type PolicyEngine } from '../src/policies/index.js';
import { startEchoUpstream, type EchoUpstream } from './helpers/echo-upstream.js';
import { startHarness, storeDump, type Harness } from './management-harness.js';

/**
 * The management API compiles the snapshot a write leads to with the gateway's own
 * compiler before committing. A write the gateway could not load is a 400 and leaves the
 * store as it was; the gateway keeps following later writes.
 */
describe('writes the gateway could not load are refused at save time', () => {
  let harness: Harness;
  let engine: PolicyEngine;
  let gateway: GatewayServer;
  let upstream: EchoUpstream;
  let gatewayUrl: string;

  beforeAll(async () => {
    engine = await createPolicyEngine();
    harness = await startHarness({ checkSnapshot: gatewaySnapshotCheck(engine) });
    upstream = await startEchoUpstream();
    gateway = createGatewayServer({ policies: engine.compile });
    gateway.attach(harness.publisher);
    gatewayUrl = `http://127.0.0.1:${(await gateway.listen(0, '127.0.0.1')).port}`;
    await put('/backends/good', { url: upstream.url, protocol: 'http' });
    await put('/apis/shop', { path: 'shop', protocols: ['http'], backendId: 'good', subscriptionRequired: false });
    await put('/apis/shop/operations/get', { method: 'GET', urlTemplate: '/a/{x}' });
  });

  afterAll(async () => {
    await gateway?.close({ drainMs: 100 });
    await harness?.close();
    await upstream?.close();
    await engine?.close();
  });

  const refused: [string, string, Record<string, unknown>, RegExp][] = [
    ['a backend on the cloud metadata address', '/backends/meta', { url: 'http://169.254.169.254/', protocol: 'http' }, /backends\/meta/],
    ['a backend URL with credentials in it', '/backends/creds', { url: 'http://user:pw@127.0.0.1:9/', protocol: 'http' }, /backends\/creds/],
    ['an operation the router cannot tell from another', '/apis/shop/operations/twin', { method: 'GET', urlTemplate: '/A/{y}' }, /apis\/shop/],
  ];

  it.each(refused)('refuses %s with a 400 naming it, and stores nothing', async (_name, path, properties, target) => {
    const before = await storeDump(harness.store);
    const reply = await harness.call('PUT', path, { properties });
    expect(reply.status, reply.text).toBe(400);
    expect(reply.body.error.message).toMatch(/gateway could not load/);
    expect(JSON.stringify(reply.body.error.details)).toMatch(target);
    expect(await storeDump(harness.store)).toBe(before);
  });

  it('keeps the gateway following later writes', async () => {
    await harness.call('PUT', '/backends/meta', { properties: { url: 'http://169.254.169.254/', protocol: 'http' } });
    await put('/apis/shop/operations/post', { method: 'POST', urlTemplate: '/b' });
    const revision = await harness.store.revision();
    const deadline = Date.now() + 5_000;
    while ((gateway.runtime?.revision ?? 0) < revision && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    const response = await fetch(`${gatewayUrl}/shop/b`, { method: 'POST', body: 'x' });
    expect(response.status).toBe(200);
  });

  async function put(path: string, properties: Record<string, unknown>): Promise<void> {
    const reply = await harness.call('PUT', path, { properties });
    if (reply.status >= 300) throw new Error(`PUT ${path} → ${reply.status} ${reply.text}`);
  }
});
