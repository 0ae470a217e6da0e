/**
 * `<cache-lookup [vary-by-developer] [vary-by-developer-groups] [caching-type]
 * [downstream-caching-type] [must-revalidate] [allow-private-response-caching]>` with
 * `<vary-by-header>` / `<vary-by-query-parameter>` children: answers a GET from the cache.
 * A hit ends the pipeline with the stored response (the backend and outbound do not run);
 * a miss leaves the key for the `cache-store` in outbound. See docs/caching.md.
 */
import { MemoryCacheStore } from '../../counters/cache-memory.js';
import type { PolicyContext } from '../contract/context.js';
import { constantOf, type CompileContext, type Evaluator, type PolicyDefinition } from '../engine/definition.js';
import { conversionFailure } from '../engine/conversions.js';
import { stateOf } from '../engine/request-state.js';
import { isStreamBody } from '../http/bodies.js';
import { isValidHeaderName } from '../http/headers.js';
import { DOWNSTREAM_CACHING_TYPES, type DownstreamCaching } from '../cache-shared/cacheability.js';
import { expectStore, type PendingStore } from '../cache-shared/pending.js';
import { decodeResponse } from '../cache-shared/response-entry.js';
import { developerResolver, responseKey, type KeySpec } from '../cache-shared/response-key.js';
import { CACHING_TYPE_ATTRIBUTE, chooseStore } from '../cache-shared/store-choice.js';
import type { PolicyElement } from '../xml/index.js';

/**
 * Request headers that would let the backend answer 304 or a part: removed on a miss so the
 * response to store is complete (APIM does the same).
 */
const CONDITIONAL_HEADERS = ['if-none-match', 'if-modified-since', 'if-match', 'if-unmodified-since', 'if-range', 'cache-control', 'pragma'];

export const cacheLookupPolicy: PolicyDefinition = {
  name: 'cache-lookup',
  sections: ['inbound'],
  attributes: {
    'vary-by-developer': { type: 'bool' },
    'vary-by-developer-groups': { type: 'bool' },
    'caching-type': CACHING_TYPE_ATTRIBUTE,
    'downstream-caching-type': { type: 'enum', values: DOWNSTREAM_CACHING_TYPES },
    'must-revalidate': { type: 'bool' },
    'allow-private-response-caching': { type: 'bool' },
  },
  compile(element, c) {
    const spec = varyBy(element, c);
    const varyDeveloper = c.bool(element, 'vary-by-developer', false);
    const varyGroups = c.bool(element, 'vary-by-developer-groups', false);
    const downstream = downstreamType(element, c);
    const mustRevalidate = c.bool(element, 'must-revalidate', true);
    const allowPrivate = c.bool(element, 'allow-private-response-caching', false);
    const store = chooseStore(element, c);
    const developers = developerResolver(c.snapshot);
    if (store === null) return null;
    const memory = store instanceof MemoryCacheStore ? store : undefined;

    return (ctx) => {
      if (ctx.method !== 'GET') return;
      const allow = allowPrivate(ctx);
      // A request carrying credentials gets a response for those credentials only.
      if (!allow && ctx.forwardHeaders.authorization !== undefined) return;
      const byDeveloper = varyDeveloper(ctx);
      const byGroups = varyGroups(ctx);
      const developer = byDeveloper || byGroups ? developers(ctx) : undefined;
      const key = responseKey(ctx, spec, byDeveloper ? developer : undefined, byGroups ? (developer ?? developers(ctx)).groups : undefined);
      const miss: PendingStore = { store, key, allowPrivate: allow, downstream: downstream(ctx), mustRevalidate: mustRevalidate(ctx) };
      // The memory store answers synchronously: a hit costs no promise.
      if (memory !== undefined) return answer(ctx, memory.getNow(key), miss);
      return store.get(key).then((bytes) => answer(ctx, bytes, miss));
    };
  },
};

function answer(ctx: PolicyContext, bytes: Buffer | undefined, miss: PendingStore): void {
  const cached = bytes === undefined ? undefined : decodeResponse(bytes);
  if (cached !== undefined) {
    const previous = ctx.response?.body;
    if (previous !== undefined && isStreamBody(previous)) previous.destroy();
    ctx.response = cached;
    stateOf(ctx).ended = true;
    return;
  }
  expectStore(ctx, miss);
  for (const name of CONDITIONAL_HEADERS) delete ctx.forwardHeaders[name];
}

/** The children, literal names only (they shape the key, which is fixed per policy). */
function varyBy(element: PolicyElement, c: CompileContext): KeySpec {
  const headers: string[] = [];
  const queryParameters: string[] = [];
  for (const child of c.children(element, ['vary-by-header', 'vary-by-query-parameter'])) {
    c.checkAttributes(child, {});
    const text = c.text(child, { trim: true });
    const literal = text === undefined ? undefined : constantOf(text);
    if (literal === undefined) {
      c.fail(text === undefined ? 'MissingElement' : 'InvalidAttributeValue', `<${child.name}> must name ${child.name === 'vary-by-header' ? 'a header' : 'query parameters'} (literal text, not an expression)`, child);
    }
    if (child.name === 'vary-by-header') {
      const name = literal.value.trim();
      if (!isValidHeaderName(name)) c.fail('InvalidAttributeValue', `<vary-by-header> '${name}' is not a valid header name`, child);
      headers.push(name.toLowerCase());
    } else {
      // APIM accepts several parameters in one element, separated by semicolons.
      for (const name of literal.value.split(';')) if (name.trim() !== '') queryParameters.push(name.trim());
    }
  }
  return { headers: [...new Set(headers)], queryParameters: [...new Set(queryParameters)] };
}

function downstreamType(element: PolicyElement, c: CompileContext): Evaluator<DownstreamCaching> {
  const text = c.string(element, 'downstream-caching-type');
  if (text === undefined) return () => 'none';
  const known = constantOf(text);
  if (known !== undefined) {
    const value = parseDownstream(known.value);
    if (value === undefined) {
      c.fail('InvalidAttributeValue', `<cache-lookup> downstream-caching-type must be one of 'none', 'private', 'public', not '${known.value}'`, element);
    }
    return () => value;
  }
  return (ctx) => {
    const value = parseDownstream(text(ctx));
    if (value === undefined) throw conversionFailure("<cache-lookup> downstream-caching-type must evaluate to 'none', 'private' or 'public'.");
    return value;
  };
}

function parseDownstream(text: string): DownstreamCaching | undefined {
  const lower = text.trim().toLowerCase();
  return DOWNSTREAM_CACHING_TYPES.find((t) => t === lower);
}
