/**
 * The ioredis client every Portico Redis store uses (counters, cache): fail fast rather than
 * late. Nothing queues while disconnected and nothing is resent after a reconnect — a limit
 * decision or cache lookup that cannot be made now is made without Redis, never late.
 */
import { once } from 'node:events';
import { Redis } from 'ioredis';

export function createRedisClient(url: string, commandTimeoutMs: number): Redis {
  return new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    autoResendUnfulfilledCommands: false,
    maxRetriesPerRequest: 0,
    commandTimeout: commandTimeoutMs,
    connectTimeout: Math.max(1000, commandTimeoutMs),
    // Reconnect quickly, so service returns within about a second of Redis returning.
    retryStrategy: (attempt) => Math.min(attempt * 50, 1000),
    // Coalesces the commands of one tick into one write: fewer syscalls under load.
    enableAutoPipelining: true,
    // The counter store batches this script per key and turn itself (redis.ts) and writes it
    // at once: auto-pipelining would hold it for one more event-loop turn.
    autoPipeliningIgnoredCommands: ['porticoSlidingSlices'],
  });
}

/**
 * Starts connecting and waits at most `waitMs` for the first connection. A Redis that is
 * away is not an error here: the store works degraded until the reconnect succeeds.
 * Attach the 'error' listener before calling (ioredis prints errors nobody listens to).
 */
export async function waitForFirstConnection(client: Redis, waitMs: number): Promise<void> {
  client.connect().catch(() => {
    // Reported through the 'error' listener; retryStrategy keeps trying in the background.
  });
  if (client.status === 'ready') return;
  try {
    await once(client, 'ready', { signal: AbortSignal.timeout(waitMs) });
  } catch {
    // Not connected yet.
  }
}
