import { readFileSync } from 'node:fs';
import { GatewayCluster } from '../../src/cli/start/workers/gateway-cluster.js';
import type { ConfigSnapshot, SnapshotSource } from '../../src/config/snapshot.js';
import { MemoryCounterStore } from '../../src/counters/memory.js';
import type { PorticoFeatures } from '../systems/portico-features.js';
import { exitOnSignal } from '../bin/args.js';

export interface PorticoWorkersLaunch {
  workers: number;
  port: number;
  snapshotFile: string;
  features: PorticoFeatures;
}

/** The bench's snapshot file as a source; `publish` is the SIGHUP reload. */
class FileSnapshotSource implements SnapshotSource {
  private latest: ConfigSnapshot;
  private readonly listeners = new Set<(snapshot: ConfigSnapshot) => void>();

  constructor(private readonly file: string) {
    this.latest = this.read();
  }

  read(): ConfigSnapshot {
    return JSON.parse(readFileSync(this.file, 'utf8')) as ConfigSnapshot;
  }

  get revision(): number {
    return this.latest.revision;
  }

  publish(snapshot: ConfigSnapshot): void {
    this.latest = snapshot;
    for (const listener of this.listeners) listener(snapshot);
  }

  subscribe(listener: (snapshot: ConfigSnapshot) => void): () => void {
    this.listeners.add(listener);
    listener(this.latest);
    return () => this.listeners.delete(listener);
  }
}

/**
 * `--workers N` of bench/bin/portico.ts: the product's gateway cluster (what
 * `portico start --workers N` runs) on the bench's static snapshot. The workers read
 * their features from the environment as the product's do, so it is set to match the
 * system's features (metrics, access log, Redis) before they are forked.
 */
export async function servePorticoWorkers(launch: PorticoWorkersLaunch): Promise<void> {
  const { features } = launch;
  process.env.PORTICO_METRICS = features.metrics ? 'on' : 'off';
  process.env.PORTICO_ACCESS_LOG = features.accessLogFile ?? 'off';
  process.env.PORTICO_LOG_LEVEL ??= 'warn';
  if (features.redisUrl !== undefined) process.env.PORTICO_REDIS_URL = features.redisUrl;
  else delete process.env.PORTICO_REDIS_URL;

  const counters = features.redisUrl === undefined ? new MemoryCounterStore() : undefined;
  const source = new FileSnapshotSource(launch.snapshotFile);
  const cluster = new GatewayCluster({ workers: launch.workers, counters, say: (line) => process.stderr.write(`${line}\n`) });
  cluster.attach(source);
  await cluster.listen(launch.port, '127.0.0.1');

  process.on('SIGHUP', () => {
    const started = performance.now();
    const snapshot = source.read();
    const parsed = performance.now();
    snapshot.revision = source.revision + 1;
    source.publish(snapshot);
    // Sent, not yet applied: each worker compiles it on its own core.
    const sent = performance.now();
    const event = { event: 'reload', revision: snapshot.revision, parseMs: parsed - started, applyMs: sent - parsed, at: Date.now() };
    process.stdout.write(`BENCH_EVENT ${JSON.stringify(event)}\n`);
  });
  exitOnSignal(async () => {
    await cluster.close({ drainMs: 1_000 });
    await counters?.close();
  });
}
