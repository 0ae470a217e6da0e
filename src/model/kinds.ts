/**
 * The resource kinds Portico stores, and where each sits in APIM's URL hierarchy.
 * A resource is addressed by (kind, parent, id): `parent` is the path of the owning
 * resource ('' for top-level ones), e.g. an operation `get` of API `echo` is
 * ('operation', 'apis/echo', 'get'); the global policy is ('policy', '', 'policy').
 */
export const RESOURCE_KINDS = [
  'api',
  'operation',
  'apiSchema',
  'product',
  'productApi',
  'productGroup',
  'subscription',
  'user',
  'group',
  'groupUser',
  'backend',
  'namedValue',
  'policy',
  'policyFragment',
  'apiVersionSet',
  'tag',
  'certificate',
  /** A gateway token-signing key (Portico extension; written only by the control plane). */
  'signingKey',
  /** A self-hosted gateway (`portico gateway`); its keys are sealed beside its properties. */
  'gateway',
  /** Assignment of an API to a gateway: `/gateways/{g}/apis/{apiId}`. */
  'gatewayApi',
] as const;

export type ResourceKind = (typeof RESOURCE_KINDS)[number];
