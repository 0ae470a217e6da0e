/**
 * `portico gateway`: the distributed data plane against a real `portico start` control
 * plane. The gateway pulls the configuration of the APIs assigned to it, serves them
 * (in-process and with --workers 2), follows management writes by long poll, keeps serving
 * when management stops, restarts from its encrypted backup while management is down, and
 * reconnects when it is back. A refused token and a missing control plane end the start.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, runCli, RunningCli, STARTUP_TIMEOUT_MS } from './cli-harness.js';
import { startUpstream, type Upstream } from './cli-upstream.js';

const ADMIN_TOKEN = randomBytes(24).toString('base64url');
const KEY = randomBytes(16).toString('hex');
const READY = /^portico: gateway listening gateway=(\S+) management=(\S+) revision=(\d+)$/m;
const WAIT_MS = 30_000;
const METRICS_READY = /^portico: metrics listening metrics=(\S+)$/m;

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A GET on a fresh connection (so --workers spreads them over the workers), with the subscription key. */
function get(url: string, key: string | undefined = KEY): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { connection: 'close' };
    if (key !== undefined) headers['ocp-apim-subscription-key'] = key;
    const req = request(url, { agent: false, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.setTimeout(5_000, () => req.destroy(new Error('no answer within 5 s')));
    req.end();
  });
}

