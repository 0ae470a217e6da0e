import type { ScaleFindings, TargetCheck } from './report.js';
import { throughputOf, type SystemResult } from './results.js';

const MB = 1024 * 1024;

function ratioCheck(measure: string, numerator: number | null, denominator: number | null, minimum: number): TargetCheck {
  if (numerator === null || denominator === null) {
    return { measure, target: `≥ ${minimum}`, measured: 'not measured', met: null };
  }
  const ratio = numerator / denominator;
  return { measure, target: `≥ ${minimum}`, measured: ratio.toFixed(2), met: ratio >= minimum };
}

/** The targets for the default comparison, from this one run's medians. */
export function comparisonTargets(results: readonly SystemResult[]): TargetCheck[] {
  const rps = (id: string): number | null => throughputOf(results, id);
  const p99 = (id: string): number | null => results.find((r) => r.id === id)?.summary?.p99Ms ?? null;
  const c99 = p99('portico-typical');
  const a99 = p99('bare');
  return [
    ratioCheck('(b) throughput / (a)', rps('portico'), rps('bare'), 0.92),
    ratioCheck('(c) throughput / (a)', rps('portico-typical'), rps('bare'), 0.85),
    c99 === null || a99 === null
      ? { measure: '(c) p99 / (a) p99', target: '≤ 1.5', measured: 'not measured', met: null }
      : { measure: '(c) p99 / (a) p99', target: '≤ 1.5', measured: (c99 / a99).toFixed(2), met: c99 / a99 <= 1.5 },
    ratioCheck('(d) throughput / (c)', rps('portico-redis'), rps('portico-typical'), 0.7),
    ratioCheck('(c) / fast-gateway', rps('portico-typical'), rps('fast-gateway'), 1.25),
    ratioCheck('(c) / express-gateway', rps('portico-typical'), rps('express-gateway'), 3.5),
    // Not a target in the issue, but what can be said today while (c) is pending.
    ratioCheck('(b) / fast-gateway (informative)', rps('portico'), rps('fast-gateway'), 1.25),
    ratioCheck('(b) / express-gateway (informative)', rps('portico'), rps('express-gateway'), 3.5),
  ];
}

export function scaleTargets(results: readonly SystemResult[], scale: ScaleFindings): TargetCheck[] {
  const checks: TargetCheck[] = [
    ratioCheck('10,000-operation table / 1-API throughput', throughputOf(results, 'portico-scale'), throughputOf(results, 'portico-1api'), 0.95),
  ];
  const rss = scale.steadyPeakRssBytes;
  checks.push(
    rss === null
      ? { measure: 'gateway RSS with 100,000 subscriptions', target: '< 250 MB', measured: 'not measured', met: null }
      : { measure: 'gateway RSS with 100,000 subscriptions', target: '< 250 MB', measured: `${(rss / MB).toFixed(0)} MB`, met: rss < 250 * MB },
  );
  const compile = scale.compile;
  checks.push(
    compile === null
      ? { measure: 'compile of the large snapshot', target: '< 2 s', measured: 'not measured', met: null }
      : {
          measure: 'compile of the large snapshot (cold)',
          target: '< 2 s',
          measured: `${(compile.coldCompileMs / 1000).toFixed(2)} s`,
          met: compile.coldCompileMs < 2000,
        },
  );
  const reload = scale.reload;
  const failed = reload === null ? null : reload.load.failedResponses + reload.load.socketErrors;
  checks.push(
    reload === null || failed === null
      ? { measure: 'reload under load: failed requests', target: '0', measured: 'not measured', met: null }
      : {
          measure: `reload under load (${reload.reloadsUnderLoad} reloads live under load): failed requests`,
          target: '0',
          measured: String(failed),
          met: failed === 0 && reload.reloadsUnderLoad > 0,
        },
  );
  return checks;
}
