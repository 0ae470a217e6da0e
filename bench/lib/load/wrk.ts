import { join } from 'node:path';
import { runCommand } from '../exec.js';
import { BENCH_DIR } from '../paths.js';
import type { LoadGenerator, LoadResult, LoadSpec } from './types.js';

const REPORT_SCRIPT = join(BENCH_DIR, 'lib', 'load', 'wrk-report.lua');

interface WrkReport {
  requests: number;
  duration_us: number;
  connect: number;
  read: number;
  write: number;
  status: number;
  timeout: number;
  p50_us: number;
  p99_us: number;
}

export class WrkGenerator implements LoadGenerator {
  readonly name = 'wrk';

  constructor(private readonly executable: string) {}

  async run(spec: LoadSpec): Promise<LoadResult> {
    const threads = Math.max(1, Math.min(2, spec.connections));
    const args = [
      `-t${threads}`,
      `-c${spec.connections}`,
      `-d${spec.durationSec}s`,
      `--timeout`,
      `${spec.timeoutSec}s`,
      '-s',
      REPORT_SCRIPT,
      ...Object.entries(spec.headers).flatMap(([name, value]) => ['-H', `${name}: ${value}`]),
      spec.url,
    ];
    const output = await runCommand(this.executable, args);
    const line = /^WRK_JSON (.+)$/m.exec(output.stdout)?.[1];
    if (output.code !== 0 || line === undefined) {
      throw new Error(`wrk failed (code ${output.code}): ${output.stderr || output.stdout}`);
    }
    const report = JSON.parse(line) as WrkReport;
    const durationSec = report.duration_us / 1e6;
    return {
      generator: 'wrk',
      requests: report.requests,
      durationSec,
      requestsPerSec: report.requests / durationSec,
      p50Ms: report.p50_us / 1000,
      p99Ms: report.p99_us / 1000,
      failedResponses: report.status,
      socketErrors: report.connect + report.read + report.write + report.timeout,
    };
  }
}
