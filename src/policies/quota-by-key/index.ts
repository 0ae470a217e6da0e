/**
 * `<quota-by-key calls="n" bandwidth="KB" renewal-period="s" counter-key="@(…)"
 * [increment-condition="@(…)"] [first-period-start="…"] [scope="global"]/>`: calls and/or
 * kilobytes per fixed window (renewal-period 0: never renews) per key; refused calls get
 * APIM's 403. Bandwidth counts the request's and the response's bytes (see ./bandwidth.ts).
 */
import { counterKeyWithPrefix } from '../../counters/keys.js';
import type { CounterStore, QuotaPeriod } from '../../counters/types.js';
import type { CompileContext, PolicyDefinition } from '../engine/definition.js';
import type { PolicyElement } from '../xml/index.js';
import { stateOf } from '../engine/request-state.js';
import { countedHere, markCounted } from '../rate-limit-by-key/once-per-request.js';
import { meterBandwidth } from './bandwidth.js';
import { quotaRefusal } from './refusal.js';

/** Longest fixed window accepted: a century (0, never renewing, is the usual choice beyond that). */
export const MAX_QUOTA_PERIOD_SEC = 100 * 366 * 24 * 3600;

export const quotaByKeyPolicy: PolicyDefinition = {
  name: 'quota-by-key',
  sections: ['inbound'],
  attributes: {
    calls: { type: 'int', min: 1, max: 2_000_000_000 },
    bandwidth: { type: 'int', min: 1, max: 2_000_000_000 },
    'renewal-period': { required: true, type: 'int', min: 0, max: MAX_QUOTA_PERIOD_SEC },
    'counter-key': { required: true },
    'increment-condition': { type: 'bool' },
    'first-period-start': { expression: false },
    scope: { type: 'enum', values: ['global'], expression: false },
  },
  compile(element, c) {
    const calls = c.int(element, 'calls');
    const bandwidth = c.int(element, 'bandwidth');
    if (calls === undefined && bandwidth === undefined) c.fail('MissingAttribute', '<quota-by-key> needs calls, bandwidth or both', element);
    const period = c.int(element, 'renewal-period')!;
    const key = c.requiredString(element, 'counter-key');
    const condition = element.attributes.some((a) => a.name === 'increment-condition') ? c.condition(element, 'increment-condition') : undefined;
    const start = firstPeriodStart(element, c);
    const global = c.choice(element, 'scope', ['global', 'instance'], 'instance') === 'global';
    const owner = global ? ['global'] : ['instance', c.instanceId];
    const counterFor = counterKeyWithPrefix(['quota-by-key', ...owner]);
    const store = c.settings.counters;

    return async (ctx) => {
      const when: QuotaPeriod = { renewalPeriodSec: period(ctx), ...(start === undefined ? {} : { firstPeriodStart: start }) };
      const counter = counterFor(key(ctx));
      const limits = {
        ...(calls === undefined ? {} : { calls: calls(ctx) }),
        ...(bandwidth === undefined ? {} : { bandwidthKB: bandwidth(ctx) }),
      };
      // A shared key another policy of this request already counted is only checked here,
      // and its bytes are counted by that policy.
      const earlier = global ? countedHere(ctx, counter) : undefined;
      if (earlier !== undefined) {
        // Calls: this request is in the earlier count, so it passes while that is within this
        // policy's `calls` (a store check would refuse the call that reached the limit exactly).
        const callsFit = limits.calls === undefined || (earlier.total !== null && earlier.total <= limits.calls);
        const check = callsFit ? { ...when, bandwidthKB: limits.bandwidthKB } : { ...when, ...limits };
        if (check.bandwidthKB === undefined && callsFit) return;
        const checked = await store.quota(counter, { ...check, incrementCalls: 0 });
        if (!checked.allowed) throw quotaRefusal(checked);
        return;
      }
      // With a response-dependent condition, only check now; count once the response is known.
      const result = await store.quota(counter, { ...when, ...limits, incrementCalls: condition === undefined ? 1 : 0 });
      if (!result.allowed) throw quotaRefusal(result);
      if (global) markCounted(ctx, counter, { total: condition === undefined ? result.callsUsed : null });
      (stateOf(ctx).responseDecorators ??= []).push((response) => {
        if (condition !== undefined && !condition(ctx)) return;
        const incrementCalls = condition === undefined ? 0 : 1;
        if (bandwidth === undefined) {
          if (incrementCalls > 0) countQuotaLater(store, counter, { ...when, incrementCalls });
          return;
        }
        meterBandwidth(ctx, response, (bytes) => {
          if (bytes > 0 || incrementCalls > 0) countQuotaLater(store, counter, { ...when, incrementCalls, incrementBytes: bytes });
        });
      });
    };
  },
};

function firstPeriodStart(element: PolicyElement, c: CompileContext): number | undefined {
  const value = c.literal(element, 'first-period-start');
  if (value === undefined) return undefined;
  const parsed = Date.parse(value);
  if (Number.isNaN(parsed)) c.fail('InvalidAttributeValue', `first-period-start "${value.slice(0, 64)}" is not a date and time (e.g. 2024-01-01T00:00:00Z)`, element);
  return parsed;
}

/** The store counts increments it could not write in its stats. */
export function countQuotaLater(store: CounterStore, key: string, options: Parameters<CounterStore['addQuota']>[1]): void {
  store.addQuota(key, options).catch(() => undefined);
}
