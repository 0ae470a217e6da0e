import type { ResourceKind } from '../model/kinds.js';
import type { ResourceKey } from '../store/types.js';

/**
 * How resources are addressed: the store keys a resource by (kind, parent, id) and the
 * REST API by a path such as `/apis/echo/operations/get`. This module converts between
 * the two and parses the resource references APIM puts in properties (`scope`,
 * `ownerId`, `apiVersionSetId`), which may carry the full ARM prefix.
 */

/** The URL collection segment of each kind (`/apis/{id}`, `/products/{p}/apis/{id}` …). */
export const COLLECTION_OF: { readonly [K in ResourceKind]: string } = {
  api: 'apis',
  operation: 'operations',
  apiSchema: 'schemas',
  product: 'products',
  productApi: 'apis',
  productGroup: 'groups',
  subscription: 'subscriptions',
  user: 'users',
  group: 'groups',
  groupUser: 'users',
  backend: 'backends',
  namedValue: 'namedValues',
  policy: 'policies',
  policyFragment: 'policyFragments',
  apiVersionSet: 'apiVersionSets',
  tag: 'tags',
  certificate: 'certificates',
  signingKey: 'signingKeys',
  gateway: 'gateways',
  gatewayApi: 'apis',
};

/** The only id a policy resource may have at any scope, as in APIM. */
export const POLICY_ID = 'policy';

/** 'apis/echo/operations/get' for ('operation', 'apis/echo', 'get'). */
export function resourcePath(key: ResourceKey): string {
  const own = `${COLLECTION_OF[key.kind]}/${key.id}`;
  return key.parent ? `${key.parent}/${own}` : own;
}

export function apiParent(apiId: string): string {
  return `apis/${apiId}`;
}

export function operationParent(apiId: string, operationId: string): string {
  return `apis/${apiId}/operations/${operationId}`;
}

export function productParent(productId: string): string {
  return `products/${productId}`;
}

export function groupParent(groupId: string): string {
  return `groups/${groupId}`;
}

export function gatewayParent(gatewayId: string): string {
  return `gateways/${gatewayId}`;
}

/**
 * The resource that owns `parent`, or undefined for the root. Only the parents the
 * resource model has are recognised: an API, an API's operation, a product, a group, a gateway.
 */
export function ownerOf(parent: string): ResourceKey | undefined {
  if (parent === '') return undefined;
  const parts = parent.split('/');
  if (parts.length === 2 && parts[0] === 'apis') return { kind: 'api', parent: '', id: parts[1] };
  if (parts.length === 2 && parts[0] === 'products') return { kind: 'product', parent: '', id: parts[1] };
  if (parts.length === 2 && parts[0] === 'groups') return { kind: 'group', parent: '', id: parts[1] };
  if (parts.length === 2 && parts[0] === 'gateways') return { kind: 'gateway', parent: '', id: parts[1] };
  if (parts.length === 4 && parts[0] === 'apis' && parts[2] === 'operations') {
    return { kind: 'operation', parent: apiParent(parts[1]), id: parts[3] };
  }
  throw new Error(`Unknown resource parent '${parent}'`);
}

/** Kinds whose resources own children (deleted with them). */
export const KINDS_WITH_CHILDREN: ReadonlySet<ResourceKind> = new Set(['api', 'operation', 'product', 'group', 'gateway']);

/** Matches the ARM prefix APIM puts in front of every resource id. */
export const ARM_PREFIX_PATTERN =
  /^\/subscriptions\/[^/?#]+\/resourceGroups\/[^/?#]+\/providers\/Microsoft\.ApiManagement\/service\/[^/?#]+(?=[/?#]|$)/i;

/**
 * The id named by a reference such as '/products/starter' (or the same behind the ARM
 * prefix) when it points into `collection`; undefined when it does not have that shape.
 */
export function referencedId(reference: string, collection: string): string | undefined {
  const short = reference.replace(ARM_PREFIX_PATTERN, '');
  const match = /^\/([^/]+)\/([^/]+)\/?$/.exec(short);
  if (!match || match[1].toLowerCase() !== collection.toLowerCase()) return undefined;
  return match[2];
}

/** Strips the ARM prefix from a reference: stored references are always short ('/users/bob'). */
export function shortReference(reference: string): string {
  return reference.replace(ARM_PREFIX_PATTERN, '');
}

/** Resource ids: bounded, and free of characters that would break a URL path or a parent path. */
export const RESOURCE_ID_PATTERN = /^(?!\.{1,2}$)[A-Za-z0-9_.~;=-]{1,256}$/;

/** Which owners a kind may sit under ('' is the root). */
const PARENT_KINDS: { readonly [K in ResourceKind]: readonly (ResourceKind | '')[] } = {
  api: [''],
  operation: ['api'],
  apiSchema: ['api'],
  product: [''],
  productApi: ['product'],
  productGroup: ['product'],
  subscription: [''],
  user: [''],
  group: [''],
  groupUser: ['group'],
  backend: [''],
  namedValue: [''],
  policy: ['', 'api', 'operation', 'product'],
  policyFragment: [''],
  apiVersionSet: [''],
  tag: [''],
  certificate: [''],
  signingKey: [''],
  gateway: [''],
  gatewayApi: ['gateway'],
};

/** True when `parent` is a place a resource of `kind` can live. */
export function isValidParent(kind: ResourceKind, parent: string): boolean {
  let owner: ResourceKey | undefined;
  try {
    owner = ownerOf(parent);
  } catch {
    return false;
  }
  if (owner !== undefined && !RESOURCE_ID_PATTERN.test(owner.id)) return false;
  return PARENT_KINDS[kind].includes(owner?.kind ?? '');
}
