import { beforeAll, describe, expect, it } from 'vitest';
import type { PolicyEngine } from '../engine/engine.js';
import { compileApiPolicy, inboundDocument, problemsOf, runApiPolicy, testEngine, FakeContext, runPipeline } from '../testing/unit.test-helper.js';
import type { BackendHandle } from '../contract/context.js';

let engine: PolicyEngine;
beforeAll(async () => {
  engine = await testEngine();
});

describe('set-backend-service', () => {
  it('sends to a literal base URL, resolved once at compile time', async () => {
    const resolved: string[] = [];
    const snapshotPolicies = inboundDocument('<set-backend-service base-url="http://other.test/v2" />');
    const { snapshot } = compileApiPolicy(engine, snapshotPolicies);
    const handle: BackendHandle = { url: 'http://other.test/v2' };
    const pipeline = engine.compile({
      snapshot,
      api: snapshot.apis[0],
      operation: snapshot.operations[0],
      product: undefined,
      backends: { byId: () => undefined, byUrl: (url) => (resolved.push(url), handle) },
    });
    const ctx = new FakeContext().resolve(snapshot);
    ctx.backendPath = '/items/1';
    await runPipeline(pipeline, ctx);
    expect(resolved).toEqual(['http://other.test/v2']);
    expect(ctx.backend).toBe(handle);
    expect(ctx.forwarded[0].url).toBe('http://other.test/v2/items/1');
  });

  it('resolves a named backend', async () => {
    const { snapshot } = compileApiPolicy(engine, inboundDocument('<set-backend-service backend-id="orders" />'), {
      backends: [{ id: 'orders', url: 'http://orders.test' }],
    });
    const handle: BackendHandle = { url: 'http://orders.test' };
    const pipeline = engine.compile({
      snapshot,
      api: snapshot.apis[0],
      operation: snapshot.operations[0],
      product: undefined,
      backends: { byId: (id) => (id === 'orders' ? handle : undefined), byUrl: () => handle },
    });
    const ctx = new FakeContext().resolve(snapshot);
    await runPipeline(pipeline, ctx);
    expect(ctx.backend).toBe(handle);
  });

  it('computes a URL per request from an expression', async () => {
    const ctx = await runApiPolicy(engine, inboundDocument('<set-backend-service base-url="@("http://" + context.Request.Headers.GetValueOrDefault("x-region", "eu") + ".test")" />'), (c) => {
      c.forwardHeaders['x-region'] = 'us';
    });
    expect(ctx.forwarded[0].url).toBe('http://us.test');
  });

  it('refuses unknown backends and bad URLs', () => {
    expect(problemsOf(engine, inboundDocument('<set-backend-service base-url="ftp://x" />'))[0].code).toBe('InvalidAttributeValue');
    expect(problemsOf(engine, inboundDocument('<set-backend-service />'))[0].code).toBe('MissingAttribute');
    const unknown = engine.problems(inboundDocument('<set-backend-service backend-id="nope" />'), 'rawxml', 'api', { backendExists: () => false });
    expect(unknown[0].code).toBe('UnknownBackend');
  });
});
