import type { CounterStore } from '../counters/types.js';
import { createAccessLog, type AccessLog } from '../gateway/observability/access-log.js';
import { observabilityFromEnv } from '../gateway/observability/env.js';
import { createGatewayMetrics, type GatewayMetrics } from '../gateway/observability/metrics.js';
import type { MetricsEndpoint } from '../management/routes/metrics.js';

/** Metrics and access log of a gateway process, as the environment asks (docs/observability.md). */
export interface Observability {
  metrics?: GatewayMetrics;
  accessLog?: AccessLog;
  /** What the admin port serves at /metrics; absent when metrics are off. */
  metricsEndpoint?: MetricsEndpoint;
  /** Writes what the access log still holds and closes its file. */
  close(): Promise<void>;
}

export function openObservability(env: NodeJS.ProcessEnv, counters?: CounterStore): Observability {
  const settings = observabilityFromEnv(env);
  const observability: Observability = { close: async () => undefined };
  if (settings.metrics) {
    const metrics = createGatewayMetrics({ detail: settings.metricsDetail, counters });
    observability.metrics = metrics;
    observability.metricsEndpoint = {
      render: () => metrics.registry.metrics(),
      contentType: metrics.registry.contentType,
      token: settings.metricsToken,
      public: settings.metricsPublic,
    };
  }
  if (settings.accessLog !== null) {
    const accessLog = createAccessLog({ destination: settings.accessLog, redactQueryParameters: settings.redactQueryParameters });
    observability.accessLog = accessLog;
    observability.close = () => accessLog.close();
  }
  return observability;
}
