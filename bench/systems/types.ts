import type { RunningService } from '../lib/service.js';

/** What every system launcher needs from the harness. */
export interface HarnessContext {
  upstreamUrl: string;
  /** nginx executable, or null when nginx is not installed. */
  nginx: string | null;
  /** Private temp folder of this run (configs, snapshots, logs). */
  workDir: string;
  logDir: string;
  /** Portico gateway worker processes (`--workers`). */
  workers: number;
  redisUrl: string;
}

export interface BenchRequest {
  path: string;
  headers: Record<string, string>;
}

export interface ExpectedHeader {
  /** Lower-case, as node reports response headers. */
  header: string;
  value: string;
}

export interface SystemUnderTest {
  /** Stable id used on the command line and in the JSON. */
  id: string;
  /** The letter: a–f. */
  letter: string;
  label: string;
  request: BenchRequest;
  /** A response header the route check must also see: proof the system's policy document ran. */
  expectHeader?: ExpectedHeader;
  /** Why the system is not built yet (reported "pending: …"), or null. */
  pending(ctx: HarnessContext): Promise<string | null>;
  /** Why it cannot run on this machine (reported "skipped: …"), or null. */
  unavailable(ctx: HarnessContext): Promise<string | null>;
  start(ctx: HarnessContext, port: number): Promise<RunningService>;
}
