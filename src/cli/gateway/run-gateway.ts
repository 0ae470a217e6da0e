import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { ConfigSnapshot } from '../../config/snapshot.js';
import { createGatewayServer, type GatewayServer } from '../../gateway/server.js';
import { EXIT_OK } from '../command.js';
import { openObservability, type Observability } from '../observability.js';
import { openPolicyStack, type PolicyStack } from '../policy-stack.js';
import { gatewaySnapshotCheck } from '../snapshot-check.js';
import { reachableUrl } from '../start/addresses.js';
import { createServerLogger } from '../start/logger.js';
import { sayOnStderr, waitForShutdownSignal } from '../start/shutdown.js';
import { listenFailure, StartupError } from '../start/startup-error.js';
import { loadTlsFiles, type LoadedTls } from '../start/tls-files.js';
import { clusterObservability } from '../start/workers/cluster-metrics.js';
import { GatewayCluster } from '../start/workers/gateway-cluster.js';
import { SnapshotBackup } from './backup.js';
import { ConfigClient } from './config-client.js';
import { ConfigPuller } from './config-puller.js';
import { PulledSnapshotSource } from './pulled-snapshot-source.js';
import type { GatewaySettings } from './settings.js';
import { loadFirstSnapshot } from './first-snapshot.js';
import { listenForMetrics, type MetricsListener } from './metrics-listener.js';

/**
 * `portico gateway`: the data plane alone. It pulls its configuration from the control
 * plane (falling back to the encrypted backup when management is away at start), serves
 * it with the same gateway server as `portico start` (in-process, or in N cluster workers
 * fed over IPC), keeps long-polling for changes, and keeps serving the last good snapshot
 * whenever management cannot be reached.
 */
export async function runGateway(settings: GatewaySettings): Promise<number> {
  const say = sayOnStderr;
  const logger = createServerLogger(process.env.PORTICO_LOG_LEVEL);
  const shutdownSignal = waitForShutdownSignal(say);
  // First: a wrong TLS file is reported before anything is opened.
  const tls = settings.tls === undefined ? undefined : await loadTlsFiles(settings.tls);
  const stack = await openPolicyStack(settings.policyModules, logger);
  const source = new PulledSnapshotSource();
  const backup = settings.backupDir === undefined ? undefined : new SnapshotBackup(settings.backupDir, settings.gatewayId, settings.token);
  const puller = new ConfigPuller({
    client: new ConfigClient(settings.managementUrl, settings.gatewayId, settings.token),
    source,
    // The very compile the gateway runs: a snapshot it would refuse is never handed on or backed up.
    check: gatewaySnapshotCheck(stack.policies),
    backup,
    managementUrl: settings.managementUrl,
    say,
    logger,
  });
  const { gateway, observability } = createGateway(settings, stack, tls, logger);
  gateway.attach(source);

  let address: AddressInfo;
  let metricsListener: MetricsListener | undefined;
  try {
    const first = await loadFirstSnapshot({ puller, backup, managementUrl: settings.managementUrl, say });
    await puller.backupWritten();
    address = await listen(gateway, settings);
    metricsListener = await listenForMetricsIfAsked(settings, observability);
    printReady(settings, address.port, tls, first);
    if (metricsListener !== undefined) printMetricsReady(settings, metricsListener.address.port);
  } catch (error) {
    await metricsListener?.close();
    await closeAll(gateway, puller, observability, stack, 0);
    throw error;
  }
  puller.start();

  const signal = await shutdownSignal;
  say(`${signal} received: stopping; in-flight gateway requests have up to ${settings.drainMs} ms to finish`);
  await metricsListener?.close();
  await closeAll(gateway, puller, observability, stack, settings.drainMs);
  say('stopped');
  return EXIT_OK;
}

/** One gateway server in this process, or (--workers N > 1) N cluster workers sharing the port. */
function createGateway(
  settings: GatewaySettings,
  stack: PolicyStack,
  tls: LoadedTls | undefined,
  logger: Logger,
): { gateway: GatewayServer | GatewayCluster; observability: Observability } {
  if (settings.workers > 1) {
    // Workers count in Redis when PORTICO_REDIS_URL is set, else in this process's memory store over IPC.
    const counters = stack.counters.kind === 'memory' ? stack.counters : undefined;
    const gateway = new GatewayCluster({ workers: settings.workers, counters, logger, say: sayOnStderr, tls: settings.tls });
    // The workers record and log; this process only sums their metrics for a scrape.
    return { gateway, observability: clusterObservability(process.env, () => gateway.renderMetrics()) };
  }
  // PORTICO_METRICS*, PORTICO_ACCESS_LOG (docs/observability.md).
  const observability = openObservability(process.env, stack.counters);
  const gateway = createGatewayServer({
    logger,
    policies: stack.policies.compile,
    metrics: observability.metrics,
    accessLog: observability.accessLog,
    tls: tls?.options,
  });
  return { gateway, observability };
}

async function listen(gateway: GatewayServer | GatewayCluster, settings: GatewaySettings): Promise<AddressInfo> {
  if ('runtime' in gateway && !gateway.runtime) throw new StartupError('the gateway did not accept the configuration snapshot (see the log above)');
  try {
    return await gateway.listen(settings.gatewayPort, settings.host);
  } catch (error) {
    if (error instanceof StartupError) throw error;
    throw listenFailure('gateway', settings.host, settings.gatewayPort, error);
  }
}

async function listenForMetricsIfAsked(settings: GatewaySettings, observability: Observability): Promise<MetricsListener | undefined> {
  const port = settings.metricsPort;
  const endpoint = observability.metricsEndpoint;
  // Settings refused --metrics-port with the metrics off, so an endpoint is there when a port is.
  if (port === undefined || endpoint === undefined) return undefined;
  try {
    return await listenForMetrics(endpoint, settings.host, port);
  } catch (error) {
    throw listenFailure('metrics', settings.host, port, error);
  }
}

async function closeAll(
  gateway: GatewayServer | GatewayCluster,
  puller: ConfigPuller,
  observability: Observability,
  stack: PolicyStack,
  drainMs: number,
): Promise<void> {
  await Promise.allSettled([gateway.close({ drainMs }), puller.stop()]);
  await observability.close();
  await stack.close();
}

/**
 * stdout carries what a user (or a test) acts on, in a stable shape:
 *   portico: gateway listening gateway=http://H:P management=URL revision=N
 */
/** `portico: metrics listening metrics=http://H:P/metrics`, after the gateway's line. */
function printMetricsReady(settings: GatewaySettings, port: number): void {
  process.stdout.write(`portico: metrics listening metrics=${reachableUrl(settings.host, port, 'http')}/metrics\n`);
}

function printReady(settings: GatewaySettings, port: number, tls: LoadedTls | undefined, first: ConfigSnapshot): void {
  const gatewayUrl = reachableUrl(settings.host, port, tls === undefined ? 'http' : 'https');
  process.stdout.write(`portico: gateway listening gateway=${gatewayUrl} management=${settings.managementUrl} revision=${first.revision}\n`);
}
