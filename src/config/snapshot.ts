/**
 * The config snapshot: one immutable, versioned picture of everything a gateway needs.
 * The control plane builds it from the store after every write; a gateway compiles it
 * into its runtime and swaps it in whole. It carries no secrets in clear except what a
 * policy must read at run time (named values), and subscription keys only as digests.
 *
 * Field names follow APIM's resource properties; defaults are already applied, so a
 * consumer never has to know APIM's defaults.
 */
export interface ConfigSnapshot {
  /** Store revision the snapshot was built from; strictly increasing. */
  revision: number;
  createdAt: string;
  /** Base64 HMAC key: the gateway digests a presented subscription key with it (see model/key-digest). */
  keyDigestSecret: string;
  apis: SnapshotApi[];
  operations: SnapshotOperation[];
  products: SnapshotProduct[];
  subscriptions: SnapshotSubscription[];
  users: SnapshotUser[];
  groups: SnapshotGroup[];
  backends: SnapshotBackend[];
  namedValues: SnapshotNamedValue[];
  policies: SnapshotPolicy[];
  /** Policy fragments that documents include with `<include-fragment fragment-id="…"/>`. */
  policyFragments: SnapshotPolicyFragment[];
  apiVersionSets: SnapshotApiVersionSet[];
}

export interface SnapshotApi {
  id: string;
  displayName: string;
  /** Path prefix without leading or trailing slash ('' allowed). */
  path: string;
  protocols: string[];
  serviceUrl?: string;
  /** Portico shorthand for `<set-backend-service backend-id>` at API scope. */
  backendId?: string;
  subscriptionRequired: boolean;
  subscriptionKeyParameterNames: { header: string; query: string };
  apiRevision: string;
  isCurrent: boolean;
  apiVersion?: string;
  apiVersionSetId?: string;
  apiType: string;
}

export interface SnapshotOperation {
  apiId: string;
  id: string;
  displayName: string;
  method: string;
  urlTemplate: string;
  templateParameters: { name: string; required: boolean; type?: string; defaultValue?: string }[];
  /** Portico shorthand for `<set-backend-service backend-id>` at operation scope. */
  backendId?: string;
  /** Response examples/schemas, kept for mock-response. */
  responses: unknown[];
}

export interface SnapshotProduct {
  id: string;
  displayName: string;
  state: 'published' | 'notPublished';
  subscriptionRequired: boolean;
  approvalRequired: boolean;
  apiIds: string[];
  groupIds: string[];
}

export type SubscriptionState = 'active' | 'suspended' | 'submitted' | 'rejected' | 'cancelled' | 'expired';

export interface SnapshotSubscription {
  id: string;
  displayName: string;
  /** Normalised: '/apis', '/apis/{apiId}' or '/products/{productId}'. */
  scope: string;
  state: SubscriptionState;
  ownerId?: string;
  allowTracing: boolean;
  primaryKeyDigest: string;
  secondaryKeyDigest: string;
  startDate?: string;
  endDate?: string;
}

export interface SnapshotUser {
  id: string;
  email?: string;
  firstName?: string;
  lastName?: string;
  state: string;
  groupIds: string[];
}

export interface SnapshotGroup {
  id: string;
  displayName: string;
  type: string;
}

export interface SnapshotBackend {
  id: string;
  url: string;
  protocol: string;
  title?: string;
  tls?: { validateCertificateChain?: boolean; validateCertificateName?: boolean };
}

export interface SnapshotNamedValue {
  id: string;
  displayName: string;
  /** Decrypted; only policies read it, and secret ones are never logged or echoed. */
  value: string;
  secret: boolean;
}

export type PolicyScope = 'global' | 'product' | 'api' | 'operation';

export interface SnapshotPolicy {
  scope: PolicyScope;
  productId?: string;
  apiId?: string;
  operationId?: string;
  format: 'rawxml' | 'xml';
  value: string;
}

/** A policy fragment: its policies run in place of each `<include-fragment>` naming its id. */
export interface SnapshotPolicyFragment {
  id: string;
  description?: string;
  format: 'rawxml' | 'xml';
  /** `<fragment>…</fragment>` */
  value: string;
}

export interface SnapshotApiVersionSet {
  id: string;
  displayName: string;
  versioningScheme: 'Segment' | 'Header' | 'Query';
  versionHeaderName?: string;
  versionQueryName?: string;
}

/** Where snapshots come from: the in-process control plane, a file, or a remote one. */
export interface SnapshotSource {
  /** Calls `listener` with the current snapshot (if any) and each later one. Returns an unsubscribe. */
  subscribe(listener: (snapshot: ConfigSnapshot) => void): () => void;
}
