import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { CounterStoreStats } from '../../counters/types.js';
import type { RequestContext } from '../context.js';
import { CounterFamily, HistogramFamily, type CounterCell, type HistogramCell } from './families.js';

/** Request and backend latency buckets, seconds: sub-millisecond gateway overhead up to long backend calls. */
export const DEFAULT_DURATION_BUCKETS: readonly number[] = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30,
];

export interface GatewayMetricsOptions {
  /** Where the metrics live; a new Registry when absent. */
  registry?: Registry;
  /**
   * `operation` (default): request series per API, operation, product and status code.
   * `api`: the operation label is left empty, for configurations with very many operations.
   */
  detail?: 'operation' | 'api';
  /** Request and backend duration buckets, seconds. */
  durationBuckets?: readonly number[];
  /** prom-client's process and Node.js runtime metrics (CPU, memory, event loop, GC). Default true. */
  defaultMetrics?: boolean;
  /** The rate-limit counter store whose degraded decisions are exported (read at scrape time). */
  counters?: { readonly kind: string; readonly stats: CounterStoreStats };
}

/** What the gateway tells the metrics about itself (read at scrape time). */
export interface GatewayGauges {
  readonly requestsInFlight: number;
}

/** One request series: the cells a finished request bumps. */
interface RequestCells {
  readonly requests: CounterCell;
  readonly duration: HistogramCell;
}

/**
 * The cells of one operation (or API, at `api` detail), resolved once and cached on the
 * compiled object, so a finished request does two map lookups by number/id and adds.
 */
class RouteSeries {
  private readonly byProduct = new Map<string, Map<number, RequestCells>>();
  private readonly noProduct = new Map<number, RequestCells>();
  private readonly backendByStatus = new Map<number, HistogramCell>();

  constructor(
    private readonly metrics: GatewayMetrics,
    readonly api: string,
    readonly operation: string,
  ) {}

  request(product: string | undefined, status: number): RequestCells {
    const byStatus = product === undefined ? this.noProduct : this.productStatuses(product);
    let cells = byStatus.get(status);
    if (cells === undefined) byStatus.set(status, (cells = this.metrics.requestCells(this, product ?? '', status)));
    return cells;
  }

  private productStatuses(product: string): Map<number, RequestCells> {
    let byStatus = this.byProduct.get(product);
    if (byStatus === undefined) this.byProduct.set(product, (byStatus = new Map<number, RequestCells>()));
    return byStatus;
  }

  backend(status: number): HistogramCell {
    let cell = this.backendByStatus.get(status);
    if (cell === undefined) this.backendByStatus.set(status, (cell = this.metrics.backendCell(this, status)));
    return cell;
  }
}

/**
 * The gateway's Prometheus metrics. Label values are ids from the snapshot (API, operation,
 * product) and status codes, never request data, so the series count is bounded by the
 * configuration. Series keep counting across snapshot reloads (they are keyed by ids).
 *
 * Per request the gateway calls `observe(ctx)` once, when the response has closed.
 */
export class GatewayMetrics {
  readonly registry: Registry;
  private readonly perOperation: boolean;
  private readonly routes = new WeakMap<object, RouteSeries>();
  /** Ids → series, so a reloaded snapshot's new compiled objects find the same cells. */
  private readonly routesById = new Map<string, RouteSeries>();
  private readonly unrouted: RouteSeries;
  private readonly requests: CounterFamily;
  private readonly durations: HistogramFamily;
  private readonly backendDurations: HistogramFamily;
  private readonly snapshotApplies: Counter;
  private readonly snapshotRejections: Counter;
  private readonly snapshotRevision: Gauge;
  private gauges: GatewayGauges | null = null;

