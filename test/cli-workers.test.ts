/**
 * `portico start --workers 2`: one primary (management, store, the shared memory counter
 * store) and two gateway workers sharing the gateway port. A test-only user policy stamps
 * each response with the worker's pid (test/cli-workers/worker-pid.policy.ts).
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteKeysWithPrefix, keysWithPrefix, plainClient, probeRedis, SHARED_REDIS_URL } from '../src/counters/redis.test-helper.js';
import { cleanEnv, ROOT, RunningCli, STARTUP_TIMEOUT_MS } from './cli-harness.js';
import { startUpstream, type Upstream } from './cli-upstream.js';

const LIMIT = 25;
const ADMIN_TOKEN = randomBytes(24).toString('base64url');
const WAIT_MS = 30_000;

interface Answer {
  status: number;
  pid: string | undefined;
  body: string;
}

/** A GET on a fresh connection: node's cluster hands each new connection to the next worker. */
function get(url: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false, headers: { connection: 'close' } }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, pid: res.headers['x-worker-pid'] as string | undefined, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
    // A connection handed to a worker at the moment it is killed is lost with it.
    req.setTimeout(5_000, () => req.destroy(new Error('no answer within 5 s')));
    req.end();
  });
}

/** Retries `attempt` until it returns true; fails with `what` after WAIT_MS (a loaded machine is slow, never wrong). */
async function eventually(what: string, attempt: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  while (Date.now() < deadline) {
    if (await attempt()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out: ${what}\n${cli.output()}`);
}

/** Pids that served `count` fresh-connection requests to `url`, or null when one was not a 200. */
async function servedBy(url: string, count: number): Promise<Set<string> | null> {
  const answers = await Promise.all(Array.from({ length: count }, () => get(url).catch(() => null)));
  if (answers.some((answer) => answer === null)) return null;
  if (answers.some((answer) => answer!.status !== 200 || answer!.pid === undefined)) return null;
  return new Set(answers.map((answer) => answer!.pid!));
}

async function expectExactLimit(gatewayUrl: string): Promise<void> {
  // A first wave under the limit, spread over both workers: both count into the one counter…
  const first = await Promise.all(Array.from({ length: 10 }, () => get(`${gatewayUrl}/limited/ping`)));
  expect(first.map((answer) => answer.status)).toEqual(Array(10).fill(200));
  expect(new Set(first.map((answer) => answer.pid)).size).toBe(2);
  // …so a concurrent flood on both gets exactly what is left.
  const flood = await Promise.all(Array.from({ length: 3 * LIMIT }, () => get(`${gatewayUrl}/limited/ping`)));
  expect(flood.filter((answer) => answer.status === 200)).toHaveLength(LIMIT - 10);
  expect(flood.filter((answer) => answer.status === 429)).toHaveLength(2 * LIMIT + 10);
}

/** `portico_gateway_requests_total` of one API, summed over its series, from the admin port's /metrics. */
async function requestsOf(api: string): Promise<number> {
  const text = await (await fetch(`${admin}/metrics`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).text();
  let total = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith(`portico_gateway_requests_total{api="${api}"`)) total += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

let dataDir: string;
let upstream: Upstream;
let cli: RunningCli;
let gateway: string;
let admin: string;
let firstPids: string[] = [];

/** The config both runs load: every API stamps the pid; `limited` allows LIMIT calls in 10 minutes. */
function config(upstreamUrl: string): object {
  return {
    policy: '<policies><inbound /><backend><forward-request /></backend><outbound><worker-pid /></outbound><on-error /></policies>',
    apis: {
      w: {
        displayName: 'W',
        path: 'w',
        serviceUrl: upstreamUrl,
        subscriptionRequired: false,
        operations: { ping: { method: 'GET', urlTemplate: '/ping' }, slow: { method: 'GET', urlTemplate: '/slow/{ms}' } },
      },
      limited: {
        displayName: 'Limited',
        path: 'limited',
        serviceUrl: upstreamUrl,
        subscriptionRequired: false,
        policy: `<policies><inbound><base /><rate-limit-by-key calls="${LIMIT}" renewal-period="600" counter-key="everyone" /></inbound><backend><base /></backend><outbound><base /></outbound><on-error><base /></on-error></policies>`,
        operations: { ping: { method: 'GET', urlTemplate: '/ping' } },
      },
    },
  };
}

/** `portico start --workers 2` on a fresh data folder; resolves once it prints "listening". */
async function startWorkers(folder: string, extraEnv: Record<string, string> = {}): Promise<{ cli: RunningCli; gateway: string; admin: string }> {
  const configFile = join(folder, 'config.json');
  await writeFile(configFile, JSON.stringify(config(upstream.url)));
  const env = cleanEnv({
    PORTICO_ADMIN_TOKEN: ADMIN_TOKEN,
    PORTICO_POLICY_MODULES: join(ROOT, 'test/cli-workers/worker-pid.policy.ts'),
    PORTICO_ACCESS_LOG: 'off',
    ...extraEnv,
  });
  const started = new RunningCli(['start', '--data', folder, '--gateway-port', '0', '--admin-port', '0', '--no-demo', '--config', configFile, '--workers', '2'], env);
  const addresses = await started.addresses(STARTUP_TIMEOUT_MS * 2);
  return { cli: started, ...addresses };
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'portico-cli-workers-'));
  upstream = await startUpstream();
  ({ cli, gateway, admin } = await startWorkers(dataDir));
}, 90_000);

afterAll(async () => {
  await cli?.stop();
  await upstream?.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('portico start --workers 2', { timeout: 90_000 }, () => {
  it('serves from both workers once "listening" is printed, none of them the primary', async () => {
    const pids = await servedBy(`${gateway}/w/ping`, 20);
    expect(pids).not.toBeNull();
    firstPids = [...pids!];
    expect(firstPids).toHaveLength(2);
    expect(firstPids).not.toContain(String(cli.child.pid));
  });

  it("sums both workers' metrics at the admin port's /metrics", async () => {
    const before = await requestsOf('w');
    expect((await servedBy(`${gateway}/w/ping`, 10))?.size).toBe(2);
    expect((await requestsOf('w')) - before).toBe(10);
  });

  it('hands a write through the management API to every worker', async () => {
    const put = (path: string, properties: object) =>
      fetch(`${admin}${path}`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ properties }),
      });
    expect((await put('/apis/late', { displayName: 'Late', path: 'late', serviceUrl: upstream.url, subscriptionRequired: false, protocols: ['http'] })).status).toBe(201);
    expect((await put('/apis/late/operations/ping', { displayName: 'Ping', method: 'GET', urlTemplate: '/ping' })).status).toBe(201);
    // Both workers answer it (a worker without the snapshot would answer 404).
    await eventually('every worker serves the new API', async () => (await servedBy(`${gateway}/late/ping`, 20))?.size === 2);
  });

  it(`rate-limit-by-key allows exactly ${LIMIT} calls across both workers (counted in the primary)`, async () => {
    await expectExactLimit(gateway);
  });

  it('restarts a worker that dies, with the latest configuration', async () => {
    const victim = Number(firstPids[0]);
    process.kill(victim, 'SIGKILL');
    await eventually('a new worker serves beside the survivor', async () => {
      const pids = await servedBy(`${gateway}/late/ping`, 20);
      return pids !== null && pids.size === 2 && !pids.has(String(victim));
    });
    expect(cli.stderr).toMatch(/gateway worker \d \(pid \d+\) exited \(SIGKILL\); restarting in \d+ ms/);
  });

  it('on SIGTERM drains every worker (in-flight requests finish), then exits 0', async () => {
    const pids = await servedBy(`${gateway}/w/ping`, 10);
    const slow = get(`${gateway}/w/slow/1500`);
    // Let the slow request reach a worker before the stop begins.
    await new Promise((resolve) => setTimeout(resolve, 500));
    cli.child.kill('SIGTERM');
    expect(await slow).toMatchObject({ status: 200, body: 'slow done after 1500 ms' });
    const result = await cli.exited();
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('portico: stopped');
    for (const pid of pids ?? []) expect(alive(Number(pid))).toBe(false);
  });
});

const redisReachable = await probeRedis(SHARED_REDIS_URL);
// Under CI a missing Redis fails the test rather than skipping it.
describe.skipIf(!redisReachable && process.env.CI !== 'true')('portico start --workers 2 with PORTICO_REDIS_URL', { timeout: 90_000 }, () => {
  const prefix = `portico-test:cli-workers:${randomBytes(6).toString('hex')}:`;
  let redisDir: string;
  let redisCli: RunningCli | undefined;

  afterAll(async () => {
    await redisCli?.stop();
    await deleteKeysWithPrefix(SHARED_REDIS_URL, prefix);
    if (redisDir !== undefined) await rm(redisDir, { recursive: true, force: true });
  });

  it(`the workers count in Redis: exactly ${LIMIT} calls across both`, async () => {
    redisDir = await mkdtemp(join(tmpdir(), 'portico-cli-workers-redis-'));
    const started = await startWorkers(redisDir, {
      PORTICO_REDIS_URL: SHARED_REDIS_URL,
      PORTICO_REDIS_PREFIX: prefix,
      // On a loaded machine a Redis answer can take longer than the 50 ms default, and the
      // fail mode (open) would then let an uncounted call through: not what this test is about.
      PORTICO_REDIS_TIMEOUT_MS: '5000',
    });
    redisCli = started.cli;
    await expectExactLimit(started.gateway);
    const client = plainClient(SHARED_REDIS_URL);
    try {
      await client.connect();
      expect((await keysWithPrefix(client, prefix)).length).toBeGreaterThan(0);
    } finally {
      client.disconnect();
    }
  }, 90_000);
});
