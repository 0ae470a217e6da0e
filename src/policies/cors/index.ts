/**
 * `<cors allow-credentials="false" terminate-unmatched-request="true">` with allowed-origins,
 * allowed-methods (preflight-result-max-age), allowed-headers and expose-headers.
 * A preflight is answered before the subscription check, as in APIM (see OperationPipeline.preflight);
 * allowed cross-origin requests get their headers on the way out.
 */
import type { PolicyElement } from '../xml/index.js';
import type { CompileContext, PolicyDefinition } from '../engine/definition.js';
import { constantOf } from '../engine/definition.js';
import { stateOf } from '../engine/request-state.js';
import { answerPreflight, decorateActual, isPreflight, originAllowed, requestOrigin, type CorsConfig } from './config.js';

const DEFAULT_METHODS: ReadonlySet<string> = new Set(['GET', 'POST']);

export const corsPolicy: PolicyDefinition = {
  name: 'cors',
  sections: ['inbound'],
  attributes: {
    'allow-credentials': { type: 'bool', expression: false },
    'terminate-unmatched-request': { type: 'bool', expression: false },
  },
  compile(element, c) {
    const config = compileCors(element, c);
    c.answerPreflight((ctx) => answerPreflight(config, ctx));
    return (ctx) => {
      const origin = requestOrigin(ctx);
      if (origin === undefined) return;
      if (isPreflight(ctx)) {
        if (answerPreflight(config, ctx)) stateOf(ctx).ended = true;
        return;
      }
      if (originAllowed(config, origin)) {
        const state = stateOf(ctx);
        (state.responseDecorators ??= []).push((response) => decorateActual(config, origin, response));
      } else if (config.terminateUnmatched && (ctx.method === 'GET' || ctx.method === 'HEAD')) {
        // APIM: an unmatched simple request is answered with an empty 200 and goes no further.
        ctx.response = { statusCode: 200, headers: { 'content-length': 0 }, body: null };
        stateOf(ctx).ended = true;
      }
    };
  },
};

function compileCors(element: PolicyElement, c: CompileContext): CorsConfig {
  const allowCredentials = constantOf(c.bool(element, 'allow-credentials', false))!.value;
  const terminateUnmatched = constantOf(c.bool(element, 'terminate-unmatched-request', true))!.value;
  let origins: Set<string> | null | undefined;
  let methods: Set<string> | null = new Set(DEFAULT_METHODS);
  let headers: Set<string> | null = new Set();
  let exposeHeaders: string[] = [];
  let maxAge = 0;
  for (const child of c.children(element, ['allowed-origins', 'allowed-methods', 'allowed-headers', 'expose-headers'])) {
    switch (child.name) {
      case 'allowed-origins': {
        c.checkAttributes(child, {});
        const list = listOf(child, 'origin', c);
        origins = list.includes('*') ? null : new Set(list.map((o) => o.replace(/\/$/, '').toLowerCase()));
        if (origins === null && allowCredentials) {
          c.fail('InvalidAttributeValue', "<cors> cannot allow credentials for any origin ('*'); list the origins", child);
        }
        break;
      }
      case 'allowed-methods': {
        c.checkAttributes(child, { 'preflight-result-max-age': { type: 'int', min: 0, max: 2147483647, expression: false } });
        maxAge = constantOf(c.int(child, 'preflight-result-max-age', 0)!)!.value;
        const list = listOf(child, 'method', c);
        methods = list.includes('*') ? null : new Set(list.map((m) => m.toUpperCase()));
        break;
      }
      case 'allowed-headers': {
        c.checkAttributes(child, {});
        const list = listOf(child, 'header', c);
        headers = list.includes('*') ? null : new Set(list.map((h) => h.toLowerCase()));
        break;
      }
      case 'expose-headers':
        c.checkAttributes(child, {});
        exposeHeaders = listOf(child, 'header', c);
        break;
    }
  }
  if (origins === undefined) return c.fail('MissingElement', '<cors> needs <allowed-origins>', element);
  return { allowCredentials, terminateUnmatched, origins, methods, headers, exposeHeaders, maxAge };
}

function listOf(parent: PolicyElement, itemName: string, c: CompileContext): string[] {
  const items = c.children(parent, [itemName]).map((item) => {
    c.checkAttributes(item, {});
    const text = c.text(item, { trim: true });
    const value = text === undefined ? undefined : constantOf(text)?.value;
    if (value === undefined || value === '') return c.fail('InvalidAttributeValue', `<${itemName}> must hold a literal value`, item);
    return value;
  });
  if (items.length === 0) c.fail('MissingElement', `<${parent.name}> needs at least one <${itemName}>`, parent);
  return items;
}
