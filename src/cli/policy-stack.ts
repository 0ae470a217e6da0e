import type { Logger } from 'pino';
import { cacheOptionsFromEnv, openCaches, type OpenedCaches } from '../counters/cache-open.js';
import { counterStoreOptionsFromEnv } from '../counters/env.js';
import { openCounterStore } from '../counters/open.js';
import type { CounterStore } from '../counters/types.js';
import type { PolicyEngine } from '../policies/index.js';
import { openPolicyEngine } from './policy-engine.js';

/**
 * What a process that runs gateways (or checks their snapshots) opens first: the rate-limit
 * and quota counters, the caches, and the policy engine counting and caching in them, all
 * as the environment says (PORTICO_REDIS_URL…). Shared by `portico start` and `portico gateway`.
 */
export interface PolicyStack {
  counters: CounterStore;
  caches: OpenedCaches;
  policies: PolicyEngine;
  /** Closes all three (the engine first: it counts in the others). */
  close(): Promise<void>;
}

export async function openPolicyStack(policyModules: readonly string[], logger: Logger): Promise<PolicyStack> {
  const counters = await openCounterStore({
    // PORTICO_REDIS_URL, _PREFIX, _FAIL_MODE, _TIMEOUT_MS (docs/limits.md).
    ...counterStoreOptionsFromEnv(process.env),
    // The URL may hold a password, so only the error's message is logged.
    onError: (error) => logger.warn({ err: { message: error.message } }, 'rate-limit counter store error'),
  });
  const caches = await openCaches({
    // PORTICO_REDIS_URL, _PREFIX and PORTICO_CACHE_MAX_BYTES (docs/caching.md).
    ...cacheOptionsFromEnv(process.env),
    onError: (error) => logger.warn({ err: { message: error.message } }, 'cache store error'),
  }).catch(async (error: unknown) => {
    await counters.close();
    throw error;
  });
  const policies = await openPolicyEngine(policyModules, counters, caches).catch(async (error: unknown) => {
    await counters.close();
    await caches.close();
    throw error;
  });
  return {
    counters,
    caches,
    policies,
    async close() {
      await policies.close();
      await counters.close();
      await caches.close();
    },
  };
}
