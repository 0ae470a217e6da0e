/**
 * The config snapshot: one immutable, versioned picture of everything a gateway needs.
 * The control plane builds it from the store after every write; a gateway compiles it
 * into its runtime and swaps it in whole. It carries no secrets in clear except what a
 * policy must read at run time (named values) and the private keys of certificates the
 * gateway presents to backends; subscription keys only as digests.
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
  /** JSON type definitions of APIs (`/apis/{id}/schemas/{id}`), for mock-response. Absent from older snapshots. */
  apiSchemas?: SnapshotApiSchema[];
  /** Certificates backends present (client) or trust (CA); decrypted. Absent from snapshots that predate them. */
  certificates?: SnapshotCertificate[];
  /**
   * The gateways' token-signing keys (issue-backend-token, the JWKS endpoint): the same on
   * every replica because they come from the control plane. Absent from older snapshots.
   */
  signingKeys?: SnapshotSigningKey[];
  /**
   * Self-hosted gateways and the APIs assigned to each. The control plane uses it to cut
   * the snapshot it serves to one gateway (which then carries none of these); gateways
   * ignore it. Absent from older snapshots.
   */
  gateways?: SnapshotGateway[];
}

export interface SnapshotGateway {
  id: string;
  /** Ids of the APIs assigned to the gateway (`/gateways/{id}/apis/{apiId}`); their revisions go with them. */
  apiIds: string[];
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

/** An API schema's named JSON types: OpenAPI `components.schemas` or Swagger `definitions`. */
export interface SnapshotApiSchema {
  apiId: string;
  id: string;
  contentType: string;
  /** The named types (JSON Schema objects); empty for non-JSON schemas. */
  types: Record<string, unknown>;
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
  tls?: {
    validateCertificateChain?: boolean;
    validateCertificateName?: boolean;
    /** Certificate ids trusted as CAs for this backend, besides the public roots (Portico extension). */
    caCertificateIds?: string[];
  };
  /** Client certificate ids (bare ids) presented to the backend; the first is used. */
  credentials?: { certificateIds?: string[] };
}

/**
 * A certificate resource, as the gateway needs it. Like secret named values, the key is
 * decrypted when the snapshot is built: the gateway must hand it to TLS.
 */
export interface SnapshotCertificate {
  id: string;
  subject: string;
  /** SHA-1, upper-case hex. */
  thumbprint: string;
  expirationDate: string;
  /** PEM: the certificate first, then any chain. */
  certificate: string;
  /** PKCS#8 PEM; absent for a CA certificate uploaded without one. */
  privateKey?: string;
}

/** A token-signing key; only the active one carries its private half. */
export interface SnapshotSigningKey {
  /** The key id (`kid`): the public JWK's RFC 7638 thumbprint. */
  kid: string;
  alg: 'ES256';
  status: 'next' | 'active' | 'retired';
  publicJwk: { kty: 'EC'; crv: 'P-256'; x: string; y: string };
  /** The private scalar (JWK `d`, base64url), decrypted; on the active key only. Never logged. */
  privateD?: string;
  /** A retired key leaves the JWKS at this time (ISO 8601). */
  publishUntil?: string;
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
