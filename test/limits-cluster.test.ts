/**
 * Limits are exact across gateway processes: three real `portico start` processes share the
 * machine's Redis (under a key prefix of this run, removed afterwards) and serve the same
 * declarative config; many concurrent clients spread over the three gateways. A limit of L
 * lets exactly L calls through, whatever process each call lands on.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHARED_REDIS_URL, deleteKeysWithPrefix, keysWithPrefix, plainClient, probeRedis } from '../src/counters/redis.test-helper.js';
import { cleanEnv, RunningCli } from './cli-harness.js';
import { startUpstream, type Upstream } from './cli-upstream.js';

const redisReachable = await probeRedis(SHARED_REDIS_URL);
const redisRequired = process.env.CI === 'true';

const RATE_LIMIT = 45;
const QUOTA_LIMIT = 35;
/** Calls sent per limit: well past it, so every process sees refusals. */
const CALLS_PER_LIMIT = 120;
/** Clients sending at the same time, spread round-robin over the three gateways. */
const CONCURRENT_CLIENTS = 30;

/**
 * The config every process loads. Windows cannot roll over during the test: the sliding
 * window is an hour, the quota's fixed window is a day starting a minute before the test.
 * The counter keys are the policies' own (no scope="global"): the per-instance key must be
 * the same in every process serving the same document.
 */
function config(upstreamUrl: string, periodStart: string): string {
  return `backends:
  target: { url: "${upstreamUrl}" }
apis:
  limited:
    path: limited
    protocols: [http]
    backendId: target
    subscriptionRequired: false
    operations:
      rate:
        method: GET
        urlTemplate: "/rate"
        policy: |
          <policies><inbound><base />
            <rate-limit-by-key calls="${RATE_LIMIT}" renewal-period="3600" counter-key="@(context.Request.Headers.GetValueOrDefault("x-tenant", "none"))" />
          </inbound><backend><base /></backend><outbound><base /></outbound><on-error><base /></on-error></policies>
      quota:
        method: GET
        urlTemplate: "/quota"
        policy: |
          <policies><inbound><base />
            <quota-by-key calls="${QUOTA_LIMIT}" renewal-period="86400" first-period-start="${periodStart}" counter-key="@(context.Request.Headers.GetValueOrDefault("x-tenant", "none"))" />
          </inbound><backend><base /></backend><outbound><base /></outbound><on-error><base /></on-error></policies>
`;
}

describe('limits across three gateway processes sharing Redis', { timeout: 180_000 }, () => {
  if (!redisReachable && !redisRequired) {
    it.skip(`needs Redis at ${SHARED_REDIS_URL} (unreachable)`, () => {});
    return;
  }
  const prefix = `portico-test:cluster:${randomUUID()}:`;
  const processes: RunningCli[] = [];
  const dirs: string[] = [];
  const gateways: string[] = [];
  let upstream: Upstream;
  let agent: Agent;

  beforeAll(async () => {
    upstream = await startUpstream();
    agent = new Agent({ connections: CONCURRENT_CLIENTS });
    const root = await mkdtemp(join(tmpdir(), 'portico-limits-cluster-'));
    dirs.push(root);
    const file = join(root, 'portico.yaml');
    await writeFile(file, config(upstream.url, new Date(Date.now() - 60_000).toISOString()));
    const env = cleanEnv({
      PORTICO_REDIS_URL: SHARED_REDIS_URL,
      PORTICO_REDIS_PREFIX: prefix,
      // Three processes and the clients share a loaded machine: a generous wait keeps the
      // fail mode (which would let extra calls through) out of an accuracy test.
      PORTICO_REDIS_TIMEOUT_MS: '5000',
    });
    for (let i = 0; i < 3; i++) {
      const data = join(root, `data-${i}`);
      processes.push(new RunningCli(['start', '--data', data, '--gateway-port', '0', '--admin-port', '0', '--config', file, '--no-demo'], env));
    }
    for (const cli of processes) gateways.push((await cli.addresses(60_000)).gateway);
  });

  afterAll(async () => {
    await Promise.all(processes.map((cli) => cli.stop()));
    await agent?.close();
    await upstream?.close();
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
    if (redisReachable) await deleteKeysWithPrefix(SHARED_REDIS_URL, prefix);
  });

  /** Sends `total` calls from CONCURRENT_CLIENTS clients, call i to gateway i mod 3; returns the statuses per gateway. */
  async function hammer(path: string, tenant: string, total: number): Promise<number[][]> {
    const statuses: number[][] = gateways.map(() => []);
    let next = 0;
    const client = async (): Promise<void> => {
      while (next < total) {
        const gateway = next++ % gateways.length;
        const response = await request(`${gateways[gateway]}${path}`, { dispatcher: agent, headers: { 'x-tenant': tenant } });
        await response.body.text();
        statuses[gateway].push(response.statusCode);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENT_CLIENTS }, client));
    return statuses;
  }

  function tally(statuses: number[][]): Map<number, number> {
    const counts = new Map<number, number>();
    for (const status of statuses.flat()) counts.set(status, (counts.get(status) ?? 0) + 1);
    return counts;
  }

  it(`rate-limit-by-key: exactly ${RATE_LIMIT} of ${CALLS_PER_LIMIT} concurrent calls pass, the rest get 429`, async () => {
    const statuses = await hammer('/limited/rate', `tenant-${randomUUID()}`, CALLS_PER_LIMIT);
    expect(Object.fromEntries(tally(statuses))).toEqual({ 200: RATE_LIMIT, 429: CALLS_PER_LIMIT - RATE_LIMIT });
    // Every process took part: the calls were really spread over the three gateways.
    for (const perGateway of statuses) expect(perGateway.length).toBe(CALLS_PER_LIMIT / 3);
    // The counters live under PORTICO_REDIS_PREFIX.
    const redis = plainClient(SHARED_REDIS_URL);
    try {
      await redis.connect();
      expect((await keysWithPrefix(redis, prefix)).length).toBeGreaterThan(0);
    } finally {
      redis.disconnect();
    }
    // Another key has its own counter.
    const other = await hammer('/limited/rate', `tenant-${randomUUID()}`, RATE_LIMIT);
    expect(Object.fromEntries(tally(other))).toEqual({ 200: RATE_LIMIT });
  });

  it(`quota-by-key: exactly ${QUOTA_LIMIT} of ${CALLS_PER_LIMIT} concurrent calls pass, the rest get 403`, async () => {
    const statuses = await hammer('/limited/quota', `tenant-${randomUUID()}`, CALLS_PER_LIMIT);
    expect(Object.fromEntries(tally(statuses))).toEqual({ 200: QUOTA_LIMIT, 403: CALLS_PER_LIMIT - QUOTA_LIMIT });
    for (const perGateway of statuses) expect(perGateway.length).toBe(CALLS_PER_LIMIT / 3);
  });
});
