/**
 * `<wait for="all|any">` around send-request / choose policies: runs them concurrently and
 * continues when all (or the first) have finished.
 */
import type { PolicyDefinition } from '../engine/definition.js';
import { runSteps } from '../engine/runner.js';

export const waitPolicy: PolicyDefinition = {
  name: 'wait',
  sections: ['inbound', 'backend', 'outbound'],
  attributes: { for: { type: 'enum', values: ['all', 'any'], expression: false } },
  compile(element, c) {
    const mode = c.choice(element, 'for', ['all', 'any'], 'all');
    c.children(element, ['send-request', 'choose', 'cache-lookup-value']);
    const steps = c.policies(element.children, '');
    if (steps.length === 0) return null;
    return async (ctx) => {
      const runs = steps.map(async (step) => {
        const pending = runSteps([step], ctx);
        if (pending !== undefined) await pending;
      });
      if (mode === 'all') await Promise.all(runs);
      else {
        // Failures of the others are not waited for, but must not go unhandled.
        for (const run of runs) run.catch(() => undefined);
        await Promise.race(runs);
      }
    };
  },
};
