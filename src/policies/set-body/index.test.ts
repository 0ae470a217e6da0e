import { beforeAll, describe, expect, it } from 'vitest';
import type { PolicyEngine } from '../engine/engine.js';
import { inboundDocument, outboundDocument, problemsOf, runApiPolicy, testEngine, responseText } from '../testing/unit.test-helper.js';

let engine: PolicyEngine;
beforeAll(async () => {
  engine = await testEngine();
});

describe('set-body', () => {
  it('replaces the request body with text', async () => {
    const ctx = await runApiPolicy(engine, inboundDocument('<set-body>{"a":1}</set-body>'), (c) => {
      c.clientBody = Buffer.from('original');
    });
    expect(ctx.forwarded[0].body?.toString()).toBe('{"a":1}');
  });

  it('builds a body from the request body with an expression', async () => {
    const ctx = await runApiPolicy(engine, inboundDocument('<set-body>@(context.Request.Body.As<string>(preserveContent: true).ToUpper())</set-body>'), (c) => {
      c.clientBody = Buffer.from('shout');
    });
    expect(ctx.forwarded[0].body?.toString()).toBe('SHOUT');
  });

  it('replaces the response body and its length in outbound', async () => {
    const ctx = await runApiPolicy(engine, outboundDocument('<set-body>@(context.Response.Body.As<string>() + "!")</set-body>'), (c) => {
      c.backendAnswer = () => ({ statusCode: 200, headers: { 'content-length': 5, 'content-encoding': 'identity' }, body: 'hello' });
    });
    expect(responseText(ctx)).toBe('hello!');
    expect(ctx.response?.headers['content-length']).toBe(6);
    expect(ctx.response?.headers['content-encoding']).toBeUndefined();
  });

  it('refuses liquid templates for now, saying so', () => {
    expect(problemsOf(engine, inboundDocument('<set-body template="liquid">{{body.a}}</set-body>'))[0]).toMatchObject({ code: 'PolicyNotYetSupported' });
  });
});
