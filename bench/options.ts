import { parseArgs } from 'node:util';

export interface BenchOptions {
  durationSec: number;
  warmupSec: number;
  /** One unmeasured run per system before the first round (JIT settling). */
  settleSec: number;
  connections: number;
  rounds: number;
  /** A request slower than this counts as failed. */
  timeoutSec: number;
  /** System ids or letters; undefined = all. */
  systems: string[] | undefined;
  scale: boolean;
  load: 'auto' | 'wrk' | 'autocannon';
  upstream: 'auto' | 'nginx' | 'node';
  /** Portico gateway processes (node cluster) for every Portico system; (b) is also measured on 2 as `portico-2w`. */
  workers: number;
  redisUrl: string;
  keepLogs: boolean;
  help: boolean;
}

export const HELP = `Usage: npm run bench -- [options]

Measures Portico against a bare node proxy (the ceiling), nginx and the Node peers,
interleaved A B A B … with the same load generator, connections and duration.
Results: bench/results/<timestamp>-<scenario>.{json,md} and latest.md / latest-scale.md.

Options:
  --duration SEC      measured seconds per run                         [10]
  --warmup SEC        unmeasured seconds before each run               [2]
  --settle SEC        one unmeasured run per system before round 1,
                      while V8 compiles its hot paths                  [10]
  --connections N     concurrent connections                           [50]
  --rounds N          interleaved rounds (A B … A B …)                 [2]
  --timeout SEC       a request slower than this counts as failed      [10]
  --systems LIST      comma-separated ids or letters (a–f)             [all]
                      a bare, b portico + portico-ten-policies,
                      c portico-typical + portico-set-header, d portico-redis,
                      e nginx, f fast-gateway + express-gateway
  --scale             the scale scenario: 1,000 APIs, 10,000 operations,
                      100,000 subscriptions vs 1 API; compile time; RSS; reload under load
  --load GEN          auto | wrk | autocannon                          [auto: wrk if installed]
  --upstream KIND     auto | nginx | node                              [auto: nginx if installed]
  --workers N         Portico gateway processes                        [1]
  --redis URL         Redis for system (d)                             [PORTICO_REDIS_URL or redis://127.0.0.1:6379]
  --keep-logs         keep the run's temp folder (configs, system logs)
  -h, --help
`;

function positiveInteger(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) throw new Error(`--${name} must be a positive integer, got '${value}'`);
  return parsed;
}

function nonNegativeInteger(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0) throw new Error(`--${name} must be a non-negative integer, got '${value}'`);
  return parsed;
}

function oneOf<T extends string>(value: string | undefined, name: string, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(value)) throw new Error(`--${name} must be one of ${allowed.join(', ')}`);
  return value as T;
}

export function parseBenchOptions(argv: string[], env: NodeJS.ProcessEnv): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      duration: { type: 'string' },
      warmup: { type: 'string' },
      settle: { type: 'string' },
      connections: { type: 'string' },
      rounds: { type: 'string' },
      timeout: { type: 'string' },
      systems: { type: 'string' },
      scale: { type: 'boolean' },
      load: { type: 'string' },
      upstream: { type: 'string' },
      workers: { type: 'string' },
      redis: { type: 'string' },
      'keep-logs': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  return {
    durationSec: positiveInteger(values.duration, 'duration', 10),
    warmupSec: nonNegativeInteger(values.warmup, 'warmup', 2),
    settleSec: nonNegativeInteger(values.settle, 'settle', 10),
    connections: positiveInteger(values.connections, 'connections', 50),
    rounds: positiveInteger(values.rounds, 'rounds', 2),
    timeoutSec: positiveInteger(values.timeout, 'timeout', 10),
    systems: values.systems?.split(',').map((s) => s.trim()).filter((s) => s !== ''),
    scale: values.scale === true,
    load: oneOf(values.load, 'load', ['auto', 'wrk', 'autocannon'] as const, 'auto'),
    upstream: oneOf(values.upstream, 'upstream', ['auto', 'nginx', 'node'] as const, 'auto'),
    workers: positiveInteger(values.workers, 'workers', 1),
    redisUrl: values.redis ?? (env.PORTICO_REDIS_URL || 'redis://127.0.0.1:6379'),
    keepLogs: values['keep-logs'] === true,
    help: values.help === true,
  };
}
