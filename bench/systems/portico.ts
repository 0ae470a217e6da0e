import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ConfigSnapshot } from '../../src/config/snapshot.js';
import { STATUS_PROBE_PATH } from '../../src/gateway/server.js';
import { benchBin, REPO_ROOT } from '../lib/paths.js';
import { startService, type RunningService } from '../lib/service.js';
import { pendingFeatures, type PorticoFeatures } from './portico-features.js';
import type { HarnessContext } from './types.js';

export interface PorticoLaunch {
  name: string;
  /** A snapshot file (see writeSnapshot). */
  snapshotFile: string;
  features: PorticoFeatures;
}

/** Writes a snapshot into the run's work folder; returns its path. */
export function writeSnapshot(ctx: HarnessContext, name: string, snapshot: ConfigSnapshot): string {
  const file = join(ctx.workDir, `${name}.snapshot.json`);
  writeFileSync(file, JSON.stringify(snapshot));
  return file;
}

/** Why this Portico variant cannot be measured yet, or null. */
export async function porticoPending(ctx: HarnessContext, features: PorticoFeatures, snapshot: ConfigSnapshot): Promise<string | null> {
  const missing = await pendingFeatures(features, snapshot);
  return missing.length === 0 ? null : missing.join(', ');
}

/**
 * Starts Portico's gateway on a static snapshot (bench/bin/portico.ts) in its own
 * process. The scale scenario's reload (SIGHUP) re-reads the snapshot file.
 */
export async function startPortico(ctx: HarnessContext, port: number, launch: PorticoLaunch): Promise<RunningService> {
  const { features } = launch;
  const args = ['--port', String(port), '--snapshot', launch.snapshotFile, '--workers', String(ctx.workers)];
  if (features.policies) args.push('--policies');
  if (features.metrics) args.push('--metrics');
  if (features.accessLogFile !== undefined) args.push('--access-log', features.accessLogFile);
  if (features.redisUrl !== undefined) args.push('--redis', features.redisUrl);
  return startService({
    name: launch.name,
    command: process.execPath,
    args: [benchBin('portico'), ...args],
    cwd: REPO_ROOT,
    readyUrl: `http://127.0.0.1:${port}${STATUS_PROBE_PATH}`,
    ready: (status) => status === 200,
    logDir: ctx.logDir,
    // A 100,000-subscription snapshot takes a while to digest on a cold process.
    startTimeoutMs: 120_000,
  });
}
