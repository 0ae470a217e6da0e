import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { demoResources } from '../src/cli/start/demo.js';
import { DeclarativeFileError } from '../src/config/declarative/issues.js';
import type { DeclaredResource } from '../src/config/declarative/types.js';
import { startHarness, storeDump, type Harness } from './management-harness.js';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

const FILE = 'portico.yaml';

function declared(kind: DeclaredResource['kind'], parent: string, id: string, properties: Record<string, unknown>, path: string, line = 1): DeclaredResource {
  return { kind, parent, id, properties, source: { file: FILE, path, line, column: 3 } };
}

/** A small file's worth, deliberately out of dependency order. */
function ordersFile(): DeclaredResource[] {
  return [
    declared('subscription', '', 'alice', { scope: '/products/starter', displayName: 'Alice', state: 'active', primaryKey: 'alice-key-123456' }, 'subscriptions.alice', 20),
    declared('operation', 'apis/orders', 'get-order', { method: 'GET', urlTemplate: '/orders/{id}' }, 'apis.orders.operations.get-order', 9),
    declared('productApi', 'products/starter', 'orders', {}, 'products.starter.apis[0]', 15),
    declared('product', '', 'starter', { displayName: 'Starter', state: 'published' }, 'products.starter', 14),
    declared('api', '', 'orders', { displayName: 'Orders', path: 'orders', backendId: 'orders-svc' }, 'apis.orders', 5),
    declared('policy', 'apis/orders', 'policy', { format: 'rawxml', value: '<policies><inbound><base/></inbound></policies>' }, 'apis.orders.policy', 8),
    declared('namedValue', '', 'orders-token', { value: 'tok', secret: true }, 'namedValues.orders-token', 22),
    declared('backend', '', 'orders-svc', { url: 'http://127.0.0.1:9001' }, 'backends.orders-svc', 2),
  ];
}

describe('applyDeclared', () => {
  it('writes a whole file in one transaction, whatever the order of its resources', async () => {
    const service = h.server.service;
    expect(await service.isEmpty()).toBe(true);
    const revision = await h.store.revision();
    const result = await service.applyDeclared(ordersFile());
    expect(result.created).toHaveLength(8);
    expect(await h.store.revision()).toBe(revision + 1);
    expect(await service.isEmpty()).toBe(false);
    expect((await service.listSubscriptionSecrets('alice')).primaryKey).toBe('alice-key-123456');

    const snapshot = await h.publisher.refresh();
    expect(snapshot?.revision).toBe(revision + 1);
    expect(snapshot?.products).toEqual([
      { id: 'starter', displayName: 'Starter', state: 'published', subscriptionRequired: true, approvalRequired: false, apiIds: ['orders'], groupIds: [] },
    ]);
    expect(snapshot?.namedValues).toEqual([{ id: 'orders-token', displayName: 'orders-token', value: 'tok', secret: true }]);
  });

  it('re-applying the same file changes nothing', async () => {
    await h.server.service.applyDeclared(ordersFile());
    const before = await storeDump(h.store);
    const again = await h.server.service.applyDeclared(ordersFile());
    expect(again).toMatchObject({ created: [], updated: [], unchanged: 8, changed: false });
    expect(await storeDump(h.store)).toBe(before);
  });

  it('collects every schema problem, naming file, path, line and column, and writes nothing', async () => {
    const file = ordersFile();
    file[1] = declared('operation', 'apis/orders', 'get-order', { method: 'GET', urlTemplate: '/orders/{id}', colour: 'red' }, 'apis.orders.operations.get-order', 9);
    file[4] = declared('api', '', 'orders', { path: 'orders', subscriptionRequired: 'yes' }, 'apis.orders', 5);
    const before = await storeDump(h.store);
    const error = await h.server.service.applyDeclared(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeclarativeFileError);
    const issues = (error as DeclarativeFileError).issues;
    expect(issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'apis.orders.operations.get-order.colour', code: 'UnknownField', line: 9, column: 3 }),
        expect.objectContaining({ path: 'apis.orders.subscriptionRequired', code: 'InvalidType', line: 5, column: 3 }),
      ]),
    );
    expect((error as DeclarativeFileError).file).toBe(FILE);
    expect(await storeDump(h.store)).toBe(before);
  });

  it('a broken reference found while writing rolls back everything written before it', async () => {
    const file = ordersFile();
    file[0] = declared('subscription', '', 'alice', { scope: '/products/nope' }, 'subscriptions.alice', 20);
    const before = await storeDump(h.store);
    const error = await h.server.service.applyDeclared(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeclarativeFileError);
    expect((error as DeclarativeFileError).issues[0]).toMatchObject({ path: 'subscriptions.alice.scope', code: 'ReferencedResourceNotFound', line: 20 });
    expect(await storeDump(h.store)).toBe(before);
    expect(await h.server.service.isEmpty()).toBe(true);
  });

  it('names the operation path for a bad urlTemplate', async () => {
    const file = ordersFile();
    file[1] = declared('operation', 'apis/orders', 'get-order', { method: 'GET', urlTemplate: '/orders/{id' }, 'apis.orders.operations.get-order', 9);
    const error = (await h.server.service.applyDeclared(file).catch((e: unknown) => e)) as DeclarativeFileError;
    expect(error.issues[0]).toMatchObject({ path: 'apis.orders.operations.get-order.urlTemplate', code: 'InvalidUrlTemplate', line: 9 });
  });

  it('prune deletes what the file no longer declares', async () => {
    await h.server.service.applyDeclared(ordersFile());
    await h.call('PUT', '/tags/extra', { properties: {} });
    const smaller = ordersFile().filter((r) => r.kind !== 'namedValue' && r.kind !== 'policy');
    const result = await h.server.service.applyDeclared(smaller, { prune: true });
    expect(result.deleted.map((k) => `${k.kind}:${k.id}`).sort()).toEqual(['namedValue:orders-token', 'policy:policy', 'tag:extra']);
    expect((await h.store.list('namedValue')).total).toBe(0);
    expect((await h.store.list('api')).total).toBe(1);
  });

  it('seeds the CLI demo: an active subscription with a generated key', async () => {
    await h.server.service.applyDeclared(demoResources('http://127.0.0.1:1/demo/echo'));
    const subscription = await h.server.service.get({ kind: 'subscription', parent: '', id: 'demo' });
    expect(subscription.properties).toMatchObject({ scope: '/products/starter', state: 'active' });
    expect((await h.server.service.listSubscriptionSecrets('demo')).primaryKey).toMatch(/^[0-9a-f]{64}$/);
  });
});
