import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConfigSnapshot } from '../src/config/snapshot.js';
import { digestSubscriptionKey } from '../src/model/key-digest.js';
import { buildSnapshot } from '../src/management/snapshot-builder.js';
import { startHarness, type Harness } from './management-harness.js';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

describe('snapshot builder', () => {
  it('fills every field with APIM defaults, digests keys and decrypts named values', async () => {
    await h.call('PUT', '/apiVersionSets/v', { properties: { versioningScheme: 'Header', versionHeaderName: 'Api-Version' } });
    await h.call('PUT', '/backends/svc', { properties: { url: 'k8s://orders.shop:http' } });
    await h.call('PUT', '/apis/orders', { properties: { path: 'orders', apiVersionSetId: '/apiVersionSets/v', apiVersion: 'v1', backendId: 'svc' } });
    await h.call('PUT', '/apis/orders/operations/get', { properties: { method: 'GET', urlTemplate: '/o/{id}?expand={e}' } });
    await h.call('PUT', '/apis/orders/operations/get/policies/policy', { properties: { format: 'rawxml', value: '<policies/>' } });
    await h.call('PUT', '/products/p', { properties: {} });
    await h.call('PUT', '/products/p/policies/policy', { properties: { value: '<policies/>' } });
    await h.call('PUT', '/policies/policy', { properties: { value: '<policies/>' } });
    await h.call('PUT', '/groups/g', { properties: {} });
    await h.call('PUT', '/users/u', { properties: { email: 'u@example.com', firstName: 'U', lastName: 'V' } });
    await h.call('PUT', '/groups/g/users/u');
    await h.call('PUT', '/subscriptions/s', { properties: { scope: '/products/p', ownerId: '/users/u', primaryKey: 'primary-key-1' } });
    await h.call('PUT', '/namedValues/n', { properties: { value: 'secret-value', secret: true } });

    const snapshot = await buildSnapshot(h.store, h.keyring);
    expect(snapshot.revision).toBe(await h.store.revision());
    expect(snapshot.keyDigestSecret).toBe(h.keyring.digestSecret.toString('base64'));
    expect(snapshot.apis).toEqual([
      {
        id: 'orders',
        displayName: 'orders',
        path: 'orders',
        protocols: ['https'],
        serviceUrl: undefined,
        backendId: 'svc',
        subscriptionRequired: true,
        subscriptionKeyParameterNames: { header: 'Ocp-Apim-Subscription-Key', query: 'subscription-key' },
        apiRevision: '1',
        isCurrent: true,
        apiVersion: 'v1',
        apiVersionSetId: 'v',
        apiType: 'http',
      },
    ]);
    expect(snapshot.operations[0]).toMatchObject({
      apiId: 'orders',
      id: 'get',
      templateParameters: [
        { name: 'id', required: true, type: 'string' },
        { name: 'e', required: true, type: 'string' },
      ],
      responses: [],
    });
    expect(snapshot.subscriptions).toEqual([
      {
        id: 's',
        displayName: 's',
        scope: '/products/p',
        state: 'submitted',
        ownerId: 'u',
        allowTracing: false,
        primaryKeyDigest: digestSubscriptionKey(h.keyring.digestSecret, 'primary-key-1'),
        secondaryKeyDigest: expect.any(String) as string,
        startDate: undefined,
        endDate: undefined,
      },
    ]);
    expect(JSON.stringify(snapshot)).not.toContain('primary-key-1');
    expect(snapshot.users).toEqual([{ id: 'u', email: 'u@example.com', firstName: 'U', lastName: 'V', state: 'active', groupIds: ['g'] }]);
    expect(snapshot.groups).toEqual([{ id: 'g', displayName: 'g', type: 'custom' }]);
    expect(snapshot.backends).toEqual([
      { id: 'svc', url: 'k8s://orders.shop:http', protocol: 'http', title: undefined, tls: { validateCertificateChain: true, validateCertificateName: true } },
    ]);
    expect(snapshot.namedValues).toEqual([{ id: 'n', displayName: 'n', value: 'secret-value', secret: true }]);
    expect(snapshot.apiVersionSets).toEqual([
      { id: 'v', displayName: 'v', versioningScheme: 'Header', versionHeaderName: 'Api-Version', versionQueryName: undefined },
    ]);
    const scopes = snapshot.policies.map((p) => ({ scope: p.scope, apiId: p.apiId, operationId: p.operationId, productId: p.productId, format: p.format }));
    expect(scopes).toEqual(
      expect.arrayContaining([
        { scope: 'global', apiId: undefined, operationId: undefined, productId: undefined, format: 'xml' },
        { scope: 'product', apiId: undefined, operationId: undefined, productId: 'p', format: 'xml' },
        { scope: 'operation', apiId: 'orders', operationId: 'get', productId: undefined, format: 'rawxml' },
      ]),
    );
  });
});

describe('publisher', () => {
  it('publishes after every write, in strictly increasing revisions, ending at the newest', async () => {
    const seen: ConfigSnapshot[] = [];
    h.publisher.subscribe((snapshot) => seen.push(snapshot));
    await Promise.all(Array.from({ length: 20 }, (_, i) => h.call('PUT', `/tags/t${i}`, { properties: {} })));
    await h.publisher.refresh();
    const revisions = seen.map((s) => s.revision);
    expect(revisions.length).toBeGreaterThan(0);
    for (let i = 1; i < revisions.length; i++) expect(revisions[i]).toBeGreaterThan(revisions[i - 1]);
    expect(revisions.at(-1)).toBe(await h.store.revision());
  });

  it('folds a burst of schedules into one build and hands late subscribers the current snapshot', async () => {
    await h.call('PUT', '/tags/a', { properties: {} });
    await h.publisher.refresh();
    const seen: number[] = [];
    h.publisher.subscribe((snapshot) => seen.push(snapshot.revision));
    expect(seen).toEqual([await h.store.revision()]);

    for (let i = 0; i < 10; i++) h.publisher.schedule();
    await h.publisher.refresh();
    // Nothing changed, so nothing new went out.
    expect(seen).toHaveLength(1);
  });

  it('does not publish a write that changed nothing', async () => {
    await h.call('PUT', '/tags/a', { properties: { displayName: 'A' } });
    await h.publisher.refresh();
    const revision = await h.store.revision();
    const again = await h.call('PUT', '/tags/a', { properties: { displayName: 'A' } });
    expect(again.status).toBe(200);
    expect(await h.store.revision()).toBe(revision);
  });
});
