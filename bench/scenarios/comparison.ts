import type { Harness } from '../lib/harness.js';
import { progress } from '../lib/harness.js';
import { runInterleaved, type LoadPlan } from '../lib/interleave.js';
import type { BenchReport } from '../lib/report.js';
import { policyCost } from '../lib/policy-cost.js';
import { withRatios } from '../lib/results.js';
import { comparisonTargets } from '../lib/targets.js';
import { workersScaling } from '../lib/workers-scaling.js';
import { BASELINE_ID, NO_POLICIES_ID, TEN_POLICIES_ID, TWO_WORKERS_ID } from '../systems/catalog.js';
import type { SystemUnderTest } from '../systems/types.js';
import { Lineup } from './lineup.js';

/** The default scenario: (a)–(f) on the same route, interleaved, ratios to (a). */
export async function runComparison(harness: Harness, systems: readonly SystemUnderTest[], plan: LoadPlan): Promise<BenchReport> {
  const startedAt = new Date().toISOString();
  const lineup = new Lineup(harness, systems);
  await lineup.start();
  const contestants = lineup.contestants;
  progress(`measuring ${contestants.map((c) => c.id).join(', ')}: ${plan.rounds} rounds × ${plan.durationSec} s`);
  const outcome = await runInterleaved(contestants, harness.generator, plan, progress);
  const results = withRatios(lineup.results(outcome), BASELINE_ID);
  return {
    scenario: 'default',
    startedAt,
    finishedAt: new Date().toISOString(),
    environment: harness.environment,
    plan,
    baselineId: BASELINE_ID,
    systems: results,
    targets: comparisonTargets(results),
    policyCost: policyCost(results, TEN_POLICIES_ID, NO_POLICIES_ID, BASELINE_ID),
    workersScaling: workersScaling(results, NO_POLICIES_ID, TWO_WORKERS_ID, harness.environment.cores),
  };
}
