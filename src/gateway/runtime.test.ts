import { describe, expect, it } from 'vitest';
import { SnapshotBuilder } from '../../test/helpers/snapshot-builder.js';
import { SnapshotRejectedError, compileRuntime } from './runtime.js';
import { UpstreamPools } from './upstream/pools.js';

function problems(build: (b: SnapshotBuilder) => SnapshotBuilder, snapshotPatch: object = {}) {
  try {
    compileRuntime({ ...build(new SnapshotBuilder()).build(), ...snapshotPatch });
  } catch (err) {
    if (err instanceof SnapshotRejectedError) return err.details;
    throw err;
  }
  return [];
}

describe('compileRuntime', () => {
  it('compiles a valid snapshot: APIs, operations, backends, subscriptions', () => {
    const runtime = compileRuntime(
      new SnapshotBuilder({ revision: 7 })
        .backend('svc', 'http://10.0.0.1:8080/api')
        .api('a', { path: 'a', backendId: 'svc' })
        .operation('a', 'x', 'get', '/x')
        .api('b', { path: 'b', serviceUrl: 'http://10.0.0.2' })
        .api('c', { path: 'c', serviceUrl: 'http://10.0.0.2' })
        .subscription('s', { scope: '/apis', primaryKey: 'k' })
        .build(),
    );
    expect(runtime.revision).toBe(7);
    expect(runtime.operations[0].method).toBe('GET');
    expect(runtime.operations[0].target?.basePath).toBe('/api');
    // APIs sharing a service URL share a target (and so a pool).
    expect(runtime.apis.get('b')!.target).toBe(runtime.apis.get('c')!.target);
    expect(runtime.targets).toHaveLength(2);
    expect(runtime.subscriptions.size).toBe(2);
  });

  it('reports every problem, each naming its object', () => {
    const details = problems((b) =>
      b
        .api('a', { path: 'a', backendId: 'missing' })
        .operation('a', 'x', 'GET', '/x', { backendId: 'also-missing' })
        .operation('ghost', 'y', 'GET', '/y')
        .api('meta', { path: 'meta', serviceUrl: 'http://[fe80::1]/' })
        .api('ftp', { path: 'ftp', serviceUrl: 'ftp://files/' })
        .api('v', { path: 'v', serviceUrl: 'http://x', apiVersionSetId: 'nope', apiVersion: '1' })
        .product('open1', { apiIds: ['a'], subscriptionRequired: false })
        .product('open2', { apiIds: ['a'], subscriptionRequired: false })
        .subscription('s1', { scope: '/products/unknown', primaryKey: 'k1' })
        .subscription('s2', { scope: '/users/x', primaryKey: 'k2' })
        .subscription('s0', { scope: '/apis', primaryKey: 'dup' })
        .subscription('s3', { scope: '/apis/a', primaryKey: 'dup' }),
    );
    const byTarget = Object.fromEntries(details.map((d) => [d.target, d.code]));
    expect(byTarget).toMatchObject({
      'apis/a': 'SeveralOpenProducts',
      'apis/a/operations/x': 'UnknownBackend',
      'apis/ghost/operations/y': 'UnknownApi',
      'apis/meta': 'InvalidBackendUrl',
      'apis/ftp': 'InvalidBackendUrl',
      'apis/v': 'InvalidApiPath',
      'subscriptions/s1': 'InvalidSubscriptionScope',
      'subscriptions/s2': 'InvalidSubscriptionScope',
      'subscriptions/s3': 'DuplicateSubscriptionKey',
    });
    expect(details.some((d) => d.target === 'apis/a' && d.code === 'UnknownBackend')).toBe(true);
  });

  it('refuses a snapshot without a key digest secret', () => {
    expect(problems((b) => b, { keyDigestSecret: '' })).toEqual([
      expect.objectContaining({ code: 'MissingKeyDigestSecret' }),
    ]);
  });

  it('turns policy compiler errors into per-operation problems', () => {
    const snapshot = new SnapshotBuilder().api('a', { path: 'a', serviceUrl: 'http://x' }).operation('a', 'op', 'GET', '/').build();
    expect(() =>
      compileRuntime(snapshot, {
        policies: () => {
          throw new Error('bad policy');
        },
      }),
    ).toThrow(/apis\/a\/operations\/op: bad policy/);
  });

  it('releases its pools only after retirement and its last request', () => {
    const pools = new UpstreamPools({ connectTimeoutMs: 1000, keepAliveTimeoutMs: 1000, maxConnectionsPerOrigin: 1, allowLinkLocalBackends: false });
    const snapshot = new SnapshotBuilder().api('a', { path: 'a', serviceUrl: 'http://127.0.0.1:9' }).build();
    const first = compileRuntime(snapshot);
    first.activate(pools);
    first.enter();
    const second = compileRuntime(snapshot);
    second.activate(pools);
    first.retire();
    expect(pools.origins).toEqual(['http://127.0.0.1:9']);
    second.retire();
    expect(pools.origins).toEqual(['http://127.0.0.1:9']); // first still has a request in flight
    first.leave();
    expect(pools.origins).toEqual([]);
  });
});
