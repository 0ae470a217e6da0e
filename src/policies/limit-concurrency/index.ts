/**
 * `<limit-concurrency key="…" max-count="n">…</limit-concurrency>`: at most `max-count`
 * requests with the same key run the enclosed policies at once on this gateway; others
 * are refused with 429. Counters are per gateway process, as in APIM.
 */
import type { PolicyDefinition } from '../engine/definition.js';
import { PolicyFailure } from '../engine/failures.js';
import { runSteps } from '../engine/runner.js';
import { ALL_SECTIONS } from '../engine/sections.js';

const TOO_MANY = new PolicyFailure(429, 'ConcurrencyLimitExceeded', 'Too many requests are in progress. Try again later.');

/** Shared by every compiled limit (and every snapshot), so a reload does not reset counts in flight. */
const inProgress = new Map<string, number>();

export const limitConcurrencyPolicy: PolicyDefinition = {
  name: 'limit-concurrency',
  sections: ALL_SECTIONS,
  attributes: { key: { required: true }, 'max-count': { required: true, type: 'int', min: 1, max: 1_000_000 } },
  compile(element, c) {
    const key = c.requiredString(element, 'key');
    const maxCount = c.int(element, 'max-count')!;
    const steps = c.policies(element.children, '');
    return async (ctx) => {
      const counter = `${key(ctx)}`;
      const current = inProgress.get(counter) ?? 0;
      if (current >= maxCount(ctx)) throw TOO_MANY;
      inProgress.set(counter, current + 1);
      try {
        const pending = runSteps(steps, ctx);
        if (pending !== undefined) await pending;
      } finally {
        const left = (inProgress.get(counter) ?? 1) - 1;
        if (left <= 0) inProgress.delete(counter);
        else inProgress.set(counter, left);
      }
    };
  },
};
