/**
 * What `cache-lookup` hands to `cache-store` for one request after a miss: where to store
 * and under which key. Keyed by the request's context, so a `cache-store` without a lookup
 * before it (or after a hit, or for a non-GET request) finds nothing and does nothing.
 */
import type { CacheStore } from '../../counters/cache-types.js';
import type { PolicyContext } from '../contract/context.js';
import type { DownstreamCaching } from './cacheability.js';

export interface PendingStore {
  readonly store: CacheStore;
  readonly key: string;
  readonly allowPrivate: boolean;
  readonly downstream: DownstreamCaching;
  readonly mustRevalidate: boolean;
}

const pending = new WeakMap<PolicyContext, PendingStore>();

export function expectStore(ctx: PolicyContext, entry: PendingStore): void {
  pending.set(ctx, entry);
}

/** The pending store for this request, taken (a second cache-store finds nothing). */
export function takePendingStore(ctx: PolicyContext): PendingStore | undefined {
  const entry = pending.get(ctx);
  if (entry !== undefined) pending.delete(ctx);
  return entry;
}
