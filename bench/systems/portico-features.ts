import type { ConfigSnapshot } from '../../src/config/snapshot.js';
import { openCounterStore } from '../../src/counters/open.js';
import type { CounterStore } from '../../src/counters/types.js';
import { createAccessLog } from '../../src/gateway/observability/access-log.js';
import { createGatewayMetrics } from '../../src/gateway/observability/metrics.js';
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
 * resolveFeatures below and remove its entry here. (Metrics, access log and Redis
 * counters are wired.)
 */
const NOT_YET_WIRED = {} as const;

export interface ResolvedFeatures {
  /** Options to lay over the gateway's defaults. */
  options: Partial<GatewayServerOptions>;
  /** Features asked for that cannot be provided yet. */
  pending: string[];
}

function unwiredFeatures(_features: PorticoFeatures): string[] {
  return Object.values(NOT_YET_WIRED);
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

/**
 * The gateway options for the features; used by the Portico launcher in the system's process.
 * Everything is what `portico start` builds: the same metrics (process metrics included), the
 * same access log through its asynchronous file destination, the same Redis counter store.
 */
export async function resolveFeatures(features: PorticoFeatures): Promise<ResolvedFeatures> {
  const options: Partial<GatewayServerOptions> = {};
  let counters: CounterStore | undefined;
  if (features.redisUrl !== undefined) {
    // A prefix of its own: runs never share (or leave behind) each other's counters.
    counters = await openCounterStore({ redisUrl: features.redisUrl, prefix: `portico-bench:${process.pid}:${Date.now()}:` });
    if (features.policies) options.policies = (await createPolicyEngine({ counters })).compile;
  } else if (features.policies) {
    options.policies = await policyCompiler();
  }
  if (features.metrics) options.metrics = createGatewayMetrics(counters === undefined ? {} : { counters });
  if (features.accessLogFile !== undefined) options.accessLog = createAccessLog({ destination: features.accessLogFile });
  return { options, pending: unwiredFeatures(features) };
}
