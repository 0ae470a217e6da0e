import type { TObject } from '@sinclair/typebox';
import type { ResourceKind } from '../kinds.js';
import { API_READ_ONLY, ApiPropertiesSchema, type ApiProperties } from './api.js';
import { API_SCHEMA_READ_ONLY, ApiSchemaPropertiesSchema, type ApiSchemaProperties } from './api-schema.js';
import { ApiVersionSetPropertiesSchema, type ApiVersionSetProperties } from './api-version-set.js';
import { BackendPropertiesSchema, type BackendProperties } from './backend.js';
import { CERTIFICATE_READ_ONLY, CertificatePropertiesSchema, type CertificateProperties } from './certificate.js';
import { GatewayApiLinkPropertiesSchema, GatewayPropertiesSchema, type GatewayApiLinkProperties, type GatewayProperties } from './gateway.js';
import { GROUP_READ_ONLY, GroupPropertiesSchema, type GroupProperties } from './group.js';
import {
  GroupUserLinkPropertiesSchema,
  ProductApiLinkPropertiesSchema,
  ProductGroupLinkPropertiesSchema,
  type GroupUserLinkProperties,
  type ProductApiLinkProperties,
  type ProductGroupLinkProperties,
} from './links.js';
import { NAMED_VALUE_READ_ONLY, NamedValuePropertiesSchema, type NamedValueProperties } from './named-value.js';
import { OperationPropertiesSchema, type OperationProperties } from './operation.js';
import { PolicyPropertiesSchema, type PolicyProperties } from './policy.js';
import { POLICY_FRAGMENT_READ_ONLY, PolicyFragmentPropertiesSchema, type PolicyFragmentProperties } from './policy-fragment.js';
import { ProductPropertiesSchema, type ProductProperties } from './product.js';
import { SUBSCRIPTION_READ_ONLY, SubscriptionPropertiesSchema, type SubscriptionProperties } from './subscription.js';
import { TagPropertiesSchema, type TagProperties } from './tag.js';
import { SigningKeyPropertiesSchema, type SigningKeyProperties } from './signing-key.js';
import { USER_READ_ONLY, UserPropertiesSchema, type UserProperties } from './user.js';

/** The `properties` type of each resource kind, as stored (defaults applied). */
export interface ResourcePropertiesByKind {
  api: ApiProperties;
  operation: OperationProperties;
  apiSchema: ApiSchemaProperties;
  product: ProductProperties;
  productApi: ProductApiLinkProperties;
  productGroup: ProductGroupLinkProperties;
  subscription: SubscriptionProperties;
  user: UserProperties;
  group: GroupProperties;
  groupUser: GroupUserLinkProperties;
  backend: BackendProperties;
  namedValue: NamedValueProperties;
  policy: PolicyProperties;
  policyFragment: PolicyFragmentProperties;
  apiVersionSet: ApiVersionSetProperties;
  tag: TagProperties;
  certificate: CertificateProperties;
  signingKey: SigningKeyProperties;
  gateway: GatewayProperties;
  gatewayApi: GatewayApiLinkProperties;
}

export interface ResourceModel {
  /** JSON Schema (TypeBox) of the `properties` object: validation and OpenAPI both use it. */
  schema: TObject;
  /** Fields APIM computes: accepted on input because clients echo them back, then dropped. */
  readOnly: readonly string[];
  /** Fields APIM requires that Portico defaults to the resource id (so a declarative file can stay short). */
  defaultToId: readonly string[];
}

export const RESOURCE_MODELS: { readonly [K in ResourceKind]: ResourceModel } = {
  api: { schema: ApiPropertiesSchema, readOnly: API_READ_ONLY, defaultToId: ['displayName'] },
  operation: { schema: OperationPropertiesSchema, readOnly: [], defaultToId: ['displayName'] },
  apiSchema: { schema: ApiSchemaPropertiesSchema, readOnly: API_SCHEMA_READ_ONLY, defaultToId: [] },
  product: { schema: ProductPropertiesSchema, readOnly: [], defaultToId: ['displayName'] },
  productApi: { schema: ProductApiLinkPropertiesSchema, readOnly: [], defaultToId: [] },
  productGroup: { schema: ProductGroupLinkPropertiesSchema, readOnly: [], defaultToId: [] },
  subscription: { schema: SubscriptionPropertiesSchema, readOnly: SUBSCRIPTION_READ_ONLY, defaultToId: ['displayName'] },
  user: { schema: UserPropertiesSchema, readOnly: USER_READ_ONLY, defaultToId: [] },
  group: { schema: GroupPropertiesSchema, readOnly: GROUP_READ_ONLY, defaultToId: ['displayName'] },
  groupUser: { schema: GroupUserLinkPropertiesSchema, readOnly: [], defaultToId: [] },
  backend: { schema: BackendPropertiesSchema, readOnly: [], defaultToId: [] },
  namedValue: { schema: NamedValuePropertiesSchema, readOnly: NAMED_VALUE_READ_ONLY, defaultToId: ['displayName'] },
  policy: { schema: PolicyPropertiesSchema, readOnly: [], defaultToId: [] },
  policyFragment: { schema: PolicyFragmentPropertiesSchema, readOnly: POLICY_FRAGMENT_READ_ONLY, defaultToId: [] },
  apiVersionSet: { schema: ApiVersionSetPropertiesSchema, readOnly: [], defaultToId: ['displayName'] },
  tag: { schema: TagPropertiesSchema, readOnly: [], defaultToId: ['displayName'] },
  certificate: { schema: CertificatePropertiesSchema, readOnly: CERTIFICATE_READ_ONLY, defaultToId: [] },
  signingKey: { schema: SigningKeyPropertiesSchema, readOnly: [], defaultToId: [] },
  gateway: { schema: GatewayPropertiesSchema, readOnly: [], defaultToId: [] },
  gatewayApi: { schema: GatewayApiLinkPropertiesSchema, readOnly: [], defaultToId: [] },
};

export * from './api.js';
export * from './api-schema.js';
export * from './api-version-set.js';
export * from './backend.js';
export * from './certificate.js';
export * from './gateway.js';
export * from './group.js';
export * from './links.js';
export * from './named-value.js';
export * from './operation.js';
export * from './policy.js';
export * from './policy-fragment.js';
export * from './signing-key.js';
export * from './product.js';
export * from './subscription.js';
export * from './tag.js';
export * from './user.js';
