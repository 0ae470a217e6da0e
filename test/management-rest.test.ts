import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parsePolicyXml, serializePolicyXml } from '../src/policies/xml/index.js';
import { ADMIN_TOKEN, ARM, startHarness, type Harness } from './management-harness.js';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

async function seedOrders(): Promise<void> {
  expect((await h.call('PUT', '/backends/orders-svc', { properties: { url: 'http://127.0.0.1:9001' } })).status).toBe(201);
  expect((await h.call('PUT', '/apis/orders', { properties: { displayName: 'Orders', path: 'orders', backendId: 'orders-svc' } })).status).toBe(201);
  expect((await h.call('PUT', '/apis/orders/operations/get-order', { properties: { method: 'GET', urlTemplate: '/orders/{id}' } })).status).toBe(201);
  expect((await h.call('PUT', '/products/starter', { properties: { displayName: 'Starter', state: 'published' } })).status).toBe(201);
  expect((await h.call('PUT', '/products/starter/apis/orders')).status).toBe(201);
}

describe('envelope and defaults', () => {
  it('returns APIM envelopes with APIM defaults applied', async () => {
    await seedOrders();
    const api = await h.call('GET', '/apis/orders');
    expect(api.status).toBe(200);
    expect(api.body).toEqual({
      id: '/apis/orders',
      type: 'Microsoft.ApiManagement/service/apis',
      name: 'orders',
      properties: {
        displayName: 'Orders',
        path: 'orders',
        backendId: 'orders-svc',
        protocols: ['https'],
        apiRevision: '1',
        isCurrent: true,
        isOnline: true,
        subscriptionRequired: true,
        subscriptionKeyParameterNames: { header: 'Ocp-Apim-Subscription-Key', query: 'subscription-key' },
        type: 'http',
      },
    });
    expect(api.headers.get('etag')).toMatch(/^".+"$/);

    const product = await h.call('GET', '/products/starter');
    expect(product.body.properties).toMatchObject({ state: 'published', subscriptionRequired: true, approvalRequired: false });

    const operation = await h.call('GET', '/apis/orders/operations/get-order');
    expect(operation.body.type).toBe('Microsoft.ApiManagement/service/apis/operations');
    expect(operation.body.properties.templateParameters).toEqual([{ name: 'id', type: 'string', required: true, values: [] }]);
  });

  it('gives a subscription state submitted by default and never shows its keys', async () => {
    await seedOrders();
    const created = await h.call('PUT', '/subscriptions/alice', { properties: { scope: '/products/starter', primaryKey: 'alice-primary-key-1' } });
    expect(created.status).toBe(201);
    expect(created.body.properties.state).toBe('submitted');
    expect(created.text).not.toContain('alice-primary-key-1');
    const read = await h.call('GET', '/subscriptions/alice');
    expect(read.body.properties.primaryKey).toBeUndefined();
    expect(read.body.properties.secondaryKey).toBeUndefined();
    const list = await h.call('GET', '/subscriptions');
    expect(list.text).not.toContain('alice-primary-key-1');

    const secrets = await h.call('POST', '/subscriptions/alice/listSecrets');
    expect(secrets.status).toBe(200);
    expect(secrets.body.primaryKey).toBe('alice-primary-key-1');
    expect(secrets.body.secondaryKey).toMatch(/^[0-9a-f]{64}$/);
    expect(secrets.headers.get('cache-control')).toBe('no-store');

    // At rest the key is sealed, not in clear.
    const stored = await h.store.get({ kind: 'subscription', parent: '', id: 'alice' });
    expect(JSON.stringify(stored)).not.toContain('alice-primary-key-1');
  });

  it('regenerates one key at a time', async () => {
    await seedOrders();
    await h.call('PUT', '/subscriptions/bob', { properties: { scope: '/apis' } });
    const before = (await h.call('POST', '/subscriptions/bob/listSecrets')).body;
    expect((await h.call('POST', '/subscriptions/bob/regenerateSecondaryKey')).status).toBe(204);
    const after = (await h.call('POST', '/subscriptions/bob/listSecrets')).body;
    expect(after.primaryKey).toBe(before.primaryKey);
    expect(after.secondaryKey).not.toBe(before.secondaryKey);
  });

  it('keeps secret named values out of GET and returns them from listValue', async () => {
    const put = await h.call('PUT', '/namedValues/token', { properties: { value: 'hunter2', secret: true } });
    expect(put.status).toBe(201);
    expect(put.body.properties).toEqual({ displayName: 'token', secret: true, value: null });
    expect((await h.call('GET', '/namedValues')).text).not.toContain('hunter2');
    expect((await h.call('POST', '/namedValues/token/listValue')).body).toEqual({ value: 'hunter2' });
    const stored = await h.store.get({ kind: 'namedValue', parent: '', id: 'token' });
    expect(JSON.stringify(stored)).not.toContain('hunter2');

    // Turning the secret flag off keeps the value, now in clear.
    const patched = await h.call('PATCH', '/namedValues/token', { properties: { secret: false } });
    expect(patched.body.properties.value).toBe('hunter2');
  });
});

