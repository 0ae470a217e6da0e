/**
 * `<rate-limit calls="n" renewal-period="s" …report attributes…>` with optional
 * `<api name|id calls renewal-period>` and, inside it, `<operation name|id calls renewal-period>`
 * children: per subscription, at most `calls` per sliding window — overall, per matching API
 * and per matching operation, each its own counter. Calls without a subscription are not limited.
 */
import { counterKey } from '../../counters/keys.js';
import type { PolicyContext } from '../contract/context.js';
import type { CompileContext, Evaluator, PolicyDefinition } from '../engine/definition.js';
import { stateOf } from '../engine/request-state.js';
import type { PolicyElement } from '../xml/index.js';
import { MAX_RENEWAL_PERIOD_SEC, REPORT_ATTRIBUTES, refuse, reportNames } from '../rate-limit-by-key/report.js';

const LIMIT_ATTRIBUTES = {
  calls: { required: true, type: 'int', min: 1, max: 1_000_000_000 },
  'renewal-period': { required: true, type: 'int', min: 1, max: MAX_RENEWAL_PERIOD_SEC },
} as const;
const CHILD_ATTRIBUTES = { ...LIMIT_ATTRIBUTES, name: {}, id: {} } as const;

/** One counter: which requests it applies to and its limit. */
interface Limit {
  readonly label: string;
  readonly applies: (ctx: PolicyContext) => boolean;
  readonly calls: Evaluator<number>;
  readonly periodSec: Evaluator<number>;
}

export const rateLimitPolicy: PolicyDefinition = {
  name: 'rate-limit',
  sections: ['inbound'],
  attributes: { ...LIMIT_ATTRIBUTES, ...REPORT_ATTRIBUTES },
  compile(element, c) {
    const names = reportNames(element, c);
    const limits: Limit[] = [{ label: '', applies: () => true, calls: c.int(element, 'calls')!, periodSec: c.int(element, 'renewal-period')! }];
    for (const api of c.children(element, ['api'])) {
      const apiLimit = childLimit(api, c, 'api', (ctx) => (ctx.api === null ? undefined : { id: ctx.api.id, name: ctx.api.source.displayName }), () => true);
      limits.push(apiLimit);
      for (const operation of c.children(api, ['operation'])) {
        const opOf = (ctx: PolicyContext) => (ctx.operation === null ? undefined : { id: ctx.operation.id, name: ctx.operation.source.displayName });
        limits.push(childLimit(operation, c, `${apiLimit.label}/operation`, opOf, apiLimit.applies));
      }
    }
    const instance = c.instanceId;
    const store = c.settings.counters;

    return async (ctx) => {
      const subscription = ctx.subscription;
      if (subscription === null) return;
      let reported: { remaining: number; limit: number } | undefined;
      for (const limit of limits) {
        if (!limit.applies(ctx)) continue;
        const calls = limit.calls(ctx);
        const key = counterKey(['rate-limit', instance, limit.label, subscription.id]);
        const result = await store.hit(key, { limit: calls, windowMs: limit.periodSec(ctx) * 1000 });
        if (!result.allowed) refuse(ctx, result, calls, names);
        // The tightest counter is the one a client needs to know about.
        if (reported === undefined || result.remaining < reported.remaining) reported = { remaining: result.remaining, limit: calls };
      }
      if (reported === undefined) return;
      const report = reported;
      const state = stateOf(ctx);
      if (names.remainingVariable !== undefined) state.variables.set(names.remainingVariable, report.remaining);
      if (names.remainingHeader === undefined && names.totalHeader === undefined) return;
      (state.responseDecorators ??= []).push((response) => {
        if (names.remainingHeader !== undefined) response.headers[names.remainingHeader.toLowerCase()] = String(report.remaining);
        if (names.totalHeader !== undefined) response.headers[names.totalHeader.toLowerCase()] = String(report.limit);
      });
    };
  },
};

/** An `<api>` or `<operation>` child: matched by `id`, or by `name` (display name or id). */
function childLimit(
  element: PolicyElement,
  c: CompileContext,
  kind: string,
  target: (ctx: PolicyContext) => { id: string; name: string } | undefined,
  parentApplies: (ctx: PolicyContext) => boolean,
): Limit {
  c.checkAttributes(element, CHILD_ATTRIBUTES);
  const id = c.literal(element, 'id');
  const name = c.literal(element, 'name');
  if (id === undefined && name === undefined) c.fail('MissingAttribute', `<${element.name}> needs a name or an id`, element);
  return {
    label: `${kind}:${id ?? ''}:${name ?? ''}`,
    calls: c.int(element, 'calls')!,
    periodSec: c.int(element, 'renewal-period')!,
    applies: (ctx) => {
      if (!parentApplies(ctx)) return false;
      const found = target(ctx);
      if (found === undefined) return false;
      return id !== undefined ? found.id === id : found.name === name || found.id === name;
    },
  };
}
