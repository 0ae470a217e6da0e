import { readFileSync, statSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ConfigSnapshot } from '../../src/config/snapshot.js';
import { runCommand } from '../lib/exec.js';
import { progress, type Harness } from '../lib/harness.js';
import { runInterleaved, type LoadPlan } from '../lib/interleave.js';
import { benchBin, REPO_ROOT } from '../lib/paths.js';
import type { BenchReport, CompileTimings, ReloadFindings, ScaleFindings } from '../lib/report.js';
import { withRatios } from '../lib/results.js';
import type { RunningService } from '../lib/service.js';
import { scaleTargets } from '../lib/targets.js';
import { SCALE_SHAPE, SCALE_TARGET, scaleSnapshot, singleApiOfScale, subscriptionKey } from '../snapshots/scale.js';
import { porticoPending, startPortico, writeSnapshot } from '../systems/portico.js';
import { BENCH_KEY_HEADER } from '../systems/route.js';
import type { HarnessContext, SystemUnderTest } from '../systems/types.js';
import { Lineup } from './lineup.js';

const NO_FEATURES = { policies: false, metrics: false };
const request = { path: SCALE_TARGET.path, headers: { [BENCH_KEY_HEADER]: subscriptionKey(SCALE_TARGET.subscriptionIndex) } };

function porticoOn(id: string, label: string, snapshotFile: string, snapshot: ConfigSnapshot): SystemUnderTest {
  return {
    id,
    letter: 'b',
    label,
    request,
    pending: (ctx) => porticoPending(ctx, NO_FEATURES, snapshot),
    unavailable: async () => null,
    start: (ctx, port) => startPortico(ctx, port, { name: id, snapshotFile, features: NO_FEATURES }),
  };
}

/** The BENCH_EVENT JSON lines a bench script printed (to stdout or into its log). */
function benchEvents<T>(text: string, event: string): T[] {
  return [...text.matchAll(/^BENCH_EVENT (.+)$/gm)]
    .map((m) => JSON.parse(m[1]) as { event: string })
    .filter((e) => e.event === event) as T[];
}

async function measureCompile(snapshotFile: string): Promise<CompileTimings | null> {
  const output = await runCommand(process.execPath, [benchBin('compile-time'), '--snapshot', snapshotFile], { cwd: REPO_ROOT });
  const [timings] = benchEvents<CompileTimings>(output.stdout, 'compile-time');
  if (timings === undefined) progress(`compile timing failed: ${output.stderr.slice(0, 500)}`);
  return timings ?? null;
}

async function waitForEvents(file: string, event: string, count: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (benchEvents(readFileSync(file, 'utf8'), event).length >= count) return true;
    await sleep(100);
  }
  return false;
}

/**
 * Keeps the load on while the gateway reloads the large snapshot (SIGHUP: re-read,
 * compile, swap), one reload after the other for most of the run. Every request must
 * succeed: the old runtime serves until the swap, and requests in flight finish on the
 * runtime they started on. Reloads are sequential (a signal sent while the previous
 * reload still compiles would be merged into it by the kernel).
 */
async function reloadUnderLoad(harness: Harness, gateway: RunningService, url: string, plan: LoadPlan): Promise<ReloadFindings> {
  const durationMs = plan.durationSec * 1000;
  const before = benchEvents(readFileSync(gateway.logFile, 'utf8'), 'reload').length;
  gateway.rss.resetSampled();
  const load = harness.generator.run({ url, headers: request.headers, connections: plan.connections, durationSec: plan.durationSec, timeoutSec: plan.timeoutSec });
  const started = Date.now();
  let sent = 0;
  await sleep(durationMs * 0.2);
  // Reload while at least a fifth of the run is left, so every reload happens under load.
  while (sent === 0 || Date.now() - started < durationMs * 0.6) {
    gateway.signal('SIGHUP');
    sent++;
    const done = await waitForEvents(gateway.logFile, 'reload', before + sent, durationMs + 60_000);
    if (!done) break;
    await sleep(durationMs * 0.1);
  }
  const result = await load;
  const ended = Date.now();
  const reloads = benchEvents<ReloadFindings['reloads'][number]>(readFileSync(gateway.logFile, 'utf8'), 'reload').slice(before);
  const reloadsUnderLoad = reloads.filter((r) => r.at >= started && r.at <= ended).length;
  return { reloads, reloadsUnderLoad, load: result, peakRssBytes: gateway.rss.sampledPeak };
}

/**
 * The scale scenario: the gateway with 1,000 APIs / 10,000 operations / 100,000
 * subscriptions against the same API alone, interleaved; the large snapshot's compile
 * time in a fresh process; the gateway's RSS; and reloads of it under load.
 */
export async function runScale(harness: Harness, plan: LoadPlan): Promise<BenchReport> {
  const startedAt = new Date().toISOString();
  const ctx: HarnessContext = harness.ctx;
  const notes: string[] = ['Portico runs without policies here: this scenario measures routing, the key lookup, compile and reload at size.'];

  progress('building the large snapshot…');
  const large = scaleSnapshot(ctx.upstreamUrl);
  const single = singleApiOfScale(ctx.upstreamUrl);
  const largeFile = writeSnapshot(ctx, 'portico-scale', large);
  const singleFile = writeSnapshot(ctx, 'portico-1api', single);
  const shape = { ...SCALE_SHAPE, operations: SCALE_SHAPE.apis * SCALE_SHAPE.operationsPerApi };

  progress('timing the compile of the large snapshot…');
  const compile = await measureCompile(largeFile);

  const one = porticoOn('portico-1api', 'Portico, the target API alone', singleFile, single);
  const many = porticoOn(
    'portico-scale',
    `Portico, ${SCALE_SHAPE.apis} APIs / ${shape.operations} operations / ${SCALE_SHAPE.subscriptions} subscriptions`,
    largeFile,
    large,
  );
  const lineup = new Lineup(harness, [one, many]);
  await lineup.start();
  const gateway = lineup.service(many.id);
  gateway?.rss.resetSampled();
  const outcome = await runInterleaved(lineup.contestants, harness.generator, plan, progress);
  const steadyPeakRssBytes = gateway?.rss.sampledPeak ?? null;

  let reload: ReloadFindings | null = null;
  const largeContestant = lineup.contestants.find((c) => c.id === many.id);
  if (gateway !== undefined && largeContestant !== undefined) {
    progress(`reloading the large snapshot during a ${plan.durationSec} s run…`);
    reload = await reloadUnderLoad(harness, gateway, largeContestant.url, plan);
  } else {
    notes.push('The large-snapshot gateway did not run, so neither its RSS nor the reload were measured.');
  }

  const results = withRatios(lineup.results(outcome), one.id);
  const scale: ScaleFindings = {
    shape,
    snapshotBytes: statSync(largeFile).size,
    compile,
    steadyPeakRssBytes,
    reload,
    notes,
  };
  return {
    scenario: 'scale',
    startedAt,
    finishedAt: new Date().toISOString(),
    environment: harness.environment,
    plan,
    baselineId: one.id,
    systems: results,
    targets: scaleTargets(results, scale),
    scale,
  };
}
