import cluster, { type Worker } from 'node:cluster';
import type { AddressInfo } from 'node:net';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import type { ConfigSnapshot, SnapshotSource } from '../../../config/snapshot.js';
import { serveCounters } from '../../../counters/ipc-server.js';
import type { CounterStore } from '../../../counters/types.js';
import { PorticoError } from '../../../model/errors.js';
import type { TlsFiles } from '../settings.js';
import { workerChannel } from './channels.js';
import { isWorkerMessage, WORKER_SETTINGS_ENV, type IpcChannel, type PrimaryMessage, type WorkerMessage, type WorkerSettings } from './protocol.js';
import { WorkerMetrics } from './cluster-metrics.js';
import { RestartBackoff } from './restart-backoff.js';

export interface GatewayClusterOptions {
  /** Gateway worker processes (> 1; one gateway runs in-process instead). */
  workers: number;
  /** The store every worker's counted calls go to over IPC; omit when workers count in Redis. */
  counters?: CounterStore;
  logger?: Logger;
  /** One-line notices for the operator (worker restarts). */
  say?: (message: string) => void;
  /** First restart delay, ms; doubles per quick crash up to `maxRestartDelayMs`. Default 100. */
  restartDelayMs?: number;
  maxRestartDelayMs?: number;
  /** The gateway's TLS files (--tls-cert…); each worker reads them. */
  tls?: TlsFiles;
}

/** The gateway workers could not start (a refused snapshot, a worker that died or failed). */
export class GatewayWorkerError extends PorticoError {
  constructor(message: string) {
    super('GatewayWorkerFailed', 500, message);
  }
}

interface Slot {
  index: number;
  worker: Worker;
  listening: boolean;
  /** Highest revision this worker reported applied. */
  revision: number;
  channel: IpcChannel;
  /** Stops serving the worker's counter calls. */
  stop: () => void;
}

/** The worker script: its .ts source under tsx, its compiled .js otherwise. */
const WORKER_ENTRY = fileURLToPath(new URL(`./worker-entry${extname(fileURLToPath(import.meta.url))}`, import.meta.url));

/**
 * The primary's side of `portico start --workers N`: forks N gateway workers that share
 * the gateway port (node cluster distributes connections), hands each the snapshots the
 * source publishes, serves their counters, restarts a worker that dies (with backoff,
 * starting from the last snapshot a worker accepted and then the latest), and drains
 * them all on close. It has the gateway server's attach / listen / close shape, so the
 * all-in-one wiring treats both alike.
 */
export class GatewayCluster {
  private readonly slots = new Map<number, Slot>();
  private readonly backoff: RestartBackoff;
  private latest: ConfigSnapshot | undefined;
  /** The newest snapshot some worker applied: what a restarted worker starts from. */
  private accepted: ConfigSnapshot | undefined;
  private settings: WorkerSettings | undefined;
  /** The port the workers share (the real one when 0 was asked for). */
  private boundPort = 0;
  private started = false;
  private closing = false;
  private startup: { resolve(): void; reject(error: Error): void } | undefined;
  private readonly restartTimers = new Set<NodeJS.Timeout>();
  private readonly metrics = new WorkerMetrics();

  constructor(private readonly options: GatewayClusterOptions) {
    this.backoff = new RestartBackoff(options.restartDelayMs ?? 100, options.maxRestartDelayMs ?? 10_000);
  }

  /** The workers' Prometheus metrics, summed (what the admin port's /metrics serves). */
  renderMetrics(): Promise<string> {
    return this.metrics.render([...this.slots.values()].filter((slot) => slot.listening).map((slot) => slot.channel));
  }

  attach(source: SnapshotSource): () => void {
    return source.subscribe((snapshot) => {
      this.latest = snapshot;
      for (const slot of this.slots.values()) this.send(slot, { type: 'portico:snapshot', snapshot });
    });
  }

  /** Forks the workers; resolves once every one has applied a snapshot and listens. */
  async listen(port: number, host: string): Promise<AddressInfo> {
    if (this.latest === undefined) throw new GatewayWorkerError('there is no configuration snapshot for the gateway workers (see the log above)');
    this.settings = { host, port, ...(this.options.tls === undefined ? {} : { tls: this.options.tls }) };
    cluster.setupPrimary({ exec: WORKER_ENTRY, args: [], serialization: 'json' });
    const ready = new Promise<void>((resolve, reject) => (this.startup = { resolve, reject }));
    for (let index = 0; index < this.options.workers; index++) this.fork(index);
    try {
      await ready;
    } catch (error) {
      await this.close({ drainMs: 0 });
      throw error;
    }
    this.started = true;
    this.startup = undefined;
    return { address: host, family: host.includes(':') ? 'IPv6' : 'IPv4', port: this.boundPort };
  }

