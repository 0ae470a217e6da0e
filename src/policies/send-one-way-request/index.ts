/**
 * `<send-one-way-request mode="new|copy" timeout="60">`: sends a request and does not wait
 * for it; its outcome never affects the caller's response.
 */
import type { PolicyDefinition } from '../engine/definition.js';
import { ALL_SECTIONS } from '../engine/sections.js';
import { compileRequestSpec } from '../send-request/request-spec.js';
import { send } from '../send-request/send.js';

export const sendOneWayRequestPolicy: PolicyDefinition = {
  name: 'send-one-way-request',
  sections: ALL_SECTIONS,
  attributes: {
    mode: { type: 'enum', values: ['new', 'copy'], expression: false },
    timeout: { type: 'int', min: 1, max: 3600 },
  },
  compile(element, c) {
    const mode = c.choice(element, 'mode', ['new', 'copy'], 'new');
    const timeout = c.int(element, 'timeout', 60)!;
    const build = compileRequestSpec(element, c, mode);
    const { settings } = c;
    return async (ctx) => {
      // Building reads the request (and its body in copy mode): done before the caller's request moves on.
      const request = await build(ctx);
      const timeoutMs = timeout(ctx) * 1000;
      void send(request, {
        client: settings.httpClient,
        timeoutMs,
        maxBodyBytes: settings.maxBufferedBodyBytes,
        allowLinkLocal: settings.allowLinkLocalRequests,
      }).catch(() => {
        // Fire and forget, as in APIM: failures are not the caller's concern.
      });
    };
  },
};
