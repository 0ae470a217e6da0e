/**
 * `<return-response [response-variable-name="…"]>` with set-status / set-header / set-body:
 * answers the caller and ends the pipeline (APIM skips the rest, backend and outbound included).
 */
import type { PolicyDefinition } from '../engine/definition.js';
import { stateOf } from '../engine/request-state.js';
import { runSteps } from '../engine/runner.js';
import { ALL_SECTIONS } from '../engine/sections.js';
import { PolicyFailure } from '../engine/failures.js';
import { isStreamBody } from '../http/bodies.js';
import { emptyResponse } from '../http/messages.js';
import { ResponseValue } from '../http/response-value.js';
import type { PolicyContext, PolicyResponse } from '../contract/context.js';

export const returnResponsePolicy: PolicyDefinition = {
  name: 'return-response',
  sections: ALL_SECTIONS,
  attributes: { 'response-variable-name': { expression: false } },
  compile(element, c) {
    const variable = c.literal(element, 'response-variable-name');
    c.children(element, ['set-status', 'set-header', 'set-body']);
    const steps = c.policies(element.children, '', { message: 'response' });
    const start = variable === undefined ? emptyResponse : (ctx: PolicyContext) => fromVariable(ctx, variable);
    return (ctx) => {
      const previous = ctx.response?.body;
      if (previous !== undefined && isStreamBody(previous)) previous.destroy();
      ctx.response = start(ctx);
      const state = stateOf(ctx);
      const pending = steps.length === 0 ? undefined : runSteps(steps, ctx);
      if (pending !== undefined) {
        return pending.then(() => {
          state.ended = true;
        });
      }
      state.ended = true;
    };
  },
};

function fromVariable(ctx: PolicyContext, name: string): PolicyResponse {
  const value = stateOf(ctx).variables.get(name);
  if (value instanceof ResponseValue) return value.toPolicyResponse();
  throw new PolicyFailure(500, 'ResponseVariableNotFound', `Variable '${name}' does not hold a response.`);
}
