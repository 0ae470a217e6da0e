import type { Metric, Registry } from 'prom-client';

/**
 * Per-request metric families the hot path records into without prom-client's per-call
 * work. prom-client's label children still build a label object, validate it and hash it
 * on every `inc`/`observe`; here a request bumps plain numbers in a cell it already holds
 * (see RequestMetrics), and the registry reads the cells only when scraped.
 *
 * A family is registered as a prom-client metric (it exposes the same `get()` shape as
 * prom-client's own Counter and Histogram), so `registry.metrics()`, OpenMetrics output and
 * the cluster AggregatorRegistry treat it like any other metric.
 */

export type LabelSet = Readonly<Record<string, string>>;

interface ExportedValue {
  value: number;
  labels: Record<string, string | number>;
  metricName?: string;
}

interface ExportedMetric {
  name: string;
  help: string;
  type: 'counter' | 'histogram';
  aggregator: 'sum';
  values: ExportedValue[];
}

export class CounterCell {
  value = 0;
  constructor(readonly labels: LabelSet) {}
}

export class HistogramCell {
  /** Observations per bucket (not cumulative); the last slot is +Inf. */
  readonly counts: Float64Array;
  sum = 0;
  count = 0;

  constructor(
    readonly labels: LabelSet,
    private readonly bounds: Float64Array,
  ) {
    this.counts = new Float64Array(bounds.length + 1);
  }

  observe(value: number): void {
    const bounds = this.bounds;
    let i = 0;
    while (i < bounds.length && value > bounds[i]) i++;
    this.counts[i]++;
    this.sum += value;
    this.count++;
  }
}

abstract class Family<Cell extends { readonly labels: LabelSet }> {
  private readonly cells = new Map<string, Cell>();
  readonly aggregator = 'sum';

  constructor(
    readonly name: string,
    readonly help: string,
  ) {}

  /** The cell of one label combination; `key` must identify `labels` uniquely. Not for the hot path. */
  cell(key: string, labels: LabelSet): Cell {
    let cell = this.cells.get(key);
    if (cell === undefined) this.cells.set(key, (cell = this.create(labels)));
    return cell;
  }

  register(registry: Registry): this {
    // The registry only calls name/help/type/get/reset; a family provides them.
    registry.registerMetric(this as unknown as Metric);
    return this;
  }

  async get(): Promise<ExportedMetric> {
    const values: ExportedValue[] = [];
    for (const cell of this.cells.values()) this.export(cell, values);
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }

  /** Counters are monotonic for Prometheus; reset only forgets (registry.resetMetrics). */
  reset(): void {
    this.cells.clear();
  }

  abstract readonly type: 'counter' | 'histogram';
  protected abstract create(labels: LabelSet): Cell;
  protected abstract export(cell: Cell, into: ExportedValue[]): void;
}

export class CounterFamily extends Family<CounterCell> {
  readonly type = 'counter';

  protected create(labels: LabelSet): CounterCell {
    return new CounterCell(labels);
  }

  protected export(cell: CounterCell, into: ExportedValue[]): void {
    into.push({ value: cell.value, labels: { ...cell.labels } });
  }
}

export class HistogramFamily extends Family<HistogramCell> {
  readonly type = 'histogram';
  private readonly bounds: Float64Array;

  constructor(name: string, help: string, buckets: readonly number[]) {
    super(name, help);
    const sorted = [...new Set(buckets)].filter((b) => Number.isFinite(b)).sort((a, b) => a - b);
    if (sorted.length === 0) throw new Error(`histogram ${name} needs at least one finite bucket`);
    this.bounds = Float64Array.from(sorted);
  }

  protected create(labels: LabelSet): HistogramCell {
    return new HistogramCell(labels, this.bounds);
  }

  protected export(cell: HistogramCell, into: ExportedValue[]): void {
    const bucketName = `${this.name}_bucket`;
    let cumulative = 0;
    for (let i = 0; i < this.bounds.length; i++) {
      cumulative += cell.counts[i];
      into.push({ value: cumulative, labels: { ...cell.labels, le: this.bounds[i] }, metricName: bucketName });
    }
    into.push({ value: cell.count, labels: { ...cell.labels, le: '+Inf' }, metricName: bucketName });
    into.push({ value: cell.sum, labels: { ...cell.labels }, metricName: `${this.name}_sum` });
    into.push({ value: cell.count, labels: { ...cell.labels }, metricName: `${this.name}_count` });
  }
}
