import { AggregatorRegistry, Registry } from 'prom-client';
import { observabilityFromEnv } from '../../../gateway/observability/env.js';
import type { Observability } from '../../observability.js';
import type { IpcChannel } from './protocol.js';

/** A scrape waits this long for the workers; one that has not answered by then is left out. */
const SCRAPE_TIMEOUT_MS = 3_000;

interface Scrape {
  replies: object[][];
  waiting: number;
  done(): void;
}

/**
 * The primary's /metrics with gateway workers: each worker keeps its own prom-client
 * registry; a scrape asks every serving worker for its metrics as JSON and sums them with
 * prom-client's AggregatorRegistry.aggregate (per-metric aggregators: counters and
 * histograms add up, process gauges per their own rule). Our own messages rather than
 * `clusterMetrics()`, whose late answers would throw in the primary.
 */
export class WorkerMetrics {
  private readonly scrapes = new Map<number, Scrape>();
  private nextId = 1;

  /** Collects from these workers' channels and renders the sum. */
  async render(channels: readonly IpcChannel[]): Promise<string> {
    const requestId = this.nextId++;
    const replies = await new Promise<object[][]>((resolve) => {
      const scrape: Scrape = { replies: [], waiting: channels.length, done: () => finish() };
      const timer = setTimeout(() => finish(), SCRAPE_TIMEOUT_MS);
      const finish = (): void => {
        clearTimeout(timer);
        this.scrapes.delete(requestId);
        resolve(scrape.replies);
      };
      this.scrapes.set(requestId, scrape);
      if (channels.length === 0) finish();
      for (const channel of channels) channel.send({ type: 'portico:metrics-request', requestId });
    });
    return AggregatorRegistry.aggregate(replies).metrics();
  }

  /** A worker's answer; late or unknown ones are dropped. */
  receive(requestId: number, metrics: object[]): void {
    const scrape = this.scrapes.get(requestId);
    if (scrape === undefined) return;
    scrape.replies.push(metrics);
    if (--scrape.waiting === 0) scrape.done();
  }
}

/** The primary's observability: only the aggregated /metrics; the workers log and count. */
export function clusterObservability(env: NodeJS.ProcessEnv, render: () => Promise<string>): Observability {
  const settings = observabilityFromEnv(env);
  const observability: Observability = { close: async () => undefined };
  if (settings.metrics) {
    observability.metricsEndpoint = { render, contentType: Registry.PROMETHEUS_CONTENT_TYPE, token: settings.metricsToken, public: settings.metricsPublic };
  }
  return observability;
}