describe('ARM prefix', () => {
  it('serves every resource under the ARM prefix, echoing ARM ids and references', async () => {
    await seedOrders();
    const put = await h.call('PUT', `${ARM}/subscriptions/alice?api-version=2024-05-01`, {
      properties: { scope: `${ARM}/products/starter`, state: 'active' },
    });
    expect(put.status).toBe(201);
    expect(put.body.id).toBe(`${ARM}/subscriptions/alice`);
    expect(put.body.properties.scope).toBe(`${ARM}/products/starter`);

    // Stored short; shown short on the short path.
    const short = await h.call('GET', '/subscriptions/alice');
    expect(short.body.id).toBe('/subscriptions/alice');
    expect(short.body.properties.scope).toBe('/products/starter');

    const list = await h.call('GET', `${ARM}/apis/orders/operations?api-version=2024-05-01`);
    expect(list.body.value.map((o: { id: string }) => o.id)).toEqual([`${ARM}/apis/orders/operations/get-order`]);
  });

  it('keeps the short /subscriptions/{sid} resource distinct from the ARM prefix', async () => {
    await h.call('PUT', '/subscriptions/resourceGroups', { properties: { scope: '/apis' } });
    const odd = await h.call('GET', '/subscriptions/resourceGroups');
    expect(odd.status).toBe(200);
    expect(odd.body.name).toBe('resourceGroups');
  });
});

describe('lists', () => {
  it('pages with $top/$skip and an absolute nextLink', async () => {
    for (const id of ['a', 'b', 'c', 'd', 'e']) await h.call('PUT', `/tags/${id}`, { properties: {} });
    const first = await h.call('GET', '/tags?$top=2');
    expect(first.body.count).toBe(5);
    expect(first.body.value.map((t: { name: string }) => t.name)).toEqual(['a', 'b']);
    const next = new URL(first.body.nextLink as string);
    expect(next.origin).toBe(h.base);
    expect(next.searchParams.get('$skip')).toBe('2');

    const second = await h.call('GET', `${next.pathname}${next.search}`);
    expect(second.body.value.map((t: { name: string }) => t.name)).toEqual(['c', 'd']);
    const last = await h.call('GET', '/tags?$top=2&$skip=4');
    expect(last.body.value.map((t: { name: string }) => t.name)).toEqual(['e']);
    expect(last.body.nextLink).toBeNull();
  });

  it('bounds $top and refuses bad paging values', async () => {
    for (const query of ['$top=0', '$top=1001', '$top=abc', '$skip=-1', '$filter=name%20eq%20%27a%27']) {
      const reply = await h.call('GET', `/tags?${query}`);
      expect(reply.status, query).toBe(400);
      expect(reply.body.error.details[0].target, query).toBe(query.split('=')[0]);
    }
  });

  it('lists the APIs of a product as API resources', async () => {
    await seedOrders();
    const list = await h.call('GET', '/products/starter/apis');
    expect(list.body.count).toBe(1);
    expect(list.body.value[0]).toMatchObject({
      id: '/products/starter/apis/orders',
      type: 'Microsoft.ApiManagement/service/products/apis',
      name: 'orders',
      properties: { path: 'orders', displayName: 'Orders' },
    });
    expect((await h.call('HEAD', '/products/starter/apis/orders')).status).toBe(204);
    expect((await h.call('HEAD', '/products/starter/apis/nope')).status).toBe(404);
  });

  it('404s a collection whose owner does not exist', async () => {
    const reply = await h.call('GET', '/apis/nope/operations');
    expect(reply.status).toBe(404);
    expect(reply.body.error.code).toBe('ResourceNotFound');
  });
});

