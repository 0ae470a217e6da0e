import type { ResourceKind } from '../../model/kinds.js';
import { apiRules } from './api.js';
import { apiSchemaRules } from './api-schema.js';
import { apiVersionSetRules } from './api-version-set.js';
import { backendRules } from './backend.js';
import { certificateRules } from './certificate.js';
import { groupRules } from './group.js';
import { gatewayRules } from './gateway.js';
import { gatewayApiRules, groupUserRules, productApiRules, productGroupRules } from './links.js';
import { namedValueRules } from './named-value.js';
import { operationRules } from './operation.js';
import { plainRules } from './plain.js';
import { policyRules } from './policy.js';
import { policyFragmentRules } from './policy-fragment.js';
import { productRules } from './product.js';
import { signingKeyRules } from './signing-key.js';
import { subscriptionRules } from './subscription.js';
import type { KindRules } from './types.js';
import { userRules } from './user.js';

export const KIND_RULES: { readonly [K in ResourceKind]: KindRules } = {
  api: apiRules,
  operation: operationRules,
  apiSchema: apiSchemaRules,
  product: productRules,
  productApi: productApiRules,
  productGroup: productGroupRules,
  subscription: subscriptionRules,
  user: userRules,
  group: groupRules,
  groupUser: groupUserRules,
  backend: backendRules,
  namedValue: namedValueRules,
  policy: policyRules,
  policyFragment: policyFragmentRules,
  apiVersionSet: apiVersionSetRules,
  tag: plainRules,
  certificate: certificateRules,
  signingKey: signingKeyRules,
  gateway: gatewayRules,
  gatewayApi: gatewayApiRules,
};

export type { KindRules, ManagementKeyring } from './types.js';
