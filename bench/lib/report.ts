import type { BenchEnvironment } from './environment.js';
import type { LoadPlan } from './interleave.js';
import type { LoadResult } from './load/types.js';
import type { PolicyCost } from './policy-cost.js';
import type { SystemResult } from './results.js';
import type { WorkersScaling } from './workers-scaling.js';

export interface TargetCheck {
  measure: string;
  target: string;
  /** Formatted measurement, or why it is not measured yet. */
  measured: string;
  /** null when the measure cannot be taken yet (a system pending or skipped). */
  met: boolean | null;
}

export interface CompileTimings {
  bytes: number;
  apis: number;
  operations: number;
  subscriptions: number;
  parseMs: number;
  coldCompileMs: number;
  warmCompileMs: number[];
  applyMs: number[];
  rssBytes: number;
}

export interface ReloadFindings {
  /** `at`: epoch ms when the new runtime went live. */
  reloads: { revision: number; parseMs: number; applyMs: number; at: number }[];
  /** Reloads that went live while the load was running. */
  reloadsUnderLoad: number;
  load: LoadResult;
  peakRssBytes: number;
}

export interface ScaleFindings {
  shape: { apis: number; operations: number; subscriptions: number; products: number; backends: number };
  snapshotBytes: number;
  compile: CompileTimings | null;
  /** Gateway RSS serving the large snapshot under load, before any reload. */
  steadyPeakRssBytes: number | null;
  reload: ReloadFindings | null;
  notes: string[];
}

export interface BenchReport {
  scenario: 'default' | 'scale';
  startedAt: string;
  finishedAt: string;
  environment: BenchEnvironment;
  plan: LoadPlan;
  baselineId: string;
  systems: SystemResult[];
  targets: TargetCheck[];
  /** Issue 3's per-request cost of the ten-policy document; null when not measured. */
  policyCost?: PolicyCost | null;
  /** Portico (b) with 2 gateway workers over 1; null when not measured. */
  workersScaling?: WorkersScaling | null;
  scale?: ScaleFindings;
}