  /** Asks every worker to drain (each gateway lets in-flight requests finish for up to drainMs) and waits for them to exit. */
  async close({ drainMs }: { drainMs: number }): Promise<void> {
    this.closing = true;
    this.startup = undefined;
    for (const timer of this.restartTimers) clearTimeout(timer);
    this.restartTimers.clear();
    const exits = [...this.slots.values()].map((slot) => this.stopWorker(slot, drainMs));
    await Promise.all(exits);
  }

  private fork(index: number): void {
    const worker = cluster.fork({ [WORKER_SETTINGS_ENV]: JSON.stringify(this.settings) });
    const channel = workerChannel(worker);
    const stopCounters = this.options.counters ? serveCounters(this.options.counters, channel) : () => undefined;
    const slot: Slot = { index, worker, listening: false, revision: 0, channel, stop: stopCounters };
    this.slots.set(index, slot);
    channel.onMessage((message) => {
      if (isWorkerMessage(message)) this.onWorkerMessage(slot, message);
    });
    // Send errors are handled per send; this keeps a late one from crashing the primary.
    worker.on('error', (error) => this.options.logger?.warn({ err: { message: error.message }, worker: index }, 'gateway worker channel error'));
    worker.once('exit', (code, signal) => this.onExit(slot, code, signal));
  }

  private onWorkerMessage(slot: Slot, message: WorkerMessage): void {
    const { channel } = slot;
    switch (message.type) {
      case 'portico:ready':
        // A (re)started worker begins from what workers accepted, then sees the newest.
        if (this.accepted && this.accepted !== this.latest) channel.send({ type: 'portico:snapshot', snapshot: this.accepted });
        if (this.latest) channel.send({ type: 'portico:snapshot', snapshot: this.latest });
        break;
      case 'portico:applied':
        slot.revision = Math.max(slot.revision, message.revision);
        if (this.latest?.revision === message.revision) this.accepted = this.latest;
        break;
      case 'portico:rejected':
        this.options.logger?.error({ worker: slot.index, revision: message.revision, reason: message.message }, 'a gateway worker rejected a configuration snapshot; it keeps its previous one');
        if (!slot.listening) this.startup?.reject(new GatewayWorkerError(`the gateway did not accept the configuration snapshot: ${message.message}`));
        break;
      case 'portico:listening':
        slot.listening = true;
        this.boundPort = message.port;
        this.backoff.started(slot.index);
        if ([...this.slots.values()].every((s) => s.listening) && this.slots.size === this.options.workers) this.startup?.resolve();
        break;
      case 'portico:metrics':
        this.metrics.receive(message.requestId, message.metrics);
        break;
      case 'portico:failed':
        // A listen error keeps node's shape (errno code), so the start explains it as the in-process gateway's.
        this.startup?.reject(message.code?.startsWith('E') ? Object.assign(new Error(message.message), { code: message.code }) : new GatewayWorkerError(`gateway worker: ${message.message}`));
        // At start-up the rejection above reports it; later it is a restarted worker's failure.
        if (this.started) this.options.logger?.error({ worker: slot.index, reason: message.message }, 'a gateway worker failed to start');
        break;
    }
  }

  private onExit(slot: Slot, code: number | null, signal: string | null): void {
    slot.stop();
    if (this.slots.get(slot.index) === slot) this.slots.delete(slot.index);
    if (this.closing) return;
    const how = signal ?? `code ${code}`;
    if (!this.started) {
      this.startup?.reject(new GatewayWorkerError(`a gateway worker exited during start-up (${how})`));
      return;
    }
    const delay = this.backoff.next(slot.index);
    this.options.say?.(`gateway worker ${slot.index + 1} (pid ${slot.worker.process.pid}) exited (${how}); restarting in ${delay} ms`);
    this.options.logger?.warn({ worker: slot.index, exit: how, restartInMs: delay }, 'gateway worker exited; restarting');
    const timer = setTimeout(() => {
      this.restartTimers.delete(timer);
      if (!this.closing) this.fork(slot.index);
    }, delay);
    this.restartTimers.add(timer);
  }

  private send(slot: Slot, message: PrimaryMessage): void {
    slot.channel.send(message);
  }

  private stopWorker(slot: Slot, drainMs: number): Promise<void> {
    const { worker } = slot;
    if (worker.isDead()) return Promise.resolve();
    return new Promise((resolve) => {
      // A worker that does not finish in time (stuck, or never got the message) is killed.
      const timer = setTimeout(() => worker.process.kill('SIGKILL'), drainMs + 5_000);
      worker.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      this.send(slot, { type: 'portico:drain', drainMs });
    });
  }
}
