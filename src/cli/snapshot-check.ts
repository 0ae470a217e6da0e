import { compileRuntime } from '../gateway/runtime.js';
import type { SnapshotChecker } from '../management/service.js';
import type { PolicyEngine } from '../policies/index.js';

/**
 * The management layer's `checkSnapshot`: the very compile the gateway will run (routes,
 * backends and their address rules, subscriptions, policies), without opening connections.
 * The CLI is where the two planes meet, so it lends the gateway's compiler to management.
 */
export function gatewaySnapshotCheck(policies: PolicyEngine): SnapshotChecker {
  return (candidate) => {
    compileRuntime(candidate, { policies: policies.compile });
  };
}
