import type { SystemResult } from './results.js';

/** Issue 3: what a ten-policy document costs per request, from one run's medians. */
export interface PolicyCost {
  /** The system with the document, the same system without it, and the ceiling. */
  withDocumentId: string;
  withoutDocumentId: string;
  baselineId: string;
  /** Throughput and p99 of the document's system over the one without it. */
  throughputRatio: number;
  p99Ratio: number;
  /** Throughput of the document's system over the baseline (a). */
  throughputRatioToBaseline: number;
  /**
   * 1/rps(with) − 1/rps(without), in microseconds: the extra wall time per request at
   * saturation. The gateway is one single-threaded process that the load keeps busy, so
   * this approximates the document's CPU cost per request.
   */
  microsPerRequest: number;
}

/** Null unless the three systems were all measured. */
export function policyCost(results: readonly SystemResult[], withDocumentId: string, withoutDocumentId: string, baselineId: string): PolicyCost | null {
  const summary = (id: string) => results.find((r) => r.id === id && r.status === 'measured')?.summary ?? null;
  const withDocument = summary(withDocumentId);
  const withoutDocument = summary(withoutDocumentId);
  const baseline = summary(baselineId);
  if (withDocument === null || withoutDocument === null || baseline === null) return null;
  return {
    withDocumentId,
    withoutDocumentId,
    baselineId,
    throughputRatio: withDocument.requestsPerSec / withoutDocument.requestsPerSec,
    p99Ratio: withDocument.p99Ms / withoutDocument.p99Ms,
    throughputRatioToBaseline: withDocument.requestsPerSec / baseline.requestsPerSec,
    microsPerRequest: (1 / withDocument.requestsPerSec - 1 / withoutDocument.requestsPerSec) * 1e6,
  };
}
