/**
 * `<choose><when condition="@(…)">…</when>…<otherwise>…</otherwise></choose>`: the first
 * `when` whose condition holds runs, else `otherwise`. Branches are compiled in place, so a
 * branch of sync policies stays sync.
 */
import type { PolicyDefinition, Evaluator } from '../engine/definition.js';
import { runSteps } from '../engine/runner.js';
import { ALL_SECTIONS } from '../engine/sections.js';
import type { StepEntry } from '../engine/steps.js';

interface Branch {
  readonly condition: Evaluator<boolean>;
  readonly steps: readonly StepEntry[];
}

export const choosePolicy: PolicyDefinition = {
  name: 'choose',
  sections: ALL_SECTIONS,
  attributes: {},
  compile(element, c) {
    const branches: Branch[] = [];
    let otherwise: readonly StepEntry[] | null = null;
    let whenCount = 0;
    for (const child of c.children(element, ['when', 'otherwise'])) {
      if (otherwise !== null) c.fail('UnexpectedElement', '<otherwise> must be the last element of <choose>', child);
      if (child.name === 'when') {
        c.checkAttributes(child, { condition: { required: true } });
        const condition = c.condition(child, 'condition');
        whenCount++;
        branches.push({ condition, steps: c.policies(child.children, `when[${whenCount}]`) });
      } else {
        c.checkAttributes(child, {});
        otherwise = c.policies(child.children, 'otherwise[1]');
      }
    }
    if (whenCount === 0) c.fail('MissingElement', '<choose> needs at least one <when>', element);
    const fallback = otherwise;
    return (ctx) => {
      for (const branch of branches) {
        if (branch.condition(ctx)) return branch.steps.length === 0 ? undefined : runSteps(branch.steps, ctx);
      }
      if (fallback !== null && fallback.length > 0) return runSteps(fallback, ctx);
    };
  },
};

