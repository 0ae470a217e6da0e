import { beforeAll, describe, expect, it } from 'vitest';
import type { PolicyEngine } from '../engine/engine.js';
import { inboundDocument, runApiPolicy, testEngine } from '../testing/unit.test-helper.js';

let engine: PolicyEngine;
beforeAll(async () => {
  engine = await testEngine();
});

describe('set-variable', () => {
  it('keeps literal strings and typed expression values', async () => {
    const ctx = await runApiPolicy(
      engine,
      inboundDocument(
        '<set-variable name="text" value="hello" /><set-variable name="number" value="@(6 * 7)" />' +
          '<set-variable name="flag" value="@(context.Variables.GetValueOrDefault<int>("number") == 42)" />',
      ),
    );
    const variables = ctx.policyState!.variables;
    expect(variables.get('text')).toBe('hello');
    expect(variables.get('number')).toBe(42);
    expect(variables.get('flag')).toBe(true);
  });

  it('lets later policies read what earlier ones set', async () => {
    const ctx = await runApiPolicy(
      engine,
      inboundDocument('<set-variable name="id" value="@(context.Request.MatchedParameters["id"])" /><set-header name="x-id" exists-action="override"><value>@((string)context.Variables["id"])</value></set-header>'),
      (c) => {
        c.matchedParameters = new Map([['id', '7']]);
      },
    );
    expect(ctx.forwarded[0].headers['x-id']).toBe('7');
  });
});
