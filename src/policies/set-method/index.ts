/** `<set-method>POST</set-method>`: the method sent to the backend. */
import type { PolicyDefinition } from '../engine/definition.js';
import { constantOf } from '../engine/definition.js';
import { PolicyFailure } from '../engine/failures.js';

const METHOD = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

export const setMethodPolicy: PolicyDefinition = {
  name: 'set-method',
  sections: ['inbound', 'on-error'],
  attributes: {},
  compile(element, c) {
    const method = c.text(element, { trim: true });
    if (method === undefined) return c.fail('MissingElement', '<set-method> needs the method as its text, e.g. <set-method>POST</set-method>', element);
    const fixed = constantOf(method)?.value;
    if (fixed !== undefined) {
      if (!METHOD.test(fixed)) c.fail('InvalidAttributeValue', `<set-method> '${fixed}' is not an HTTP method`, element);
      const upper = fixed.toUpperCase();
      return (ctx) => {
        ctx.method = upper;
      };
    }
    return (ctx) => {
      const value = method(ctx).trim();
      if (!METHOD.test(value)) throw new PolicyFailure(500, 'InvalidMethod', 'A policy computed an invalid HTTP method.');
      ctx.method = value.toUpperCase();
    };
  },
};
