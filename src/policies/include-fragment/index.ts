/**
 * `<include-fragment fragment-id="…"/>`: a policy fragment's policies, compiled in place
 * (as if written here), so including one costs nothing per request.
 */
import type { PolicyDefinition } from '../engine/definition.js';
import { runSteps } from '../engine/runner.js';
import { ALL_SECTIONS } from '../engine/sections.js';

export const includeFragmentPolicy: PolicyDefinition = {
  name: 'include-fragment',
  sections: ALL_SECTIONS,
  attributes: { 'fragment-id': { required: true, expression: false } },
  compile(element, c) {
    c.children(element, []);
    const id = c.literal(element, 'fragment-id')!.trim();
    const steps = c.fragment(id, element);
    if (steps === null || steps.length === 0) return null;
    return (ctx) => runSteps(steps, ctx);
  },
};
