/**
 * Self-hosted gateways on the management API: the resource and its API assignments, the
 * key actions, tokens, and the configuration pull (GatewayKey auth, ETag, long poll).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ARM, startHarness, type Harness } from './management-harness.js';

let h: Harness;

beforeEach(async () => {
  h = await startHarness();
  await h.call('PUT', '/apis/orders', { properties: { path: 'orders', serviceUrl: 'http://127.0.0.1:9' } });
  await h.call('PUT', '/apis/billing', { properties: { path: 'billing', serviceUrl: 'http://127.0.0.1:9' } });
  await h.call('PUT', '/products/starter', { properties: { displayName: 'Starter', state: 'published' } });
  await h.call('PUT', '/products/starter/apis/orders');
  await h.call('PUT', '/products/starter/apis/billing');
  await h.call('PUT', '/subscriptions/alice', { properties: { scope: '/products/starter', state: 'active' } });
});

afterEach(async () => {
  await h.close();
});

const inDays = (days: number): string => new Date(Date.now() + days * 86_400_000).toISOString();

async function tokenFor(gatewayId: string, keyType = 'primary'): Promise<string> {
  const reply = await h.call('POST', `/gateways/${gatewayId}/generateToken`, { keyType, expiry: inDays(1) });
  expect(reply.status).toBe(200);
  return reply.body.value as string;
}

function pull(gatewayId: string, authorization: string | undefined, headers: Record<string, string> = {}, query = '') {
  return fetch(`${h.base}/gateways/${gatewayId}/configuration${query}`, {
    headers: { ...(authorization === undefined ? {} : { authorization }), ...headers },
  });
}

describe('gateway resource', () => {
  it('is created with APIM properties, never shows its keys, and is served under the ARM prefix', async () => {
    const created = await h.call('PUT', '/gateways/edge', { properties: { locationData: { name: 'Paris', city: 'Paris' }, description: 'edge' } });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: '/gateways/edge',
      type: 'Microsoft.ApiManagement/service/gateways',
      name: 'edge',
      properties: { locationData: { name: 'Paris', city: 'Paris' }, description: 'edge' },
    });
    const viaArm = await h.call('GET', `${ARM}/gateways/edge?api-version=2022-08-01`);
    expect(viaArm.body.id).toBe(`${ARM}/gateways/edge`);
    expect(viaArm.text).not.toMatch(/primary|secondary/);

    const missingName = await h.call('PUT', '/gateways/bad', { properties: { locationData: { city: 'Paris' } } });
    expect(missingName.status).toBe(400);
    expect(missingName.text).toContain('name');
  });

  it('keeps its keys across PUT and PATCH; listKeys shows them; regenerateKey replaces one', async () => {
    await h.call('PUT', '/gateways/edge', { properties: {} });
    const keys = (await h.call('POST', '/gateways/edge/listKeys')).body;
    expect(keys.primary).toMatch(/^[A-Za-z0-9+/]{86}==$/);
    expect(keys.secondary).not.toBe(keys.primary);
    await h.call('PUT', '/gateways/edge', { properties: { description: 'renamed' } });
    await h.call('PATCH', '/gateways/edge', { properties: { locationData: { name: 'Lyon' } } });
    expect((await h.call('POST', '/gateways/edge/listKeys')).body).toEqual(keys);

    expect((await h.call('POST', '/gateways/edge/regenerateKey', { keyType: 'secondary' })).status).toBe(204);
    const after = (await h.call('POST', '/gateways/edge/listKeys')).body;
    expect(after.primary).toBe(keys.primary);
    expect(after.secondary).not.toBe(keys.secondary);

    const bad = await h.call('POST', '/gateways/edge/regenerateKey', { keyType: 'tertiary' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain("keyType must be 'primary' or 'secondary'");
    expect((await h.call('POST', '/gateways/nope/listKeys')).status).toBe(404);
  });

  it('assigns APIs like product links, and forgets an assignment when its API is deleted', async () => {
    await h.call('PUT', '/gateways/edge', { properties: {} });
    const assigned = await h.call('PUT', '/gateways/edge/apis/orders', { properties: { provisioningState: 'created' } });
    expect(assigned.status).toBe(201);
    expect(assigned.body.name).toBe('orders');
    expect((await h.call('PUT', '/gateways/edge/apis/ghost')).status).toBe(404);
    const list = await h.call('GET', '/gateways/edge/apis');
    expect(list.body.value.map((item: { name: string }) => item.name)).toEqual(['orders']);
    await h.call('DELETE', '/apis/orders');
    expect((await h.call('GET', '/gateways/edge/apis')).body.count).toBe(0);
  });
});

describe('generateToken', () => {
  it('answers APIM\'s "GatewayKey <token>" and refuses an expiry in the past or beyond 30 days', async () => {
    await h.call('PUT', '/gateways/edge', { properties: {} });
    expect(await tokenFor('edge')).toMatch(/^GatewayKey edge&\d{14}&\S+$/);
    const past = await h.call('POST', '/gateways/edge/generateToken', { keyType: 'primary', expiry: '2001-01-01T00:00:00Z' });
    expect(past.status).toBe(400);
    expect(past.body.error.message).toContain('expiry must be in the future');
    const far = await h.call('POST', '/gateways/edge/generateToken', { keyType: 'primary', expiry: inDays(31) });
    expect(far.status).toBe(400);
    expect(far.body.error.message).toContain('at most 30 days ahead');
    const garbled = await h.call('POST', '/gateways/edge/generateToken', { expiry: 'tomorrow' });
    expect(garbled.status).toBe(400);
    expect(garbled.body.error.message).toContain('ISO 8601');
  });
});

describe('configuration pull', () => {
  beforeEach(async () => {
    await h.call('PUT', '/gateways/edge', { properties: {} });
    await h.call('PUT', '/gateways/edge/apis/orders');
    await h.call('PUT', '/gateways/other', { properties: {} });
    await h.publisher.refresh();
  });

  it('answers the snapshot cut for the gateway, with its revision as ETag, to a valid token only', async () => {
    const response = await pull('edge', await tokenFor('edge'));
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const snapshot = (await response.json()) as { revision: number; apis: { id: string }[]; subscriptions: { id: string }[] };
    expect(response.headers.get('etag')).toBe(`"${snapshot.revision}"`);
    expect(snapshot.apis.map((api) => api.id)).toEqual(['orders']);
    expect(snapshot.subscriptions.map((s) => s.id)).toEqual(['alice']);
  });

  it('is 401 with a reason for no token, the admin token, another gateway\'s token and a regenerated key', async () => {
    const reasons: string[] = [];
    const expect401 = async (response: Response) => {
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('GatewayKey');
      reasons.push(((await response.json()) as { error: { message: string } }).error.message);
    };
    await expect401(await pull('edge', undefined));
    await expect401(await pull('edge', 'Bearer test-admin-token-0123456789'));
    await expect401(await pull('edge', await tokenFor('other')));
    const token = await tokenFor('edge', 'secondary');
    await h.call('POST', '/gateways/edge/regenerateKey', { keyType: 'secondary' });
    await expect401(await pull('edge', token));
    await expect401(await pull('ghost', token));
    expect(reasons[0]).toContain("Missing 'Authorization: GatewayKey <token>' header");
    expect(reasons[1]).toContain('Missing');
    expect(reasons[2]).toContain("issued for gateway 'other', not 'edge'");
    expect(reasons[3]).toContain('regenerated');
    expect(reasons[4]).toContain("Gateway 'ghost' is not registered");
  });

  it('answers 304 to If-None-Match of the current revision, and a long poll as soon as a newer one is published', async () => {
    const token = await tokenFor('edge');
    const first = await pull('edge', token);
    const etag = first.headers.get('etag')!;
    const notModified = await pull('edge', token, { 'if-none-match': etag });
    expect(notModified.status).toBe(304);

    const waiting = pull('edge', token, { 'if-none-match': etag }, '?waitSeconds=30');
    await new Promise((resolve) => setTimeout(resolve, 200));
    const started = Date.now();
    await h.call('PUT', '/apis/orders/operations/get', { properties: { method: 'GET', urlTemplate: '/items' } });
    const changed = await waiting;
    expect(changed.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(5_000);
    const snapshot = (await changed.json()) as { revision: number; operations: { id: string }[] };
    expect(snapshot.revision).toBeGreaterThan(Number(etag.replaceAll('"', '')));
    expect(snapshot.operations.map((o) => o.id)).toEqual(['get']);

    const bounded = await pull('edge', token, {}, '?waitSeconds=61');
    expect(bounded.status).toBe(400);
  });

  it('ends a waiting long poll when the server closes', async () => {
    const token = await tokenFor('edge');
    const etag = (await pull('edge', token)).headers.get('etag')!;
    const waiting = pull('edge', token, { 'if-none-match': etag }, '?waitSeconds=60');
    await new Promise((resolve) => setTimeout(resolve, 200));
    const started = Date.now();
    await h.server.close();
    expect((await waiting).status).toBe(304);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
