import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './cli-harness.js';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'portico-cli-validate-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function write(name: string, text: string): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, text);
  return file;
}

const GOOD = `backends:
  orders-svc: { url: "http://127.0.0.1:9001", protocol: http }
apis:
  orders:
    displayName: Orders
    path: orders
    protocols: [http]
    backendId: orders-svc
    operations:
      get-order: { displayName: Get order, method: GET, urlTemplate: "/orders/{id}" }
products:
  starter: { displayName: Starter, state: published, apis: [orders] }
subscriptions:
  alice: { scope: /products/starter, displayName: Alice, state: active }
`;

/** Replaces one line of GOOD so each bad file differs from a valid one by exactly one mistake. */
function goodWith(find: string, replace: string): string {
  if (!GOOD.includes(find)) throw new Error(`fixture does not contain ${find}`);
  return GOOD.replace(find, replace);
}

describe('portico validate', () => {
  it('prints OK with counts and exits 0 for a valid file', async () => {
    const file = await write('good.yaml', GOOD);
    const result = await runCli(['validate', file]);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe(`OK ${file}: 1 backend, 1 api, 1 operation, 1 product, 1 subscription\n`);
    expect(result.code).toBe(0);
  });

  it('validates policy fragments read from files next to the config', async () => {
    await writeFile(join(dir, 'stamp.xml'), '<fragment><set-header name="x-stamp" exists-action="override"><value>1</value></set-header></fragment>');
    const withFragment = goodWith('    backendId: orders-svc\n', '    backendId: orders-svc\n    policy: \'<policies><inbound><base /><include-fragment fragment-id="stamp" /></inbound></policies>\'\n');
    const file = await write('fragments.yaml', `${withFragment}policyFragments:\n  stamp: { value: ./stamp.xml, description: Stamps }\n`);
    const result = await runCli(['validate', file]);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe(`OK ${file}: 1 backend, 1 policy fragment, 1 api, 1 operation, 1 policy, 1 product, 1 subscription\n`);
    expect(result.code).toBe(0);
  });

  const cases: [string, string, RegExp][] = [
    ['missing fragment file', `${GOOD}policyFragments:\n  stamp: { value: ./absent.xml }\n`, /:16:\d+ policyFragments\.stamp\.value: policy file \.\/absent\.xml not found/],
    ['include of an undeclared fragment', goodWith('    backendId: orders-svc\n', '    backendId: orders-svc\n    policy: \'<policies><inbound><include-fragment fragment-id="ghost" /></inbound></policies>\'\n'), /:\d+:\d+ apis\.orders\.policy: policy fragment "ghost" is not declared under policyFragments/],
    ['malformed YAML', goodWith('path: orders\n', 'path: [orders\n'), /:\d+:\d+ /],
    ['unknown top-level key', `${GOOD}apiz: {}\n`, /:15:1 apiz: unknown top-level key/],
    ['unknown property', goodWith('    path: orders\n', '    path: orders\n    pathh: x\n'), /:\d+:\d+ apis\.orders\.pathh: /],
    ['wrong type', goodWith('    protocols: [http]\n', '    protocols: http\n'), /:\d+:\d+ apis\.orders\.protocols: /],
    ['duplicate id', goodWith('  alice:', '  bob: { scope: /apis/orders, displayName: Bob }\n  bob:'), /:15:3 subscriptions\.bob: duplicate key/],
    ['scope naming a missing product', goodWith('/products/starter', '/products/gold'), /:14:\d+ subscriptions\.alice\.scope: product "gold" is not declared/],
    ['backendId naming a missing backend, at the field', goodWith('    backendId: orders-svc\n', '    backendId: orders-svx\n'), /:8:5 apis\.orders\.backendId: backend "orders-svx" is not declared/],
    ['backend URL that does not parse', goodWith('"http://127.0.0.1:9001"', '"not a url"'), /:2:17 backends\.orders-svc\.url: .*not an absolute URL/],
    ['policy naming an unknown policy', goodWith('    backendId: orders-svc\n', '    backendId: orders-svc\n    policy: \'<policies><inbound><base /><set-heder name="x" /></inbound></policies>\'\n'), /:\d+:\d+ apis\.orders\.policy\.value: .*set-heder/],
    ['policy with an expression that does not compile', goodWith('    backendId: orders-svc\n', '    backendId: orders-svc\n    policy: \'<policies><inbound><base /><set-header name="x" exists-action="override"><value>@(context.Request.Nope)</value></set-header></inbound></policies>\'\n'), /:\d+:\d+ apis\.orders\.policy\.value: .*Nope/],
    ['backend the gateway would refuse to call', goodWith('"http://127.0.0.1:9001"', '"http://169.254.169.254/latest"'), /:\d+:\d+ backends\.orders-svc: .*(link-local|metadata)/],
    ['bad urlTemplate', goodWith('"/orders/{id}"', '"/orders/{id"'), /:10:\d+ apis\.orders\.operations\.get-order\.urlTemplate: /],
  ];

  it.each(cases)('refuses %s with FILE:LINE:COL path: message and exit 1', async (_name, text, expected) => {
    const file = await write(`bad-${_name.replace(/\W+/g, '-')}.yaml`, text);
    const result = await runCli(['validate', file]);
    expect(result.code, result.stderr).toBe(1);
    expect(result.stdout).toBe('');
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line.startsWith(`${file}:`), line).toBe(true);
    expect(result.stderr).toMatch(new RegExp(escape(file) + expected.source));
  });

  it('exits 2 with usage on an unknown flag or a missing file argument', async () => {
    const unknown = await runCli(['validate', '--strict', 'x.yaml']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/portico validate: .*--strict/);
    const missing = await runCli(['validate']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/missing argument/);
  });

  it('prints help for --help', async () => {
    const result = await runCli(['validate', '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Usage: portico validate FILE/);
  });
});

describe('portico', () => {
  it('prints start --help with every flag', async () => {
    const result = await runCli(['start', '--help']);
    expect(result.code).toBe(0);
    for (const flag of ['--config', '--data', '--gateway-port', '--admin-port', '--host', '--no-demo', '--drain-ms']) {
      expect(result.stdout).toContain(flag);
    }
  });

  it('lists the commands, and rejects an unknown one with exit 2', async () => {
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/start .*\n.*gateway .*\n.*validate/);
    const unknown = await runCli(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown command 'frobnicate'/);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
