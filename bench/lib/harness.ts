import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchOptions } from '../options.js';
import type { HarnessContext } from '../systems/types.js';
import { buildBenchScripts } from './build.js';
import { describeEnvironment, type BenchEnvironment } from './environment.js';
import { selectLoadGenerator } from './load/select.js';
import type { LoadGenerator } from './load/types.js';
import type { RunningService } from './service.js';
import { ensurePeersInstalled, findExecutable } from './tools.js';
import { startUpstream, type Upstream } from './upstream.js';

/** What a scenario runs on: tools found, the upstream up, a private temp folder. */
export interface Harness {
  readonly ctx: HarnessContext;
  readonly generator: LoadGenerator;
  readonly upstream: Upstream;
  readonly environment: BenchEnvironment;
  /** Stopped by close(), whatever happens to the scenario. */
  track(service: RunningService): RunningService;
  close(): Promise<void>;
}

export function progress(message: string): void {
  process.stderr.write(`bench ${new Date().toISOString().slice(11, 19)} ${message}\n`);
}

export async function openHarness(options: BenchOptions, needsPeers: boolean): Promise<Harness> {
  const nginx = findExecutable('nginx');
  if (options.upstream === 'nginx' && nginx === null) throw new Error('--upstream nginx: nginx is not installed (apt-get install -y nginx)');
  const generator = selectLoadGenerator(options.load);
  if (needsPeers || generator.name === 'autocannon') ensurePeersInstalled();
  progress('compiling the bench scripts and the gateway (tsc, no type check)…');
  buildBenchScripts();

  const workDir = mkdtempSync(join(tmpdir(), 'portico-bench-'));
  const logDir = join(workDir, 'logs');
  mkdirSync(logDir);
  const services: RunningService[] = [];
  let upstream: Upstream;
  try {
    upstream = await startUpstream(options.upstream === 'node' ? null : nginx, workDir, logDir);
  } catch (err) {
    rmSync(workDir, { recursive: true, force: true });
    throw err;
  }
  services.push(upstream.service);
  progress(`upstream: ${upstream.kind} at ${upstream.url}; load generator: ${generator.name}; work folder ${workDir}`);

  let closed = false;
  return {
    ctx: { upstreamUrl: upstream.url, nginx, workDir, logDir, workers: options.workers, redisUrl: options.redisUrl },
    generator,
    upstream,
    environment: describeEnvironment(generator.name, upstream.kind, nginx),
    track(service) {
      services.push(service);
      return service;
    },
    async close() {
      if (closed) return;
      closed = true;
      // Systems first, the upstream last: a system stopping should not see its backend vanish.
      for (const service of services.reverse()) await service.stop().catch(() => undefined);
      if (options.keepLogs) progress(`kept the work folder (configs and logs): ${workDir}`);
      else rmSync(workDir, { recursive: true, force: true });
    },
  };
}
