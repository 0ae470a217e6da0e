import type { SnapshotApi, SnapshotOperation, SnapshotProduct, SnapshotSubscription } from '../config/snapshot.js';
import type { UrlTemplate } from '../model/url-template.js';
import type { OperationPipeline } from './policy-hooks.js';
import type { BackendTarget } from './upstream/backend-target.js';

/**
 * The gateway's compiled view of the snapshot's resources: everything a request needs
 * is resolved here once (backend targets, key parameter names in lower case, product
 * membership), so the hot path only follows references.
 */
export interface CompiledApi {
  readonly id: string;
  /** The id without a `;rev=n` suffix: what scopes and product links refer to. */
  readonly baseId: string;
  readonly source: SnapshotApi;
  /** Path segments the API occupies (its path, plus the version under the Segment scheme). */
  readonly pathDepth: number;
  readonly subscriptionRequired: boolean;
  /** Subscription key header name, lower case. */
  readonly keyHeader: string;
  readonly keyQuery: string;
  /** Version header name (Header versioning scheme), lower case; null otherwise. */
  readonly versionHeader: string | null;
  readonly target: BackendTarget | null;
  /** An open product (no subscription required) holding the API: the context of key-less calls. */
  readonly openProduct: CompiledProduct | null;
}

export interface CompiledOperation {
  readonly id: string;
  readonly api: CompiledApi;
  readonly source: SnapshotOperation;
  /** Upper-case method, or '*' for any. */
  readonly method: string;
  readonly template: UrlTemplate;
  /** The operation's backend, else the API's. */
  readonly target: BackendTarget | null;
  /** Policy pipeline for calls without a product context. */
  readonly pipeline: OperationPipeline | null;
  /** Policy pipeline per product id, for calls made in that product's context. */
  readonly productPipelines: ReadonlyMap<string, OperationPipeline> | null;
}

export interface CompiledProduct {
  readonly id: string;
  readonly source: SnapshotProduct;
  readonly published: boolean;
  /** Base ids of the APIs the product holds. */
  readonly apiIds: ReadonlySet<string>;
}

export interface CompiledSubscription {
  readonly id: string;
  readonly source: SnapshotSubscription;
  readonly active: boolean;
  /** Scope `/apis` (or the service scope `/`): every API. */
  readonly allApis: boolean;
  /** Scope `/apis/{id}`: that API's base id. */
  readonly apiId: string | null;
  /** Scope `/products/{id}`: the product, when its keys are usable (see runtime options). */
  readonly product: CompiledProduct | null;
}
