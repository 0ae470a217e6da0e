import type { ConfigSnapshot } from '../../src/config/snapshot.js';
import type { PolicyCompiler } from '../../src/gateway/policy-hooks.js';
import { compileRuntime } from '../../src/gateway/runtime.js';
import type { GatewayServerOptions } from '../../src/gateway/server.js';
import { PorticoError } from '../../src/model/errors.js';
import { createPolicyEngine } from '../../src/policies/index.js';

/** What a Portico system under test turns on beyond routing and the key check. */
export interface PorticoFeatures {
  /** Compile the snapshot's policy documents (systems c, d). */
  policies: boolean;
  /** Prometheus metrics recorded per request. */
  metrics: boolean;
  /** One access-log line per request, written to this file. */
  accessLogFile?: string;
  /** Rate-limit counters on Redis instead of in memory (system d). */
  redisUrl?: string;
}

/**
 * Features other work items are still building. A system asking for one is reported
 * "pending: …" rather than measured without it. When a feature lands: wire it in
 * resolveFeatures below and remove its entry here.
 */
const NOT_YET_WIRED = {
  metrics: 'metrics (no gateway metrics module yet)',
  accessLog: 'access log (no gateway access-log module yet)',
  redisCounters: 'Redis counters (the policy engine takes no counter store yet)',
} as const;

export interface ResolvedFeatures {
  /** Options to lay over the gateway's defaults. */
  options: Partial<GatewayServerOptions>;
  /** Features asked for that cannot be provided yet. */
  pending: string[];
}

function unwiredFeatures(features: PorticoFeatures): string[] {
  const pending: string[] = [];
  if (features.metrics) pending.push(NOT_YET_WIRED.metrics);
  if (features.accessLogFile !== undefined) pending.push(NOT_YET_WIRED.accessLog);
  if (features.redisUrl !== undefined) pending.push(NOT_YET_WIRED.redisCounters);
  return pending;
}

let engine: Promise<PolicyCompiler> | undefined;

/** One policy engine per process (it loads the C# grammar once). */
function policyCompiler(): Promise<PolicyCompiler> {
  engine ??= createPolicyEngine().then((created) => created.compile);
  return engine;
}

/**
 * Policies of the snapshot the engine does not support yet (it refuses them with
 * PolicyNotYetSupported): the system is pending until they exist, not broken.
 */
export async function unsupportedPolicies(snapshot: ConfigSnapshot): Promise<string[]> {
  const policies = await policyCompiler();
  try {
    compileRuntime(snapshot, { policies });
    return [];
  } catch (err) {
    if (!(err instanceof PorticoError)) throw err;
    const messages = err.details.filter((d) => d.code === 'PolicyNotYetSupported').map((d) => d.message.split(':')[0]);
    return [...new Set(messages)];
  }
}

/** Everything that keeps this Portico variant from being measured yet (cheap enough to ask before starting it). */
export async function pendingFeatures(features: PorticoFeatures, snapshot: ConfigSnapshot): Promise<string[]> {
  const pending = unwiredFeatures(features);
  if (features.policies) pending.unshift(...(await unsupportedPolicies(snapshot)));
  return pending;
}

/** The gateway options for the features; used by the Portico launcher in the system's process. */
export async function resolveFeatures(features: PorticoFeatures): Promise<ResolvedFeatures> {
  const options: Partial<GatewayServerOptions> = {};
  if (features.policies) options.policies = await policyCompiler();
  return { options, pending: unwiredFeatures(features) };
}
