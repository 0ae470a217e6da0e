/**
 * A child process for the multi-process exactness test: it stands in for one gateway
 * replica. It opens the counter store the way the gateway does, says "ready", waits for
 * "go" on stdin (so every replica starts at once), then WORKERS concurrent clients each make
 * calls one after another until the process has made its share, so the calls of all
 * processes interleave at Redis; it prints one JSON line with what it was allowed.
 *
 * Environment: REDIS_URL, PREFIX, WORKERS, HIT_KEY, HIT_LIMIT, HIT_CALLS, QUOTA_KEY,
 * QUOTA_CALLS_LIMIT, QUOTA_CALLS, TIMEOUT_MS.
 */
import { once } from 'node:events';
import { openCounterStore } from './open.js';

function numberFrom(name: string): number {
  const value = Number(process.env[name]);
  if (!Number.isFinite(value)) throw new Error(`${name} must be set to a number`);
  return value;
}

const store = await openCounterStore({
  redisUrl: process.env.REDIS_URL,
  prefix: process.env.PREFIX,
  // Closed: if a timeout ever stood in for Redis, fewer calls pass and the test sees it.
  failMode: 'closed',
  timeoutMs: numberFrom('TIMEOUT_MS'),
});
const hitKey = process.env.HIT_KEY ?? 'hits';
const quotaKey = process.env.QUOTA_KEY ?? 'quota';

process.stdout.write('ready\n');
process.stdin.setEncoding('utf8');
await once(process.stdin, 'data');

/** Runs `calls` calls of `call` through `workers` concurrent clients; returns how many were allowed. */
async function hammer(calls: number, workers: number, call: () => Promise<{ allowed: boolean }>): Promise<number> {
  let started = 0;
  let allowed = 0;
  const client = async () => {
    while (started < calls) {
      started++;
      if ((await call()).allowed) allowed++;
    }
  };
  await Promise.all(Array.from({ length: workers }, client));
  return allowed;
}

const workers = numberFrom('WORKERS');
const hitLimit = numberFrom('HIT_LIMIT');
const quotaLimit = numberFrom('QUOTA_CALLS_LIMIT');
const [hitsAllowed, quotaAllowed] = await Promise.all([
  hammer(numberFrom('HIT_CALLS'), workers, () => store.hit(hitKey, { limit: hitLimit, windowMs: 600_000 })),
  hammer(numberFrom('QUOTA_CALLS'), workers, () => store.quota(quotaKey, { calls: quotaLimit, renewalPeriodSec: 3600 })),
]);

process.stdout.write(
  `${JSON.stringify({
    hitsAllowed,
    quotaAllowed,
    stats: store.stats,
  })}\n`,
);
await store.close();
process.stdin.destroy();
