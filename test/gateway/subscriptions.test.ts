import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEchoUpstream, type EchoUpstream } from '../helpers/echo-upstream.js';
import { SnapshotBuilder } from '../helpers/snapshot-builder.js';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.js';

const MISSING = {
  statusCode: 401,
  message: 'Access denied due to missing subscription key. Make sure to include subscription key when making requests to an API.',
};
const INVALID = {
  statusCode: 401,
  message: 'Access denied due to invalid subscription key. Make sure to provide a valid key for an active subscription.',
};

describe('subscription keys', () => {
  let upstream: EchoUpstream;
  let gw: TestGateway;

  beforeAll(async () => {
    upstream = await startEchoUpstream();
    const b = new SnapshotBuilder();
    for (const id of ['orders', 'billing', 'hidden']) {
      b.api(id, { path: id, serviceUrl: upstream.url }).operation(id, 'any', '*', '/*');
    }
    b.api('custom', {
      path: 'custom',
      serviceUrl: upstream.url,
      subscriptionKeyParameterNames: { header: 'X-Key', query: 'apikey' },
    })
      .operation('custom', 'any', '*', '/*')
      .api('public', { path: 'public', serviceUrl: upstream.url, subscriptionRequired: false })
      .operation('public', 'any', '*', '/*')
      .api('promo', { path: 'promo', serviceUrl: upstream.url })
      .operation('promo', 'any', '*', '/*')
      .product('starter', { apiIds: ['orders', 'custom'] })
      .product('draft', { apiIds: ['billing'], state: 'notPublished' })
      .product('freebies', { apiIds: ['promo'], subscriptionRequired: false })
      .subscription('all', { scope: '/apis', primaryKey: 'all-key' })
      .subscription('one', { scope: '/apis/billing', primaryKey: 'billing-key' })
      .subscription('starter-sub', { scope: '/products/starter', primaryKey: 'starter-key', secondaryKey: 'starter-2nd' })
      .subscription('draft-sub', { scope: '/products/draft', primaryKey: 'draft-key' })
      .subscription('suspended', { scope: '/apis', primaryKey: 'suspended-key', state: 'suspended' })
      .subscription('submitted', { scope: '/apis', primaryKey: 'submitted-key', state: 'submitted' });
    gw = await startTestGateway(b.build());
  });

  afterAll(async () => {
    await gw.close();
    await upstream.close();
  });

  const call = (path: string, key?: string, header = 'ocp-apim-subscription-key') =>
    gw.request(path, key === undefined ? {} : { headers: { [header]: key } });

  it('answers 401 "missing" without a key, and nothing reaches the backend', async () => {
    const before = upstream.requests.length;
    const res = await call('/orders/x');
    expect(res.statusCode).toBe(401);
    expect(res.json()).toEqual(MISSING);
    expect(upstream.requests.length).toBe(before);
  });

  it('accepts the key in the header', async () => {
    expect((await call('/orders/x', 'starter-key')).statusCode).toBe(200);
  });

  it('accepts the key in the query parameter', async () => {
    expect((await call('/orders/x?subscription-key=starter-key')).statusCode).toBe(200);
  });

  it('reads the query parameter only when the header is absent', async () => {
    const res = await call('/orders/x?subscription-key=starter-key', 'wrong');
    expect(res.statusCode).toBe(401);
    expect(res.json()).toEqual(INVALID);
  });

  it("accepts the subscription's secondary key", async () => {
    expect((await call('/orders/x', 'starter-2nd')).statusCode).toBe(200);
  });

  it("uses the API's own key header and query names", async () => {
    expect((await call('/custom/x', 'starter-key', 'x-key')).statusCode).toBe(200);
    expect((await call('/custom/x?apikey=starter-key')).statusCode).toBe(200);
    expect((await call('/custom/x', 'starter-key')).json()).toEqual(MISSING);
  });

  it('answers 401 "invalid" for an unknown key', async () => {
    expect((await call('/orders/x', 'nope')).json()).toEqual(INVALID);
    expect((await call('/orders/x', 'x'.repeat(1000))).json()).toEqual(INVALID);
  });

  it.each(['suspended-key', 'submitted-key'])('answers 401 "invalid" for an inactive subscription (%s)', async (key) => {
    expect((await call('/orders/x', key)).json()).toEqual(INVALID);
  });

  it('refuses a product key for an API the product does not hold', async () => {
    expect((await call('/billing/x', 'starter-key')).json()).toEqual(INVALID);
  });

  it('refuses a product key while the product is not published', async () => {
    expect((await call('/billing/x', 'draft-key')).json()).toEqual(INVALID);
  });

  it('accepts an /apis key for every API', async () => {
    for (const api of ['orders', 'billing', 'hidden', 'custom']) {
      const header = api === 'custom' ? 'x-key' : 'ocp-apim-subscription-key';
      expect((await call(`/${api}/x`, 'all-key', header)).statusCode).toBe(200);
    }
  });

  it('accepts an /apis/{id} key for that API only', async () => {
    expect((await call('/billing/x', 'billing-key')).statusCode).toBe(200);
    expect((await call('/orders/x', 'billing-key')).json()).toEqual(INVALID);
  });

  it('lets anyone call an open API, but still refuses a bad key there (as APIM)', async () => {
    expect((await call('/public/x')).statusCode).toBe(200);
    expect((await call('/public/x', 'all-key')).statusCode).toBe(200);
    expect((await call('/public/x', 'nope')).json()).toEqual(INVALID);
  });

  it('lets key-less calls through an open product holding the API', async () => {
    expect((await call('/promo/x')).statusCode).toBe(200);
  });

  it('refuses a request carrying two key headers', async () => {
    const res = await gw.request('/orders/x', { headers: { 'ocp-apim-subscription-key': ['starter-key', 'all-key'] } });
    expect(res.json()).toEqual(INVALID);
  });
});

describe('subscription context', () => {
  it('keeps the matched subscription, product and API on the request context', async () => {
    const upstream = await startEchoUpstream();
    const seen: { subscription?: string; product?: string | null; api?: string }[] = [];
    const gw = await startTestGateway(
      new SnapshotBuilder()
        .api('orders', { path: 'orders', serviceUrl: upstream.url })
        .operation('orders', 'any', '*', '/*')
        .product('starter', { apiIds: ['orders'] })
        .subscription('p', { scope: '/products/starter', primaryKey: 'p-key' })
        .subscription('a', { scope: '/apis/orders', primaryKey: 'a-key' })
        .build(),
      {
        policies: () => ({
          inbound: (ctx) => {
            seen.push({ subscription: ctx.subscription?.id, product: ctx.product?.id ?? null, api: ctx.api?.id });
          },
        }),
      },
    );
    try {
      await gw.request('/orders/x', { headers: { 'ocp-apim-subscription-key': 'p-key' } });
      await gw.request('/orders/x', { headers: { 'ocp-apim-subscription-key': 'a-key' } });
      expect(seen).toEqual([
        { subscription: 'p', product: 'starter', api: 'orders' },
        // APIM: an API-scoped key runs without a product context.
        { subscription: 'a', product: null, api: 'orders' },
      ]);
    } finally {
      await gw.close();
      await upstream.close();
    }
  });
});
