import { beforeAll, describe, expect, it } from 'vitest';
import type { PolicyEngine } from '../engine/engine.js';
import { inboundDocument, outboundDocument, runApiPolicy, testEngine, responseText } from '../testing/unit.test-helper.js';

let engine: PolicyEngine;
beforeAll(async () => {
  engine = await testEngine();
});

describe('find-and-replace', () => {
  it('replaces in the request body', async () => {
    const ctx = await runApiPolicy(engine, inboundDocument('<find-and-replace from="cat" to="dog" />'), (c) => {
      c.clientBody = Buffer.from('cat and cat');
    });
    expect(ctx.forwarded[0].body?.toString()).toBe('dog and dog');
  });

  it('replaces in the response body', async () => {
    const ctx = await runApiPolicy(engine, outboundDocument('<find-and-replace from="internal.host" to="@(context.Request.OriginalUrl.Host)" />'), (c) => {
      c.backendAnswer = () => ({ statusCode: 200, headers: {}, body: 'see http://internal.host/x' });
    });
    expect(responseText(ctx)).toBe('see http://gateway.test/x');
  });
});
