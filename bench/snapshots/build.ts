import { randomBytes } from 'node:crypto';
import type {
  ConfigSnapshot,
  SnapshotApi,
  SnapshotBackend,
  SnapshotOperation,
  SnapshotPolicy,
  SnapshotProduct,
  SnapshotSubscription,
} from '../../src/config/snapshot.js';
import { digestSubscriptionKey } from '../../src/model/key-digest.js';

/**
 * Builds bench snapshots directly (no store, no management API): the gateway is measured
 * on exactly the snapshot it would receive from the control plane.
 */
export class SnapshotBuilder {
  readonly secret = randomBytes(32);
  private readonly snapshot: ConfigSnapshot;

  constructor(revision = 1) {
    this.snapshot = {
      revision,
      createdAt: new Date().toISOString(),
      keyDigestSecret: this.secret.toString('base64'),
      apis: [],
      operations: [],
      products: [],
      subscriptions: [],
      users: [],
      groups: [],
      backends: [],
      namedValues: [],
      policies: [],
      policyFragments: [],
      apiVersionSets: [],
    };
  }

  backend(id: string, url: string): this {
    const backend: SnapshotBackend = { id, url, protocol: 'http' };
    this.snapshot.backends.push(backend);
    return this;
  }

  api(id: string, path: string, target: { serviceUrl: string } | { backendId: string }): this {
    const api: SnapshotApi = {
      id,
      displayName: id,
      path,
      protocols: ['http', 'https'],
      ...target,
      subscriptionRequired: true,
      subscriptionKeyParameterNames: { header: 'Ocp-Apim-Subscription-Key', query: 'subscription-key' },
      apiRevision: '1',
      isCurrent: true,
      apiType: 'http',
    };
    this.snapshot.apis.push(api);
    return this;
  }

  operation(apiId: string, id: string, method: string, urlTemplate: string): this {
    const operation: SnapshotOperation = {
      apiId,
      id,
      displayName: id,
      method,
      urlTemplate,
      templateParameters: [...urlTemplate.matchAll(/\{([^}*]+)\}/g)].map((m) => ({ name: m[1], required: true, type: 'string' })),
      responses: [],
    };
    this.snapshot.operations.push(operation);
    return this;
  }

  product(id: string, apiIds: string[]): this {
    const product: SnapshotProduct = {
      id,
      displayName: id,
      state: 'published',
      subscriptionRequired: true,
      approvalRequired: false,
      apiIds,
      groupIds: [],
    };
    this.snapshot.products.push(product);
    return this;
  }

  /** Keys are given in clear and stored as the snapshot stores them: digests only. */
  subscription(id: string, scope: string, primaryKey: string, state: SnapshotSubscription['state'] = 'active'): this {
    this.snapshot.subscriptions.push({
      id,
      displayName: id,
      scope,
      state,
      allowTracing: false,
      primaryKeyDigest: digestSubscriptionKey(this.secret, primaryKey),
      secondaryKeyDigest: digestSubscriptionKey(this.secret, `${primaryKey}-secondary`),
    });
    return this;
  }

  policy(policy: SnapshotPolicy): this {
    this.snapshot.policies.push(policy);
    return this;
  }

  build(): ConfigSnapshot {
    return this.snapshot;
  }
}
