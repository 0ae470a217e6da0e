/**
 * The read-only `context.Api`, `.Operation`, `.Product`, `.Subscription` and `.User` objects,
 * built once per snapshot (at compile time) and found per request by the identity of the
 * snapshot resource the gateway resolved — a WeakMap lookup, no allocation.
 */
import type {
  ApiInfo,
  GroupInfo,
  OperationInfo,
  ProductInfo,
  SubscriptionInfo,
  UrlInfo,
  UserInfo,
} from '../../expressions/index.js';
import type {
  PolicyApiSource,
  PolicyOperationSource,
  PolicyProductSource,
  PolicySnapshot,
  PolicySubscriptionSource,
} from '../contract/snapshot-view.js';
import { EMPTY_VALUES, queryValues } from './string-values.js';

interface SubscriptionViews {
  readonly subscription: Omit<SubscriptionInfo, 'Key'>;
  readonly user: UserInfo | null;
}

export class StaticViews {
  private readonly apis = new WeakMap<object, ApiInfo>();
  private readonly operations = new WeakMap<object, OperationInfo>();
  private readonly products = new WeakMap<object, ProductInfo>();
  private readonly subscriptions = new WeakMap<object, SubscriptionViews>();
  private readonly prepared = new WeakSet<object>();

  /** Builds every view of a snapshot; idempotent. */
  prepare(snapshot: PolicySnapshot): void {
    if (this.prepared.has(snapshot)) return;
    this.prepared.add(snapshot);
    const groups = new Map(snapshot.groups.map((g) => [g.id, { Id: g.id, Name: g.displayName }] as const));
    const groupList = (ids: readonly string[]): GroupInfo[] =>
      ids.map((id) => groups.get(id) ?? { Id: id, Name: id });
    for (const api of snapshot.apis) this.apis.set(api, apiInfo(api));
    for (const operation of snapshot.operations) this.operations.set(operation, operationInfo(operation));
    for (const product of snapshot.products) this.products.set(product, productInfo(product, groupList(product.groupIds)));
    const users = new Map(snapshot.users.map((u) => [u.id, u] as const));
    for (const subscription of snapshot.subscriptions) {
      const owner = subscription.ownerId === undefined ? undefined : users.get(userIdOf(subscription.ownerId));
      const user: UserInfo | null =
        owner === undefined
          ? null
          : {
              Id: owner.id,
              Email: owner.email ?? '',
              FirstName: owner.firstName ?? '',
              LastName: owner.lastName ?? '',
              Note: null,
              RegistrationDate: null,
              Groups: groupList(owner.groupIds),
            };
      this.subscriptions.set(subscription, { subscription: subscriptionInfo(subscription), user });
    }
  }

  api(source: PolicyApiSource): ApiInfo {
    return this.apis.get(source) ?? remember(this.apis, source, apiInfo(source));
  }

  operation(source: PolicyOperationSource): OperationInfo {
    return this.operations.get(source) ?? remember(this.operations, source, operationInfo(source));
  }

  product(source: PolicyProductSource): ProductInfo {
    return this.products.get(source) ?? remember(this.products, source, productInfo(source, []));
  }

  subscription(source: PolicySubscriptionSource): SubscriptionViews {
    return (
      this.subscriptions.get(source) ??
      remember(this.subscriptions, source, { subscription: subscriptionInfo(source), user: null })
    );
  }
}

function remember<V>(map: WeakMap<object, V>, key: object, value: V): V {
  map.set(key, value);
  return value;
}

/** Owner ids are stored as `/users/{id}` or a bare id. */
function userIdOf(ownerId: string): string {
  const at = ownerId.lastIndexOf('/');
  return at === -1 ? ownerId : ownerId.slice(at + 1);
}

function apiInfo(api: PolicyApiSource): ApiInfo {
  return {
    Id: api.id,
    Name: api.displayName,
    Path: api.path === '' ? '/' : `/${api.path}`,
    Revision: api.apiRevision,
    IsCurrentRevision: api.isCurrent,
    ServiceUrl: api.serviceUrl === undefined ? null : staticUrl(api.serviceUrl),
    Version: api.apiVersion ?? null,
  };
}

function operationInfo(operation: PolicyOperationSource): OperationInfo {
  return {
    Id: operation.id,
    Method: operation.method.toUpperCase(),
    Name: operation.displayName,
    UrlTemplate: operation.urlTemplate,
  };
}

function productInfo(product: PolicyProductSource, groups: GroupInfo[]): ProductInfo {
  return {
    Id: product.id,
    Name: product.displayName,
    State: product.state === 'published' ? 'Published' : 'NotPublished',
    ApprovalRequired: product.approvalRequired,
    SubscriptionRequired: product.subscriptionRequired,
    SubscriptionLimit: null,
    Groups: groups,
  };
}

/**
 * The snapshot carries key digests only, so PrimaryKey/SecondaryKey are unknown here;
 * `Key` (the key the caller presented) is filled per request by the expression view.
 */
function subscriptionInfo(subscription: PolicySubscriptionSource): Omit<SubscriptionInfo, 'Key'> {
  return {
    Id: subscription.id,
    Name: subscription.displayName,
    PrimaryKey: '',
    SecondaryKey: '',
    CreatedDate: null,
    StartDate: dateOrNull(subscription.startDate),
    EndDate: dateOrNull(subscription.endDate),
  };
}

function dateOrNull(text: string | undefined): Date | null {
  if (text === undefined) return null;
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** A URL known at compile time (an API's service URL). */
export function staticUrl(text: string): UrlInfo | null {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return null;
  }
  const scheme = url.protocol.slice(0, -1);
  const query = url.search.startsWith('?') ? url.search.slice(1) : '';
  return {
    Scheme: scheme,
    Host: url.hostname,
    Port: url.port === '' ? (scheme === 'https' ? 443 : 80) : Number(url.port),
    Path: url.pathname === '' ? '/' : url.pathname,
    Query: query === '' ? EMPTY_VALUES : queryValues(query),
    QueryString: url.search,
  };
}
