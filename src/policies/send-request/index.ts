/**
 * `<send-request mode="new|copy" response-variable-name="…" timeout="60" ignore-error="false">`
 * with set-url / set-method / set-header / set-body: calls another service and keeps its
 * (buffered) response in a variable, readable as `(IResponse)context.Variables["…"]`.
 */
import type { PolicyDefinition } from '../engine/definition.js';
import { constantOf } from '../engine/definition.js';
import { stateOf } from '../engine/request-state.js';
import { ALL_SECTIONS } from '../engine/sections.js';
import { compileRequestSpec } from './request-spec.js';
import { send } from './send.js';

export const sendRequestPolicy: PolicyDefinition = {
  name: 'send-request',
  sections: ALL_SECTIONS,
  attributes: {
    mode: { type: 'enum', values: ['new', 'copy'], expression: false },
    'response-variable-name': { required: true, expression: false },
    timeout: { type: 'int', min: 1, max: 3600 },
    'ignore-error': { type: 'bool' },
  },
  compile(element, c) {
    const mode = c.choice(element, 'mode', ['new', 'copy'], 'new');
    const variable = c.literal(element, 'response-variable-name')!;
    const timeout = c.int(element, 'timeout', 60)!;
    const ignoreError = c.bool(element, 'ignore-error', false);
    const build = compileRequestSpec(element, c, mode);
    const fixedIgnore = constantOf(ignoreError)?.value;
    const { settings } = c;
    return async (ctx) => {
      const request = await build(ctx);
      const state = stateOf(ctx);
      try {
        const response = await send(request, {
          client: settings.httpClient,
          timeoutMs: timeout(ctx) * 1000,
          maxBodyBytes: settings.maxBufferedBodyBytes,
          allowLinkLocal: settings.allowLinkLocalRequests,
        });
        state.variables.set(variable, response);
      } catch (error) {
        // APIM: with ignore-error the variable is null and the pipeline goes on.
        if (!(fixedIgnore ?? ignoreError(ctx))) throw error;
        state.variables.set(variable, null);
      }
    };
  },
};
