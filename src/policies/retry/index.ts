/**
 * `<retry condition="@(…)" count="3" interval="1" [max-interval delta first-fast-retry]>`:
 * runs its policies, then again while the condition holds, up to `count` retries. Errors
 * from the policies are not retried; they go to on-error as usual.
 */
import type { PolicyDefinition } from '../engine/definition.js';
import { runSteps } from '../engine/runner.js';
import { ALL_SECTIONS } from '../engine/sections.js';
import { isStreamBody } from '../http/bodies.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { retryDelaySeconds } from './delays.js';

export const retryPolicy: PolicyDefinition = {
  name: 'retry',
  sections: ALL_SECTIONS,
  attributes: {
    condition: { required: true },
    count: { required: true, type: 'int', min: 1, max: 50 },
    interval: { required: true, type: 'int', min: 0, max: 300 },
    'max-interval': { type: 'int', min: 0, max: 300 },
    delta: { type: 'int', min: 0, max: 300 },
    'first-fast-retry': { type: 'bool' },
  },
  compile(element, c) {
    const condition = c.condition(element, 'condition');
    const count = c.int(element, 'count')!;
    const interval = c.int(element, 'interval')!;
    const maxInterval = c.int(element, 'max-interval');
    const delta = c.int(element, 'delta');
    const firstFast = c.bool(element, 'first-fast-retry', false);
    const steps = c.policies(element.children, '');
    return async (ctx) => {
      const retries = count(ctx);
      for (let attempt = 0; ; attempt++) {
        const pending = runSteps(steps, ctx);
        if (pending !== undefined) await pending;
        if (ctx.policyState?.ended === true || attempt >= retries || !condition(ctx)) return;
        const retry = attempt + 1;
        const seconds = retry === 1 && firstFast(ctx) ? 0 : retryDelaySeconds({ interval: interval(ctx), maxInterval: maxInterval?.(ctx), delta: delta?.(ctx) }, retry);
        // The response being retried is dropped, freeing its backend connection.
        const body = ctx.response?.body;
        if (body !== undefined && isStreamBody(body)) body.destroy();
        if (seconds > 0) await sleep(seconds * 1000);
      }
    };
  },
};
