/**
 * `<trace source="…" severity="verbose|information|error"><message>…</message>
 * <metadata name="…" value="…"/></trace>` (or the older form with the message as text):
 * kept with the request and sent to the engine's log.
 */
import type { Evaluator, PolicyDefinition } from '../engine/definition.js';
import { stateOf } from '../engine/request-state.js';
import { ALL_SECTIONS } from '../engine/sections.js';

export const tracePolicy: PolicyDefinition = {
  name: 'trace',
  sections: ALL_SECTIONS,
  attributes: {
    source: { required: true },
    severity: { type: 'enum', values: ['verbose', 'information', 'error'], expression: false },
  },
  compile(element, c) {
    const source = c.requiredString(element, 'source');
    const severity = c.choice(element, 'severity', ['verbose', 'information', 'error'], 'verbose');
    const structured = element.children.some((child) => child.kind === 'element');
    let message: Evaluator<string> | undefined;
    const metadata: { name: string; value: Evaluator<string> }[] = [];
    if (structured) {
      for (const child of c.children(element, ['message', 'metadata'])) {
        if (child.name === 'message') {
          c.checkAttributes(child, {});
          message = c.text(child, { trim: true });
        } else {
          c.checkAttributes(child, { name: { required: true, expression: false }, value: { required: true } });
          metadata.push({ name: c.literal(child, 'name')!, value: c.requiredString(child, 'value') });
        }
      }
    } else {
      message = c.text(element, { trim: true });
    }
    const log = c.settings.log;
    return (ctx) => {
      const entry = {
        source: source(ctx),
        severity,
        message: message?.(ctx) ?? '',
        metadata: Object.fromEntries(metadata.map((m) => [m.name, m.value(ctx)])),
      };
      const state = stateOf(ctx);
      (state.traces ??= []).push(entry);
      log?.(entry);
    };
  },
};
