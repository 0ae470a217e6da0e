import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Keyring } from '../src/store/keyring.js';
import { openStore } from '../src/store/open.js';
import { ManagementService } from '../src/management/service.js';
import { cleanEnv, RunningCli, runCli } from './cli-harness.js';

const CURL = /^ {2}curl -H "([^:"]+): ([^"]+)" (http:\/\/\S+)$/m;
const EPHEMERAL = ['--gateway-port', '0', '--admin-port', '0'];

let dataDir: string;
const running: RunningCli[] = [];

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'portico-cli-start-'));
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((cli) => cli.stop()));
  await rm(dataDir, { recursive: true, force: true });
});

function start(args: string[] = [], env: NodeJS.ProcessEnv = cleanEnv()): RunningCli {
  const cli = new RunningCli(['start', '--data', dataDir, ...EPHEMERAL, ...args], env);
  running.push(cli);
  return cli;
}

async function curlFrom(cli: RunningCli): Promise<{ header: string; key: string; url: string }> {
  const [, header, key, url] = await cli.waitFor(CURL);
  return { header, key, url };
}

/** What the store holds, read the way the next start would read it. */
async function storedCounts(): Promise<{ empty: boolean; apis: string[] }> {
  const store = await openStore({ dataDir });
  try {
    const service = new ManagementService({ store, keyring: await Keyring.load({ dataDir, env: {} }) });
    const apis = await service.list('api');
    return { empty: await service.isEmpty(), apis: apis.items.map((api) => api.id) };
  } finally {
    await store.close();
  }
}

// Each test spawns real processes; generous limits keep loaded CI machines from failing them.
describe('portico start (all-in-one)', { timeout: 60_000 }, () => {
  it('on a fresh folder prints a curl line whose URL and key reach the demo echo', async () => {
    const cli = start();
    const { header, key, url } = await curlFrom(cli);
    expect(cli.stdout).toMatch(/^portico: listening gateway=http:\/\/127\.0\.0\.1:\d+ admin=http:\/\/127\.0\.0\.1:\d+$/m);
    expect(header).toBe('Ocp-Apim-Subscription-Key');

    const response = await fetch(`${url}?color=blue`, { method: 'POST', headers: { [header]: key }, body: 'ping' });
    expect(response.status).toBe(200);
    const echo = (await response.json()) as Record<string, unknown>;
    expect(echo).toMatchObject({ method: 'POST', path: '/hello', query: { color: 'blue' }, body: 'ping' });
    expect((echo.headers as Record<string, string>)[header.toLowerCase()]).toBe('***');

    const withoutKey = await fetch(url);
    expect(withoutKey.status).toBe(401);
  });

  it('generates the admin token once, saves it 0600 and prints it only that first time', async () => {
    const first = start();
    await curlFrom(first);
    const saved = (await readFile(join(dataDir, 'admin-token'), 'utf8')).trim();
    expect(first.stdout).toContain(`  ${saved}\n`);
    expect((await stat(join(dataDir, 'admin-token'))).mode & 0o777).toBe(0o600);
    const { admin } = await first.addresses();
    expect((await fetch(`${admin}/apis`)).status).toBe(401);
    const apis = await fetch(`${admin}/apis`, { headers: { authorization: `Bearer ${saved}` } });
    expect(((await apis.json()) as { count: number }).count).toBe(1);
    expect((await first.stop()).code).toBe(0);

    const second = start();
    await second.addresses();
    expect(second.stdout).not.toContain(saved);
  });

  it('on a later start prints the curl line again, with the same key, without seeding again', async () => {
    const first = start();
    const before = await curlFrom(first);
    expect(first.stdout).toContain('demo created');
    expect((await first.stop()).code).toBe(0);

    const second = start();
    const after = await curlFrom(second);
    expect(second.stdout).not.toContain('demo created');
    expect(after.key).toBe(before.key);
    // The admin port changed (port 0), and the demo backend followed it.
    const response = await fetch(after.url, { headers: { [after.header]: after.key } });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { path: string }).path).toBe('/hello');
  });

  it('with --no-demo leaves a fresh store empty and prints no curl line', async () => {
    const cli = start(['--no-demo']);
    await cli.addresses();
    expect(cli.stdout).not.toMatch(/curl/);
    expect((await cli.stop()).code).toBe(0);
    expect((await storedCounts()).empty).toBe(true);
  });

  it('uses PORTICO_ADMIN_TOKEN without printing or saving it, and lets flags override env ports', async () => {
    const env = cleanEnv({ PORTICO_ADMIN_TOKEN: 'env-token-123', PORTICO_GATEWAY_PORT: 'not-a-port' });
    const cli = start(['--no-demo'], env);
    const { admin } = await cli.addresses();
    expect(cli.stdout).not.toContain('env-token-123');
    expect((await fetch(`${admin}/apis`, { headers: { authorization: 'Bearer env-token-123' } })).status).toBe(200);
    await expect(stat(join(dataDir, 'admin-token'))).rejects.toThrow();
  });

  it('refuses a bad port from the environment and an unknown flag with exit 2', async () => {
    const badEnv = await runCli(['start', '--data', dataDir], cleanEnv({ PORTICO_GATEWAY_PORT: '99999' }));
    expect(badEnv.code).toBe(2);
    expect(badEnv.stderr).toMatch(/PORTICO_GATEWAY_PORT must be a port number/);
    const unknown = await runCli(['start', '--data', dataDir, '--gateway-prot', '0']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/--gateway-prot/);
  });

  it('explains a port already in use and exits 1', async () => {
    const first = start(['--no-demo']);
    const { gateway } = await first.addresses();
    const port = new URL(gateway).port;
    const otherData = await mkdtemp(join(tmpdir(), 'portico-cli-start-'));
    try {
      const second = await runCli(['start', '--data', otherData, '--gateway-port', port, '--admin-port', '0', '--no-demo']);
      expect(second.code).toBe(1);
      expect(second.stderr).toMatch(new RegExp(`cannot listen for the gateway on 127\\.0\\.0\\.1:${port}: the port is already in use`));
    } finally {
      await rm(otherData, { recursive: true, force: true });
    }
  });

  it('refuses a second start on a data folder in use, and takes over the lock once the first has stopped', async () => {
    const first = start(['--no-demo']);
    await first.addresses();
    const second = await runCli(['start', '--data', dataDir, ...EPHEMERAL, '--no-demo']);
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(/data folder .* is in use by another portico process \(pid \d+\)/);
    expect((await first.stop()).code).toBe(0);

    const third = start(['--no-demo']);
    await third.addresses();
  });
});

