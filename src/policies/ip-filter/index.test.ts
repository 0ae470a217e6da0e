import { beforeAll, describe, expect, it } from 'vitest';
import type { PolicyEngine } from '../engine/engine.js';
import { inboundDocument, problemsOf, runApiPolicy, testEngine } from '../testing/unit.test-helper.js';

let engine: PolicyEngine;
beforeAll(async () => {
  engine = await testEngine();
});

const ALLOW = inboundDocument(`<ip-filter action="allow">
  <address>203.0.113.7</address>
  <address-range from="10.0.0.0" to="10.0.0.255" />
  <address>2001:db8::1</address>
  <address-range from="2001:db8:1::" to="2001:db8:1::ffff" />
</ip-filter>`);

async function outcome(document: string, ip: string): Promise<number> {
  try {
    const ctx = await runApiPolicy(engine, document, (c) => void (c.clientIp = ip));
    return ctx.response?.statusCode ?? 0;
  } catch (error) {
    return (error as { status: number }).status;
  }
}

describe('ip-filter', () => {
  it.each([
    ['203.0.113.7', 200],
    ['10.0.0.200', 200],
    ['10.0.1.1', 403],
    ['2001:db8::1', 200],
    ['2001:db8:1::abcd', 200],
    ['2001:db8:2::1', 403],
  ])('allow: %s → %i', async (ip, status) => {
    expect(await outcome(ALLOW, ip)).toBe(status);
  });

  it('forbid refuses the listed callers only', async () => {
    const forbid = inboundDocument('<ip-filter action="forbid"><address>198.51.100.1</address></ip-filter>');
    expect(await outcome(forbid, '198.51.100.1')).toBe(403);
    expect(await outcome(forbid, '198.51.100.2')).toBe(200);
  });

  it('answers 403 Forbidden with APIM reasons', async () => {
    const failure = await runApiPolicy(engine, ALLOW, (c) => void (c.clientIp = '1.2.3.4')).catch((error: unknown) => error);
    expect(failure).toMatchObject({ status: 403, message: 'Forbidden', reason: 'CallerIpNotAllowed' });
  });

  it('refuses malformed addresses and ranges at save time', () => {
    expect(problemsOf(engine, inboundDocument('<ip-filter action="allow"><address>300.1.1.1</address></ip-filter>'))[0].message).toContain('not an IPv4 or IPv6');
    expect(problemsOf(engine, inboundDocument('<ip-filter action="allow"><address-range from="10.0.0.9" to="10.0.0.1" /></ip-filter>'))[0].message).toContain('empty');
    expect(problemsOf(engine, inboundDocument('<ip-filter action="block" />'))[0].code).toBe('InvalidAttributeValue');
  });
});
