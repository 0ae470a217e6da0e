/**
 * `<set-header name="…" exists-action="override|skip|append|delete"><value>…</value></set-header>`:
 * changes a request header (inbound, backend) or a response header (outbound, on-error,
 * inside return-response).
 */
import type { PolicyDefinition } from '../engine/definition.js';
import { responseForWrite } from '../http/messages.js';
import { ALL_SECTIONS } from '../engine/sections.js';
import { compileHeaderChange, HEADER_CHANGE_ATTRIBUTES } from './header-change.js';

export const setHeaderPolicy: PolicyDefinition = {
  name: 'set-header',
  sections: ALL_SECTIONS,
  attributes: HEADER_CHANGE_ATTRIBUTES,
  compile(element, c) {
    const change = compileHeaderChange(element, c);
    if (c.message === 'request') return (ctx) => change(ctx, ctx.forwardHeaders);
    return (ctx) => change(ctx, responseForWrite(ctx).headers);
  },
};
