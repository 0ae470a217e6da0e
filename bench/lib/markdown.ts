import type { PolicyCost } from './policy-cost.js';
import type { BenchReport, TargetCheck } from './report.js';
import type { SystemResult } from './results.js';
import { workersScalingSection } from './workers-scaling.js';

const MB = 1024 * 1024;

const integer = (n: number): string => Math.round(n).toLocaleString('en-US');
const ms = (n: number): string => n.toFixed(2);

function statusCell(result: SystemResult): string {
  if (result.status === 'measured') {
    const errors = (result.summary?.failedResponses ?? 0) + (result.summary?.socketErrors ?? 0);
    return errors > 0 ? `measured, ${errors} failed` : 'measured';
  }
  return `${result.status}: ${result.note ?? ''}`.trim();
}

function systemRow(result: SystemResult): string {
  const name = `(${result.letter}) ${result.label}`;
  const s = result.summary;
  if (s === null) return `| ${name} | – | – | – | – | – | – | ${statusCell(result)} |`;
  const rss = result.peakRssBytes === null ? '–' : (result.peakRssBytes / MB).toFixed(0);
  const ratio = result.ratio === null ? '–' : result.ratio.requestsPerSec.toFixed(2);
  const p99Ratio = result.ratio === null ? '–' : result.ratio.p99.toFixed(2);
  return `| ${name} | ${integer(s.requestsPerSec)} | ${ms(s.p50Ms)} | ${ms(s.p99Ms)} | ${rss} | ${ratio} | ${p99Ratio} | ${statusCell(result)} |`;
}

export function systemsTable(systems: readonly SystemResult[], baselineId: string): string {
  const base = systems.find((s) => s.id === baselineId);
  return [
    `Base for the ratios: ${base === undefined ? baselineId : `(${base.letter}) ${base.label}`}.`,
    '',
    '| system | req/s | p50 ms | p99 ms | peak RSS MB | req/s ÷ base | p99 ÷ base | status |',
    '|---|---:|---:|---:|---:|---:|---:|---|',
    ...systems.map(systemRow),
  ].join('\n');
}

export function targetsTable(targets: readonly TargetCheck[]): string {
  const verdict = (met: boolean | null): string => (met === null ? 'pending' : met ? 'met' : 'not met');
  return [
    '| measure | target | measured | |',
    '|---|---|---|---|',
    ...targets.map((t) => `| ${t.measure} | ${t.target} | ${t.measured} | ${verdict(t.met)} |`),
  ].join('\n');
}

/** Issue 3's closing figure: the ten-policy document against the same gateway without it. */
export function policyCostSection(cost: PolicyCost | null | undefined): string {
  const lines = ['## Ten-policy document (issue 3)', ''];
  if (cost === null || cost === undefined) {
    lines.push(
      'Not measured: it needs (a), (b) and the ten-policy system measured in the same run ' +
        '(`--systems a,b` includes it).',
    );
    return lines.join('\n');
  }
  lines.push(
    '| measure | value |',
    '|---|---:|',
    `| (ten) throughput / (b) | ${cost.throughputRatio.toFixed(2)} |`,
    `| (ten) p99 / (b) p99 | ${cost.p99Ratio.toFixed(2)} |`,
    `| (ten) throughput / (a) | ${cost.throughputRatioToBaseline.toFixed(2)} |`,
    `| per-request cost, 1/rps(ten) − 1/rps(b) | ${cost.microsPerRequest.toFixed(1)} µs |`,
    '',
    'The per-request cost is the extra wall time per request at saturation; the gateway is one ' +
      'busy single-threaded process, so it approximates the document\'s CPU time per request.',
  );
  return lines.join('\n');
}

function header(report: BenchReport, title: string): string {
  const { environment: env, plan } = report;
  return [
    `# ${title}`,
    '',
    `${report.startedAt} · node ${env.node} · ${env.cores} × ${env.cpu} · ${env.memoryGiB} GiB · ${env.os}`,
    '',
    `Load: ${env.loadGenerator}, ${plan.connections} connections, ${plan.durationSec} s per run after ${plan.warmupSec} s warm-up, ` +
      `${plan.rounds} interleaved rounds (medians shown)` +
      (plan.settleSec ? `, each system settled by one unmeasured ${plan.settleSec} s run first` : '') +
      `. Upstream: ${env.upstream}. ` +
      (env.nginx === null ? 'nginx not installed.' : `nginx ${env.nginx}.`),
  ].join('\n');
}

export function renderComparison(report: BenchReport): string {
  return [
    header(report, 'Portico benchmark'),
    '',
    systemsTable(report.systems, report.baselineId),
    '',
    '## Targets (issue 5)',
    '',
    targetsTable(report.targets),
    '',
    policyCostSection(report.policyCost),
    '',
    workersScalingSection(report.workersScaling),
    '',
    'The issue\'s reference run on this machine: fast-gateway ≈ 0.67 × (a), express-gateway ≈ 0.24 × (a), nginx ≈ 2.4 × (a).',
    '',
  ].join('\n');
}

export function renderScale(report: BenchReport): string {
  const scale = report.scale!;
  const lines = [
    header(report, 'Portico benchmark: scale'),
    '',
    `Large snapshot: ${scale.shape.apis.toLocaleString('en-US')} APIs, ${scale.shape.operations.toLocaleString('en-US')} operations, ` +
      `${scale.shape.subscriptions.toLocaleString('en-US')} subscriptions, ${scale.shape.products} products, ${scale.shape.backends} backends ` +
      `(${(scale.snapshotBytes / MB).toFixed(1)} MB of JSON).`,
    '',
    systemsTable(report.systems, report.baselineId),
    '',
    'Peak RSS in the table includes start-up (the snapshot\'s JSON text and parsed objects beside the compiled runtime); ' +
      `the RSS target uses the RSS sampled while serving under load: ${
        scale.steadyPeakRssBytes === null ? 'not measured' : `${(scale.steadyPeakRssBytes / MB).toFixed(0)} MB`
      }.`,
    '',
  ];
  if (scale.compile !== null) {
    const c = scale.compile;
    lines.push(
      '## Compile',
      '',
      `JSON.parse ${ms(c.parseMs)} ms · compileRuntime cold ${ms(c.coldCompileMs)} ms, warm ${c.warmCompileMs.map(ms).join(' / ')} ms · ` +
        `gateway.apply ${c.applyMs.map(ms).join(' / ')} ms · process RSS afterwards ${(c.rssBytes / MB).toFixed(0)} MB`,
      '',
    );
  }
  if (scale.reload !== null) {
    const r = scale.reload;
    lines.push(
      '## Reload under load',
      '',
      `${r.reloads.length} reloads of the large snapshot (${r.reloadsUnderLoad} went live under load) during a ${r.load.durationSec.toFixed(0)} s run: ` +
        `${integer(r.load.requests)} requests, ${r.load.failedResponses} failed responses, ${r.load.socketErrors} socket errors, ` +
        `p99 ${ms(r.load.p99Ms)} ms; reload parse+apply ${r.reloads.map((x) => `${integer(x.parseMs)}+${integer(x.applyMs)}`).join(', ')} ms; ` +
        `peak RSS ${(r.peakRssBytes / MB).toFixed(0)} MB.`,
      '',
    );
  }
  lines.push('## Targets (issue 5)', '', targetsTable(report.targets), '');
  if (scale.notes.length > 0) lines.push(...scale.notes.map((n) => `- ${n}`), '');
  return lines.join('\n');
}
