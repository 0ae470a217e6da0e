import { ValidationError } from '../../model/errors.js';
import type { ResourceKind } from '../../model/kinds.js';
import type { ResourceKey, StoredResource, StoreReader } from '../../store/types.js';
import { COLLECTION_OF, referencedId, RESOURCE_ID_PATTERN } from '../addresses.js';

/** Page size for internal scans: keeps each store call bounded whatever the adapter does. */
const SCAN_PAGE = 500;

/** Every resource of a kind (optionally under one parent), read page by page. */
export async function listAll(reader: StoreReader, kind: ResourceKind, parent?: string): Promise<StoredResource[]> {
  const all: StoredResource[] = [];
  for (let skip = 0; ; skip += SCAN_PAGE) {
    const page = await reader.list(kind, { parent, top: SCAN_PAGE, skip });
    all.push(...page.items);
    if (page.items.length < SCAN_PAGE || all.length >= page.total) return all;
  }
}

export function invalidField(target: string, code: string, message: string): ValidationError {
  return new ValidationError(`${target}: ${message}`, [{ code, target, message }]);
}

/**
 * Resolves a reference property to an existing top-level resource of `kind`. Accepts
 * '/{collection}/{id}' (optionally behind the ARM prefix); throws a ValidationError on
 * `target` when the shape is wrong or the resource does not exist.
 */
export async function requireReference(
  reader: StoreReader,
  kind: ResourceKind,
  reference: string,
  target: string,
): Promise<string> {
  const collection = COLLECTION_OF[kind];
  const id = referencedId(reference, collection);
  if (id === undefined || !RESOURCE_ID_PATTERN.test(id)) {
    throw invalidField(target, 'InvalidReference', `Expected '/${collection}/{id}', got '${reference}'.`);
  }
  await requireExisting(reader, { kind, parent: '', id }, target);
  return id;
}

/** Throws a ValidationError on `target` unless the resource exists. */
export async function requireExisting(reader: StoreReader, key: ResourceKey, target: string): Promise<StoredResource> {
  const found = await reader.get(key);
  if (!found) throw invalidField(target, 'ReferencedResourceNotFound', `${KIND_LABEL[key.kind]} '${key.id}' does not exist.`);
  return found;
}

export const KIND_LABEL: { readonly [K in ResourceKind]: string } = {
  api: 'API',
  operation: 'Operation',
  apiSchema: 'API schema',
  product: 'Product',
  productApi: 'Product API link',
  productGroup: 'Product group link',
  subscription: 'Subscription',
  user: 'User',
  group: 'Group',
  groupUser: 'Group membership',
  backend: 'Backend',
  namedValue: 'Named value',
  policy: 'Policy',
  policyFragment: 'Policy fragment',
  apiVersionSet: 'API version set',
  tag: 'Tag',
  certificate: 'Certificate',
  signingKey: 'Signing key',
  gateway: 'Gateway',
  gatewayApi: 'Gateway API assignment',
};
