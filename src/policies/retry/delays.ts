/**
 * APIM's retry intervals: fixed (`interval`), linear (`interval` + `delta`), or
 * exponential (`interval`, `max-interval`, `delta`), in seconds; attempt 1 is the first retry.
 */
export interface RetryTiming {
  readonly interval: number;
  readonly maxInterval: number | undefined;
  readonly delta: number | undefined;
}

export function retryDelaySeconds(timing: RetryTiming, attempt: number, random: () => number = Math.random): number {
  const { interval, maxInterval, delta } = timing;
  if (delta === undefined) return interval;
  if (maxInterval === undefined) return interval + (attempt - 1) * delta;
  // Exponential with ±20 % jitter on the delta, as APIM documents.
  const jittered = delta * (0.8 + 0.4 * random());
  return Math.min(maxInterval, interval + (2 ** (attempt - 1) - 1) * jittered);
}
