import type { Caches } from '../counters/cache-types.js';
import type { CounterStore } from '../counters/types.js';
import type { ManagementServerOptions } from '../management/server.js';
import { convertPolicyFormat, createPolicyEngine, type PolicyEngine } from '../policies/index.js';

/** `PORTICO_POLICY_MODULES`: comma-separated module paths of user policies (see docs/policies.md). */
export const POLICY_MODULES_ENV = 'PORTICO_POLICY_MODULES';

export function policyModulesFrom(env: NodeJS.ProcessEnv): string[] {
  return (env[POLICY_MODULES_ENV] ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
}

/** `PORTICO_REDIS_URL`: where rate limits and quotas count; unset counts in memory (see docs/limits.md). */
export { REDIS_URL_ENV } from '../counters/env.js';

/**
 * The policy engine with the built-in policies and the user's, relative paths from the
 * working folder. `counters` and `caches` are the caller's to close; without them the engine
 * counts and caches in memory.
 */
export function openPolicyEngine(policyModules: readonly string[], counters?: CounterStore, caches?: Caches): Promise<PolicyEngine> {
  return createPolicyEngine({
    policyModules,
    baseDir: process.cwd(),
    ...(counters === undefined ? {} : { counters }),
    ...(caches === undefined ? {} : { caches: { internal: caches.internal, external: caches.external } }),
  });
}

/** What the management layer calls to refuse a policy at save time and to convert formats. */
export function managementPolicyHooks(
  engine: PolicyEngine,
): Pick<ManagementServerOptions, 'checkPolicy' | 'checkPolicyFragment' | 'convertPolicy'> {
  return {
    checkPolicy: engine.checker(),
    checkPolicyFragment: engine.fragmentChecker(),
    convertPolicy: convertPolicyFormat,
  };
}
