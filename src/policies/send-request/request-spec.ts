/**
 * The message send-request and send-one-way-request build: `mode="new"` starts empty,
 * `mode="copy"` from the current request; then set-url, set-method, set-header and
 * set-body children change it. Children are read once at compile time.
 */
import type { PolicyContext } from '../contract/context.js';
import type { CompileContext, Evaluator } from '../engine/definition.js';
import { bufferRequestForExpressions } from '../engine/pipeline-builder.js';
import { stateOf } from '../engine/request-state.js';
import { unsupportedPolicy } from '../engine/unsupported.js';
import { HOP_BY_HOP_HEADERS } from '../../model/hop-by-hop.js';
import { currentRequestUrl } from '../http/urls.js';
import { compileHeaderChange, HEADER_CHANGE_ATTRIBUTES, type HeaderChange } from '../set-header/header-change.js';
import type { PolicyElement } from '../xml/index.js';

export interface OutgoingRequest {
  readonly url: string;
  readonly method: string;
  readonly headers: Record<string, string | string[]>;
  readonly body: Buffer | null;
}

export type RequestBuilder = (ctx: PolicyContext) => Promise<OutgoingRequest>;

const CHILDREN = ['set-url', 'set-method', 'set-header', 'set-body'];

export function compileRequestSpec(element: PolicyElement, c: CompileContext, mode: 'new' | 'copy'): RequestBuilder {
  let url: Evaluator<string> | undefined;
  let method: Evaluator<string> | undefined;
  let body: Evaluator<string> | undefined;
  const headerChanges: HeaderChange[] = [];
  for (const child of element.children) {
    if (child.kind !== 'element') continue;
    const refusal = CHILDREN.includes(child.name) ? undefined : unsupportedPolicy(child.name);
    if (refusal !== undefined) c.fail(refusal.code, refusal.message, child);
  }
  for (const child of c.children(element, CHILDREN)) {
    switch (child.name) {
      case 'set-url':
        c.checkAttributes(child, {});
        url = c.text(child, { trim: true });
        break;
      case 'set-method':
        c.checkAttributes(child, {});
        method = c.text(child, { trim: true });
        break;
      case 'set-header':
        c.checkAttributes(child, HEADER_CHANGE_ATTRIBUTES);
        headerChanges.push(compileHeaderChange(child, c));
        break;
      case 'set-body':
        c.checkAttributes(child, { template: { type: 'enum', values: ['none'], expression: false } });
        body = c.text(child);
        break;
    }
  }
  if (mode === 'new' && url === undefined) c.fail('MissingElement', `<${element.name} mode="new"> needs <set-url>`, element);
  if (mode === 'copy') c.needBody('request');
  return async (ctx) => {
    const headers: Record<string, string | string[]> = mode === 'copy' ? copyHeaders(ctx.forwardHeaders) : {};
    for (const change of headerChanges) change(ctx, headers);
    let payload: Buffer | null = null;
    if (body !== undefined) payload = Buffer.from(body(ctx));
    else if (mode === 'copy') {
      await bufferRequestForExpressions(ctx);
      payload = stateOf(ctx).requestBody ?? null;
    }
    return {
      url: url?.(ctx) ?? currentRequestUrl(ctx),
      method: (method?.(ctx) ?? (mode === 'copy' ? ctx.method : 'GET')).toUpperCase(),
      headers,
      body: payload,
    };
  };
}

function copyHeaders(source: Readonly<Record<string, string | string[]>>): Record<string, string | string[]> {
  const copy: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(source)) {
    if (!HOP_BY_HOP_HEADERS.has(name) && name !== 'content-length' && name !== 'host') copy[name] = Array.isArray(value) ? [...value] : value;
  }
  return copy;
}
