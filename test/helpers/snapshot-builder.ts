import type {
  ConfigSnapshot,
  SnapshotApi,
  SnapshotApiVersionSet,
  SnapshotBackend,
  SnapshotOperation,
  SnapshotProduct,
  SnapshotSubscription,
  SubscriptionState,
} from '../../src/config/snapshot.js';
import { digestSubscriptionKey } from '../../src/model/key-digest.js';

/** A fixed key-digest secret for tests (base64, as in a snapshot). */
export const TEST_KEY_DIGEST_SECRET = Buffer.alloc(32, 7).toString('base64');

export function testKeyDigest(key: string, secret = TEST_KEY_DIGEST_SECRET): string {
  return digestSubscriptionKey(Buffer.from(secret, 'base64'), key);
}

export interface SubscriptionSpec {
  /** '/apis', '/apis/{id}' or '/products/{id}'. */
  scope: string;
  primaryKey: string;
  secondaryKey?: string;
  /** Defaults to 'active' (the builder is for tests; APIM's API default is 'submitted'). */
  state?: SubscriptionState;
  displayName?: string;
}

/**
 * Builds ConfigSnapshots with APIM's defaults applied, so a test states only what it is
 * about. Each `build()` returns a new snapshot with the next revision.
 *
 *   new SnapshotBuilder()
 *     .api('echo', { path: 'echo', serviceUrl: upstream.url })
 *     .operation('echo', 'get', 'GET', '/items/{id}')
 *     .subscription('alice', { scope: '/apis/echo', primaryKey: 'k1' })
 *     .build();
 */
export class SnapshotBuilder {
  private revision: number;
  private readonly secret: string;
  private readonly apis = new Map<string, SnapshotApi>();
  private readonly operations = new Map<string, SnapshotOperation>();
  private readonly products = new Map<string, SnapshotProduct>();
  private readonly subscriptions = new Map<string, SnapshotSubscription>();
  private readonly backends = new Map<string, SnapshotBackend>();
  private readonly versionSets = new Map<string, SnapshotApiVersionSet>();

  constructor(options: { revision?: number; keyDigestSecret?: string } = {}) {
    this.revision = options.revision ?? 1;
    this.secret = options.keyDigestSecret ?? TEST_KEY_DIGEST_SECRET;
  }

  /** Adds or replaces an API; `subscriptionRequired` defaults to true as in APIM. */
  api(id: string, props: Partial<SnapshotApi> & { path: string }): this {
    this.apis.set(id, {
      id,
      displayName: id,
      protocols: ['http', 'https'],
      subscriptionRequired: true,
      subscriptionKeyParameterNames: { header: 'Ocp-Apim-Subscription-Key', query: 'subscription-key' },
      apiRevision: '1',
      isCurrent: true,
      apiType: 'http',
      ...props,
    });
    return this;
  }

  /** Adds or replaces an operation of API `apiId`. */
  operation(apiId: string, id: string, method: string, urlTemplate: string, props: Partial<SnapshotOperation> = {}): this {
    this.operations.set(`${apiId}/${id}`, {
      apiId,
      id,
      displayName: id,
      method,
      urlTemplate,
      templateParameters: [],
      responses: [],
      ...props,
    });
    return this;
  }

  backend(id: string, url: string, props: Partial<SnapshotBackend> = {}): this {
    this.backends.set(id, { id, url, protocol: 'http', ...props });
    return this;
  }

  /** Adds or replaces a product; published and subscription-required unless stated. */
  product(id: string, props: Partial<SnapshotProduct> & { apiIds: string[] }): this {
    this.products.set(id, {
      id,
      displayName: id,
      state: 'published',
      subscriptionRequired: true,
      approvalRequired: false,
      groupIds: [],
      ...props,
    });
    return this;
  }

  /** Adds or replaces a subscription; keys are stored as digests, as the control plane does. */
  subscription(id: string, spec: SubscriptionSpec): this {
    const secondaryKey = spec.secondaryKey ?? `${spec.primaryKey}-secondary`;
    this.subscriptions.set(id, {
      id,
      displayName: spec.displayName ?? id,
      scope: spec.scope,
      state: spec.state ?? 'active',
      allowTracing: false,
      primaryKeyDigest: testKeyDigest(spec.primaryKey, this.secret),
      secondaryKeyDigest: testKeyDigest(secondaryKey, this.secret),
    });
    return this;
  }

  versionSet(set: SnapshotApiVersionSet): this {
    this.versionSets.set(set.id, set);
    return this;
  }

  remove(kind: 'api' | 'operation' | 'product' | 'subscription' | 'backend', key: string): this {
    const maps = {
      api: this.apis,
      operation: this.operations,
      product: this.products,
      subscription: this.subscriptions,
      backend: this.backends,
    } as const;
    maps[kind].delete(key);
    return this;
  }

  build(): ConfigSnapshot {
    return {
      revision: this.revision++,
      createdAt: new Date().toISOString(),
      keyDigestSecret: this.secret,
      apis: [...this.apis.values()].map((a) => structuredClone(a)),
      operations: [...this.operations.values()].map((o) => structuredClone(o)),
      products: [...this.products.values()].map((p) => structuredClone(p)),
      subscriptions: [...this.subscriptions.values()].map((s) => structuredClone(s)),
      users: [],
      groups: [],
      backends: [...this.backends.values()].map((b) => structuredClone(b)),
      namedValues: [],
      policies: [],
      policyFragments: [],
      apiVersionSets: [...this.versionSets.values()].map((v) => structuredClone(v)),
    };
  }
}
