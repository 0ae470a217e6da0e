import { beforeAll, describe, expect, it } from 'vitest';
import type { PolicyEngine } from '../engine/engine.js';
import { problemsOf, runApiPolicy, testEngine } from '../testing/unit.test-helper.js';

let engine: PolicyEngine;
beforeAll(async () => {
  engine = await testEngine();
});

const backend = (attributes: string): string => `<policies><backend><forward-request ${attributes} /></backend></policies>`;

describe('forward-request', () => {
  it('passes its timeout to the gateway', async () => {
    const ctx = await runApiPolicy(engine, backend('timeout="7"'));
    expect(ctx.forwarded[0].options.timeoutMs).toBe(7000);
  });

  it('fails on an error status when asked, going to on-error', async () => {
    const failure = await runApiPolicy(engine, backend('fail-on-error-status-code="true"'), (c) => {
      c.backendAnswer = () => ({ statusCode: 503, headers: {}, body: 'down' });
    }).catch((error: unknown) => error);
    expect(failure).toMatchObject({ status: 503, reason: 'BackendErrorStatusCode' });
    const passed = await runApiPolicy(engine, backend(''), (c) => {
      c.backendAnswer = () => ({ statusCode: 503, headers: {}, body: 'down' });
    });
    expect(passed.response?.statusCode).toBe(503);
  });

  it('follows redirects when asked, switching to GET on 303', async () => {
    const ctx = await runApiPolicy(engine, backend('follow-redirects="true"'), (c) => {
      c.method = 'POST';
      c.forwardHeaders.authorization = 'Bearer t';
      c.backendAnswer = (record) =>
        record.url.startsWith('http://backend.test')
          ? { statusCode: 303, headers: { location: 'http://elsewhere.test/done?x=1' }, body: null }
          : { statusCode: 200, headers: {}, body: 'final' };
    });
    expect(ctx.forwarded.map((f) => `${f.method} ${f.url}`)).toEqual(['POST http://backend.test/base', 'GET http://elsewhere.test/done?x=1']);
    // Credentials for one backend are not handed to another.
    expect(ctx.forwarded[1].headers.authorization).toBeUndefined();
    expect(ctx.response?.body).toBe('final');
  });

  it('returns the redirect when not following', async () => {
    const ctx = await runApiPolicy(engine, backend(''), (c) => {
      c.backendAnswer = () => ({ statusCode: 302, headers: { location: '/x' }, body: null });
    });
    expect(ctx.forwarded).toHaveLength(1);
    expect(ctx.response?.statusCode).toBe(302);
  });

  it('runs only in the backend section', () => {
    expect(problemsOf(engine, '<policies><inbound><forward-request /></inbound></policies>')[0].code).toBe('PolicyNotAllowedInSection');
  });
});
