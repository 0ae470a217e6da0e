/**
 * A user policy written in TypeScript, loaded from a module path, through the real gateway
 * (the example of docs/policies.md).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PolicyEngine } from '../../src/policies/index.js';
import { startEchoUpstream, type EchoUpstream } from '../helpers/echo-upstream.js';
import { SnapshotBuilder } from '../helpers/snapshot-builder.js';
import type { TestGateway } from '../helpers/test-gateway.js';
import { apiPolicy, engineWith, inbound, startPolicyGateway, withPolicies } from './harness.js';

const here = path.dirname(fileURLToPath(import.meta.url));

describe('user policies', () => {
  let upstream: EchoUpstream;
  let engine: PolicyEngine;
  let gw: TestGateway;

  beforeAll(async () => {
    upstream = await startEchoUpstream();
    engine = await engineWith({ policyModules: ['./custom/require-api-version.policy.ts'], baseDir: here });
    const snapshot = withPolicies(
      new SnapshotBuilder().api('v', { path: 'v', serviceUrl: upstream.url, subscriptionRequired: false }).operation('v', 'get', 'GET', '/').build(),
      { policies: [apiPolicy('v', inbound('<require-api-version supported="2024-01-01, 2024-06-01" />'))] },
    );
    gw = await startPolicyGateway(snapshot, engine);
  });

  afterAll(async () => {
    await gw?.close();
    await engine?.close();
    await upstream?.close();
  });

  it('runs like a built-in policy', async () => {
    expect((await gw.request('/v/', { headers: { 'api-version': '2024-06-01' } })).statusCode).toBe(200);
    const missing = await gw.request('/v/');
    expect(missing.statusCode).toBe(400);
    expect(missing.json()).toEqual({ statusCode: 400, message: "The 'api-version' header is required." });
    expect((await gw.request('/v/', { headers: { 'api-version': '2020-01-01' } })).json()).toEqual({
      statusCode: 400,
      message: 'Supported versions: 2024-01-01, 2024-06-01.',
    });
  });

  it('is checked at save time like a built-in policy', () => {
    expect(engine.problems(inbound('<require-api-version suported="1" />'), 'rawxml', 'api').map((p) => p.message)).toEqual([
      "<require-api-version> has no attribute 'suported'; did you mean 'supported'?",
    ]);
    expect(engine.problems('<policies><outbound><require-api-version supported="1" /></outbound></policies>', 'rawxml', 'api')[0].code).toBe(
      'PolicyNotAllowedInSection',
    );
  });

  it('refuses a module that does not export a policy, and a name already taken', async () => {
    await expect(engineWith({ policyModules: ['./harness.ts'], baseDir: here })).rejects.toThrow(/exports neither 'policy' nor 'policies'/);
    await expect(engineWith({ policies: [{ name: 'set-header', sections: ['inbound'], attributes: {}, compile: () => null }] })).rejects.toThrow(/already registered/);
  });
});
