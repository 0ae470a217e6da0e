/**
 * `<rate-limit-by-key calls="n" renewal-period="s" counter-key="@(…)" [increment-condition="@(…)"]
 * [increment-count="1"] [retry-after-header-name] [retry-after-variable-name]
 * [remaining-calls-header-name] [remaining-calls-variable-name] [total-calls-header-name]
 * [scope="global"]/>`: at most `calls` per sliding window of `renewal-period` seconds per key;
 * refused calls get APIM's 429. See docs/limits.md for the counting rules.
 */
import { counterKeyWithPrefix } from '../../counters/keys.js';
import type { CounterStore, HitResult } from '../../counters/types.js';
import type { PolicyDefinition } from '../engine/definition.js';
import { stateOf } from '../engine/request-state.js';
import { countedHere, markCounted, type CountedHere } from './once-per-request.js';
import { MAX_RENEWAL_PERIOD_SEC, REPORT_ATTRIBUTES, refuse, reportNames } from './report.js';

export const rateLimitByKeyPolicy: PolicyDefinition = {
  name: 'rate-limit-by-key',
  sections: ['inbound'],
  attributes: {
    calls: { required: true, type: 'int', min: 1, max: 1_000_000_000 },
    'renewal-period': { required: true, type: 'int', min: 1, max: MAX_RENEWAL_PERIOD_SEC },
    'counter-key': { required: true },
    'increment-condition': { type: 'bool' },
    'increment-count': { type: 'int', min: 0, max: 1_000_000_000 },
    ...REPORT_ATTRIBUTES,
    scope: { type: 'enum', values: ['global'], expression: false },
  },
  compile(element, c) {
    const calls = c.int(element, 'calls')!;
    const period = c.int(element, 'renewal-period')!;
    const key = c.requiredString(element, 'counter-key');
    const condition = element.attributes.some((a) => a.name === 'increment-condition') ? c.condition(element, 'increment-condition') : undefined;
    const incrementCount = c.int(element, 'increment-count', 1)!;
    const names = reportNames(element, c);
    // Global counters are shared with every scope="global" policy using the same key (APIM's
    // behaviour); otherwise the counter belongs to this policy instance.
    const global = c.choice(element, 'scope', ['global', 'instance'], 'instance') === 'global';
    const owner = global ? ['global'] : ['instance', c.instanceId];
    const counterFor = counterKeyWithPrefix(['rate-limit-by-key', ...owner]);
    const store = c.settings.counters;
    const reportsHeaders = names.remainingHeader !== undefined || names.totalHeader !== undefined;

    return (ctx) => {
      const limit = calls(ctx);
      const windowMs = period(ctx) * 1000;
      const increment = incrementCount(ctx);
      const counter = counterFor(key(ctx));
      const earlier = global ? countedHere(ctx, counter) : undefined;
      // A shared key another policy of this request already counted is only checked here.
      const countsLater = condition !== undefined && earlier === undefined;
      const decide = (result: HitResult): void => {
        if (earlier === undefined && global && result.allowed) markCounted(ctx, counter, { total: condition === undefined ? result.total : null });
        if (!result.allowed) refuse(ctx, result, limit, names);
        if (names.remainingVariable !== undefined) stateOf(ctx).variables.set(names.remainingVariable, result.remaining);
        // Most documents name no header and count at once: they need no per-request hook.
        if (!countsLater && !reportsHeaders) return;
        (stateOf(ctx).responseDecorators ??= []).push((response) => {
          let remaining = result.remaining;
          if (countsLater && condition(ctx)) {
            remaining = Math.max(0, remaining - increment);
            countLater(store, counter, limit, windowMs, increment);
          }
          if (names.remainingHeader !== undefined) response.headers[names.remainingHeader.toLowerCase()] = String(remaining);
          if (names.totalHeader !== undefined) response.headers[names.totalHeader.toLowerCase()] = String(limit);
        });
      };
      if (earlier !== undefined) return checkCounted(store, counter, earlier, limit, windowMs).then(decide);
      // With a response-dependent condition, only check now; count once the response is known.
      const options = { limit, windowMs, increment: condition === undefined ? increment : 0 };
      // The memory store answers at once: no promise, so the pipeline stays synchronous.
      if (store.hitNow !== undefined) return decide(store.hitNow(counter, options));
      return store.hit(counter, options).then(decide);
    };
  },
};

/**
 * The decision for a shared key this request already counted: allowed while that count
 * (this request included) is within this policy's limit, with no second round trip; past
 * it, the store says how long until the window frees up (a check, counting nothing).
 */
async function checkCounted(store: CounterStore, counter: string, earlier: CountedHere, limit: number, windowMs: number): Promise<HitResult> {
  if (earlier.total !== null && earlier.total <= limit) {
    return { allowed: true, remaining: limit - earlier.total, retryAfterMs: 0, total: earlier.total };
  }
  return store.hit(counter, { limit, windowMs, increment: 0 });
}

/** The store counts failures to write in its stats, so nothing is lost silently by ignoring the promise. */
export function countLater(store: CounterStore, key: string, limit: number, windowMs: number, increment: number): void {
  // The limit picks the window's mode (exact or sliced), so the count lands where `hit` reads.
  store.addHits(key, { limit, windowMs, increment }).catch(() => undefined);
}
