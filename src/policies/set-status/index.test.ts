import { beforeAll, describe, expect, it } from 'vitest';
import type { PolicyEngine } from '../engine/engine.js';
import { outboundDocument, problemsOf, runApiPolicy, testEngine, responseText } from '../testing/unit.test-helper.js';

let engine: PolicyEngine;
beforeAll(async () => {
  engine = await testEngine();
});

describe('set-status', () => {
  it('changes the backend response status in outbound', async () => {
    const ctx = await runApiPolicy(engine, outboundDocument('<set-status code="@(context.Response.StatusCode + 1)" reason="Changed" />'));
    expect(ctx.response).toMatchObject({ statusCode: 201, statusMessage: 'Changed' });
  });

  it('builds the error response in on-error', async () => {
    const document = '<policies><inbound><set-variable name="x" value="@(int.Parse("x"))" /></inbound><on-error><set-status code="418" /></on-error></policies>';
    const ctx = await runApiPolicy(engine, document);
    expect(ctx.response?.statusCode).toBe(418);
    expect(responseText(ctx)).toBe('{"statusCode":500,"message":"Internal server error"}');
  });

  it('needs a code between 100 and 599', () => {
    expect(problemsOf(engine, outboundDocument('<set-status />'))[0].code).toBe('MissingAttribute');
    expect(problemsOf(engine, outboundDocument('<set-status code="abc" />'))[0].code).toBe('InvalidAttributeValue');
  });
});
