import { beforeAll, describe, expect, it } from 'vitest';
import type { PolicyEngine } from '../engine/engine.js';
import { inboundDocument, problemsOf, runApiPolicy, testEngine } from '../testing/unit.test-helper.js';
import { parseRewriteTemplate, renderRewrite } from './template.js';

let engine: PolicyEngine;
beforeAll(async () => {
  engine = await testEngine();
});

describe('rewrite-uri templates', () => {
  const params = new Map([
    ['id', 'a b/c'],
    ['rest', 'x/y z'],
  ]);

  it('fills template parameters, encoding values', () => {
    const template = parseRewriteTemplate('/v2/{id}/files/{*rest}?item={id}&fixed=1');
    expect(renderRewrite(template, { parameters: params, query: '', copyUnmatched: false, consumed: new Set() })).toEqual({
      path: '/v2/a%20b%2Fc/files/x/y%20z',
      query: 'item=a%20b%2Fc&fixed=1',
    });
  });

  it('copies unmatched query parameters unless told not to', () => {
    const template = parseRewriteTemplate('/v2?fixed=1');
    const input = { parameters: params, query: 'keep=1&date=2&fixed=9', consumed: new Set(['date']) };
    expect(renderRewrite(template, { ...input, copyUnmatched: true }).query).toBe('fixed=1&keep=1');
    expect(renderRewrite(template, { ...input, copyUnmatched: false }).query).toBe('fixed=1');
  });

  it('refuses absolute URLs', () => {
    expect(() => parseRewriteTemplate('http://elsewhere/x')).toThrow(/not an absolute URL/);
  });
});

describe('rewrite-uri', () => {
  it('rewrites the backend path from the matched parameters', async () => {
    const ctx = await runApiPolicy(engine, inboundDocument('<rewrite-uri template="/v2/items/{id}" />'), (c) => {
      c.matchedParameters = new Map([['id', '42']]);
      c.query = 'subscription-key=k&x=1';
      c.backendPath = '/items/42';
    });
    expect(ctx.forwarded[0].url).toBe('http://backend.test/base/v2/items/42?subscription-key=k&x=1');
  });

  it('takes an expression', async () => {
    const ctx = await runApiPolicy(engine, inboundDocument('<rewrite-uri template="@("/computed/" + context.Operation.Id)" copy-unmatched-params="false" />'), (c) => {
      c.query = 'x=1';
    });
    expect(ctx.forwarded[0].url).toBe('http://backend.test/base/computed/get');
  });

  it('refuses an absolute template at save time', () => {
    expect(problemsOf(engine, inboundDocument('<rewrite-uri template="https://x/y" />'))[0].code).toBe('InvalidAttributeValue');
  });
});
