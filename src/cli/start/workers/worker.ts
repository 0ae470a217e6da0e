import cluster from 'node:cluster';
import type { Registry } from 'prom-client';
import type { Logger } from 'pino';
import { IpcCounterStore } from '../../../counters/ipc-client.js';
import { openCounterStore } from '../../../counters/open.js';
import type { CounterStore } from '../../../counters/types.js';
import { createGatewayServer, type GatewayServer } from '../../../gateway/server.js';
import { cacheOptionsFromEnv, openCaches } from '../../../counters/cache-open.js';
import { counterStoreOptionsFromEnv } from '../../../counters/env.js';
import { openObservability } from '../../observability.js';
import { openPolicyEngine, policyModulesFrom } from '../../policy-engine.js';
import { loadTlsFiles } from '../tls-files.js';
import { createServerLogger } from '../logger.js';
import { primaryChannel } from './channels.js';
import { IpcSnapshotSource } from './ipc-snapshot-source.js';
import { isPrimaryMessage, parseWorkerSettings, WORKER_SETTINGS_ENV, type IpcChannel, type WorkerMessage, type WorkerSettings } from './protocol.js';

/** If the primary vanished without a word, in-flight requests get this long. */
const ORPHAN_DRAIN_MS = 1_000;

/**
 * One gateway worker of `portico start --workers N`: a gateway server fed by the primary's
 * snapshots over IPC, counting in Redis when PORTICO_REDIS_URL is set and otherwise in the
 * primary's memory store. It listens only once its first snapshot is applied, so the
 * primary can announce "listening" when every worker has reported in.
 */
export async function runGatewayWorker(): Promise<void> {
  const channel = primaryChannel();
  const report = (message: WorkerMessage): void => channel.send(message);
  const id = cluster.worker?.id ?? 0;
  const logger = createServerLogger(process.env.PORTICO_LOG_LEVEL).child({ worker: id });
  let parts: WorkerParts | undefined;
  try {
    const settings = parseWorkerSettings(process.env[WORKER_SETTINGS_ENV]);
    parts = await openWorkerParts(channel, settings, logger, report);
    const { gateway } = parts;
    const drain = drainOnce(parts);
    channel.onMessage((message) => {
      if (!isPrimaryMessage(message)) return;
      if (message.type === 'portico:drain') void drain(message.drainMs);
      else if (message.type === 'portico:metrics-request') void sendMetrics(channel, message.requestId, parts?.registry);
    });
    // The primary is gone (killed): nobody will restart or drain us, so stop quickly.
    process.on('disconnect', () => void drain(ORPHAN_DRAIN_MS));
    // Ctrl-C reaches the whole process group: the primary orchestrates the stop.
    process.on('SIGINT', () => undefined);
    // A SIGTERM aimed at this worker alone: stop gracefully (the primary restarts it unless it is stopping too).
    process.on('SIGTERM', () => void drain(10_000));
    report({ type: 'portico:ready' });
    await parts.firstApplied;
    const address = await gateway.listen(settings.port, settings.host);
    report({ type: 'portico:listening', port: address.port });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    report({ type: 'portico:failed', message: error instanceof Error ? error.message : String(error), ...(code === undefined ? {} : { code }) });
    await parts?.close(0);
    // Let the report leave before the channel closes.
    setImmediate(() => process.exit(1));
  }
}

interface WorkerParts {
  gateway: GatewayServer;
  /** The Prometheus registry, when metrics are on. */
  registry?: Registry;
  firstApplied: Promise<void>;
  close(drainMs: number): Promise<void>;
}

async function openWorkerParts(
  channel: IpcChannel,
  settings: WorkerSettings,
  logger: Logger,
  report: (message: WorkerMessage) => void,
): Promise<WorkerParts> {
  const opened: { close(): Promise<void> }[] = [];
  const closeAll = async (): Promise<void> => {
    for (const part of opened.reverse()) await part.close();
  };
  try {
    // The same parts, from the same environment, as the all-in-one's in-process gateway.
    const tls = settings.tls === undefined ? undefined : await loadTlsFiles(settings.tls);
    const counters = await openWorkerCounters(channel, logger);
    opened.push(counters);
    const caches = await openCaches({
      ...cacheOptionsFromEnv(process.env),
      onError: (error) => logger.warn({ err: { message: error.message } }, 'cache store error'),
    });
    opened.push(caches);
    const policies = await openPolicyEngine(policyModulesFrom(process.env), counters, caches);
    opened.push(policies);
    const observability = openObservability(process.env, counters);
    opened.push(observability);

    let applied: () => void = () => undefined;
    const firstApplied = new Promise<void>((resolve) => (applied = resolve));
    const gateway = createGatewayServer({
      logger,
      policies: policies.compile,
      metrics: observability.metrics,
      accessLog: observability.accessLog,
      tls: tls?.options,
      onSnapshotApplied(runtime) {
        applied();
        report({ type: 'portico:applied', revision: runtime.revision });
      },
      onSnapshotRejected(error, snapshot) {
        report({ type: 'portico:rejected', revision: snapshot.revision, message: error instanceof Error ? error.message : String(error) });
      },
    });
    const source = new IpcSnapshotSource(channel);
    gateway.attach(source);
    return {
      gateway,
      registry: observability.metrics?.registry,
      firstApplied,
      async close(drainMs) {
        await gateway.close({ drainMs });
        source.close();
        await closeAll();
      },
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

function openWorkerCounters(channel: IpcChannel, logger: Logger): Promise<CounterStore> {
  const options = counterStoreOptionsFromEnv(process.env);
  if (options.redisUrl === undefined) {
    const store = new IpcCounterStore(channel, { failMode: options.failMode });
    process.once('disconnect', () => store.channelLost());
    return Promise.resolve(store);
  }
  return openCounterStore({
    ...options,
    // The URL may hold a password, so only the error's message is logged.
    onError: (error) => logger.warn({ err: { message: error.message } }, 'rate-limit counter store error'),
  });
}

/** Answers the primary's scrape: this worker's metrics as JSON, for prom-client's aggregation. */
async function sendMetrics(channel: IpcChannel, requestId: number, registry: Registry | undefined): Promise<void> {
  const metrics = registry === undefined ? [] : await registry.getMetricsAsJSON();
  channel.send({ type: 'portico:metrics', requestId, metrics });
}

/** The stop, whichever asks first (the primary, a signal, the primary's disappearance); later asks wait for it. */
function drainOnce(parts: WorkerParts): (drainMs: number) => Promise<void> {
  let stopping: Promise<void> | undefined;
  return (drainMs) =>
    (stopping ??= parts.close(drainMs).then(
      () => process.exit(0),
      () => process.exit(1),
    ));
}
