import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PolicyEngine } from '../engine/engine.js';
import { startLocalServer, type LocalServer } from '../testing/local-server.test-helper.js';
import { inboundDocument, problemsOf, runApiPolicy, testEngine } from '../testing/unit.test-helper.js';

let engine: PolicyEngine;
let service: LocalServer;
let open = 0;
let peak = 0;

beforeAll(async () => {
  engine = await testEngine();
  service = await startLocalServer((_request, res) => {
    open++;
    peak = Math.max(peak, open);
    setTimeout(() => {
      open--;
      res.end('ok');
    }, 100);
  });
});

afterAll(async () => {
  await service?.close();
  await engine?.close();
});

describe('wait', () => {
  it('runs its send-requests concurrently and waits for all', async () => {
    const calls = [1, 2, 3]
      .map((n) => `<send-request response-variable-name="r${n}" timeout="5"><set-url>${service.url}/${n}</set-url></send-request>`)
      .join('');
    const ctx = await runApiPolicy(engine, inboundDocument(`<wait for="all">${calls}</wait>`));
    expect(peak).toBe(3);
    expect(['r1', 'r2', 'r3'].every((name) => ctx.policyState?.variables.get(name) !== undefined)).toBe(true);
  });

  it('takes only send-request, choose and cache-lookup-value', () => {
    expect(problemsOf(engine, inboundDocument('<wait><set-variable name="a" value="b" /></wait>'))[0].code).toBe('UnexpectedElement');
  });
});
