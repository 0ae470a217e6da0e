import type { SystemResult } from './results.js';

/** Issue 5's multi-core figure: Portico (b) with 2 gateway workers against the same with 1. */
export interface WorkersScaling {
  oneWorkerId: string;
  twoWorkersId: string;
  /** rps(2 workers) / rps(1 worker); 2.0 would be perfect scaling. */
  throughputRatio: number;
  p99Ratio: number;
  /** Cores of the machine; the load generator and the upstream share them. */
  cores: number;
}

/** Null unless both systems were measured. */
export function workersScaling(results: readonly SystemResult[], oneWorkerId: string, twoWorkersId: string, cores: number): WorkersScaling | null {
  const summary = (id: string) => results.find((r) => r.id === id && r.status === 'measured')?.summary ?? null;
  const one = summary(oneWorkerId);
  const two = summary(twoWorkersId);
  if (one === null || two === null) return null;
  return { oneWorkerId, twoWorkersId, throughputRatio: two.requestsPerSec / one.requestsPerSec, p99Ratio: two.p99Ms / one.p99Ms, cores };
}

export function workersScalingSection(scaling: WorkersScaling | null | undefined): string {
  const lines = ['## Gateway workers, 1 → 2 (issue 5, `--workers`)', ''];
  if (scaling === null || scaling === undefined) {
    lines.push('Not measured: it needs (b) and its 2-worker variant in the same run (`--systems b` includes both).');
    return lines.join('\n');
  }
  lines.push(
    '| measure | value |',
    '|---|---:|',
    `| (b, 2 workers) throughput / (b, 1 worker) | ${scaling.throughputRatio.toFixed(2)} |`,
    `| (b, 2 workers) p99 / (b, 1 worker) p99 | ${scaling.p99Ratio.toFixed(2)} |`,
    '',
    `On ${scaling.cores} cores shared with the load generator and the upstream, a second worker mostly ` +
      'takes CPU those need: this figure is a floor, not what a dedicated multi-core host shows.',
  );
  return lines.join('\n');
}
