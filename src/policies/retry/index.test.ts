import { beforeAll, describe, expect, it } from 'vitest';
import type { PolicyEngine } from '../engine/engine.js';
import { problemsOf, runApiPolicy, testEngine } from '../testing/unit.test-helper.js';
import { retryDelaySeconds } from './delays.js';

let engine: PolicyEngine;
beforeAll(async () => {
  engine = await testEngine();
});

describe('retry delays', () => {
  it('is fixed, linear or exponential as APIM documents', () => {
    expect(retryDelaySeconds({ interval: 2, maxInterval: undefined, delta: undefined }, 3)).toBe(2);
    expect(retryDelaySeconds({ interval: 2, maxInterval: undefined, delta: 3 }, 3)).toBe(8);
    expect(retryDelaySeconds({ interval: 1, maxInterval: 10, delta: 2 }, 3, () => 0.5)).toBe(7);
    expect(retryDelaySeconds({ interval: 1, maxInterval: 10, delta: 2 }, 6, () => 0.5)).toBe(10);
  });
});

describe('retry', () => {
  it('re-forwards while the condition holds, up to count', async () => {
    const document = '<policies><backend><retry condition="@(context.Response.StatusCode == 503)" count="3" interval="0"><forward-request buffer-request-body="true" /></retry></backend></policies>';
    const statuses = [503, 503, 200];
    const ctx = await runApiPolicy(engine, document, (c) => {
      c.backendAnswer = () => ({ statusCode: statuses.shift() ?? 500, headers: {}, body: null });
    });
    expect(ctx.forwarded).toHaveLength(3);
    expect(ctx.response?.statusCode).toBe(200);
  });

  it('stops after count retries', async () => {
    const document = '<policies><backend><retry condition="@(true)" count="2" interval="0"><forward-request /></retry></backend></policies>';
    const ctx = await runApiPolicy(engine, document);
    expect(ctx.forwarded).toHaveLength(3);
  });

  it('checks its attributes', () => {
    expect(problemsOf(engine, '<policies><backend><retry condition="true" count="0" interval="1" /></backend></policies>')[0].code).toBe('InvalidAttributeValue');
    expect(problemsOf(engine, '<policies><backend><retry count="1" interval="1" /></backend></policies>')[0].code).toBe('MissingAttribute');
  });
});
