import type { ConfigSnapshot } from '../config/snapshot.js';
import { baseApiId } from '../model/api-revision.js';

/**
 * The snapshot one self-hosted gateway is given: only the APIs assigned to it (with their
 * revisions), their operations, schemas and policies, the products that hold one of them
 * (listing only those), the subscriptions that can call one of them and their owners, and
 * the version sets they use. What any API may reach stays whole: the global policy, named
 * values, backends, policy fragments, certificates, groups and signing keys. The gateway
 * list itself is not passed on.
 *
 * Undefined when the snapshot does not know the gateway (it was deleted, or is newer than
 * the snapshot).
 */
export function snapshotForGateway(snapshot: ConfigSnapshot, gatewayId: string): ConfigSnapshot | undefined {
  const gateway = snapshot.gateways?.find((g) => g.id === gatewayId);
  if (gateway === undefined) return undefined;
  const assigned = new Set(gateway.apiIds.map(baseApiId));
  const apis = snapshot.apis.filter((api) => assigned.has(baseApiId(api.id)));
  const apiIds = new Set(apis.map((api) => api.id));
  const products = snapshot.products
    .map((product) => ({ ...product, apiIds: product.apiIds.filter((id) => assigned.has(baseApiId(id))) }))
    .filter((product) => product.apiIds.length > 0);
  const productIds = new Set(products.map((product) => product.id));
  const subscriptions = snapshot.subscriptions.filter((subscription) => {
    const [, collection, id] = subscription.scope.split('/');
    if (collection === 'apis') return id === undefined || assigned.has(baseApiId(id));
    return collection === 'products' && productIds.has(id);
  });
  const owners = new Set(subscriptions.map((subscription) => subscription.ownerId).filter((id) => id !== undefined));
  const versionSets = new Set(apis.map((api) => api.apiVersionSetId).filter((id) => id !== undefined));

  const { gateways: _gateways, ...rest } = snapshot;
  return {
    ...rest,
    apis,
    operations: snapshot.operations.filter((operation) => apiIds.has(operation.apiId)),
    ...(snapshot.apiSchemas === undefined ? {} : { apiSchemas: snapshot.apiSchemas.filter((schema) => apiIds.has(schema.apiId)) }),
    products,
    subscriptions,
    users: snapshot.users.filter((user) => owners.has(user.id)),
    policies: snapshot.policies.filter((policy) => {
      switch (policy.scope) {
        case 'global':
          return true;
        case 'product':
          return productIds.has(policy.productId ?? '');
        default:
          return apiIds.has(policy.apiId ?? '');
      }
    }),
    apiVersionSets: snapshot.apiVersionSets.filter((set) => versionSets.has(set.id)),
  };
}
