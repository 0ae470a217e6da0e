import { connect } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Keyring } from '../src/store/keyring.js';
import { ManagementService } from '../src/management/service.js';
import { openStore } from '../src/store/open.js';
import { RunningCli } from './cli-harness.js';
import { startUpstream, type Upstream } from './cli-upstream.js';

let dataDir: string;
let upstream: Upstream;
let slowStarted: () => void;
let slowArrived: Promise<void>;
const running: RunningCli[] = [];

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'portico-cli-shutdown-'));
  slowArrived = new Promise((resolve) => (slowStarted = resolve));
  upstream = await startUpstream(() => slowStarted());
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((cli) => cli.stop()));
  await upstream.close();
  await rm(dataDir, { recursive: true, force: true });
});

async function startWithSlowApi(extra: string[] = []): Promise<{ cli: RunningCli; gateway: string }> {
  const file = join(dataDir, 'slow.yaml');
  await writeFile(
    file,
    `backends:
  slow-svc: { url: "${upstream.url}" }
apis:
  slow:
    path: slow-api
    protocols: [http]
    backendId: slow-svc
    subscriptionRequired: false
    operations:
      wait: { method: GET, urlTemplate: "/slow/{ms}" }
`,
  );
  const cli = new RunningCli(['start', '--data', dataDir, '--gateway-port', '0', '--admin-port', '0', '--config', file, ...extra]);
  running.push(cli);
  const { gateway } = await cli.addresses();
  return { cli, gateway };
}

/** Resolves true once a fresh TCP connection to `url` is refused (the listener is closed). */
async function refusesConnections(url: string, timeoutMs: number): Promise<boolean> {
  const { hostname, port } = new URL(url);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const refused = await new Promise<boolean>((resolve) => {
      const socket = connect(Number(port), hostname);
      socket.once('connect', () => {
        socket.destroy();
        resolve(false);
      });
      socket.once('error', () => resolve(true));
    });
    if (refused) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}

// Each test spawns real processes; generous limits keep loaded CI machines from failing them.
describe('portico start shutdown', { timeout: 60_000 }, () => {
  it('on SIGTERM stops accepting, lets the in-flight request finish, closes the store and exits 0', async () => {
    const { cli, gateway } = await startWithSlowApi();
    const inFlight = fetch(`${gateway}/slow-api/slow/5000`);
    await slowArrived;
    cli.child.kill('SIGTERM');

    expect(await refusesConnections(gateway, 4_000)).toBe(true);
    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('slow done after 5000 ms');

    const result = await cli.exited();
    expect(result.code, cli.output()).toBe(0);
    expect(result.stderr).toMatch(/SIGTERM received/);
    expect(result.stderr).toMatch(/portico: stopped/);

    const db = new Database(join(dataDir, 'portico.db'), { readonly: true });
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      db.close();
    }
    const store = await openStore({ dataDir });
    try {
      const service = new ManagementService({ store, keyring: await Keyring.load({ dataDir, env: {} }) });
      expect((await service.list('api')).items.map((api) => api.id)).toEqual(['slow']);
      expect((await service.list('operation', { parent: 'apis/slow' })).total).toBe(1);
    } finally {
      await store.close();
    }
  });

  it('a second signal exits at once without waiting for the drain', async () => {
    const { cli, gateway } = await startWithSlowApi(['--drain-ms', '60000']);
    const inFlight = fetch(`${gateway}/slow-api/slow/50000`).catch((error: unknown) => error);
    await slowArrived;
    cli.child.kill('SIGTERM');
    await waitForStderr(cli, /SIGTERM received/);
    cli.child.kill('SIGINT');

    const result = await cli.exited(10_000);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/SIGINT received again, exiting without waiting/);
    await inFlight;
  });
});

async function waitForStderr(cli: RunningCli, pattern: RegExp): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!pattern.test(cli.stderr)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern} on stderr\n${cli.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