describe('portico start --config', { timeout: 60_000 }, () => {
  it('applies a valid file at start and serves its API (and seeds no demo)', async () => {
    const upstream = await import('./cli-upstream.js').then((module) => module.startUpstream());
    try {
      const file = join(dataDir, 'portico.yaml');
      await writeFile(
        file,
        `backends:
  greeter: { url: "${upstream.url}" }
apis:
  hello:
    path: hello
    protocols: [http]
    backendId: greeter
    subscriptionRequired: false
    operations:
      greet: { method: GET, urlTemplate: "/greet/{name}" }
      polite:
        method: GET
        urlTemplate: "/polite/{name}"
        policy: |
          <policies><inbound><base /></inbound><backend><base /></backend>
            <outbound><base /><set-header name="x-greeting" exists-action="override"><value>@("Hello, " + context.Request.MatchedParameters["name"])</value></set-header></outbound>
            <on-error><base /></on-error></policies>
`,
      );
      const cli = start(['--config', file]);
      const { gateway } = await cli.addresses();
      expect(cli.stdout).not.toMatch(/curl/);
      const response = await fetch(`${gateway}/hello/greet/ada`);
      expect(response.status).toBe(200);
      expect(await response.text()).toBe('upstream saw GET /greet/ada');
      // The operation's policy runs in the all-in-one gateway.
      const polite = await fetch(`${gateway}/hello/polite/ada`);
      expect(polite.status).toBe(200);
      expect(polite.headers.get('x-greeting')).toBe('Hello, ada');
      expect(response.headers.get('x-greeting')).toBeNull();
      expect((await cli.stop()).code).toBe(0);
      expect((await storedCounts()).apis).toEqual(['hello']);
    } finally {
      await upstream.close();
    }
  });

  it('refuses an invalid file: exit 1, errors name the file and path, nothing is written', async () => {
    const file = join(dataDir, 'broken.yaml');
    await writeFile(
      file,
      `backends:
  greeter: { url: "http://127.0.0.1:1" }
apis:
  hello:
    path: hello
    backendId: greeter
    operations:
      greet: { method: GET, urlTemplate: "/greet/{name" }
`,
    );
    const result = await runCli(['start', '--data', dataDir, ...EPHEMERAL, '--config', file]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${file}:8:`);
    expect(result.stderr).toMatch(/apis\.hello\.operations\.greet\.urlTemplate: /);
    expect(result.stderr).toMatch(/nothing was applied/);
    expect(result.stdout).not.toMatch(/listening/);
    expect((await storedCounts()).empty).toBe(true);
    // The token generated by the failed start was never shown, so it is not kept either.
    await expect(stat(join(dataDir, 'admin-token'))).rejects.toThrow();
  });
});
