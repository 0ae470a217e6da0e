/** `<set-variable name="…" value="…"/>`: a value (typed, when an expression) in `context.Variables`. */
import { getAttribute } from '../xml/index.js';
import type { PolicyDefinition } from '../engine/definition.js';
import { stateOf } from '../engine/request-state.js';
import { ALL_SECTIONS } from '../engine/sections.js';

export const setVariablePolicy: PolicyDefinition = {
  name: 'set-variable',
  sections: ALL_SECTIONS,
  attributes: { name: { required: true, expression: false }, value: { required: true } },
  compile(element, c) {
    c.children(element, []);
    const name = c.literal(element, 'name')!;
    if (name.trim() === '') c.fail('InvalidAttributeValue', '<set-variable> name must not be empty', element);
    const value = c.value(getAttribute(element, 'value')!, `<set-variable name="${name}"> value`);
    return (ctx) => {
      stateOf(ctx).variables.set(name, value(ctx));
    };
  },
};
