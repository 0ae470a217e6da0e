import { describe, expect, it } from 'vitest';
import type { ConfigSnapshot, SnapshotApi } from '../config/snapshot.js';
import { snapshotForGateway } from './gateway-snapshot.js';

function api(id: string, extra: Partial<SnapshotApi> = {}): SnapshotApi {
  return {
    id,
    displayName: id,
    path: id.split(';')[0],
    protocols: ['https'],
    subscriptionRequired: true,
    subscriptionKeyParameterNames: { header: 'Ocp-Apim-Subscription-Key', query: 'subscription-key' },
    apiRevision: '1',
    isCurrent: true,
    apiType: 'http',
    ...extra,
  };
}

function subscription(id: string, scope: string, ownerId?: string) {
  return { id, displayName: id, scope, state: 'active' as const, ownerId, allowTracing: false, primaryKeyDigest: `${id}-1`, secondaryKeyDigest: `${id}-2` };
}

function product(id: string, apiIds: string[]) {
  return { id, displayName: id, state: 'published' as const, subscriptionRequired: true, approvalRequired: false, apiIds, groupIds: [] };
}

const SNAPSHOT: ConfigSnapshot = {
  revision: 7,
  createdAt: '2030-01-01T00:00:00.000Z',
  keyDigestSecret: 'c2VjcmV0',
  apis: [api('orders', { apiVersionSetId: 'orders-versions' }), api('orders;rev=2', { isCurrent: false, apiRevision: '2' }), api('billing')],
  operations: [
    { apiId: 'orders', id: 'get', displayName: 'get', method: 'GET', urlTemplate: '/', templateParameters: [], responses: [] },
    { apiId: 'orders;rev=2', id: 'get', displayName: 'get', method: 'GET', urlTemplate: '/', templateParameters: [], responses: [] },
    { apiId: 'billing', id: 'get', displayName: 'get', method: 'GET', urlTemplate: '/', templateParameters: [], responses: [] },
  ],
  apiSchemas: [
    { apiId: 'orders', id: 's', contentType: 'application/json', types: {} },
    { apiId: 'billing', id: 's', contentType: 'application/json', types: {} },
  ],
  products: [product('both', ['orders', 'billing']), product('billing-only', ['billing'])],
  subscriptions: [
    subscription('all', '/apis', 'alice'),
    subscription('to-orders', '/apis/orders', 'bob'),
    subscription('to-billing', '/apis/billing', 'carol'),
    subscription('to-both', '/products/both'),
    subscription('to-billing-product', '/products/billing-only', 'dave'),
  ],
  users: ['alice', 'bob', 'carol', 'dave'].map((id) => ({ id, state: 'active', groupIds: [] })),
  groups: [{ id: 'developers', displayName: 'Developers', type: 'system' }],
  backends: [{ id: 'orders-svc', url: 'http://orders', protocol: 'http' }],
  namedValues: [{ id: 'token', displayName: 'token', value: 'v', secret: true }],
  policies: [
    { scope: 'global', format: 'rawxml', value: '<policies/>' },
    { scope: 'api', apiId: 'orders', format: 'rawxml', value: '<policies/>' },
    { scope: 'operation', apiId: 'orders;rev=2', operationId: 'get', format: 'rawxml', value: '<policies/>' },
    { scope: 'api', apiId: 'billing', format: 'rawxml', value: '<policies/>' },
    { scope: 'product', productId: 'both', format: 'rawxml', value: '<policies/>' },
    { scope: 'product', productId: 'billing-only', format: 'rawxml', value: '<policies/>' },
  ],
  policyFragments: [{ id: 'f', format: 'rawxml', value: '<fragment/>' }],
  apiVersionSets: [
    { id: 'orders-versions', displayName: 'Orders', versioningScheme: 'Segment' },
    { id: 'billing-versions', displayName: 'Billing', versioningScheme: 'Segment' },
  ],
  certificates: [],
  signingKeys: [],
  gateways: [
    { id: 'edge', apiIds: ['orders'] },
    { id: 'empty', apiIds: [] },
  ],
};

describe('snapshotForGateway', () => {
  it('keeps only the assigned APIs (with their revisions) and what points at them', () => {
    const own = snapshotForGateway(SNAPSHOT, 'edge')!;
    expect(own.revision).toBe(7);
    expect(own.apis.map((a) => a.id)).toEqual(['orders', 'orders;rev=2']);
    expect(own.operations.map((o) => o.apiId)).toEqual(['orders', 'orders;rev=2']);
    expect(own.apiSchemas?.map((s) => s.apiId)).toEqual(['orders']);
    expect(own.products).toEqual([product('both', ['orders'])]);
    expect(own.subscriptions.map((s) => s.id)).toEqual(['all', 'to-orders', 'to-both']);
    expect(own.users.map((u) => u.id)).toEqual(['alice', 'bob']);
    expect(own.policies.map((p) => `${p.scope}:${p.apiId ?? p.productId ?? ''}`)).toEqual(['global:', 'api:orders', 'operation:orders;rev=2', 'product:both']);
    expect(own.apiVersionSets.map((v) => v.id)).toEqual(['orders-versions']);
  });

  it('keeps what any API may reach whole, and drops the gateway list', () => {
    const own = snapshotForGateway(SNAPSHOT, 'edge')!;
    expect(own.backends).toEqual(SNAPSHOT.backends);
    expect(own.namedValues).toEqual(SNAPSHOT.namedValues);
    expect(own.policyFragments).toEqual(SNAPSHOT.policyFragments);
    expect(own.groups).toEqual(SNAPSHOT.groups);
    expect(own.keyDigestSecret).toBe(SNAPSHOT.keyDigestSecret);
    expect(own).not.toHaveProperty('gateways');
  });

  it('gives a gateway without assignments no APIs and nothing that needs one', () => {
    const own = snapshotForGateway(SNAPSHOT, 'empty')!;
    expect(own.apis).toEqual([]);
    expect(own.products).toEqual([]);
    // An all-APIs subscription covers whatever the gateway serves.
    expect(own.subscriptions.map((s) => s.id)).toEqual(['all']);
    expect(own.policies.map((p) => p.scope)).toEqual(['global']);
  });

  it('is undefined for a gateway the snapshot does not know', () => {
    expect(snapshotForGateway(SNAPSHOT, 'other')).toBeUndefined();
    expect(snapshotForGateway({ ...SNAPSHOT, gateways: undefined }, 'edge')).toBeUndefined();
  });
});
