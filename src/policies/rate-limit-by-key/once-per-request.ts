/**
 * `scope="global"` counters are shared by every policy naming the same key, at any scope; as
 * in APIM, one request counts against such a key once, however many of its policies (global,
 * product, API, operation) name it. This remembers, per request, which shared counters the
 * request has already counted and what the count was. Kept beside the request (a WeakMap on
 * its context), so only requests reaching a scope="global" limit pay for it.
 */
import type { PolicyContext } from '../contract/context.js';

/** What the first policy to count a shared key saw. */
export interface CountedHere {
  /** The counter after this request's own increment (null: counted later, after the response). */
  readonly total: number | null;
}

const counted = new WeakMap<PolicyContext, Map<string, CountedHere>>();

/** What this request already counted under `key`, if anything. */
export function countedHere(ctx: PolicyContext, key: string): CountedHere | undefined {
  return counted.get(ctx)?.get(key);
}

/** Records that this request counted `key`; later policies naming it must not count again. */
export function markCounted(ctx: PolicyContext, key: string, entry: CountedHere): void {
  let keys = counted.get(ctx);
  if (keys === undefined) {
    keys = new Map();
    counted.set(ctx, keys);
  }
  keys.set(key, entry);
}
