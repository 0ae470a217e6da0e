/** `<set-status code="…" reason="…"/>`: the status of the response being returned or built. */
import type { PolicyDefinition } from '../engine/definition.js';
import { constantOf } from '../engine/definition.js';
import { ALL_SECTIONS } from '../engine/sections.js';
import { responseForWrite } from '../http/messages.js';
import { safeHeaderValue } from '../http/headers.js';

export const setStatusPolicy: PolicyDefinition = {
  name: 'set-status',
  sections: ALL_SECTIONS,
  attributes: { code: { required: true, type: 'int', min: 100, max: 599 }, reason: {} },
  compile(element, c) {
    c.children(element, []);
    const code = c.int(element, 'code')!;
    const reason = c.string(element, 'reason');
    const fixedCode = constantOf(code)?.value;
    const fixedReason = reason === undefined ? undefined : constantOf(reason)?.value;
    return (ctx) => {
      const response = responseForWrite(ctx);
      response.statusCode = fixedCode ?? code(ctx);
      const text = fixedReason ?? reason?.(ctx);
      // An empty reason lets node use the standard phrase.
      response.statusMessage = text === undefined || text === '' ? undefined : safeHeaderValue(text);
    };
  },
};
