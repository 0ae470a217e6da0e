import { beforeAll, describe, expect, it } from 'vitest';
import type { PolicyEngine } from '../engine/engine.js';
import { PolicyValidationError } from '../engine/problems.js';
import { compileApiPolicy, inboundDocument, problemsOf, runApiPolicy, testEngine } from '../testing/unit.test-helper.js';

let engine: PolicyEngine;
beforeAll(async () => {
  engine = await testEngine();
});

const fragments = [
  { id: 'tag', value: '<fragment><set-header name="x-fragment" exists-action="override"><value>@(context.Api.Id)</value></set-header></fragment>' },
  { id: 'loop', value: '<fragment><include-fragment fragment-id="loop" /></fragment>' },
  { id: 'outbound-only', value: '<fragment><rewrite-uri template="/x" /></fragment>' },
];

describe('include-fragment', () => {
  it("runs the fragment's policies in place", async () => {
    const ctx = await runApiPolicy(engine, inboundDocument('<include-fragment fragment-id="tag" />'), () => undefined, { policyFragments: fragments });
    expect(ctx.forwarded[0].headers['x-fragment']).toBe('echo');
  });

  function compileError(document: string): PolicyValidationError {
    try {
      compileApiPolicy(engine, document, { policyFragments: fragments });
    } catch (error) {
      return error as PolicyValidationError;
    }
    throw new Error('compiled');
  }

  it('refuses unknown, self-including and misplaced fragments', () => {
    expect(compileError(inboundDocument('<include-fragment fragment-id="nope" />')).details[0].code).toBe('UnknownFragment');
    expect(compileError(inboundDocument('<include-fragment fragment-id="loop" />')).details[0].message).toContain('includes itself');
    expect(compileError('<policies><outbound><include-fragment fragment-id="outbound-only" /></outbound></policies>').details[0].message).toContain(
      "fragment 'outbound-only', line 1, column 11: <rewrite-uri> cannot be used in <outbound>",
    );
  });

  it('is accepted at save time when fragments are not known yet', () => {
    expect(problemsOf(engine, inboundDocument('<include-fragment fragment-id="later" />'))).toEqual([]);
  });
});
