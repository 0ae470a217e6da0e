/**
 * `<quota calls="n" bandwidth="KB" renewal-period="s">` with optional
 * `<api name|id calls bandwidth renewal-period>` and, inside it, `<operation …>` children:
 * per subscription, calls and/or kilobytes per fixed window (0: never renews) — overall, per
 * matching API and per matching operation, each its own counter. Calls without a
 * subscription are not limited. Bandwidth counts request and response bytes, as quota-by-key.
 */
import { counterKey } from '../../counters/keys.js';
import type { PolicyContext } from '../contract/context.js';
import type { CompileContext, Evaluator, PolicyDefinition } from '../engine/definition.js';
import { stateOf } from '../engine/request-state.js';
import type { PolicyElement } from '../xml/index.js';
import { meterBandwidth } from '../quota-by-key/bandwidth.js';
import { countQuotaLater, MAX_QUOTA_PERIOD_SEC } from '../quota-by-key/index.js';
import { quotaRefusal } from '../quota-by-key/refusal.js';

const LIMIT_ATTRIBUTES = {
  calls: { type: 'int', min: 1, max: 2_000_000_000 },
  bandwidth: { type: 'int', min: 1, max: 2_000_000_000 },
  'renewal-period': { required: true, type: 'int', min: 0, max: MAX_QUOTA_PERIOD_SEC },
} as const;
const CHILD_ATTRIBUTES = { ...LIMIT_ATTRIBUTES, name: {}, id: {} } as const;

interface QuotaLimit {
  readonly label: string;
  readonly applies: (ctx: PolicyContext) => boolean;
  readonly calls: Evaluator<number> | undefined;
  readonly bandwidthKB: Evaluator<number> | undefined;
  readonly periodSec: Evaluator<number>;
}

type Target = (ctx: PolicyContext) => { id: string; name: string } | undefined;
const apiOf: Target = (ctx) => (ctx.api === null ? undefined : { id: ctx.api.id, name: ctx.api.source.displayName });
const operationOf: Target = (ctx) => (ctx.operation === null ? undefined : { id: ctx.operation.id, name: ctx.operation.source.displayName });

export const quotaPolicy: PolicyDefinition = {
  name: 'quota',
  sections: ['inbound'],
  attributes: LIMIT_ATTRIBUTES,
  compile(element, c) {
    const limits: QuotaLimit[] = [limitOf(element, c, '', () => true)];
    for (const api of c.children(element, ['api'])) {
      c.checkAttributes(api, CHILD_ATTRIBUTES);
      const apiLimit = limitOf(api, c, labelOf(api, c, 'api'), matcher(api, c, apiOf, () => true));
      limits.push(apiLimit);
      for (const operation of c.children(api, ['operation'])) {
        c.checkAttributes(operation, CHILD_ATTRIBUTES);
        limits.push(limitOf(operation, c, `${apiLimit.label}/${labelOf(operation, c, 'operation')}`, matcher(operation, c, operationOf, apiLimit.applies)));
      }
    }
    const instance = c.instanceId;
    const store = c.settings.counters;

    return async (ctx) => {
      const subscription = ctx.subscription;
      if (subscription === null) return;
      const counted: { key: string; renewalPeriodSec: number }[] = [];
      for (const limit of limits) {
        if (!limit.applies(ctx)) continue;
        const key = counterKey(['quota', instance, limit.label, subscription.id]);
        const renewalPeriodSec = limit.periodSec(ctx);
        const result = await store.quota(key, {
          renewalPeriodSec,
          ...(limit.calls === undefined ? {} : { calls: limit.calls(ctx) }),
          ...(limit.bandwidthKB === undefined ? {} : { bandwidthKB: limit.bandwidthKB(ctx) }),
        });
        if (!result.allowed) throw quotaRefusal(result);
        if (limit.bandwidthKB !== undefined) counted.push({ key, renewalPeriodSec });
      }
      if (counted.length === 0) return;
      (stateOf(ctx).responseDecorators ??= []).push((response) =>
        meterBandwidth(ctx, response, (bytes) => {
          if (bytes === 0) return;
          for (const { key, renewalPeriodSec } of counted) countQuotaLater(store, key, { renewalPeriodSec, incrementCalls: 0, incrementBytes: bytes });
        }),
      );
    };
  },
};

function limitOf(element: PolicyElement, c: CompileContext, label: string, applies: (ctx: PolicyContext) => boolean): QuotaLimit {
  const calls = c.int(element, 'calls');
  const bandwidthKB = c.int(element, 'bandwidth');
  if (calls === undefined && bandwidthKB === undefined) c.fail('MissingAttribute', `<${element.name}> needs calls, bandwidth or both`, element);
  return { label, applies, calls, bandwidthKB, periodSec: c.int(element, 'renewal-period')! };
}

function labelOf(element: PolicyElement, c: CompileContext, kind: string): string {
  return `${kind}:${c.literal(element, 'id') ?? ''}:${c.literal(element, 'name') ?? ''}`;
}

/** `<api>` / `<operation>` match by `id`, or by `name` (display name or id). */
function matcher(element: PolicyElement, c: CompileContext, target: Target, parent: (ctx: PolicyContext) => boolean): (ctx: PolicyContext) => boolean {
  const id = c.literal(element, 'id');
  const name = c.literal(element, 'name');
  if (id === undefined && name === undefined) c.fail('MissingAttribute', `<${element.name}> needs a name or an id`, element);
  return (ctx) => {
    if (!parent(ctx)) return false;
    const found = target(ctx);
    if (found === undefined) return false;
    return id !== undefined ? found.id === id : found.name === name || found.id === name;
  };
}
