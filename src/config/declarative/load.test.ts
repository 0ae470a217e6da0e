import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DeclarativeFileError, formatIssue, type DeclarativeIssue } from './issues.js';
import { loadDeclarativeFile } from './load.js';
import { summarizeResources } from './summary.js';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'portico-declarative-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function write(name: string, text: string): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, text);
  return file;
}

async function issuesOf(file: string): Promise<DeclarativeIssue[]> {
  try {
    await loadDeclarativeFile(file);
  } catch (error) {
    if (error instanceof DeclarativeFileError) return [...error.issues];
    throw error;
  }
  throw new Error('expected the file to be refused');
}

const ORDERS = `backends:
  orders-svc: { url: "http://127.0.0.1:9001", protocol: http }
apis:
  orders:
    displayName: Orders
    path: orders
    backendId: orders-svc
    protocols: [http]
    policy: ./policies/orders.xml
    operations:
      get-order:   { displayName: Get order, method: GET,  urlTemplate: "/orders/{id}" }
      place-order:
        displayName: Place order
        method: POST
        urlTemplate: /orders
        policy: "<policies><inbound><base /></inbound></policies>"
products:
  starter: { displayName: Starter, state: published, apis: [orders] }
subscriptions:
  alice: { scope: /products/starter, displayName: Alice, state: active }
policy: "<policies><inbound /></policies>"
`;

