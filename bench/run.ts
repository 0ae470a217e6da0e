import { openHarness, progress } from './lib/harness.js';
import type { LoadPlan } from './lib/interleave.js';
import { renderComparison, renderScale } from './lib/markdown.js';
import { writeResults } from './lib/write-results.js';
import { HELP, parseBenchOptions } from './options.js';
import { runComparison } from './scenarios/comparison.js';
import { runScale } from './scenarios/scale.js';
import { selectSystems } from './systems/catalog.js';

/** `npm run bench [-- options]`: see bench/options.ts and docs/benchmarks.md. */
async function main(): Promise<number> {
  const options = parseBenchOptions(process.argv.slice(2), process.env);
  if (options.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const systems = options.scale ? [] : selectSystems(options.systems);
  const plan: LoadPlan = {
    rounds: options.rounds,
    durationSec: options.durationSec,
    warmupSec: options.warmupSec,
    settleSec: options.settleSec,
    connections: options.connections,
    timeoutSec: options.timeoutSec,
  };
  const harness = await openHarness(options, systems.some((s) => s.letter === 'f'));
  const interrupted = (): void => {
    progress('interrupted: stopping every process the bench started');
    void harness.close().finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  try {
    const report = options.scale ? await runScale(harness, plan) : await runComparison(harness, systems, plan);
    const written = writeResults(report);
    process.stdout.write(`${report.scenario === 'scale' ? renderScale(report) : renderComparison(report)}\n`);
    progress(`results: ${written.json} and ${written.latest}`);
    return 0;
  } finally {
    await harness.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`bench: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
