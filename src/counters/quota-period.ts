/**
 * Fixed quota windows aligned to `first-period-start`, as APIM computes them: with a 600 s
 * period every window starts at a multiple of 10 minutes after that instant, not when the
 * first call arrived. The Redis script repeats this arithmetic in Lua (redis-scripts.ts).
 */
export interface QuotaWindow {
  /** Epoch ms the window started; for a lifetime quota, a constant. */
  start: number;
  /** Epoch ms the window ends; null when the quota never renews. */
  end: number | null;
}

export function quotaWindowAt(now: number, periodMs: number, firstPeriodStart: number): QuotaWindow {
  if (periodMs === 0) return { start: firstPeriodStart, end: null };
  // floor also aligns instants before firstPeriodStart, to windows extending backwards.
  const start = firstPeriodStart + Math.floor((now - firstPeriodStart) / periodMs) * periodMs;
  return { start, end: start + periodMs };
}

export interface QuotaLimits {
  /** -1 = unlimited. */
  calls: number;
  /** -1 = unlimited. */
  bandwidthBytes: number;
  incrementCalls: number;
  incrementBytes: number;
}

/**
 * The quota rule: a limit refuses once reached; otherwise the call's own increment must fit.
 * `max(increment, 1)` makes a zero-increment check refuse at the limit, because the bytes
 * of a response are only known after it has already been let through.
 */
export function quotaRefusal(callsUsed: number, bytesUsed: number, limits: QuotaLimits): 'calls' | 'bandwidth' | undefined {
  if (limits.calls >= 0 && callsUsed + Math.max(limits.incrementCalls, 1) > limits.calls) return 'calls';
  if (limits.bandwidthBytes >= 0 && bytesUsed + Math.max(limits.incrementBytes, 1) > limits.bandwidthBytes) return 'bandwidth';
  return undefined;
}
