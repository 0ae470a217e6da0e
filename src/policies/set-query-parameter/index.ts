/** `<set-query-parameter name="…" exists-action="…"><value>…</value></set-query-parameter>` on the backend request. */
import type { PolicyDefinition } from '../engine/definition.js';
import { constantOf } from '../engine/definition.js';
import { EXISTS_ACTIONS } from '../http/headers.js';
import { changeQuery } from './query-change.js';

export const setQueryParameterPolicy: PolicyDefinition = {
  name: 'set-query-parameter',
  sections: ['inbound', 'backend'],
  attributes: {
    name: { required: true },
    'exists-action': { type: 'enum', values: EXISTS_ACTIONS, expression: false },
  },
  compile(element, c) {
    const action = c.choice(element, 'exists-action', EXISTS_ACTIONS, 'override');
    const name = c.requiredString(element, 'name');
    const values = c.children(element, ['value']).map((value) => c.text(value, { trim: true }) ?? (() => ''));
    const fixedName = constantOf(name)?.value;
    if (fixedName !== undefined && fixedName.trim() === '') c.fail('InvalidAttributeValue', '<set-query-parameter> name must not be empty', element);
    return (ctx) => {
      ctx.query = changeQuery(ctx.query, fixedName ?? name(ctx), values.map((value) => value(ctx)), action);
    };
  },
};
