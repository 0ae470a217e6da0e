import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { createGatewayServer, type GatewayServer } from '../../gateway/server.js';
import { SnapshotPublisher } from '../../management/publisher.js';
import { createManagementServer, type ManagementServer } from '../../management/server.js';
import type { ManagementService } from '../../management/service.js';
import { PorticoError } from '../../model/errors.js';
import { Keyring } from '../../store/keyring.js';
import { openStore } from '../../store/open.js';
import type { Store } from '../../store/types.js';
import { managementPolicyHooks } from '../policy-engine.js';
import { openPolicyStack, type PolicyStack } from '../policy-stack.js';
import { gatewaySnapshotCheck } from '../snapshot-check.js';
import { openObservability, type Observability } from '../observability.js';
import { registerDemoEcho } from './demo-echo.js';
import { sayOnStderr } from './shutdown.js';
import { clusterObservability } from './workers/cluster-metrics.js';
import { GatewayCluster } from './workers/gateway-cluster.js';
import type { StartSettings } from './settings.js';
import { loadTlsFiles, type LoadedTls } from './tls-files.js';
import { listenFailure, StartupError } from './startup-error.js';

// Defined in its own module (tls-files.ts, loaded by gateway workers, needs it without this one).
export { StartupError };

/** The running parts of `portico start`, wired together, not yet listening. */
export interface AllInOne {
  service: ManagementService;
  listenAdmin(): Promise<AddressInfo>;
  listenGateway(): Promise<AddressInfo>;
  /** Resolves once the gateway serves a snapshot of everything committed so far. */
  publishLatest(): Promise<void>;
  /** Stops both listeners (the gateway drains for up to `drainMs`), then flushes and closes the store. */
  close(drainMs: number): Promise<void>;
  /** The gateway's TLS (--tls-cert…); undefined when it serves plain HTTP. */
  gatewayTls?: LoadedTls;
}

export async function openAllInOne(settings: StartSettings, adminToken: string, logger: Logger): Promise<AllInOne> {
  // First: a wrong TLS file is reported before anything is opened.
  const tls = settings.tls === undefined ? undefined : await loadTlsFiles(settings.tls);
  const keyring = await Keyring.load({ dataDir: settings.dataDir, env: process.env });
  const stack = await openPolicyStack(settings.policyModules, logger);
  const { counters, policies } = stack;
  const store = await openStore({ dataDir: settings.dataDir, databaseUrl: settings.databaseUrl });
  try {
    const publisher = new SnapshotPublisher({ store, keyring, logger });
    // PORTICO_METRICS, _METRICS_TOKEN, _ACCESS_LOG (docs/observability.md).
    // --workers N > 1: the gateways run in cluster workers; this process keeps the control plane
    // and the one memory counter store the workers count in (unless they share Redis).
    const workers =
      settings.workers > 1
        ? new GatewayCluster({ workers: settings.workers, counters: counters.kind === 'memory' ? counters : undefined, logger, say: sayOnStderr, tls: settings.tls })
        : undefined;
    const observability = workers ? clusterObservability(process.env, () => workers.renderMetrics()) : openObservability(process.env, counters);
    const management = createManagementServer({
      store,
      keyring,
      adminToken,
      publisher,
      logger,
      ...managementPolicyHooks(policies),
      checkSnapshot: gatewaySnapshotCheck(policies),
      metrics: observability.metricsEndpoint,
    });
    if (settings.demo) await registerDemoEcho(management.app);
    const gateway = workers ?? createGatewayServer({
      logger,
      policies: policies.compile,
      metrics: observability.metrics,
      accessLog: observability.accessLog,
      tls: tls?.options,
    });
    gateway.attach(publisher);
    return Object.assign(wire(settings, store, publisher, management, gateway, stack, observability), { gatewayTls: tls });
  } catch (error) {
    await store.close();
    await stack.close();
    throw error;
  }
}

function wire(
  settings: StartSettings,
  store: Store,
  publisher: SnapshotPublisher,
  management: ManagementServer,
  gateway: GatewayServer | GatewayCluster,
  stack: PolicyStack,
  observability: Observability,
): AllInOne {
  return {
    service: management.service,
    listenAdmin: () => listenOrExplain('admin', settings.host, settings.adminPort, () => management.listen(settings.adminPort, settings.host)),
    listenGateway: () =>
      listenOrExplain('gateway', settings.host, settings.gatewayPort, () => gateway.listen(settings.gatewayPort, settings.host)),
    async publishLatest() {
      await publisher.refresh();
      // Cluster workers apply it when they start (listenGateway), and fail the start if they cannot.
      if ('runtime' in gateway && !gateway.runtime) throw new StartupError('the gateway did not accept the configuration snapshot (see the log above)');
    },
    async close(drainMs) {
      // Both listeners stop accepting at once; the store closes last, after every write has finished.
      await Promise.allSettled([gateway.close({ drainMs }), management.close()]);
      await observability.close();
      await publisher.close();
      await store.close();
      await stack.close();
    },
  };
}

async function listenOrExplain(name: string, host: string, port: number, listen: () => Promise<AddressInfo>): Promise<AddressInfo> {
  try {
    return await listen();
  } catch (error) {
    if (error instanceof PorticoError) throw error;
    throw listenFailure(name, host, port, error);
  }
}
