import { runCommand } from '../exec.js';
import { peerModulePath } from '../tools.js';
import type { LoadGenerator, LoadResult, LoadSpec } from './types.js';

/** The fields of autocannon's `--json` report the harness reads. */
interface AutocannonReport {
  requests: { total: number };
  latency: { p50: number; p99: number };
  duration: number;
  non2xx: number;
  /** Every socket error, timeouts included. */
  errors: number;
  statusCodeStats?: Record<string, { count: number }>;
}

/** Fallback when wrk is not installed; runs as its own process, like wrk. */
export class AutocannonGenerator implements LoadGenerator {
  readonly name = 'autocannon';

  async run(spec: LoadSpec): Promise<LoadResult> {
    const args = [
      peerModulePath('autocannon', 'autocannon.js'),
      '-c',
      String(spec.connections),
      '-d',
      String(spec.durationSec),
      '-t',
      String(spec.timeoutSec),
      '--json',
      '--no-progress',
      ...Object.entries(spec.headers).flatMap(([name, value]) => ['-H', `${name}=${value}`]),
      spec.url,
    ];
    const output = await runCommand(process.execPath, args);
    const start = output.stdout.indexOf('{');
    if (output.code !== 0 || start === -1) {
      throw new Error(`autocannon failed (code ${output.code}): ${output.stderr || output.stdout}`);
    }
    const report = JSON.parse(output.stdout.slice(start)) as AutocannonReport;
    // non2xx also counts 3xx; the harness compares with wrk, which counts status >= 400.
    const failed = Object.entries(report.statusCodeStats ?? {})
      .filter(([status]) => Number(status) >= 400)
      .reduce((sum, [, stats]) => sum + stats.count, 0);
    return {
      generator: 'autocannon',
      requests: report.requests.total,
      durationSec: report.duration,
      requestsPerSec: report.requests.total / report.duration,
      p50Ms: report.latency.p50,
      p99Ms: report.latency.p99,
      failedResponses: report.statusCodeStats === undefined ? report.non2xx : failed,
      socketErrors: report.errors,
    };
  }
}
