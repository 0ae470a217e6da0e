import { beforeAll, describe, expect, it } from 'vitest';
import type { PolicyEngine } from '../engine/engine.js';
import { inboundDocument, outboundDocument, problemsOf, runApiPolicy, testEngine } from '../testing/unit.test-helper.js';

let engine: PolicyEngine;
beforeAll(async () => {
  engine = await testEngine();
});

const header = (action: string, ...values: string[]): string =>
  `<set-header name="X-Tag" exists-action="${action}">${values.map((v) => `<value>${v}</value>`).join('')}</set-header>`;

describe('set-header', () => {
  it.each([
    ['override', 'new', ['new']],
    ['skip', 'old', ['new']],
    ['append', ['old', 'new'], ['new']],
    ['delete', undefined, []],
  ] as const)('exists-action=%s on a present header', async (action, expected, values) => {
    const ctx = await runApiPolicy(engine, inboundDocument(header(action, ...values)), (c) => {
      c.forwardHeaders['x-tag'] = 'old';
    });
    expect(ctx.forwarded[0].headers['x-tag']).toEqual(expected);
  });

  it('skip and append set an absent header', async () => {
    for (const action of ['skip', 'append']) {
      const ctx = await runApiPolicy(engine, inboundDocument(header(action, 'v')));
      expect(ctx.forwarded[0].headers['x-tag']).toBe('v');
    }
  });

  it('sets several values and evaluates expressions', async () => {
    const ctx = await runApiPolicy(engine, inboundDocument(header('override', 'a', '@(context.Request.Method + "!")')));
    expect(ctx.forwarded[0].headers['x-tag']).toEqual(['a', 'GET!']);
  });

  it('changes the response in outbound', async () => {
    const ctx = await runApiPolicy(engine, outboundDocument(header('override', '@(context.Response.StatusCode.ToString())')));
    expect(ctx.response?.headers['x-tag']).toBe('200');
  });

  it('keeps CR and LF out of header values', async () => {
    const ctx = await runApiPolicy(engine, inboundDocument(header('override', '@("a\\r\\nInjected: yes")')));
    expect(ctx.forwarded[0].headers['x-tag']).toBe('a Injected: yes');
  });

  it('refuses headers that frame the message', () => {
    const [problem] = problemsOf(engine, inboundDocument('<set-header name="Content-Length" exists-action="override"><value>1</value></set-header>'));
    expect(problem.code).toBe('InvalidAttributeValue');
    expect(problem.message).toContain('the gateway sets it');
  });

  it('refuses an unknown exists-action', () => {
    const [problem] = problemsOf(engine, inboundDocument(header('replace', 'x')));
    expect(problem.message).toContain("'override', 'skip', 'append', 'delete'");
  });
});
