export interface LoadSpec {
  url: string;
  headers: Record<string, string>;
  connections: number;
  durationSec: number;
  /** A request slower than this counts as a timeout (failed). */
  timeoutSec: number;
}

export interface LoadResult {
  generator: 'wrk' | 'autocannon';
  requests: number;
  durationSec: number;
  requestsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  /** Responses with status >= 400 (what both generators count as failed responses). */
  failedResponses: number;
  /** Connect/read/write errors and timeouts. */
  socketErrors: number;
}

export interface LoadGenerator {
  readonly name: LoadResult['generator'];
  run(spec: LoadSpec): Promise<LoadResult>;
}
