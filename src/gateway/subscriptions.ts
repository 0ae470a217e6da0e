import type { SnapshotSubscription } from '../config/snapshot.js';
import type { ErrorDetail } from '../model/errors.js';
import { digestSubscriptionKey } from '../model/key-digest.js';
import { INVALID_SUBSCRIPTION_KEY, MISSING_SUBSCRIPTION_KEY } from './errors.js';
import type { CompiledApi, CompiledProduct, CompiledSubscription } from './model.js';
import { findQueryValue } from './router/query-string.js';
import type { ForwardHeaders } from './edge/request-headers.js';
import { baseApiId } from '../model/api-revision.js';

/** Keys longer than this are refused without being digested: inputs stay bounded. */
const MAX_KEY_LENGTH = 256;

/**
 * Subscriptions by key digest (primary and secondary). A presented key is digested with
 * the snapshot's secret (HMAC-SHA256) and looked up. The lookup itself is the comparison,
 * and it needs no constant-time step: the map compares HMAC digests, and without the
 * secret a client cannot choose digests, so however long the map takes to find or miss
 * one reveals nothing about how close the presented key was to a real one.
 *
 * The HMAC is the largest single cost of a keyed call (about 2 µs), so keys that were found
 * are remembered for the life of this snapshot's index: a real key is digested once, not
 * on every call. Only hits are kept, so the memo never holds more than the index's own keys
 * (two per subscription) whatever clients send. A miss is digested as before. The memo is a
 * Map keyed by the key text: V8 seeds its string hashes randomly per process, so a client
 * cannot aim a guess at the bucket of a real key, and strings are compared only when their
 * hashes already match.
 */
export class SubscriptionIndex {
  private readonly byDigest = new Map<string, CompiledSubscription>();
  private readonly byPresentedKey = new Map<string, CompiledSubscription>();

  constructor(private readonly secret: Buffer) {}

  add(subscription: CompiledSubscription, problems: ErrorDetail[]): void {
    const { primaryKeyDigest, secondaryKeyDigest } = subscription.source;
    for (const digest of [primaryKeyDigest, secondaryKeyDigest]) {
      if (!digest) continue;
      const taken = this.byDigest.get(digest);
      if (taken !== undefined && taken !== subscription) {
        problems.push({
          code: 'DuplicateSubscriptionKey',
          target: `subscriptions/${subscription.id}`,
          message: `a key of this subscription is also a key of subscription '${taken.id}'.`,
        });
        continue;
      }
      this.byDigest.set(digest, subscription);
    }
  }

  get size(): number {
    return this.byDigest.size;
  }

  /** Keys remembered after a hit (never more than `size`). */
  get rememberedKeys(): number {
    return this.byPresentedKey.size;
  }

  lookup(key: string): CompiledSubscription | null {
    if (key.length > MAX_KEY_LENGTH) return null;
    const remembered = this.byPresentedKey.get(key);
    if (remembered !== undefined) return remembered;
    // No timingSafeEqual after the hit: the entry was found by this very digest, so it
    // would compare a string with itself (see the class comment for why none is needed).
    const found = this.byDigest.get(digestSubscriptionKey(this.secret, key));
    if (found === undefined) return null;
    this.byPresentedKey.set(key, found);
    return found;
  }
}

/** What a scope grants; shared by every subscription with the same scope. */
export interface CompiledScope {
  readonly allApis: boolean;
  readonly apiId: string | null;
  readonly product: CompiledProduct | null;
}

/** Compiles a scope string; returns a problem message when it names nothing valid. */
export function compileScope(
  scope: string,
  products: ReadonlyMap<string, CompiledProduct>,
  usableProduct: (product: CompiledProduct) => boolean,
): CompiledScope | string {
  const trimmed = scope.endsWith('/') ? scope.replace(/\/+$/, '') : scope;
  if (trimmed === '' || trimmed === '/apis') return { allApis: true, apiId: null, product: null };
  if (trimmed.startsWith('/apis/')) return { allApis: false, apiId: baseApiId(trimmed.slice(6)), product: null };
  if (trimmed.startsWith('/products/')) {
    const productId = trimmed.slice('/products/'.length);
    const product = products.get(productId);
    if (product === undefined) return `its scope names product '${productId}', which does not exist.`;
    return { allApis: false, apiId: null, product: usableProduct(product) ? product : null };
  }
  return `its scope '${scope}' is not '/apis', '/apis/{id}' or '/products/{id}'.`;
}

export function compileSubscription(source: SnapshotSubscription, scope: CompiledScope): CompiledSubscription {
  return {
    id: source.id,
    source,
    active: source.state === 'active',
    allApis: scope.allApis,
    apiId: scope.apiId,
    product: scope.product,
  };
}

/** `orders;rev=2` → `orders`: subscriptions and products refer to an API, not a revision. */
export interface SubscriptionOutcome {
  subscription: CompiledSubscription | null;
  /** The product context of the call: the subscription's product, or an open product. */
  product: CompiledProduct | null;
}

/** Where the subscription phase writes its outcome (the request context). */
export interface SubscriptionTarget extends SubscriptionOutcome {
  forwardHeaders: ForwardHeaders;
  query: string;
}

/**
 * APIM's rules (AD/api-management-subscriptions.md, "How API Management handles
 * requests with or without subscription keys"):
 * - a key is read from the API's header, else (only if the header is absent) its query
 *   parameter. A presented key must belong to an active subscription whose scope covers
 *   the API — even on an API that does not require one — or the call gets 401 invalid;
 * - without a key, an open product holding the API gives the call that product's context;
 *   else an API not requiring a subscription runs without one; else 401 missing.
 *
 * The key is forwarded to the backend as APIM does, header and query parameter alike
 * (the APIM docs: "the subscription key by default is passed to the backend"); a
 * policy removes it where that matters.
 *
 * Throws the preallocated 401 errors; on success fills `ctx.subscription` / `ctx.product`.
 */
export function checkSubscription(ctx: SubscriptionTarget, api: CompiledApi, index: SubscriptionIndex): void {
  const key = presentedKey(ctx, api);
  if (key === null) {
    if (api.openProduct !== null) ctx.product = api.openProduct;
    else if (api.subscriptionRequired) throw MISSING_SUBSCRIPTION_KEY;
    return;
  }
  const subscription = index.lookup(key);
  if (subscription === null || !subscription.active) throw INVALID_SUBSCRIPTION_KEY;
  if (subscription.allApis || subscription.apiId === api.baseId) {
    // APIM: product policies do not apply to API-scoped and all-API keys.
    ctx.subscription = subscription;
    return;
  }
  if (subscription.product !== null && subscription.product.apiIds.has(api.baseId)) {
    ctx.subscription = subscription;
    ctx.product = subscription.product;
    return;
  }
  throw INVALID_SUBSCRIPTION_KEY;
}

function presentedKey(ctx: SubscriptionTarget, api: CompiledApi): string | null {
  const header = ctx.forwardHeaders[api.keyHeader];
  if (header !== undefined) {
    // Two key headers: neither is trusted over the other.
    if (typeof header !== 'string') throw INVALID_SUBSCRIPTION_KEY;
    if (header !== '') return header;
  }
  const query = findQueryValue(ctx.query, api.keyQuery);
  return query === null || query === '' ? null : query;
}
