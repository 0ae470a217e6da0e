import { beforeAll, describe, expect, it } from 'vitest';
import type { PolicyEngine } from '../engine/engine.js';
import { inboundDocument, problemsOf, runApiPolicy, testEngine } from '../testing/unit.test-helper.js';

let engine: PolicyEngine;
beforeAll(async () => {
  engine = await testEngine();
});

const CHOOSE = inboundDocument(`<choose>
  <when condition="@(context.Request.Headers.GetValueOrDefault("x-n", "") == "1")"><set-variable name="branch" value="one" /></when>
  <when condition="@(context.Request.Headers.ContainsKey("x-n"))"><set-variable name="branch" value="any" /></when>
  <otherwise><set-variable name="branch" value="none" /></otherwise>
</choose>`);

describe('choose', () => {
  it.each([
    ['1', 'one'],
    ['2', 'any'],
    [undefined, 'none'],
  ])('x-n=%s runs the %s branch', async (value, branch) => {
    const ctx = await runApiPolicy(engine, CHOOSE, (c) => {
      if (value !== undefined) c.forwardHeaders['x-n'] = value;
    });
    expect(ctx.policyState?.variables.get('branch')).toBe(branch);
  });

  it('runs nothing when no branch matches and there is no otherwise', async () => {
    const ctx = await runApiPolicy(engine, inboundDocument('<choose><when condition="false"><set-variable name="x" value="1" /></when></choose>'));
    expect(ctx.policyState).toBeNull();
  });

  it('checks its shape', () => {
    expect(problemsOf(engine, inboundDocument('<choose><otherwise /></choose>'))[0].message).toContain('at least one <when>');
    expect(problemsOf(engine, inboundDocument('<choose><otherwise /><when condition="true" /></choose>'))[0].message).toContain('must be the last');
    expect(problemsOf(engine, inboundDocument('<choose><when /></choose>'))[0]).toMatchObject({ code: 'MissingAttribute' });
    expect(problemsOf(engine, inboundDocument('<choose><if condition="true" /></choose>'))[0]).toMatchObject({ code: 'UnexpectedElement' });
  });

  it('checks the policies inside its branches against the section', () => {
    const [problem] = problemsOf(engine, '<policies><outbound><choose><when condition="true"><rewrite-uri template="/x" /></when></choose></outbound></policies>');
    expect(problem.code).toBe('PolicyNotAllowedInSection');
  });
});
