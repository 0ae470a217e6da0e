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

  it('renders a liquid template over the JSON body, headers and PascalCase filters', async () => {
    const template = '<set-body template="liquid">{"name":"{{ body.name | Upcase }}","h":"{{ context.Request.Headers["x-h"] | Default: "none" }}","n":{{ body.tags | Size }}}</set-body>';
    const ctx = await runApiPolicy(engine, inboundDocument(template), (c) => {
      c.clientBody = Buffer.from('{"name":"ada","tags":[1,2,3]}');
      c.forwardHeaders['content-type'] = 'application/json';
      c.forwardHeaders['x-h'] = 'hv';
    });
    expect(JSON.parse(ctx.forwarded[0].body?.toString() ?? '')).toEqual({ name: 'ADA', h: 'hv', n: 3 });
  });

  it("formats dates with .NET patterns in Date, as APIM's DotLiquid does, and strftime with %", async () => {
    const template =
      '<set-body template="liquid">{{ body.at | Date: "yyyy-MM-dd HH:mm" }}|{{ body.at | Date: "R" }}|{{ body.at | Date: "%Y/%m" }}|{{ body.bad | Date: "yyyy" }}</set-body>';
    const ctx = await runApiPolicy(engine, inboundDocument(template), (c) => {
      c.clientBody = Buffer.from('{"at":"2026-03-04T05:06:07Z","bad":"soon"}');
      c.forwardHeaders['content-type'] = 'application/json';
    });
    expect(ctx.forwarded[0].body?.toString()).toBe('2026-03-04 05:06|Wed, 04 Mar 2026 05:06:07 GMT|2026/03|soon');
  });

  it('renders the response body in outbound', async () => {
    const ctx = await runApiPolicy(engine, outboundDocument('<set-body template="liquid">got {{ body.v }}</set-body>'), (c) => {
      c.backendAnswer = () => ({ statusCode: 200, headers: { 'content-type': 'application/json' }, body: '{"v":42}' });
    });
    expect(responseText(ctx)).toBe('got 42');
  });

  it('refuses liquid includes, which could read files', () => {
    expect(problemsOf(engine, inboundDocument('<set-body template="liquid">{% include "/etc/passwd" %}</set-body>'))[0]).toMatchObject({ code: 'InvalidTemplate' });
  });

  it('refuses a liquid template that does not parse, at its position', () => {
    const problem = problemsOf(engine, inboundDocument('<set-body template="liquid">ok\n{{ body.a | NoSuchFilter }}</set-body>'))[0];
    expect(problem).toMatchObject({ code: 'InvalidTemplate' });
    expect(problem.message).toContain('NoSuchFilter');
    expect(problem).toMatchObject({ line: 2, column: 1 });
  });
});