describe('loadDeclarativeFile', () => {
  it('maps every section onto declared resources with their file paths and positions', async () => {
    await mkdir(join(dir, 'policies'));
    await writeFile(join(dir, 'policies', 'orders.xml'), '<policies><inbound><base /></inbound></policies>');
    const file = await write('portico.yaml', ORDERS);

    const { resources } = await loadDeclarativeFile(file);

    const brief = resources.map((resource) => `${resource.kind} ${resource.parent}/${resource.id} @${resource.source.path}`);
    expect(brief).toEqual([
      'backend /orders-svc @backends.orders-svc',
      'api /orders @apis.orders',
      'operation apis/orders/get-order @apis.orders.operations.get-order',
      'operation apis/orders/place-order @apis.orders.operations.place-order',
      'policy apis/orders/operations/place-order/policy @apis.orders.operations.place-order.policy',
      'policy apis/orders/policy @apis.orders.policy',
      'product /starter @products.starter',
      'productApi products/starter/orders @products.starter.apis[0]',
      'subscription /alice @subscriptions.alice',
      'policy /policy @policy',
    ]);
    const api = resources.find((resource) => resource.kind === 'api')!;
    expect(api.properties).toEqual({ displayName: 'Orders', path: 'orders', backendId: 'orders-svc', protocols: ['http'] });
    expect(api.source).toMatchObject({ file, line: 4, column: 3 });
    const apiPolicy = resources.find((resource) => resource.kind === 'policy' && resource.parent === 'apis/orders')!;
    expect(apiPolicy.properties).toEqual({ format: 'rawxml', value: '<policies><inbound><base /></inbound></policies>' });
    expect(summarizeResources(resources)).toBe('1 backend, 1 api, 2 operations, 3 policies, 1 product, 1 subscription');
  });

  it('reads JSON with positions too', async () => {
    const file = await write('portico.json', '{\n  "backends": {\n    "b": { "url": "http://x.test", "protocol": "http" }\n  }\n}\n');
    const {
      resources: [backend],
    } = await loadDeclarativeFile(file);
    expect(backend).toMatchObject({ kind: 'backend', id: 'b', source: { path: 'backends.b', line: 3, column: 5 } });
  });

  it('accepts an empty file as no resources', async () => {
    expect((await loadDeclarativeFile(await write('empty.yaml', '# nothing yet\n'))).resources).toEqual([]);
  });

  it('reports malformed YAML with line and column', async () => {
    const issues = await issuesOf(await write('bad.yaml', 'apis:\n  orders: { path: orders\nproducts: {}\n'));
    expect(issues[0]).toMatchObject({ code: 'SyntaxError', line: expect.any(Number), column: expect.any(Number) });
    expect(issues[0].line).toBeGreaterThanOrEqual(2);
  });

  it('reports a duplicate id at the second occurrence, naming its path', async () => {
    const file = await write('dup.yaml', 'backends:\n  a: { url: "http://a.test" }\n  a: { url: "http://b.test" }\n');
    const issues = await issuesOf(file);
    expect(issues).toEqual([expect.objectContaining({ code: 'DuplicateId', path: 'backends.a', line: 3, column: 3 })]);
    expect(formatIssue(file, issues[0])).toBe(`${file}:3:3 backends.a: duplicate key: each id may appear only once in its map`);
  });

  it('refuses unknown top-level keys and wrongly shaped sections, all at once', async () => {
    const file = await write('shape.yaml', 'apiz: {}\nbackends: [a, b]\napis:\n  orders: 42\nproducts:\n  p: { apis: orders }\n');
    const issues = await issuesOf(file);
    expect(issues.map((issue) => `${issue.line}:${issue.column} ${issue.code} ${issue.path}`)).toEqual([
      '1:1 UnknownField apiz',
      '2:1 WrongType backends',
      '4:3 WrongType apis.orders',
      '6:8 WrongType products.p.apis',
    ]);
  });

  it('refuses ids that would break resource addressing', async () => {
    const issues = await issuesOf(await write('ids.yaml', 'backends:\n  "a/b": { url: "http://a.test" }\n'));
    expect(issues).toEqual([expect.objectContaining({ code: 'InvalidId', path: 'backends.a/b', line: 2 })]);
  });

  it('refuses references to resources the file does not declare', async () => {
    const file = await write(
      'refs.yaml',
      [
        'apis:',
        '  orders:',
        '    path: orders',
        '    backendId: missing-backend',
        '    operations:',
        '      get: { method: GET, urlTemplate: /, backendId: other-missing }',
        'products:',
        '  starter: { apis: [orders, ghost] }',
        'subscriptions:',
        '  alice: { scope: /products/nope }',
        '  bob: { scope: /apis/orders }',
        '',
      ].join('\n'),
    );
    const issues = await issuesOf(file);
    expect(issues.filter((issue) => issue.code === 'UnknownReference').map((issue) => `${issue.path}: ${issue.message}`)).toEqual([
      'apis.orders.backendId: backend "missing-backend" is not declared under backends',
      'apis.orders.operations.get.backendId: backend "other-missing" is not declared under backends',
      'products.starter.apis[1]: API "ghost" is not declared under apis',
      'subscriptions.alice.scope: product "nope" is not declared under products',
    ]);
  });

  it('resolves policy paths against the file folder and reports missing ones', async () => {
    const issues = await issuesOf(await write('pol.yaml', 'policy: ./nowhere.xml\n'));
    expect(issues).toEqual([expect.objectContaining({ code: 'PolicyNotFound', path: 'policy', line: 1, column: 1 })]);
    expect(issues[0].message).toContain(join(dir, 'nowhere.xml'));
  });

  it('maps policy fragments, reading a file value relative to the declarative file and defaulting to rawxml', async () => {
    await mkdir(join(dir, 'fragments'));
    const fromFile = '<fragment><set-header name="x-caller" exists-action="override"><value>@(context.Request.IpAddress)</value></set-header></fragment>';
    await writeFile(join(dir, 'fragments', 'check-caller.xml'), fromFile);
    const file = await write(
      'fragments.yaml',
      [
        'policyFragments:',
        '  check-caller: { value: ./fragments/check-caller.xml, description: Stamps the caller }',
        '  inline: { value: "<fragment><base-less /></fragment>", format: xml }',
        'policy: "<policies><inbound><include-fragment fragment-id=\\"check-caller\\" /></inbound></policies>"',
        '',
      ].join('\n'),
    );
    const loaded = await loadDeclarativeFile(file);
    const fragments = loaded.resources.filter((r) => r.kind === 'policyFragment');
    expect(fragments.map(({ id, parent, properties, source }) => ({ id, parent, properties, path: source.path, line: source.line }))).toEqual([
      { id: 'check-caller', parent: '', properties: { format: 'rawxml', value: fromFile, description: 'Stamps the caller' }, path: 'policyFragments.check-caller', line: 2 },
      { id: 'inline', parent: '', properties: { format: 'xml', value: '<fragment><base-less /></fragment>' }, path: 'policyFragments.inline', line: 3 },
    ]);
    expect(summarizeResources(loaded.resources)).toBe('2 policy fragments, 1 policy');
  });

  it('reports a missing fragment file, an unknown fragment field and an include of an undeclared fragment', async () => {
    const file = await write(
      'bad-fragments.yaml',
      [
        'policyFragments:',
        '  gone: { value: ./fragments/gone.xml }',
        '  typo: { value: "<fragment />", descripton: x }',
        '  nests: { value: "<fragment><include-fragment fragment-id=\\"ghost\\" /></fragment>" }',
        'apis:',
        '  orders:',
        '    path: orders',
        '    serviceUrl: http://127.0.0.1:9001',
        '    policy: "<policies><inbound><include-fragment fragment-id=\\"missing\\" /></inbound></policies>"',
        '',
      ].join('\n'),
    );
    const issues = await issuesOf(file);
    expect(issues.map((issue) => `${issue.code} ${issue.path}`)).toEqual([
      'PolicyNotFound policyFragments.gone.value',
      'UnknownField policyFragments.typo.descripton',
      'UnknownReference policyFragments.nests.value',
      'UnknownReference apis.orders.policy',
    ]);
    expect(issues[0].message).toContain(join(dir, 'fragments', 'gone.xml'));
    expect(issues[2].message).toBe('policy fragment "ghost" is not declared under policyFragments');
    expect(issues[3].message).toBe('policy fragment "missing" is not declared under policyFragments');
  });

  it('reports a file that cannot be read', async () => {
    const issues = await issuesOf(join(dir, 'absent.yaml'));
    expect(issues).toEqual([expect.objectContaining({ code: 'FileNotFound' })]);
  });
});
