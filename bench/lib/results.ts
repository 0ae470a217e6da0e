import type { LoadResult } from './load/types.js';

export type SystemStatus = 'measured' | 'pending' | 'skipped' | 'failed';

export interface RunSummary {
  /** Medians over the rounds. */
  requestsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  /** Totals over the rounds. */
  requests: number;
  failedResponses: number;
  socketErrors: number;
}

export interface SystemResult {
  id: string;
  letter: string;
  label: string;
  status: SystemStatus;
  /** Why pending/skipped/failed. */
  note?: string;
  runs: LoadResult[];
  summary: RunSummary | null;
  peakRssBytes: number | null;
  /** Against the baseline (a): throughput ratio and p99 ratio. */
  ratio: { requestsPerSec: number; p99: number } | null;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((x, y) => x - y);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function summarize(runs: readonly LoadResult[]): RunSummary | null {
  if (runs.length === 0) return null;
  return {
    requestsPerSec: median(runs.map((r) => r.requestsPerSec)),
    p50Ms: median(runs.map((r) => r.p50Ms)),
    p99Ms: median(runs.map((r) => r.p99Ms)),
    requests: runs.reduce((sum, r) => sum + r.requests, 0),
    failedResponses: runs.reduce((sum, r) => sum + r.failedResponses, 0),
    socketErrors: runs.reduce((sum, r) => sum + r.socketErrors, 0),
  };
}

/** Fills in every measured system's ratios to the baseline (when the baseline was measured). */
export function withRatios(results: SystemResult[], baselineId: string): SystemResult[] {
  const base = results.find((r) => r.id === baselineId)?.summary ?? null;
  return results.map((r) => ({
    ...r,
    ratio:
      base === null || r.summary === null
        ? null
        : { requestsPerSec: r.summary.requestsPerSec / base.requestsPerSec, p99: r.summary.p99Ms / base.p99Ms },
  }));
}

/** A measured throughput by system id, or null. */
export function throughputOf(results: readonly SystemResult[], id: string): number | null {
  return results.find((r) => r.id === id)?.summary?.requestsPerSec ?? null;
}
