/** `<find-and-replace from="…" to="…"/>`: replaces text in the request or response body. */
import type { PolicyDefinition } from '../engine/definition.js';
import { bufferRequestForExpressions, bufferResponseForExpressions } from '../engine/pipeline-builder.js';
import { stateOf } from '../engine/request-state.js';
import { ALL_SECTIONS } from '../engine/sections.js';
import { bufferedBytes, replaceResponseBody } from '../http/bodies.js';

export const findAndReplacePolicy: PolicyDefinition = {
  name: 'find-and-replace',
  sections: ALL_SECTIONS,
  attributes: { from: { required: true }, to: { required: true } },
  compile(element, c) {
    c.children(element, []);
    const from = c.requiredString(element, 'from');
    const to = c.requiredString(element, 'to');
    const limit = c.settings.maxBufferedBodyBytes;
    if (c.message === 'request') {
      c.needBody('request');
      return async (ctx) => {
        await bufferRequestForExpressions(ctx);
        const state = stateOf(ctx);
        const body = state.requestBody;
        if (body === undefined || body === null) return;
        const replaced = Buffer.from(replaceAll(body.toString('utf8'), from(ctx), to(ctx)));
        state.requestBody = replaced;
        ctx.setRequestBody(replaced);
      };
    }
    c.needBody('response');
    return async (ctx) => {
      await bufferResponseForExpressions(ctx, limit);
      const response = ctx.response;
      const bytes = response === null ? null : bufferedBytes(response.body);
      if (response === null || bytes === null) return;
      replaceResponseBody(response, replaceAll(bytes.toString('utf8'), from(ctx), to(ctx)));
    };
  },
};

function replaceAll(text: string, from: string, to: string): string {
  return from === '' ? text : text.split(from).join(to);
}
