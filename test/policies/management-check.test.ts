/**
 * Save-time checking wired into the real management server: a policy document that does
 * not compile is refused with 400 naming the element, line and column, and nothing is saved.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PolicyEngine } from '../../src/policies/index.js';
import { startHarness, storeDump, type Harness } from '../management-harness.js';
import { sharedEngine } from './harness.js';

describe('policy checks at save time (management API)', () => {
  let engine: PolicyEngine;
  let harness: Harness;

  beforeAll(async () => {
    engine = await sharedEngine();
    harness = await startHarness({ checkPolicy: engine.checker(), checkPolicyFragment: engine.fragmentChecker() });
    expect((await harness.call('PUT', '/apis/orders', { properties: { displayName: 'Orders', path: 'orders', serviceUrl: 'http://127.0.0.1:9' } })).status).toBe(201);
  });

  afterAll(async () => {
    await harness?.close();
  });

  const put = (path: string, value: string) => harness.call('PUT', path, { properties: { format: 'rawxml', value } });

  it('saves a document that compiles', async () => {
    const reply = await put('/apis/orders/policies/policy', '<policies><inbound><base /><set-header name="x" exists-action="override"><value>@(context.Api.Id)</value></set-header></inbound></policies>');
    expect(reply.status, reply.text).toBeLessThan(300);
  });

  it('refuses a misspelled attribute with its line and column, saving nothing', async () => {
    const before = await storeDump(harness.store);
    const reply = await put('/apis/orders/policies/policy', '<policies>\n  <inbound>\n    <set-header name="x" exist-action="skip" />\n  </inbound>\n</policies>');
    expect(reply.status).toBe(400);
    expect(reply.body.error.details[0]).toMatchObject({ code: 'UnknownAttribute', line: 3, column: 26, target: 'properties.value' });
    expect(reply.body.error.message).toContain("did you mean 'exists-action'");
    expect(await storeDump(harness.store)).toBe(before);
  });

  it('refuses an expression that does not compile', async () => {
    const reply = await put('/policies/policy', '<policies><inbound><set-variable name="v" value="@(context.Request.Hedaers)" /></inbound></policies>');
    expect(reply.status).toBe(400);
    expect(reply.body.error.details[0]).toMatchObject({ code: 'ExpressionError', line: 1 });
  });

  it('checks include-fragment against the stored fragments', async () => {
    const missing = await put('/apis/orders/policies/policy', '<policies><inbound><include-fragment fragment-id="stamp" /></inbound></policies>');
    expect(missing.status).toBe(400);
    expect(missing.body.error.details[0].code).toBe('UnknownFragment');

    const fragment = await put('/policyFragments/stamp', '<fragment><set-header name="x-stamp" exists-action="override"><value>1</value></set-header></fragment>');
    expect(fragment.status, fragment.text).toBeLessThan(300);
    const included = await put('/apis/orders/policies/policy', '<policies><inbound><include-fragment fragment-id="stamp" /></inbound></policies>');
    expect(included.status, included.text).toBeLessThan(300);
  });

  it('refuses a fragment that does not compile', async () => {
    const reply = await put('/policyFragments/broken', '<fragment><set-heder name="x" /></fragment>');
    expect(reply.status).toBe(400);
    expect(reply.body.error.details[0]).toMatchObject({ code: 'UnknownPolicy', column: 11 });
  });
});
