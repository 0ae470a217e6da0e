import { beforeAll, describe, expect, it } from 'vitest';
import type { PolicyDocumentSource } from '../contract/snapshot-view.js';
import type { PolicyEngine } from './engine.js';
import { PolicyValidationError } from './problems.js';
import { FakeContext, runPipeline, testEngine, testSnapshot } from '../testing/unit.test-helper.js';

let engine: PolicyEngine;
beforeAll(async () => {
  engine = await testEngine();
});

/** A policy that appends its label to the `x-trail` request header. */
function mark(label: string): string {
  return `<set-header name="x-trail" exists-action="append"><value>${label}</value></set-header>`;
}

function doc(scope: PolicyDocumentSource['scope'], inbound: string, ids: Partial<PolicyDocumentSource> = {}): PolicyDocumentSource {
  return { scope, format: 'rawxml', value: `<policies><inbound>${inbound}</inbound></policies>`, ...ids };
}

async function trail(policies: PolicyDocumentSource[], product?: string): Promise<string[]> {
  const snapshot = testSnapshot({
    policies,
    products: [{ id: 'p', displayName: 'P', state: 'published', subscriptionRequired: true, approvalRequired: false, groupIds: [] }],
  });
  const productSource = product === undefined ? undefined : snapshot.products[0];
  const pipeline = engine.compile({ snapshot, api: snapshot.apis[0], operation: snapshot.operations[0], product: productSource });
  const ctx = new FakeContext().resolve(snapshot, product === undefined ? {} : { product });
  await runPipeline(pipeline, ctx);
  const value = ctx.forwarded[0]?.headers['x-trail'];
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

describe('scopes and <base/>', () => {
  it('runs global → product → API → operation where each places <base/>', async () => {
    const policies = [
      doc('global', mark('global')),
      doc('product', `${mark('product-before')}<base />${mark('product-after')}`, { productId: 'p' }),
      doc('api', `<base />${mark('api')}`, { apiId: 'echo' }),
      doc('operation', `${mark('op-before')}<base />${mark('op-after')}`, { apiId: 'echo', operationId: 'get' }),
    ];
    expect(await trail(policies, 'p')).toEqual(['op-before', 'product-before', 'global', 'product-after', 'api', 'op-after']);
    expect(await trail(policies)).toEqual(['op-before', 'global', 'api', 'op-after']);
  });

  it('drops the parent scopes when <base/> is left out', async () => {
    expect(await trail([doc('global', mark('global')), doc('api', mark('api'), { apiId: 'echo' })])).toEqual(['api']);
  });

  it('inherits a section a document does not write', async () => {
    const api: PolicyDocumentSource = { scope: 'api', apiId: 'echo', format: 'rawxml', value: '<policies><outbound /></policies>' };
    expect(await trail([doc('global', mark('global')), api])).toEqual(['global']);
  });

  it('forwards by default, and not when the global backend leaves forward-request out', async () => {
    const snapshot = testSnapshot({ policies: [{ scope: 'global', format: 'rawxml', value: '<policies><backend /></policies>' }] });
    const pipeline = engine.compile({ snapshot, api: snapshot.apis[0], operation: snapshot.operations[0], product: undefined });
    const ctx = new FakeContext().resolve(snapshot);
    await runPipeline(pipeline, ctx);
    expect(ctx.forwarded).toHaveLength(0);
    expect(ctx.response?.statusCode).toBe(200);
  });

  it('compiles to no pipeline when every section is a default', () => {
    const snapshot = testSnapshot({
      policies: [{ scope: 'api', apiId: 'echo', format: 'rawxml', value: '<policies><inbound><base /></inbound><backend><base /></backend><outbound><base /></outbound><on-error><base /></on-error></policies>' }],
    });
    expect(engine.compile({ snapshot, api: snapshot.apis[0], operation: snapshot.operations[0], product: undefined })).toBeUndefined();
  });

  it('shares one pipeline between operations with the same documents', () => {
    const snapshot = testSnapshot({ policies: [doc('api', mark('api'), { apiId: 'echo' })] });
    const other = { ...snapshot.operations[0], id: 'other' };
    const first = engine.compile({ snapshot, api: snapshot.apis[0], operation: snapshot.operations[0], product: undefined });
    const second = engine.compile({ snapshot, api: snapshot.apis[0], operation: other, product: undefined });
    expect(first).toBeDefined();
    expect(second).toBe(first);
  });

  it('runs a pipeline of synchronous policies without creating a promise', () => {
    const snapshot = testSnapshot({ policies: [doc('api', `${mark('a')}<set-variable name="v" value="@(1 + 2)" />`, { apiId: 'echo' })] });
    const pipeline = engine.compile({ snapshot, api: snapshot.apis[0], operation: snapshot.operations[0], product: undefined })!;
    const ctx = new FakeContext().resolve(snapshot);
    expect(pipeline.inbound!(ctx)).toBeUndefined();
    expect(ctx.policyState?.variables.get('v')).toBe(3);
  });

  it('rejects a snapshot whose document does not compile, naming the policy resource once', () => {
    const snapshot = testSnapshot({ policies: [doc('api', '<nope />', { apiId: 'echo' })] });
    const compile = (): unknown => engine.compile({ snapshot, api: snapshot.apis[0], operation: snapshot.operations[0], product: undefined });
    let first: unknown;
    try {
      compile();
    } catch (error) {
      first = error;
    }
    expect(first).toBeInstanceOf(PolicyValidationError);
    expect((first as PolicyValidationError).details[0]).toMatchObject({ code: 'UnknownPolicy', target: 'apis/echo/policies/policy' });
    expect(compile).toThrow(/apis\/echo\/policies\/policy, which does not compile/);
  });

  it('resolves named values at compile time, including whole expressions', async () => {
    const snapshot = testSnapshot({
      namedValues: [
        { id: 'greeting', displayName: 'greeting', value: 'hello', secret: false },
        { id: 'computed', displayName: 'computed', value: '@(context.Api.Id + "!")', secret: false },
      ],
      policies: [doc('api', '<set-header name="x-a" exists-action="override"><value>{{greeting}} world</value></set-header><set-header name="x-b" exists-action="override"><value>{{computed}}</value></set-header>', { apiId: 'echo' })],
    });
    const pipeline = engine.compile({ snapshot, api: snapshot.apis[0], operation: snapshot.operations[0], product: undefined });
    const ctx = new FakeContext().resolve(snapshot);
    await runPipeline(pipeline, ctx);
    expect(ctx.forwarded[0].headers['x-a']).toBe('hello world');
    expect(ctx.forwarded[0].headers['x-b']).toBe('echo!');
  });

  it('never echoes a secret named value in a compile error', () => {
    const snapshot = testSnapshot({
      namedValues: [{ id: 'key', displayName: 'key', value: 'topsecretvalue', secret: true }],
      policies: [doc('api', '<set-variable name="v" value="@({{key}}.Length)" />', { apiId: 'echo' })],
    });
    let caught: unknown;
    try {
      engine.compile({ snapshot, api: snapshot.apis[0], operation: snapshot.operations[0], product: undefined });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(PolicyValidationError);
    const text = JSON.stringify((caught as PolicyValidationError).details) + (caught as Error).message;
    expect(text).toContain('{{key}}');
    expect(text).not.toContain('topsecret');
  });
});