describe('ETag and If-Match', () => {
  it('sends ETags on reads and writes and refuses stale writes with 412', async () => {
    const created = await h.call('PUT', '/tags/t', { properties: { displayName: 'T' } });
    const etag = created.headers.get('etag')!;
    expect((await h.call('GET', '/tags/t')).headers.get('etag')).toBe(etag);
    expect((await h.call('HEAD', '/tags/t')).headers.get('etag')).toBe(etag);

    const stale = await h.call('PATCH', '/tags/t', { properties: { displayName: 'X' } }, { 'if-match': '"not-it"' });
    expect(stale.status).toBe(412);
    expect(stale.body.error.code).toBe('PreconditionFailed');
    expect((await h.call('GET', '/tags/t')).body.properties.displayName).toBe('T');

    const fresh = await h.call('PATCH', '/tags/t', { properties: { displayName: 'X' } }, { 'if-match': etag });
    expect(fresh.status).toBe(200);
    expect(fresh.headers.get('etag')).not.toBe(etag);
    expect((await h.call('PUT', '/tags/t', { properties: {} }, { 'if-match': etag })).status).toBe(412);
    expect((await h.call('DELETE', '/tags/t', undefined, { 'if-match': etag })).status).toBe(412);
    expect((await h.call('PUT', '/tags/t', { properties: { displayName: 'Y' } }, { 'if-match': '*' })).status).toBe(200);
    // '*' matches any existing resource, and nothing that does not exist.
    expect((await h.call('PUT', '/tags/new', { properties: {} }, { 'if-match': '*' })).status).toBe(412);
  });
});

describe('PUT, PATCH, DELETE', () => {
  it('PUT answers 201 then 200; PATCH merges; DELETE is idempotent', async () => {
    expect((await h.call('PUT', '/products/p', { properties: { displayName: 'P', terms: 'T&C' } })).status).toBe(201);
    const replaced = await h.call('PUT', '/products/p', { properties: { displayName: 'P2' } });
    expect(replaced.status).toBe(200);
    expect(replaced.body.properties.terms).toBeUndefined();

    const patched = await h.call('PATCH', '/products/p', { properties: { description: 'D' } });
    expect(patched.status).toBe(200);
    expect(patched.body.properties).toMatchObject({ displayName: 'P2', description: 'D' });
    expect((await h.call('PATCH', '/products/missing', { properties: {} })).status).toBe(404);

    expect((await h.call('DELETE', '/products/p')).status).toBe(200);
    expect((await h.call('DELETE', '/products/p')).status).toBe(204);
    const gone = await h.call('GET', '/products/p');
    expect(gone.status).toBe(404);
    expect(gone.body).toEqual({ error: { code: 'ResourceNotFound', message: "Product 'p' not found." } });
  });

  it('deleting an API removes its operations, policies, product links and API-scoped subscriptions', async () => {
    await seedOrders();
    await h.call('PUT', '/apis/orders/policies/policy', { properties: { value: '<policies/>' } });
    await h.call('PUT', '/apis/orders/operations/get-order/policies/policy', { properties: { value: '<policies/>' } });
    await h.call('PUT', '/subscriptions/api-sub', { properties: { scope: '/apis/orders' } });
    expect((await h.call('DELETE', '/apis/orders')).status).toBe(200);
    expect((await h.store.list('operation')).total).toBe(0);
    expect((await h.store.list('policy')).total).toBe(0);
    expect((await h.store.list('productApi')).total).toBe(0);
    expect((await h.store.list('subscription')).total).toBe(0);
    expect((await h.call('GET', '/products/starter')).status).toBe(200);
  });

  it('deleting a product with subscriptions needs deleteSubscriptions=true', async () => {
    await seedOrders();
    await h.call('PUT', '/products/starter/policies/policy', { properties: { value: '<policies/>' } });
    await h.call('PUT', '/subscriptions/alice', { properties: { scope: '/products/starter' } });
    const refused = await h.call('DELETE', '/products/starter');
    expect(refused.status).toBe(409);
    expect((await h.call('GET', '/products/starter')).status).toBe(200);

    expect((await h.call('DELETE', '/products/starter?deleteSubscriptions=true')).status).toBe(200);
    expect((await h.store.list('subscription')).total).toBe(0);
    expect((await h.store.list('productApi')).total).toBe(0);
    expect((await h.store.list('policy')).total).toBe(0);
    expect((await h.call('GET', '/apis/orders')).status).toBe(200);
  });

  it('refuses to delete a backend an API still uses', async () => {
    await seedOrders();
    const refused = await h.call('DELETE', '/backends/orders-svc');
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toContain("API 'orders'");
  });

  it('links groups to products and users to groups, and unlinks on delete', async () => {
    await seedOrders();
    await h.call('PUT', '/groups/devs', { properties: { displayName: 'Developers' } });
    await h.call('PUT', '/users/ann', { properties: { email: 'ann@example.com', firstName: 'Ann', lastName: 'Lee' } });
    const member = await h.call('PUT', '/groups/devs/users/ann');
    expect(member.status).toBe(201);
    expect(member.body).toMatchObject({ name: 'ann', properties: { email: 'ann@example.com', state: 'active' } });
    expect((await h.call('PUT', '/products/starter/groups/devs')).status).toBe(201);
    expect((await h.call('GET', '/groups/devs/users')).body.value.map((u: { name: string }) => u.name)).toEqual(['ann']);
    expect((await h.call('PUT', '/groups/devs/users/nobody')).status).toBe(404);

    expect((await h.call('DELETE', '/groups/devs')).status).toBe(200);
    expect((await h.store.list('groupUser')).total).toBe(0);
    expect((await h.store.list('productGroup')).total).toBe(0);
  });
});

