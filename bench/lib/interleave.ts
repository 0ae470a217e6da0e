import { setTimeout as sleep } from 'node:timers/promises';
import type { LoadGenerator, LoadResult } from './load/types.js';

export interface LoadPlan {
  rounds: number;
  durationSec: number;
  warmupSec: number;
  /**
   * One unmeasured run per contestant before the first round. Every system is a fresh
   * process: V8 keeps optimising its hot paths for seconds (a system with a policy
   * pipeline has more to compile), and a first round measured during that would charge
   * the compiler's CPU to the system with the most code. Absent in older results: 0.
   */
  settleSec?: number;
  connections: number;
  timeoutSec: number;
}

export interface Contestant {
  id: string;
  url: string;
  headers: Record<string, string>;
}

export interface InterleavedOutcome {
  runs: Map<string, LoadResult[]>;
  /** A contestant whose load run failed is dropped from later rounds. */
  failures: Map<string, string>;
}

// Lets closed connections and timers settle, so one run's tail does not bleed into the next.
const PAUSE_BETWEEN_RUNS_MS = 500;

/**
 * Runs every contestant once per round, in the same order, round after round
 * (A B C A B C …): slow drift of the machine (thermal, noisy neighbours) then spreads
 * over all contestants instead of favouring the one measured first.
 */
export async function runInterleaved(
  contestants: readonly Contestant[],
  generator: LoadGenerator,
  plan: LoadPlan,
  progress: (message: string) => void,
): Promise<InterleavedOutcome> {
  const runs = new Map<string, LoadResult[]>(contestants.map((c) => [c.id, []]));
  const failures = new Map<string, string>();
  const settleSec = plan.settleSec ?? 0;
  if (settleSec > 0) {
    for (const contestant of contestants) {
      const spec = { url: contestant.url, headers: contestant.headers, connections: plan.connections, timeoutSec: plan.timeoutSec };
      try {
        await generator.run({ ...spec, durationSec: settleSec });
        progress(`settled ${contestant.id} (${settleSec} s unmeasured)`);
      } catch (err) {
        failures.set(contestant.id, (err as Error).message);
        progress(`settling ${contestant.id}: load run failed: ${(err as Error).message}`);
      }
      await sleep(PAUSE_BETWEEN_RUNS_MS);
    }
  }
  for (let round = 1; round <= plan.rounds; round++) {
    for (const contestant of contestants) {
      if (failures.has(contestant.id)) continue;
      const spec = { url: contestant.url, headers: contestant.headers, connections: plan.connections, timeoutSec: plan.timeoutSec };
      try {
        if (plan.warmupSec > 0) await generator.run({ ...spec, durationSec: plan.warmupSec });
        const result = await generator.run({ ...spec, durationSec: plan.durationSec });
        runs.get(contestant.id)!.push(result);
        progress(
          `round ${round}/${plan.rounds} ${contestant.id}: ${Math.round(result.requestsPerSec)} req/s, ` +
            `p50 ${result.p50Ms.toFixed(2)} ms, p99 ${result.p99Ms.toFixed(2)} ms` +
            (result.failedResponses + result.socketErrors > 0
              ? `, ${result.failedResponses} failed responses, ${result.socketErrors} socket errors`
              : ''),
        );
      } catch (err) {
        failures.set(contestant.id, (err as Error).message);
        progress(`round ${round}/${plan.rounds} ${contestant.id}: load run failed: ${(err as Error).message}`);
      }
      await sleep(PAUSE_BETWEEN_RUNS_MS);
    }
  }
  return { runs, failures };
}