  constructor(options: GatewayMetricsOptions = {}) {
    const registry = (this.registry = options.registry ?? new Registry());
    this.perOperation = (options.detail ?? 'operation') === 'operation';
    const buckets = options.durationBuckets ?? DEFAULT_DURATION_BUCKETS;

    this.requests = new CounterFamily(
      'portico_gateway_requests_total',
      'Requests answered by the gateway (backend answers and the gateway own refusals), by API, operation, product and status code (0: the client left before any response).',
    ).register(registry);
    this.durations = new HistogramFamily(
      'portico_gateway_request_duration_seconds',
      'Time from the request reaching the gateway to the response being closed, seconds.',
      buckets,
    ).register(registry);
    this.backendDurations = new HistogramFamily(
      'portico_gateway_backend_duration_seconds',
      'Time from sending a request to the backend to its response headers, seconds, by API, operation and the backend status code (0: no response).',
      buckets,
    ).register(registry);

    const inFlight: Gauge = new Gauge({
      name: 'portico_gateway_requests_in_flight',
      help: 'Requests the gateway is handling now.',
      registers: [registry],
      collect: (): void => inFlight.set(this.gauges?.requestsInFlight ?? 0),
    });
    this.snapshotRevision = new Gauge({
      name: 'portico_gateway_snapshot_revision',
      help: 'Revision of the configuration snapshot the gateway serves (0: none yet).',
      registers: [registry],
    });
    this.snapshotApplies = new Counter({
      name: 'portico_gateway_snapshot_applies_total',
      help: 'Configuration snapshots compiled and swapped in.',
      registers: [registry],
    });
    this.snapshotRejections = new Counter({
      name: 'portico_gateway_snapshot_rejections_total',
      help: 'Configuration snapshots that did not compile; the previous one kept serving.',
      registers: [registry],
    });
    if (options.counters !== undefined) registerCounterStoreMetrics(registry, options.counters);
    if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry });

    this.unrouted = new RouteSeries(this, '', '');
  }

  /** The gateway registers what the in-flight gauge reads. */
  watch(gauges: GatewayGauges): void {
    this.gauges = gauges;
  }

  snapshotApplied(revision: number): void {
    this.snapshotApplies.inc();
    this.snapshotRevision.set(revision);
  }

  snapshotRejected(): void {
    this.snapshotRejections.inc();
  }

  /** Hot path: records one finished request (called from the response's close). */
  observe(ctx: RequestContext): void {
    const res = ctx.res;
    const status = res.headersSent ? res.statusCode : 0;
    const endedAt = ctx.endedAt === 0 ? performance.now() : ctx.endedAt;
    const seconds = (endedAt - ctx.startedAt) / 1000;
    const route = this.route(ctx);
    const cells = route.request(ctx.product?.id, status);
    cells.requests.value++;
    cells.duration.observe(seconds);
    const upstream = ctx.upstream;
    if (upstream !== null) {
      const backendMs = (upstream.respondedAt === 0 ? endedAt : upstream.respondedAt) - upstream.startedAt;
      route.backend(upstream.statusCode).observe(backendMs / 1000);
    }
  }

  private route(ctx: RequestContext): RouteSeries {
    const owner = this.perOperation ? ctx.operation : ctx.api;
    if (owner === null) return this.unrouted;
    let route = this.routes.get(owner);
    if (route === undefined) {
      const api = ctx.api?.id ?? '';
      const operation = this.perOperation ? (ctx.operation?.id ?? '') : '';
      const id = `${api}\u0000${operation}`;
      route = this.routesById.get(id);
      if (route === undefined) this.routesById.set(id, (route = new RouteSeries(this, api, operation)));
      this.routes.set(owner, route);
    }
    return route;
  }

  /** @internal RouteSeries resolves its cells here, once per label combination. */
  requestCells(route: RouteSeries, product: string, status: number): RequestCells {
    const key = `${route.api}\u0000${route.operation}\u0000${product}\u0000${status}`;
    const labels = { api: route.api, operation: route.operation, product, code: String(status) };
    return { requests: this.requests.cell(key, labels), duration: this.durations.cell(key, labels) };
  }

  /** @internal */
  backendCell(route: RouteSeries, status: number): HistogramCell {
    const key = `${route.api}\u0000${route.operation}\u0000${status}`;
    return this.backendDurations.cell(key, { api: route.api, operation: route.operation, code: String(status) });
  }
}

/** Degraded counter-store decisions, read from the store's stats when scraped. */
function registerCounterStoreMetrics(registry: Registry, counters: NonNullable<GatewayMetricsOptions['counters']>): void {
  new Counter({
    name: 'portico_counter_store_degraded_decisions_total',
    help: 'Rate-limit and quota decisions taken by the fail mode because the counter store could not answer in time (outcome: allowed | refused).',
    labelNames: ['store', 'outcome'],
    registers: [registry],
    collect() {
      const stats = counters.stats;
      this.reset();
      this.inc({ store: counters.kind, outcome: 'allowed' }, stats.failOpen);
      this.inc({ store: counters.kind, outcome: 'refused' }, stats.failClosed);
    },
  });
  new Counter({
    name: 'portico_counter_store_dropped_increments_total',
    help: 'Counter increments that could not be written because the counter store was away.',
    labelNames: ['store'],
    registers: [registry],
    collect() {
      this.reset();
      this.inc({ store: counters.kind }, counters.stats.droppedIncrements);
    },
  });
  new Counter({
    name: 'portico_counter_store_errors_total',
    help: 'Failed or timed-out commands and connection errors of the shared counter store (always 0 in memory).',
    labelNames: ['store'],
    registers: [registry],
    collect() {
      this.reset();
      this.inc({ store: counters.kind }, counters.stats.errors);
    },
  });
}

/** The one place a gateway process creates its metrics (the all-in-one, `portico gateway`, cluster workers). */
export function createGatewayMetrics(options: GatewayMetricsOptions = {}): GatewayMetrics {
  return new GatewayMetrics(options);
}
