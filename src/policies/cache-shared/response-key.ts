/**
 * The response cache key: API, operation, product, method and the request path, plus what the
 * cache-lookup varies by (named headers and query parameters, the developer, the developer's
 * groups). Query parameters not named are not part of the key, as in APIM. The key is a
 * SHA-256 of the parts, so header values (an Authorization header when private responses
 * are cached) never appear in a store's key names.
 */
import { createHash } from 'node:crypto';
import type { PolicyContext } from '../contract/context.js';
import type { PolicySnapshot, PolicySubscriptionSource } from '../contract/snapshot-view.js';
import { parseQuery } from '../http/query.js';

export interface KeySpec {
  /** Lower-case header names. */
  readonly headers: readonly string[];
  /** Query parameter names, as written. */
  readonly queryParameters: readonly string[];
}

export interface Developer {
  /** `user:<id>` for an owned subscription, `subscription:<id>` for one without owner. */
  readonly id: string;
  /** The owner's group ids, sorted; empty without an owner. */
  readonly groups: readonly string[];
}

const ANONYMOUS: Developer = { id: 'anonymous', groups: [] };

export function responseKey(ctx: PolicyContext, spec: KeySpec, developer: Developer | undefined, groups: readonly string[] | undefined): string {
  const url = ctx.originalUrl;
  const queryAt = url.indexOf('?');
  // The product is part of the key: each product has its own pipeline, whose policies may
  // shape the response before cache-store, and a hit skips the outbound section.
  const parts: unknown[] = [ctx.api?.id ?? '', ctx.operation?.id ?? '', ctx.product?.id ?? null, ctx.method, queryAt === -1 ? url : url.slice(0, queryAt)];
  for (const name of spec.headers) parts.push({ header: name, value: ctx.forwardHeaders[name] ?? null });
  if (spec.queryParameters.length > 0) {
    const pairs = parseQuery(ctx.query);
    for (const name of spec.queryParameters) parts.push({ query: name, values: pairs.filter(([key]) => key === name).map(([, value]) => value) });
  }
  // Each optional part is tagged, so varying by developer alone never matches varying by groups alone.
  if (developer !== undefined) parts.push({ developer: developer.id });
  if (groups !== undefined) parts.push({ groups });
  // JSON of an array of parts is injective: no choice of values makes two keys collide.
  return `r:${createHash('sha256').update(JSON.stringify(parts)).digest('base64url')}`;
}

const indexes = new WeakMap<PolicySnapshot, WeakMap<PolicySubscriptionSource, Developer>>();

/** Who calls, from the request's subscription; prepared once per snapshot. */
export function developerResolver(snapshot: PolicySnapshot | undefined): (ctx: PolicyContext) => Developer {
  let index = snapshot === undefined ? undefined : indexes.get(snapshot);
  if (snapshot !== undefined && index === undefined) {
    index = buildIndex(snapshot);
    indexes.set(snapshot, index);
  }
  return (ctx) => {
    const subscription = ctx.subscription;
    if (subscription === null) return ANONYMOUS;
    return index?.get(subscription.source) ?? { id: `subscription:${subscription.id}`, groups: [] };
  };
}

function buildIndex(snapshot: PolicySnapshot): WeakMap<PolicySubscriptionSource, Developer> {
  const users = new Map(snapshot.users.map((u) => [u.id, u] as const));
  const index = new WeakMap<PolicySubscriptionSource, Developer>();
  for (const subscription of snapshot.subscriptions) {
    const ownerId = subscription.ownerId === undefined ? undefined : subscription.ownerId.slice(subscription.ownerId.lastIndexOf('/') + 1);
    const owner = ownerId === undefined ? undefined : users.get(ownerId);
    index.set(
      subscription,
      owner === undefined
        ? { id: `subscription:${subscription.id}`, groups: [] }
        : { id: `user:${owner.id}`, groups: [...owner.groupIds].sort() },
    );
  }
  return index;
}
