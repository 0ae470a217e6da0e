/**
 * `<set-body>text or @(expression)</set-body>`: replaces the request body (inbound, backend)
 * or the response body (outbound, on-error, inside return-response). Content-Length follows.
 * With `template="liquid"` the text is a Liquid template (see liquid.ts).
 */
import type { PolicyDefinition } from '../engine/definition.js';
import { constantOf } from '../engine/definition.js';
import { stateOf } from '../engine/request-state.js';
import { ALL_SECTIONS } from '../engine/sections.js';
import { replaceResponseBody } from '../http/bodies.js';
import { responseForWrite } from '../http/messages.js';
import type { PolicyContext } from '../contract/context.js';
import { liquidBody } from './liquid-body.js';

export const setBodyPolicy: PolicyDefinition = {
  name: 'set-body',
  sections: ALL_SECTIONS,
  attributes: {
    template: { type: 'enum', values: ['liquid', 'none'], expression: false },
    'xsi-nil': { type: 'enum', values: ['blank', 'null'], expression: false },
    'parse-date': { type: 'bool', expression: false },
  },
  compile(element, c) {
    const template = c.choice(element, 'template', ['liquid', 'none'], 'none');
    c.bool(element, 'parse-date', true);
    c.choice(element, 'xsi-nil', ['blank', 'null'], 'blank');
    const text = template === 'liquid' ? liquidBody(element, c) : (c.text(element) ?? (() => ''));
    const fixed = constantOf(text)?.value;
    const fixedBytes = fixed === undefined ? undefined : Buffer.from(fixed);
    const bodyOf = (ctx: PolicyContext): Buffer => fixedBytes ?? Buffer.from(text(ctx));
    if (c.message === 'request') {
      return (ctx) => {
        const body = bodyOf(ctx);
        ctx.setRequestBody(body);
        stateOf(ctx).requestBody = body;
      };
    }
    return (ctx) => {
      replaceResponseBody(responseForWrite(ctx), bodyOf(ctx));
    };
  },
};
