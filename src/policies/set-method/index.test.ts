import { beforeAll, describe, expect, it } from 'vitest';
import type { PolicyEngine } from '../engine/engine.js';
import { inboundDocument, problemsOf, runApiPolicy, testEngine } from '../testing/unit.test-helper.js';

let engine: PolicyEngine;
beforeAll(async () => {
  engine = await testEngine();
});

describe('set-method', () => {
  it('changes the method sent to the backend', async () => {
    expect((await runApiPolicy(engine, inboundDocument('<set-method>post</set-method>'))).forwarded[0].method).toBe('POST');
    expect((await runApiPolicy(engine, inboundDocument('<set-method>@("PA" + "TCH")</set-method>'))).forwarded[0].method).toBe('PATCH');
  });

  it('refuses what is not a method', () => {
    expect(problemsOf(engine, inboundDocument('<set-method>GE T</set-method>'))[0].code).toBe('InvalidAttributeValue');
    expect(problemsOf(engine, inboundDocument('<set-method />'))[0].code).toBe('MissingElement');
  });

  it('fails at run time on a computed invalid method', async () => {
    const failure = await runApiPolicy(engine, inboundDocument('<set-method>@("GE T")</set-method>')).catch((error: unknown) => error);
    expect(failure).toMatchObject({ reason: 'InvalidMethod' });
  });
});
