import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiManagementClient } from '@azure/arm-apimanagement';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGatewayServer, type GatewayServer } from '../src/gateway/server.js';
import { ADMIN_TOKEN, startHarness, type Harness } from './management-harness.js';

const SUBSCRIPTION = '00000000-0000-0000-0000-000000000001';
const RG = 'rg-portico';
const SERVICE = 'portico';

/**
 * The real Azure SDK (v10, api-version 2024-05-01) drives Portico unchanged: only its
 * endpoint and its credential policy differ (Portico takes the admin token over http).
 */
function sdkClient(endpoint: string): ApiManagementClient {
  const client = new ApiManagementClient({ getToken: async () => null }, SUBSCRIPTION, { endpoint, allowInsecureConnection: true });
  client.pipeline.removePolicy({ name: 'bearerTokenAuthenticationPolicy' });
  client.pipeline.addPolicy({
    name: 'porticoAdminToken',
    sendRequest: async (request, next) => {
      request.headers.set('authorization', `Bearer ${ADMIN_TOKEN}`);
      request.allowInsecureConnection = true;
      return next(request);
    },
  });
  return client;
}

describe('Azure SDK against Portico', () => {
  let harness: Harness;
  let gateway: GatewayServer;
  let upstream: Server;
  let upstreamUrl: string;
  let gatewayUrl: string;
  const seenByUpstream: { method: string; url: string }[] = [];

  beforeAll(async () => {
    upstream = createServer((request: IncomingMessage, response: ServerResponse) => {
      seenByUpstream.push({ method: request.method ?? '', url: request.url ?? '' });
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ upstream: true, url: request.url }));
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;

    harness = await startHarness();
    gateway = createGatewayServer();
    gateway.attach(harness.publisher);
    gatewayUrl = `http://127.0.0.1:${(await gateway.listen(0, '127.0.0.1')).port}`;
  });

  afterAll(async () => {
    await gateway?.close({ drainMs: 100 });
    await harness?.close();
    await new Promise((resolve) => upstream?.close(resolve));
  });

  it('creates an API, operation, product, link and subscription, and the key opens the gateway', async () => {
    const client = sdkClient(harness.base);

    const api = await client.api.beginCreateOrUpdateAndWait(RG, SERVICE, 'orders', {
      displayName: 'Orders',
      path: 'orders',
      protocols: ['http', 'https'],
      serviceUrl: upstreamUrl,
    });
    expect(api.name).toBe('orders');
    expect(api.id).toBe(`/subscriptions/${SUBSCRIPTION}/resourceGroups/${RG}/providers/Microsoft.ApiManagement/service/${SERVICE}/apis/orders`);
    expect(api.subscriptionRequired).toBe(true);
    expect(api.subscriptionKeyParameterNames).toEqual({ header: 'Ocp-Apim-Subscription-Key', query: 'subscription-key' });

    const operation = await client.apiOperation.createOrUpdate(RG, SERVICE, 'orders', 'get-order', {
      displayName: 'Get order',
      method: 'GET',
      urlTemplate: '/orders/{id}',
      templateParameters: [{ name: 'id', type: 'string', required: true }],
    });
    expect(operation.urlTemplate).toBe('/orders/{id}');

    const product = await client.product.createOrUpdate(RG, SERVICE, 'starter', {
      displayName: 'Starter',
      state: 'published',
      subscriptionRequired: true,
    });
    expect(product.state).toBe('published');

    const link = await client.productApi.createOrUpdate(RG, SERVICE, 'starter', 'orders');
    expect(link.name).toBe('orders');
    const linked = [];
    for await (const item of client.productApi.listByProduct(RG, SERVICE, 'starter')) linked.push(item.name);
    expect(linked).toEqual(['orders']);

    const subscription = await client.subscription.createOrUpdate(RG, SERVICE, 'alice', {
      displayName: 'Alice',
      scope: `/subscriptions/${SUBSCRIPTION}/resourceGroups/${RG}/providers/Microsoft.ApiManagement/service/${SERVICE}/products/starter`,
      state: 'active',
    });
    expect(subscription.state).toBe('active');
    expect(subscription.primaryKey).toBeUndefined();

    const fetched = await client.subscription.get(RG, SERVICE, 'alice');
    expect(fetched.primaryKey).toBeUndefined();
    expect(fetched.scope).toMatch(/\/products\/starter$/);

    const secrets = await client.subscription.listSecrets(RG, SERVICE, 'alice');
    expect(secrets.primaryKey).toMatch(/^[0-9a-f]{64}$/);
    expect(secrets.secondaryKey).not.toBe(secrets.primaryKey);

    // The publisher rebuilds after each write; wait until the gateway has what we just wrote.
    await harness.publisher.refresh();

    const withKey = await fetch(`${gatewayUrl}/orders/orders/42`, { headers: { 'Ocp-Apim-Subscription-Key': secrets.primaryKey! } });
    expect(withKey.status).toBe(200);
    expect(await withKey.json()).toEqual({ upstream: true, url: '/orders/42' });
    expect(seenByUpstream.at(-1)).toEqual({ method: 'GET', url: '/orders/42' });

    const withoutKey = await fetch(`${gatewayUrl}/orders/orders/42`);
    expect(withoutKey.status).toBe(401);

    // Regenerating the primary key retires the old one at the gateway.
    await client.subscription.regeneratePrimaryKey(RG, SERVICE, 'alice');
    await harness.publisher.refresh();
    const oldKey = await fetch(`${gatewayUrl}/orders/orders/42`, { headers: { 'Ocp-Apim-Subscription-Key': secrets.primaryKey! } });
    expect(oldKey.status).toBe(401);
    const renewed = await client.subscription.listSecrets(RG, SERVICE, 'alice');
    expect(renewed.primaryKey).not.toBe(secrets.primaryKey);
    expect(renewed.secondaryKey).toBe(secrets.secondaryKey);
  });

  it('reads ETags, honours If-Match and lists with paging', async () => {
    const client = sdkClient(harness.base);
    await client.tag.createOrUpdate(RG, SERVICE, 'alpha', { displayName: 'Alpha' });
    await client.tag.createOrUpdate(RG, SERVICE, 'beta', { displayName: 'Beta' });
    await client.tag.createOrUpdate(RG, SERVICE, 'gamma', { displayName: 'Gamma' });

    const { eTag } = await client.tag.getEntityState(RG, SERVICE, 'alpha');
    expect(eTag).toMatch(/^".+"$/);
    await expect(client.tag.update(RG, SERVICE, 'alpha', '"stale"', { displayName: 'A' })).rejects.toMatchObject({ statusCode: 412 });
    const updated = await client.tag.update(RG, SERVICE, 'alpha', eTag!, { displayName: 'A' });
    expect(updated.displayName).toBe('A');

    // The SDK follows nextLink page by page.
    const names: string[] = [];
    for await (const tag of client.tag.listByService(RG, SERVICE, { top: 2 })) names.push(tag.name!);
    expect(names.sort()).toEqual(['alpha', 'beta', 'gamma']);

    await client.tag.delete(RG, SERVICE, 'gamma', '*');
    await expect(client.tag.get(RG, SERVICE, 'gamma')).rejects.toMatchObject({ statusCode: 404 });
  });

  it('manages policies and named values', async () => {
    const client = sdkClient(harness.base);
    const value = '<policies><inbound><base /><set-header name="x-a" exists-action="override"><value>1</value></set-header></inbound></policies>';
    const saved = await client.apiPolicy.createOrUpdate(RG, SERVICE, 'orders', 'policy', { format: 'rawxml', value });
    expect(saved).toMatchObject({ name: 'policy', format: 'rawxml', value });

    // The SDK's apiPolicy.get deserialises as XML and drops the value even against APIM
    // (Azure/azure-sdk-for-js#31566), so the wire body is what is checked here.
    let raw: { status: number; body: string } | undefined;
    const fetched = await client.apiPolicy.get(RG, SERVICE, 'orders', 'policy', {
      format: 'rawxml',
      onResponse: (response) => (raw = { status: response.status, body: response.bodyAsText ?? '' }),
    });
    expect(fetched.eTag).toMatch(/^".+"$/);
    expect(raw?.status).toBe(200);
    expect(JSON.parse(raw!.body)).toMatchObject({ name: 'policy', properties: { format: 'rawxml', value } });

    await client.namedValue.beginCreateOrUpdateAndWait(RG, SERVICE, 'token', { displayName: 'token', value: 's3cret', secret: true });
    const namedValue = await client.namedValue.get(RG, SERVICE, 'token');
    expect(namedValue.value ?? null).toBeNull();
    expect((await client.namedValue.listValue(RG, SERVICE, 'token')).value).toBe('s3cret');
  });

  it('manages policy fragments and lists what includes them', async () => {
    const client = sdkClient(harness.base);
    const value = '<fragment><set-header name="x-f" exists-action="override"><value>1</value></set-header></fragment>';
    const saved = await client.policyFragment.beginCreateOrUpdateAndWait(RG, SERVICE, 'stamp', { format: 'rawxml', value, description: 'Stamps' });
    expect(saved).toMatchObject({ name: 'stamp', format: 'rawxml', value, description: 'Stamps' });
    expect((await client.policyFragment.get(RG, SERVICE, 'stamp', { format: 'rawxml' })).value).toBe(value);
    const names: string[] = [];
    for await (const fragment of client.policyFragment.listByService(RG, SERVICE)) names.push(fragment.name!);
    expect(names).toEqual(['stamp']);

    await client.apiPolicy.createOrUpdate(RG, SERVICE, 'orders', 'policy', {
      format: 'rawxml',
      value: '<policies><inbound><base /><include-fragment fragment-id="stamp" /></inbound></policies>',
    });
    const references = await client.policyFragment.listReferences(RG, SERVICE, 'stamp');
    expect(references.value?.map((reference) => reference.name)).toEqual(['policy']);
    await expect(client.policyFragment.delete(RG, SERVICE, 'stamp', '*')).rejects.toMatchObject({ statusCode: 409 });

    await client.apiPolicy.delete(RG, SERVICE, 'orders', 'policy', '*');
    await client.policyFragment.delete(RG, SERVICE, 'stamp', '*');
    await expect(client.policyFragment.get(RG, SERVICE, 'stamp')).rejects.toMatchObject({ statusCode: 404 });
  });
});
