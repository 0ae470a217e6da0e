import { describe, expect, it } from 'vitest';
import { inboundDocument, runApiPolicy, testEngine } from '../testing/unit.test-helper.js';

describe('trace', () => {
  it('records the message and metadata and sends them to the log', async () => {
    const logged: unknown[] = [];
    const engine = await testEngine({ log: (entry) => logged.push(entry) });
    const ctx = await runApiPolicy(
      engine,
      inboundDocument('<trace source="audit" severity="information"><message>@("called " + context.Operation.Id)</message><metadata name="api" value="@(context.Api.Id)" /></trace>'),
    );
    const expected = { source: 'audit', severity: 'information', message: 'called get', metadata: { api: 'echo' } };
    expect(ctx.policyState?.traces).toEqual([expected]);
    expect(logged).toEqual([expected]);
    await engine.close();
  });

  it('accepts the older form with the message as text', async () => {
    const engine = await testEngine();
    const ctx = await runApiPolicy(engine, inboundDocument('<trace source="OnError">\n  On Error\n</trace>'));
    expect(ctx.policyState?.traces?.[0]).toMatchObject({ source: 'OnError', severity: 'verbose', message: 'On Error' });
  });
});
