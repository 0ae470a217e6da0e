import type { ResourceKind } from '../../model/kinds.js';
import { apiParent, gatewayParent, operationParent, productParent, groupParent } from '../addresses.js';

type Params = Record<string, string>;

/**
 * One collection of the management API. The generic handlers serve
 * `GET collection`, and `GET/HEAD/PUT/PATCH/DELETE collection/:idParam` from this.
 */
export interface ResourceRoute {
  kind: ResourceKind;
  /** Fastify path of the collection under the service root. */
  collection: string;
  idParam: string;
  /** The store parent for these params. */
  parent: (params: Params) => string;
  /** APIM's resource type string for the envelope. */
  type: string;
  /** One-line summary for the OpenAPI document. */
  title: string;
  /** PATCH is offered (not for policies). */
  patch: boolean;
}

/**
 * A link collection (product–API, product–group, group–user): its items are the
 * linked resources themselves (an API, a group, a user), as APIM returns them.
 */
export interface LinkRoute {
  kind: ResourceKind;
  linked: ResourceKind;
  collection: string;
  idParam: string;
  parent: (params: Params) => string;
  type: string;
  title: string;
}

const T = 'Microsoft.ApiManagement/service';

export const RESOURCE_ROUTES: readonly ResourceRoute[] = [
  { kind: 'api', collection: '/apis', idParam: 'apiId', parent: () => '', type: `${T}/apis`, title: 'API', patch: true },
  {
    kind: 'operation',
    collection: '/apis/:apiId/operations',
    idParam: 'operationId',
    parent: (p) => apiParent(p.apiId),
    type: `${T}/apis/operations`,
    title: 'API operation',
    patch: true,
  },
  {
    kind: 'apiSchema',
    collection: '/apis/:apiId/schemas',
    idParam: 'schemaId',
    parent: (p) => apiParent(p.apiId),
    type: `${T}/apis/schemas`,
    title: 'API schema',
    patch: false,
  },
  { kind: 'policy', collection: '/policies', idParam: 'policyId', parent: () => '', type: `${T}/policies`, title: 'global policy', patch: false },
  {
    kind: 'policy',
    collection: '/apis/:apiId/policies',
    idParam: 'policyId',
    parent: (p) => apiParent(p.apiId),
    type: `${T}/apis/policies`,
    title: 'API policy',
    patch: false,
  },
  {
    kind: 'policy',
    collection: '/apis/:apiId/operations/:operationId/policies',
    idParam: 'policyId',
    parent: (p) => operationParent(p.apiId, p.operationId),
    type: `${T}/apis/operations/policies`,
    title: 'operation policy',
    patch: false,
  },
  { kind: 'product', collection: '/products', idParam: 'productId', parent: () => '', type: `${T}/products`, title: 'product', patch: true },
  {
    kind: 'policy',
    collection: '/products/:productId/policies',
    idParam: 'policyId',
    parent: (p) => productParent(p.productId),
    type: `${T}/products/policies`,
    title: 'product policy',
    patch: false,
  },
  { kind: 'subscription', collection: '/subscriptions', idParam: 'sid', parent: () => '', type: `${T}/subscriptions`, title: 'subscription', patch: true },
  { kind: 'user', collection: '/users', idParam: 'userId', parent: () => '', type: `${T}/users`, title: 'user', patch: true },
  { kind: 'group', collection: '/groups', idParam: 'groupId', parent: () => '', type: `${T}/groups`, title: 'group', patch: true },
  { kind: 'backend', collection: '/backends', idParam: 'backendId', parent: () => '', type: `${T}/backends`, title: 'backend', patch: true },
  {
    kind: 'namedValue',
    collection: '/namedValues',
    idParam: 'namedValueId',
    parent: () => '',
    type: `${T}/namedValues`,
    title: 'named value',
    patch: true,
  },
  {
    kind: 'apiVersionSet',
    collection: '/apiVersionSets',
    idParam: 'versionSetId',
    parent: () => '',
    type: `${T}/apiVersionSets`,
    title: 'API version set',
    patch: true,
  },
  { kind: 'tag', collection: '/tags', idParam: 'tagId', parent: () => '', type: `${T}/tags`, title: 'tag', patch: true },
  {
    kind: 'certificate',
    collection: '/certificates',
    idParam: 'certificateId',
    parent: () => '',
    type: `${T}/certificates`,
    title: 'certificate (backend client certificate or CA)',
    patch: false,
  },
  {
    kind: 'gateway',
    collection: '/gateways',
    idParam: 'gatewayId',
    parent: () => '',
    type: `${T}/gateways`,
    title: 'self-hosted gateway',
    patch: true,
  },
  {
    kind: 'policyFragment',
    collection: '/policyFragments',
    idParam: 'fragmentId',
    parent: () => '',
    type: `${T}/policyFragments`,
    title: 'policy fragment',
    patch: true,
  },
];

export const LINK_ROUTES: readonly LinkRoute[] = [
  {
    kind: 'productApi',
    linked: 'api',
    collection: '/products/:productId/apis',
    idParam: 'apiId',
    parent: (p) => productParent(p.productId),
    type: `${T}/products/apis`,
    title: 'API of a product',
  },
  {
    kind: 'productGroup',
    linked: 'group',
    collection: '/products/:productId/groups',
    idParam: 'groupId',
    parent: (p) => productParent(p.productId),
    type: `${T}/products/groups`,
    title: 'group that can see a product',
  },
  {
    kind: 'groupUser',
    linked: 'user',
    collection: '/groups/:groupId/users',
    idParam: 'userId',
    parent: (p) => groupParent(p.groupId),
    type: `${T}/groups/users`,
    title: 'member of a group',
  },
  {
    kind: 'gatewayApi',
    linked: 'api',
    collection: '/gateways/:gatewayId/apis',
    idParam: 'apiId',
    parent: (p) => gatewayParent(p.gatewayId),
    type: `${T}/gateways/apis`,
    title: 'API assigned to a self-hosted gateway',
  },
];
