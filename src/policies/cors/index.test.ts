import { beforeAll, describe, expect, it } from 'vitest';
import type { PolicyEngine } from '../engine/engine.js';
import { compileApiPolicy, FakeContext, inboundDocument, problemsOf, runApiPolicy, testEngine } from '../testing/unit.test-helper.js';

let engine: PolicyEngine;
beforeAll(async () => {
  engine = await testEngine();
});

const CORS = inboundDocument(`<cors allow-credentials="true">
  <allowed-origins><origin>https://app.example</origin></allowed-origins>
  <allowed-methods preflight-result-max-age="600"><method>GET</method><method>PUT</method></allowed-methods>
  <allowed-headers><header>content-type</header><header>x-token</header></allowed-headers>
  <expose-headers><header>x-request-id</header></expose-headers>
</cors>`);

function preflight(ctx: FakeContext, origin: string, method: string, headers?: string): void {
  ctx.method = 'OPTIONS';
  ctx.forwardHeaders.origin = origin;
  ctx.forwardHeaders['access-control-request-method'] = method;
  if (headers !== undefined) ctx.forwardHeaders['access-control-request-headers'] = headers;
}

describe('cors', () => {
  it('answers an allowed preflight from the pipeline hook, before anything else', () => {
    const { pipeline, snapshot } = compileApiPolicy(engine, CORS);
    const ctx = new FakeContext().resolve(snapshot);
    preflight(ctx, 'https://app.example', 'PUT', 'Content-Type, X-Token');
    expect(pipeline?.preflight?.(ctx)).toBe(true);
    expect(ctx.response).toMatchObject({
      statusCode: 200,
      headers: {
        'access-control-allow-origin': 'https://app.example',
        'access-control-allow-credentials': 'true',
        'access-control-allow-methods': 'GET, PUT',
        'access-control-allow-headers': 'content-type, x-token',
        'access-control-max-age': '600',
        vary: 'Origin',
      },
    });
  });

  it('terminates an unmatched preflight with an empty 200 (the default)', () => {
    const { pipeline, snapshot } = compileApiPolicy(engine, CORS);
    for (const [origin, method, headers] of [
      ['https://evil.example', 'GET', undefined],
      ['https://app.example', 'DELETE', undefined],
      ['https://app.example', 'GET', 'x-other'],
    ] as const) {
      const ctx = new FakeContext().resolve(snapshot);
      preflight(ctx, origin, method, headers);
      expect(pipeline?.preflight?.(ctx)).toBe(true);
      expect(ctx.response?.headers['access-control-allow-origin']).toBeUndefined();
    }
  });

  it('lets an unmatched preflight through when terminate-unmatched-request is false', () => {
    const { pipeline, snapshot } = compileApiPolicy(engine, inboundDocument('<cors terminate-unmatched-request="false"><allowed-origins><origin>https://a.example</origin></allowed-origins></cors>'));
    const ctx = new FakeContext().resolve(snapshot);
    preflight(ctx, 'https://b.example', 'GET');
    expect(pipeline?.preflight?.(ctx)).toBe(false);
    expect(ctx.response).toBeNull();
  });

  it('adds the CORS headers to the actual response of an allowed origin', async () => {
    const ctx = await runApiPolicy(engine, CORS, (c) => void (c.forwardHeaders.origin = 'https://app.example'));
    expect(ctx.forwarded).toHaveLength(1);
    expect(ctx.response?.headers).toMatchObject({
      'access-control-allow-origin': 'https://app.example',
      'access-control-allow-credentials': 'true',
      'access-control-expose-headers': 'x-request-id',
    });
  });

  it('answers an unmatched simple GET with an empty 200 and no backend call', async () => {
    const ctx = await runApiPolicy(engine, CORS, (c) => void (c.forwardHeaders.origin = 'https://evil.example'));
    expect(ctx.forwarded).toHaveLength(0);
    expect(ctx.response).toMatchObject({ statusCode: 200, body: null });
  });

  it('uses * for any origin without credentials', async () => {
    const ctx = await runApiPolicy(engine, inboundDocument('<cors><allowed-origins><origin>*</origin></allowed-origins></cors>'), (c) => void (c.forwardHeaders.origin = 'https://x.example'));
    expect(ctx.response?.headers['access-control-allow-origin']).toBe('*');
  });

  it('refuses credentials for any origin', () => {
    expect(problemsOf(engine, inboundDocument('<cors allow-credentials="true"><allowed-origins><origin>*</origin></allowed-origins></cors>'))[0].message).toContain('cannot allow credentials');
    expect(problemsOf(engine, inboundDocument('<cors />'))[0].code).toBe('MissingElement');
  });
});