async function eventually(what: string, attempt: () => Promise<boolean>, waitMs = WAIT_MS): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < waitMs) {
    if (await attempt().catch(() => false)) return Date.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out after ${waitMs} ms: ${what}\n${running.map((cli) => cli.output()).join('\n')}`);
}

/** A port nothing listens on right now: the control plane is restarted on the same one. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

let upstream: Upstream;
let dataDir: string;
let backupDir: string;
let adminPort: number;
let admin: string;
let management: RunningCli | undefined;
let token: string;
const running: RunningCli[] = [];

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${admin}${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

async function startManagement(): Promise<void> {
  const configFile = join(dataDir, 'config.json');
  const api = (path: string) => ({
    path,
    serviceUrl: upstream.url,
    protocols: ['http', 'https'],
    operations: { 'get-item': { method: 'GET', urlTemplate: '/items/{id}' } },
  });
  await writeFile(
    configFile,
    JSON.stringify({
      apis: { orders: api('orders'), billing: api('billing') },
      products: { starter: { displayName: 'Starter', state: 'published', apis: ['orders', 'billing'] } },
      subscriptions: { alice: { scope: '/products/starter', state: 'active', primaryKey: KEY } },
    }),
  );
  management = new RunningCli(
    ['start', '--no-demo', '--config', configFile, '--data', dataDir, '--gateway-port', '0', '--admin-port', String(adminPort)],
    cleanEnv({ PORTICO_ADMIN_TOKEN: ADMIN_TOKEN }),
  );
  running.push(management);
  ({ admin } = await management.addresses());
}

function startGateway(args: string[], env: Record<string, string> = {}): RunningCli {
  const cli = new RunningCli(['gateway', '--management', admin, '--token', token, '--gateway-port', '0', ...args], cleanEnv(env));
  running.push(cli);
  return cli;
}

async function ready(cli: RunningCli): Promise<{ gateway: string; revision: number }> {
  const [, gateway, , revision] = await cli.waitFor(READY, STARTUP_TIMEOUT_MS * 2);
  return { gateway, revision: Number(revision) };
}

const headerPolicy = (value: string) =>
  `<policies><inbound><base /></inbound><backend><base /></backend><outbound><base /><set-header name="X-Config" exists-action="override"><value>${value}</value></set-header></outbound><on-error><base /></on-error></policies>`;

async function setHeaderPolicy(value: string): Promise<void> {
  const reply = await call('PUT', '/apis/orders/policies/policy', { properties: { format: 'rawxml', value: headerPolicy(value) } });
  expect([200, 201]).toContain(reply.status);
}

/** True when `count` fresh-connection calls all carry X-Config: value (so every worker has it). */
async function allServe(gateway: string, value: string, count = 6): Promise<boolean> {
  const answers = await Promise.all(Array.from({ length: count }, () => get(`${gateway}/orders/items/7`)));
  return answers.every((answer) => answer.status === 200 && answer.headers['x-config'] === value);
}

beforeAll(async () => {
  upstream = await startUpstream();
  dataDir = await mkdtemp(join(tmpdir(), 'portico-cli-gateway-'));
  backupDir = join(dataDir, 'gateway-backup');
  adminPort = await freePort();
  await startManagement();
  expect((await call('PUT', '/gateways/edge', { properties: { locationData: { name: 'test rack' }, description: 'cli test' } })).status).toBe(201);
  expect((await call('PUT', '/gateways/edge/apis/orders', {})).status).toBe(201);
  const generated = await call('POST', '/gateways/edge/generateToken', { keyType: 'primary', expiry: new Date(Date.now() + 86_400_000).toISOString() });
  token = String(generated.body.value);
  expect(token).toMatch(/^GatewayKey edge&/);
}, 90_000);

afterEach(async () => {
  // Gateways a test started; the control plane is shared by the tests.
  for (const cli of running.splice(0).filter((c) => c !== management)) await cli.stop();
  if (management) running.push(management);
});

afterAll(async () => {
  for (const cli of running) await cli.stop();
  await upstream?.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('portico gateway', { timeout: 120_000 }, () => {
  it('--workers 1: serves the assigned API from the real upstream, 404 for an unassigned one, and follows writes', async () => {
    const cli = startGateway(['--workers', '1']);
    const { gateway, revision } = await ready(cli);
    expect(revision).toBeGreaterThan(0);
    expect((await get(`${gateway}/status-0123456789abcdef`)).status).toBe(200);
    const ok = await get(`${gateway}/orders/items/1`);
    expect(ok).toMatchObject({ status: 200, body: 'upstream saw GET /items/1' });
    expect(await get(`${gateway}/billing/items/1`)).toMatchObject({ status: 404, body: '{"statusCode":404,"message":"Resource not found"}' });
    expect((await get(`${gateway}/orders/items/1`, 'wrong-key')).status).toBe(401);

    await setHeaderPolicy('in-process');
    await eventually('the policy reaches the gateway within 2 s', () => allServe(gateway, 'in-process', 2), 2_000);

    // Assigning another API brings it in too.
    expect((await call('PUT', '/gateways/edge/apis/billing', {})).status).toBe(201);
    await eventually('billing is served once assigned', async () => (await get(`${gateway}/billing/items/2`)).status === 200, 2_000);
    expect((await call('DELETE', '/gateways/edge/apis/billing')).status).toBe(200);
    await eventually('billing is 404 once unassigned', async () => (await get(`${gateway}/billing/items/2`)).status === 404, 2_000);
  });

  it.each([1, 2])('--workers %i --metrics-port: GET /metrics with the scrape token only, counting every request', async (workers) => {
    const scrapeToken = randomBytes(16).toString('hex');
    const cli = startGateway(['--workers', String(workers), '--metrics-port', '0'], { PORTICO_METRICS_TOKEN: scrapeToken });
    const { gateway } = await ready(cli);
    const [, metricsUrl] = await cli.waitFor(METRICS_READY, STARTUP_TIMEOUT_MS);
    for (let i = 0; i < 8; i++) expect((await get(`${gateway}/orders/items/${i}`)).status).toBe(200);

    const scrape = (authorization?: string) => fetch(metricsUrl, { headers: authorization === undefined ? {} : { authorization } });
    expect((await scrape()).status).toBe(401);
    expect((await scrape('Bearer not-the-token')).status).toBe(401);
    expect((await scrape(`Bearer ${ADMIN_TOKEN}`)).status).toBe(401); // the control plane's token means nothing here
    const scraped = await scrape(`Bearer ${scrapeToken}`);
    expect(scraped.status).toBe(200);
    const text = await scraped.text();
    // Every request counted once, whichever worker served it.
    const served = text
      .split('\n')
      .filter((line) => line.startsWith('portico_gateway_requests_total{') && line.includes('api="orders"') && line.includes('code="200"'))
      .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
    expect(served).toBe(8);
    expect((await fetch(metricsUrl.replace('/metrics', '/other'), { headers: { authorization: `Bearer ${scrapeToken}` } })).status).toBe(404);
  });

  it('refuses --metrics-port without a scrape token, saying what to set', async () => {
    const result = await runCli(['gateway', '--management', admin, '--token', token, '--gateway-port', '0', '--metrics-port', '0'], cleanEnv(), 60_000);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--metrics-port needs PORTICO_METRICS_TOKEN');
  });

  it('exits non-zero, saying why, when management refuses the token; the token is never printed', async () => {
    const [scheme, value] = token.split(' ');
    const signature = value.split('&')[2];
    const tampered = `${scheme} ${value.slice(0, -signature.length)}${signature.startsWith('A') ? 'B' : 'A'}${signature.slice(1)}`;
    const result = await runCli(['gateway', '--management', admin, '--token', tampered, '--gateway-port', '0'], cleanEnv(), 60_000);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`management at ${admin} refused the gateway token: The gateway token's signature matches neither key of gateway 'edge'`);
    expect(result.stdout + result.stderr).not.toContain(signature.slice(1));

    const other = await runCli(['gateway', '--management', admin, '--token', 'not-a-token', '--gateway-port', '0'], cleanEnv(), 60_000);
    expect(other.code).toBe(2);
    expect(other.stderr).toContain('the gateway token is malformed');
  });

  it('exits non-zero when management is unreachable and there is no backup', async () => {
    const nowhere = `http://127.0.0.1:${await freePort()}`;
    const result = await runCli(['gateway', '--management', nowhere, '--token', token, '--gateway-port', '0', '--backup', join(dataDir, 'empty')], cleanEnv(), 60_000);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`cannot start: management at ${nowhere} is unreachable (ECONNREFUSED`);
    expect(result.stderr).toContain(`and there is no backup in ${join(dataDir, 'empty')} yet`);
  });

  it('--workers 2 --backup: serves, follows writes on every worker, survives management stopping, restarts from the backup, reconnects', async () => {
    let cli = startGateway(['--workers', '2', '--backup', backupDir]);
    let { gateway } = await ready(cli);
    expect((await get(`${gateway}/orders/items/3`)).body).toBe('upstream saw GET /items/3');
    expect((await get(`${gateway}/billing/items/3`)).status).toBe(404);

    await setHeaderPolicy('workers');
    await eventually('the policy reaches both workers within 2 s', () => allServe(gateway, 'workers'), 2_000);

    // The backup holds the latest accepted snapshot, encrypted, mode 0600, nothing else left behind.
    await eventually('the backup is written', async () => (await readFile(join(backupDir, 'gateway-snapshot.backup'), 'utf8')).length > 0);
    expect((await stat(join(backupDir, 'gateway-snapshot.backup'))).mode & 0o777).toBe(0o600);
    expect(await readdir(backupDir)).toEqual(['gateway-snapshot.backup']);
    expect(await readFile(join(backupDir, 'gateway-snapshot.backup'), 'utf8')).not.toContain(upstream.url);

    // Management stops: the gateway keeps serving its last good configuration.
    expect((await management!.stop()).code).toBe(0);
    await eventually('the gateway notices management is away', async () => /is unreachable .*still serving revision \d+; retrying/.test(cli.stderr));
    expect(await allServe(gateway, 'workers')).toBe(true);

    // A restart while management is down starts from the backup.
    expect((await cli.stop()).code).toBe(0);
    running.splice(running.indexOf(cli), 1);
    cli = startGateway(['--workers', '2', '--backup', backupDir]);
    ({ gateway } = await ready(cli));
    expect(cli.stderr).toMatch(/is unreachable \(ECONNREFUSED.*\); starting from the backup of revision \d+ saved at/);
    expect(await allServe(gateway, 'workers')).toBe(true);
    expect((await get(`${gateway}/billing/items/3`)).status).toBe(404);

    // Management comes back on the same address: the gateway reconnects and follows writes again.
    running.splice(running.indexOf(management!), 1);
    await startManagement();
    await eventually('the gateway reconnects', async () => cli.stderr.includes('is reachable again'));
    await setHeaderPolicy('after-outage');
    await eventually('a write after the outage reaches both workers', () => allServe(gateway, 'after-outage'));
  });
});
