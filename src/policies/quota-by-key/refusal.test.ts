import { describe, expect, it } from 'vitest';
import { quotaRefusal, timeSpan } from './refusal.js';

describe('quota refusal', () => {
  it('formats waits as .NET TimeSpans, with days past 24 hours', () => {
    expect(timeSpan(25_280)).toBe('07:01:20');
    expect(timeSpan(59)).toBe('00:00:59');
    expect(timeSpan(90_061)).toBe('1.01:01:01');
  });

  it('builds the 403 with Retry-After rounded up to whole seconds, naming the exhausted limit', () => {
    const failure = quotaRefusal({ allowed: false, exceeded: 'bandwidth', retryAfterMs: 1500, callsUsed: 1, bytesUsed: 2048, periodEnd: 0 });
    expect(failure.status).toBe(403);
    expect(failure.headers).toEqual({ 'Retry-After': '2' });
    expect(JSON.parse(failure.body)).toEqual({ statusCode: 403, message: 'Out of bandwidth quota. Quota will be replenished in 00:00:02.' });
  });
});
