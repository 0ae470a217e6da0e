import { beforeAll, describe, expect, it } from 'vitest';
import type { PolicyEngine } from '../engine/engine.js';
import { FakeContext, compileApiPolicy, runPipeline, testEngine } from '../testing/unit.test-helper.js';

let engine: PolicyEngine;
beforeAll(async () => {
  engine = await testEngine();
});

describe('limit-concurrency', () => {
  it('refuses requests beyond max-count with 429 and frees the slot afterwards', async () => {
    const document = '<policies><backend><limit-concurrency key="@(context.Api.Id)" max-count="1"><forward-request /></limit-concurrency></backend></policies>';
    const { pipeline, snapshot } = compileApiPolicy(engine, document);
    let release!: () => void;
    const first = new FakeContext().resolve(snapshot);
    first.forward = () => new Promise<void>((resolve) => (release = () => { first.response = { statusCode: 200, headers: {}, body: null }; resolve(); }));
    const running = runPipeline(pipeline, first);
    await Promise.resolve();
    const second = new FakeContext().resolve(snapshot);
    await expect(runPipeline(pipeline, second)).rejects.toMatchObject({ status: 429 });
    release();
    await running;
    const third = new FakeContext().resolve(snapshot);
    await runPipeline(pipeline, third);
    expect(third.forwarded).toHaveLength(1);
  });
});