describe('policies', () => {
  it('stores policies at every scope and returns them in the saved format', async () => {
    await seedOrders();
    const value = '<policies><inbound><set-header name="x" exists-action="override"><value>@(context.Request.Headers.GetValueOrDefault("a") && true)</value></set-header></inbound></policies>';
    for (const path of ['/policies/policy', '/apis/orders/policies/policy', '/apis/orders/operations/get-order/policies/policy', '/products/starter/policies/policy']) {
      const put = await h.call('PUT', path, { properties: { format: 'rawxml', value } });
      expect(put.status, path).toBe(201);
      const read = await h.call('GET', `${path}?format=rawxml`);
      expect(read.body.properties, path).toEqual({ format: 'rawxml', value });
    }
    expect((await h.call('GET', '/apis/orders/policies/policy?format=xml')).body.properties).toEqual({ format: 'rawxml', value });
    expect((await h.call('GET', '/apis/orders/policies/policy?format=bogus')).status).toBe(400);
    expect((await h.call('PUT', '/apis/orders/policies/other', { properties: { value: '<policies/>' } })).status).toBe(400);
    expect((await h.call('PUT', '/apis/nope/policies/policy', { properties: { value: '<policies/>' } })).status).toBe(404);
  });
});

describe('policy format conversion', () => {
  it('returns the other format when asked and a converter is plugged in', async () => {
    const converting = await startHarness({
      convertPolicy: (value, from, to) => serializePolicyXml(parsePolicyXml(value, from), to),
    });
    try {
      const raw = '<policies><inbound><set-variable name="ok" value="@(1 < 2 && true)" /></inbound></policies>';
      await converting.call('PUT', '/policies/policy', { properties: { format: 'rawxml', value: raw } });
      const asXml = await converting.call('GET', '/policies/policy?format=xml');
      expect(asXml.body.properties).toEqual({
        format: 'xml',
        value: '<policies><inbound><set-variable name="ok" value="@(1 &lt; 2 &amp;&amp; true)" /></inbound></policies>',
      });
      expect((await converting.call('GET', '/policies/policy')).body.properties).toEqual({ format: 'rawxml', value: raw });
    } finally {
      await converting.close();
    }
  });
});

describe('auth, health and the OpenAPI document', () => {
  it('answers 401 without the bearer token, except /healthz and /openapi.json', async () => {
    for (const [method, path] of [
      ['GET', '/apis'],
      ['PUT', '/apis/x'],
      ['GET', `${ARM}/apis`],
      ['GET', '/no-such-route'],
    ]) {
      const bare = await fetch(`${h.base}${path}`, { method });
      expect(bare.status, path).toBe(401);
      expect(bare.headers.get('www-authenticate')).toBe('Bearer');
      const wrong = await fetch(`${h.base}${path}`, { method, headers: { authorization: `Bearer ${ADMIN_TOKEN}x` } });
      expect(wrong.status, path).toBe(401);
    }
    expect((await fetch(`${h.base}/healthz`)).status).toBe(200);
    expect((await fetch(`${h.base}/apis`, { headers: { authorization: `bearer ${ADMIN_TOKEN}` } })).status).toBe(200);
  });

  it('serves an OpenAPI document generated from the routes and schemas', async () => {
    const reply = await fetch(`${h.base}/openapi.json`);
    expect(reply.status).toBe(200);
    const doc = (await reply.json()) as { openapi: string; paths: Record<string, Record<string, unknown>>; components: { schemas: Record<string, { properties: Record<string, { description?: string }>; additionalProperties?: boolean }> } };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths['/apis/{apiId}'])).toEqual(expect.arrayContaining(['get', 'put', 'patch', 'delete']));
    expect(doc.paths['/subscriptions/{sid}/listSecrets']).toBeDefined();
    expect(doc.paths['/products/{productId}/apis/{apiId}']).toBeDefined();
    const api = doc.components.schemas.ApiProperties;
    expect(api.properties.subscriptionRequired).toMatchObject({ type: 'boolean', default: true });
    expect(api.properties.backendId.description).toMatch(/Portico extension/);
    expect(api.additionalProperties).toBe(false);
  });
});
