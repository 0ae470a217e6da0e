/**
 * The answers a shared counter store gives when it cannot ask its counters (Redis away or
 * too slow, the cluster primary gone): the fail mode decides, with the same shapes from
 * every store, so policies and metrics cannot tell which store failed.
 */
import { quotaWindowAt } from './quota-period.js';
import type { FailMode, HitResult, QuotaResult } from './types.js';

/** Retry-After of a fail-closed refusal: an outage is transient, a window may be long. */
export const FAIL_CLOSED_RETRY_AFTER_MS = 1000;

export function degradedHit(mode: FailMode, limit: number, windowMs: number, increment: number): HitResult {
  if (mode === 'open') return { allowed: true, remaining: Math.max(0, limit - increment), retryAfterMs: 0, total: increment, failed: 'open' };
  return { allowed: false, remaining: 0, retryAfterMs: Math.min(FAIL_CLOSED_RETRY_AFTER_MS, windowMs), total: limit, failed: 'closed' };
}

/** Window boundaries come from the local clock: they only shape the degraded answer. */
export function degradedQuota(
  mode: FailMode,
  period: { readonly periodMs: number; readonly firstPeriodStart: number },
  incrementCalls: number,
  incrementBytes: number,
): QuotaResult {
  const window = quotaWindowAt(Date.now(), period.periodMs, period.firstPeriodStart);
  if (mode === 'open') return { allowed: true, retryAfterMs: 0, callsUsed: incrementCalls, bytesUsed: incrementBytes, periodEnd: window.end, failed: 'open' };
  return { allowed: false, retryAfterMs: FAIL_CLOSED_RETRY_AFTER_MS, callsUsed: 0, bytesUsed: 0, periodEnd: window.end, failed: 'closed' };
}
