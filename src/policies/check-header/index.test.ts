import { beforeAll, describe, expect, it } from 'vitest';
import type { PolicyEngine } from '../engine/engine.js';
import { inboundDocument, problemsOf, runApiPolicy, testEngine } from '../testing/unit.test-helper.js';

let engine: PolicyEngine;
beforeAll(async () => {
  engine = await testEngine();
});

const CHECK = inboundDocument(
  '<check-header name="X-Client" failed-check-httpcode="401" failed-check-error-message="Client not allowed" ignore-case="true"><value>Alpha</value><value>beta</value></check-header>',
);

describe('check-header', () => {
  it('lets a listed value through, ignoring case when asked', async () => {
    const ctx = await runApiPolicy(engine, CHECK, (c) => {
      c.forwardHeaders['x-client'] = 'ALPHA';
    });
    expect(ctx.forwarded).toHaveLength(1);
  });

  it.each([
    ['a missing header', undefined],
    ['an unlisted value', 'gamma'],
  ])('refuses %s with the configured status and message', async (_case, value) => {
    const failure = await runApiPolicy(engine, CHECK, (c) => {
      if (value !== undefined) c.forwardHeaders['x-client'] = value;
    }).catch((error: unknown) => error);
    expect(failure).toMatchObject({ status: 401, message: 'Client not allowed' });
  });

  it('only requires presence when no values are listed', async () => {
    const document = inboundDocument('<check-header name="x-a" failed-check-httpcode="400" failed-check-error-message="m" ignore-case="false" />');
    expect((await runApiPolicy(engine, document, (c) => void (c.forwardHeaders['x-a'] = 'anything'))).forwarded).toHaveLength(1);
  });

  it('needs its attributes', () => {
    expect(problemsOf(engine, inboundDocument('<check-header name="x" />'))[0].code).toBe('MissingAttribute');
  });
});
