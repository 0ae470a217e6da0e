/**
 * `<rewrite-uri template="/v2/{id}" copy-unmatched-params="true"/>`: the path (and query)
 * sent to the backend, relative to its base URL.
 */
import type { PolicyDefinition } from '../engine/definition.js';
import { constantOf } from '../engine/definition.js';
import { PolicyFailure } from '../engine/failures.js';
import { parseUrlTemplate } from '../../model/url-template.js';
import type { PolicyContext } from '../contract/context.js';
import type { PolicyOperationSource } from '../contract/snapshot-view.js';
import { parseRewriteTemplate, renderRewrite, type RewriteTemplate } from './template.js';

export const rewriteUriPolicy: PolicyDefinition = {
  name: 'rewrite-uri',
  sections: ['inbound'],
  attributes: { template: { required: true }, 'copy-unmatched-params': { type: 'bool' } },
  compile(element, c) {
    c.children(element, []);
    const template = c.requiredString(element, 'template');
    const copyUnmatched = c.bool(element, 'copy-unmatched-params', true);
    const fixed = constantOf(template)?.value;
    let parsed: RewriteTemplate | undefined;
    if (fixed !== undefined) {
      try {
        parsed = parseRewriteTemplate(fixed);
      } catch (error) {
        return c.fail('InvalidAttributeValue', `<rewrite-uri> template: ${(error as Error).message}`, element);
      }
    }
    return (ctx) => {
      const rewrite = parsed ?? runtimeTemplate(template(ctx));
      const { path, query } = renderRewrite(rewrite, {
        parameters: ctx.matchedParameters,
        query: ctx.query,
        copyUnmatched: copyUnmatched(ctx),
        consumed: consumedQueryNames(ctx),
      });
      ctx.backendPath = path === '/' ? '' : path;
      ctx.query = query;
    };
  },
};

function runtimeTemplate(text: string): RewriteTemplate {
  try {
    return parseRewriteTemplate(text);
  } catch {
    throw new PolicyFailure(500, 'InvalidRewriteTemplate', 'A policy computed an invalid rewrite-uri template.');
  }
}

const consumedByOperation = new WeakMap<PolicyOperationSource, ReadonlySet<string>>();
const NONE: ReadonlySet<string> = new Set();

/** Query names the operation's URL template matched: they are not "unmatched" parameters. */
function consumedQueryNames(ctx: PolicyContext): ReadonlySet<string> {
  const operation = ctx.operation?.source;
  if (operation === undefined) return NONE;
  let names = consumedByOperation.get(operation);
  if (names === undefined) {
    try {
      names = new Set(parseUrlTemplate(operation.urlTemplate).query.map((q) => q.name));
    } catch {
      names = NONE;
    }
    consumedByOperation.set(operation, names);
  }
  return names;
}
