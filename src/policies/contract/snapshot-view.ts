/**
 * The parts of the config snapshot the policy engine reads. They are declared here rather
 * than imported from src/config because config depends on policies (DESIGN: gateway →
 * config → policies → expressions → model); the gateway hands over its ConfigSnapshot,
 * which fits these shapes structurally, so a drift shows up as a type error at that call.
 */

export type PolicyScopeName = 'global' | 'product' | 'api' | 'operation';

export interface PolicyDocumentSource {
  readonly scope: PolicyScopeName;
  readonly productId?: string;
  readonly apiId?: string;
  readonly operationId?: string;
  readonly format: 'rawxml' | 'xml';
  readonly value: string;
}

export interface PolicyFragmentSource {
  readonly id: string;
  readonly format?: 'rawxml' | 'xml';
  /** `<fragment>…</fragment>` */
  readonly value: string;
}

export interface PolicyApiSource {
  readonly id: string;
  readonly displayName: string;
  readonly path: string;
  readonly serviceUrl?: string;
  readonly apiRevision: string;
  readonly isCurrent: boolean;
  readonly apiVersion?: string;
  readonly subscriptionKeyParameterNames: { readonly header: string; readonly query: string };
}

export interface PolicyOperationSource {
  readonly apiId: string;
  readonly id: string;
  readonly displayName: string;
  readonly method: string;
  readonly urlTemplate: string;
  /** APIM response contracts (status code, representations with examples), for mock-response. */
  readonly responses: readonly unknown[];
}

export interface PolicyProductSource {
  readonly id: string;
  readonly displayName: string;
  readonly state: 'published' | 'notPublished';
  readonly subscriptionRequired: boolean;
  readonly approvalRequired: boolean;
  readonly groupIds: readonly string[];
}

export interface PolicySubscriptionSource {
  readonly id: string;
  readonly displayName: string;
  readonly ownerId?: string;
  readonly startDate?: string;
  readonly endDate?: string;
}

export interface PolicyUserSource {
  readonly id: string;
  readonly email?: string;
  readonly firstName?: string;
  readonly lastName?: string;
  readonly groupIds: readonly string[];
}

export interface PolicyGroupSource {
  readonly id: string;
  readonly displayName: string;
}

export interface PolicyBackendSource {
  readonly id: string;
  readonly url: string;
}

export interface PolicyNamedValueSource {
  readonly id: string;
  readonly displayName: string;
  readonly value: string;
  readonly secret: boolean;
}

/** A gateway token-signing key (issue-backend-token); only the active one has `privateD`. */
export interface PolicySigningKeySource {
  readonly kid: string;
  readonly alg: 'ES256';
  readonly status: 'next' | 'active' | 'retired';
  readonly publicJwk: { readonly kty: 'EC'; readonly crv: 'P-256'; readonly x: string; readonly y: string };
  readonly privateD?: string;
}

/** A certificate resource, as policies read it (validate-jwt keys, validate-client-certificate issuers). */
export interface PolicyCertificateSource {
  readonly id: string;
  /** SHA-1, upper-case hex. */
  readonly thumbprint: string;
  /** PEM: the certificate first, then any chain. */
  readonly certificate: string;
}

/** An API's named JSON types (OpenAPI components.schemas or Swagger definitions), for mock-response. */
export interface PolicyApiSchemaSource {
  readonly apiId: string;
  readonly id: string;
  readonly types: Readonly<Record<string, unknown>>;
}

/** What of a ConfigSnapshot the engine reads. */
export interface PolicySnapshot {
  readonly revision: number;
  readonly apis: readonly PolicyApiSource[];
  readonly operations: readonly PolicyOperationSource[];
  readonly products: readonly PolicyProductSource[];
  readonly subscriptions: readonly PolicySubscriptionSource[];
  readonly users: readonly PolicyUserSource[];
  readonly groups: readonly PolicyGroupSource[];
  readonly backends: readonly PolicyBackendSource[];
  readonly namedValues: readonly PolicyNamedValueSource[];
  readonly policies: readonly PolicyDocumentSource[];
  /** Policy fragments (`include-fragment`); absent from snapshots that predate them. */
  readonly policyFragments?: readonly PolicyFragmentSource[];
  /** API schemas operations' representations name (schemaId, typeName); absent from older snapshots. */
  readonly apiSchemas?: readonly PolicyApiSchemaSource[];
  /** Token-signing keys (issue-backend-token); absent from snapshots that predate them. */
  readonly signingKeys?: readonly PolicySigningKeySource[];
  /** Certificate resources (public parts only here); absent from snapshots that predate them. */
  readonly certificates?: readonly PolicyCertificateSource[];
}
