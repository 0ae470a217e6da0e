import { beforeAll, describe, expect, it } from 'vitest';
import type { PolicyEngine } from '../engine/engine.js';
import { inboundDocument, runApiPolicy, testEngine, testSnapshot, responseText } from '../testing/unit.test-helper.js';
import { mockedResponse } from './example.js';

let engine: PolicyEngine;
beforeAll(async () => {
  engine = await testEngine();
});

const RESPONSES = [
  {
    statusCode: 200,
    representations: [
      { contentType: 'application/xml', examples: { default: { value: '<item id="1"/>' } } },
      { contentType: 'application/json', examples: { default: { value: { id: 1, name: 'widget' } } } },
    ],
  },
  { statusCode: 404, representations: [{ contentType: 'application/json', examples: { missing: { value: { error: 'not found' } } } }] },
];

describe('mock-response', () => {
  it('picks the example of the status and content type', () => {
    expect(mockedResponse(RESPONSES, 200, 'application/json').body.toString()).toBe(JSON.stringify({ id: 1, name: 'widget' }, null, 2));
    expect(mockedResponse(RESPONSES, 200, undefined)).toMatchObject({ contentType: 'application/xml' });
    expect(mockedResponse(RESPONSES, 404, undefined).body.toString()).toContain('not found');
    expect(mockedResponse(RESPONSES, 500, undefined).body.length).toBe(0);
  });

  it("answers with the operation's example without calling the backend", async () => {
    const operations = [{ ...testSnapshot().operations[0], responses: RESPONSES }];
    const ctx = await runApiPolicy(engine, inboundDocument('<mock-response status-code="404" content-type="application/json" />'), () => undefined, { operations });
    expect(ctx.forwarded).toHaveLength(0);
    expect(ctx.response).toMatchObject({ statusCode: 404, headers: { 'content-type': 'application/json' } });
    expect(JSON.parse(responseText(ctx))).toEqual({ error: 'not found' });
  });
});
