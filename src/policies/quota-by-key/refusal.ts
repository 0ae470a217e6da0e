/** APIM's 403 for an exhausted quota, with its TimeSpan-formatted wait and Retry-After. */
import type { QuotaResult } from '../../counters/types.js';
import { PolicyFailure } from '../engine/failures.js';

export function quotaRefusal(result: QuotaResult): PolicyFailure {
  const what = result.exceeded === 'bandwidth' ? 'bandwidth' : 'call volume';
  if (result.retryAfterMs === null) {
    // A lifetime quota (renewal-period 0) never renews, so there is no time to wait for.
    return new PolicyFailure(403, 'QuotaExceeded', `Out of ${what} quota. Quota will not be replenished.`);
  }
  const seconds = Math.max(1, Math.ceil(result.retryAfterMs / 1000));
  return new PolicyFailure(403, 'QuotaExceeded', `Out of ${what} quota. Quota will be replenished in ${timeSpan(seconds)}.`, {
    'Retry-After': String(seconds),
  });
}

/** .NET's TimeSpan "c" format, as APIM prints it: `hh:mm:ss`, or `d.hh:mm:ss` past a day. */
export function timeSpan(totalSeconds: number): string {
  const days = Math.floor(totalSeconds / 86_400);
  const hours = Math.floor((totalSeconds % 86_400) / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  const clock = [hours, minutes, seconds].map((n) => String(n).padStart(2, '0')).join(':');
  return days > 0 ? `${days}.${clock}` : clock;
}
