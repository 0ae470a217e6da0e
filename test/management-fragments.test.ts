import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DeclarativeFileError } from '../src/config/declarative/issues.js';
import { loadDeclarativeFile } from '../src/config/declarative/load.js';
import { createGatewayServer, type GatewayServer } from '../src/gateway/server.js';
import { buildSnapshot } from '../src/management/snapshot-builder.js';
import { createPolicyEngine, type PolicyEngine } from '../src/policies/index.js';
import { parsePolicyXml, serializePolicyXml } from '../src/policies/xml/index.js';
import { startEchoUpstream, type EchoUpstream } from './helpers/echo-upstream.js';
import { ARM, startHarness, storeDump, type Harness, type HarnessOptions } from './management-harness.js';

const TAG = '<fragment><set-header name="x-fragment" exists-action="override"><value>@(context.Api.Id)</value></set-header></fragment>';
const INBOUND_ONLY = '<fragment><rewrite-uri template="/rewritten" /></fragment>';
const includes = (id: string, section = 'inbound') =>
  `<policies><${section}><base /><include-fragment fragment-id="${id}" /></${section}></policies>`;

async function seedApi(h: Harness): Promise<void> {
  expect((await h.call('PUT', '/apis/orders', { properties: { path: 'orders', serviceUrl: 'http://127.0.0.1:9' } })).status).toBe(201);
}

/** The hooks as the CLI plugs them in: the real policy engine's checkers and converter. */
function engineHooks(engine: PolicyEngine): HarnessOptions {
  return {
    checkPolicy: engine.checker(),
    checkPolicyFragment: engine.fragmentChecker(),
    convertPolicy: (value, from, to) => serializePolicyXml(parsePolicyXml(value, from), to),
  };
}

let engine: PolicyEngine;
beforeAll(async () => {
  engine = await createPolicyEngine();
});
afterAll(async () => {
  await engine.close();
});

describe('policy fragments over REST', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it('creates, reads, lists, patches and deletes a fragment in APIM shapes, also under the ARM prefix', async () => {
    const created = await h.call('PUT', '/policyFragments/tag', { properties: { value: TAG, description: 'Stamps the API id', provisioningState: 'Succeeded' } });
    expect(created.status).toBe(201);
    expect(created.headers.get('etag')).toMatch(/^".+"$/);
    expect(created.body).toEqual({
      id: '/policyFragments/tag',
      type: 'Microsoft.ApiManagement/service/policyFragments',
      name: 'tag',
      properties: { value: TAG, format: 'xml', description: 'Stamps the API id' },
    });
    expect((await h.call('PUT', '/policyFragments/tag', { properties: { value: TAG, description: 'Stamps the API id' } })).status).toBe(200);

    const armRead = await h.call('GET', `${ARM}/policyFragments/tag?api-version=2024-05-01`);
    expect(armRead.body.id).toBe(`${ARM}/policyFragments/tag`);
    const list = await h.call('GET', '/policyFragments');
    expect(list.body).toMatchObject({ count: 1, nextLink: null, value: [{ name: 'tag' }] });

    const patched = await h.call('PATCH', '/policyFragments/tag', { properties: { format: 'rawxml' } });
    expect(patched.status).toBe(200);
    expect(patched.body.properties).toEqual({ value: TAG, format: 'rawxml', description: 'Stamps the API id' });

    const stale = await h.call('PUT', '/policyFragments/tag', { properties: { value: TAG } }, { 'if-match': '"stale"' });
    expect(stale.status).toBe(412);
    expect((await h.call('DELETE', '/policyFragments/tag', undefined, { 'if-match': patched.headers.get('etag')! })).status).toBe(200);
    expect((await h.call('DELETE', '/policyFragments/tag')).status).toBe(204);
    expect((await h.call('GET', '/policyFragments/tag')).status).toBe(404);
  });

  it('refuses what is not a fragment, naming the field, and leaves the store untouched', async () => {
    const before = await storeDump(h.store);
    const cases: [unknown, string, string][] = [
      [{ value: '<policies><inbound /></policies>' }, 'properties.value', 'InvalidPolicyFragment'],
      [{ value: '   ' }, 'properties.value', 'EmptyPolicyFragment'],
      [{ value: TAG, format: 'xml-link' }, 'properties.format', 'InvalidValue'],
      [{ description: 'no value' }, 'properties.value', 'RequiredField'],
      [{ value: TAG, scope: 'global' }, 'properties.scope', 'UnknownField'],
      [{ value: TAG, description: 'x'.repeat(1001) }, 'properties.description', 'InvalidValue'],
    ];
    for (const [properties, target, code] of cases) {
      const reply = await h.call('PUT', '/policyFragments/bad', { properties });
      expect(reply.status, JSON.stringify(properties)).toBe(400);
      expect(reply.body.error.details[0], JSON.stringify(properties)).toMatchObject({ target, code });
    }
    expect((await h.call('GET', '/policyFragments/bad?format=bogus')).status).toBe(404);
    await h.call('PUT', '/policyFragments/ok', { properties: { value: TAG } });
    expect((await h.call('GET', '/policyFragments/ok?format=xml-link')).status).toBe(400);
    await h.call('DELETE', '/policyFragments/ok');
    const after = JSON.parse(await storeDump(h.store)) as { all: unknown[] };
    expect(after.all).toEqual((JSON.parse(before) as { all: unknown[] }).all);
  });

  it('refuses to delete a fragment a policy or another fragment still includes, and lists who does', async () => {
    await seedApi(h);
    await h.call('PUT', '/policyFragments/inner', { properties: { value: TAG } });
    await h.call('PUT', '/policyFragments/outer', { properties: { value: '<fragment><include-fragment fragment-id="inner" /></fragment>' } });
    await h.call('PUT', '/apis/orders/policies/policy', { properties: { format: 'rawxml', value: includes('outer') } });

    const refused = await h.call('DELETE', '/policyFragments/outer');
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: 'Conflict', details: [{ code: 'PolicyFragmentInUse' }] });
    expect(refused.body.error.message).toBe("Policy fragment 'outer' is still included by 'apis/orders/policies/policy'.");
    expect((await h.call('DELETE', '/policyFragments/inner')).body.error.message).toContain("'policyFragments/outer'");

    const references = await h.call('POST', `${ARM}/policyFragments/outer/listReferences?api-version=2024-05-01`);
    expect(references.status).toBe(200);
    expect(references.body).toEqual({
      value: [{ id: `${ARM}/apis/orders/policies/policy`, name: 'policy', type: 'Microsoft.ApiManagement/service/apis/policies' }],
      count: 1,
      nextLink: null,
    });
    expect((await h.call('POST', '/policyFragments/inner/listReferences')).body.value).toEqual([
      { id: '/policyFragments/outer', name: 'outer', type: 'Microsoft.ApiManagement/service/policyFragments' },
    ]);
    expect((await h.call('POST', '/policyFragments/nope/listReferences')).status).toBe(404);

    // Deleting the API takes its policy along; then the fragments can go, includer first.
    expect((await h.call('DELETE', '/apis/orders')).status).toBe(200);
    expect((await h.call('DELETE', '/policyFragments/outer')).status).toBe(200);
    expect((await h.call('DELETE', '/policyFragments/inner')).status).toBe(200);
  });

  it('puts the fragments in the snapshot with defaults applied', async () => {
    await h.call('PUT', '/policyFragments/tag', { properties: { value: TAG, description: 'Stamps' } });
    await h.call('PUT', '/policyFragments/raw', { properties: { value: INBOUND_ONLY, format: 'rawxml' } });
    const snapshot = await buildSnapshot(h.store, h.keyring);
    expect(snapshot.policyFragments).toEqual([
      { id: 'raw', description: undefined, format: 'rawxml', value: INBOUND_ONLY },
      { id: 'tag', description: 'Stamps', format: 'xml', value: TAG },
    ]);
  });

  it('lists the route, its format parameter and listReferences in the OpenAPI document', async () => {
    const doc = (await (await fetch(`${h.base}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { parameters?: { name: string }[] }>>;
      components: { schemas: Record<string, { properties: Record<string, unknown> }> };
    };
    const item = doc.paths['/policyFragments/{fragmentId}'];
    expect(Object.keys(item)).toEqual(expect.arrayContaining(['get', 'put', 'patch', 'delete']));
    expect(item.get.parameters?.map((p) => p.name)).toContain('format');
    expect(doc.paths['/policyFragments']).toBeDefined();
    expect(doc.paths['/policyFragments/{fragmentId}/listReferences'].post).toBeDefined();
    expect(Object.keys(doc.components.schemas.PolicyFragmentProperties.properties).sort()).toEqual(['description', 'format', 'value']);
  });
});

describe('policy fragments with the policy engine plugged in', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness(engineHooks(engine));
    await seedApi(h);
  });
  afterEach(async () => {
    await h.close();
  });

  it('compiles a fragment at save time and refuses it with line and column', async () => {
    const before = await storeDump(h.store);
    const unknown = await h.call('PUT', '/policyFragments/bad', { properties: { format: 'rawxml', value: '<fragment>\n  <no-such-policy />\n</fragment>' } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toMatch(/^The policy fragment is invalid: /);
    expect(unknown.body.error.details[0]).toMatchObject({ target: 'properties.value', line: 2, column: 3 });

    const itself = await h.call('PUT', '/policyFragments/loop', { properties: { value: '<fragment><include-fragment fragment-id="loop" /></fragment>' } });
    expect(itself.status).toBe(400);
    expect(itself.body.error.message).toContain('includes itself');
    expect(await storeDump(h.store)).toBe(before);
  });

  it('refuses a policy including a fragment that does not exist, and accepts it once it does', async () => {
    const early = await h.call('PUT', '/apis/orders/policies/policy', { properties: { format: 'rawxml', value: includes('tag') } });
    expect(early.status).toBe(400);
    expect(early.body.error.details[0]).toMatchObject({ code: 'UnknownFragment', target: 'properties.value' });

    expect((await h.call('PUT', '/policyFragments/tag', { properties: { value: TAG } })).status).toBe(201);
    expect((await h.call('PUT', '/apis/orders/policies/policy', { properties: { format: 'rawxml', value: includes('tag') } })).status).toBe(201);
  });

  it('refuses a fragment change that would break a policy including it, even through another fragment', async () => {
    await h.call('PUT', '/policyFragments/inner', { properties: { value: TAG } });
    await h.call('PUT', '/policyFragments/outer', { properties: { value: '<fragment><include-fragment fragment-id="inner" /></fragment>' } });
    expect((await h.call('PUT', '/apis/orders/policies/policy', { properties: { format: 'rawxml', value: includes('outer', 'outbound') } })).status).toBe(201);
    const before = await storeDump(h.store);

    // rewrite-uri is fine in a fragment (it could be included in inbound), not where this policy includes it.
    const breaking = await h.call('PUT', '/policyFragments/inner', { properties: { value: INBOUND_ONLY } });
    expect(breaking.status).toBe(400);
    expect(breaking.body.error.details).toEqual([expect.objectContaining({ code: 'BreaksIncludingDocument', target: 'properties.value' })]);
    expect(breaking.body.error.message).toMatch(/the policy 'apis\/orders\/policies\/policy' no longer compiles \(line 1, column \d+\): .*rewrite-uri/);
    expect(await storeDump(h.store)).toBe(before);

    // A harmless change goes through.
    const harmless = TAG.replace('x-fragment', 'x-fragment-2');
    expect((await h.call('PUT', '/policyFragments/inner', { properties: { value: harmless } })).status).toBe(200);
  });

  it('returns a fragment in the other format when asked', async () => {
    const raw = '<fragment><set-variable name="ok" value="@(1 < 2 && true)" /></fragment>';
    await h.call('PUT', '/policyFragments/raw', { properties: { format: 'rawxml', value: raw } });
    expect((await h.call('GET', '/policyFragments/raw?format=xml')).body.properties).toEqual({
      format: 'xml',
      value: '<fragment><set-variable name="ok" value="@(1 &lt; 2 &amp;&amp; true)" /></fragment>',
    });
    expect((await h.call('GET', '/policyFragments/raw')).body.properties).toEqual({ format: 'rawxml', value: raw });
  });
});

describe('a fragment through the real gateway', () => {
  let h: Harness;
  let gateway: GatewayServer;
  let upstream: EchoUpstream;
  let gatewayUrl: string;

  beforeAll(async () => {
    upstream = await startEchoUpstream();
    h = await startHarness(engineHooks(engine));
    gateway = createGatewayServer({ policies: engine.compile });
    gateway.attach(h.publisher);
    gatewayUrl = `http://127.0.0.1:${(await gateway.listen(0, '127.0.0.1')).port}`;
  });
  afterAll(async () => {
    await gateway?.close({ drainMs: 100 });
    await h?.close();
    await upstream?.close();
  });

  it('runs the included fragment, and a fragment edit reaches the gateway', async () => {
    await h.call('PUT', '/policyFragments/tag', { properties: { value: TAG } });
    await h.call('PUT', '/apis/orders', { properties: { path: 'orders', serviceUrl: upstream.url, protocols: ['http'], subscriptionRequired: false } });
    await h.call('PUT', '/apis/orders/operations/get', { properties: { method: 'GET', urlTemplate: '/{id}' } });
    expect((await h.call('PUT', '/apis/orders/policies/policy', { properties: { format: 'rawxml', value: includes('tag') } })).status).toBe(201);
    await h.publisher.refresh();

    expect((await fetch(`${gatewayUrl}/orders/1`)).status).toBe(200);
    expect(upstream.requests.at(-1)?.headers['x-fragment']).toBe('orders');

    await h.call('PUT', '/policyFragments/tag', { properties: { value: TAG.replace('@(context.Api.Id)', 'edited') } });
    await h.publisher.refresh();
    expect((await fetch(`${gatewayUrl}/orders/2`)).status).toBe(200);
    expect(upstream.requests.at(-1)?.headers['x-fragment']).toBe('edited');
  });
});

describe('policy fragments in a declarative file', () => {
  let h: Harness;
  let dir: string;
  beforeEach(async () => {
    h = await startHarness(engineHooks(engine));
    dir = await mkdtemp(join(tmpdir(), 'portico-fragments-'));
  });
  afterEach(async () => {
    await h.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function load(text: string) {
    const file = join(dir, 'portico.yaml');
    await writeFile(file, text);
    return loadDeclarativeFile(file);
  }

  const API = ['apis:', '  orders:', '    path: orders', '    serviceUrl: http://127.0.0.1:9'];

  it('applies fragments (from files, nested, in any order) before the policies including them, and prunes them after', async () => {
    await writeFile(join(dir, 'outer.xml'), '<fragment><include-fragment fragment-id="inner" /></fragment>');
    const loaded = await load(
      [
        'policyFragments:',
        '  outer: { value: ./outer.xml, description: Includes inner }',
        `  inner: { value: '${TAG}' }`,
        ...API,
        `    policy: '${includes('outer')}'`,
        '',
      ].join('\n'),
    );
    const result = await h.server.service.applyDeclared(loaded.resources);
    expect(result.created.map((key) => `${key.kind}:${key.id}`)).toEqual(['api:orders', 'policyFragment:inner', 'policyFragment:outer', 'policy:policy']);

    const snapshot = await buildSnapshot(h.store, h.keyring);
    expect(snapshot.policyFragments.map(({ id, format, description }) => ({ id, format, description }))).toEqual([
      { id: 'inner', format: 'rawxml', description: undefined },
      { id: 'outer', format: 'rawxml', description: 'Includes inner' },
    ]);
    expect((await h.server.service.applyDeclared(loaded.resources)).changed).toBe(false);

    const emptied = await load('');
    const pruned = await h.server.service.applyDeclared(emptied.resources, { prune: true });
    expect(pruned.deleted.map((key) => `${key.kind}:${key.id}`)).toEqual(['policy:policy', 'policyFragment:outer', 'policyFragment:inner', 'api:orders']);
  });

  it('checks the documents including a changed fragment only once the whole file is written', async () => {
    const first = await load(['policyFragments:', `  f: { value: '${TAG}' }`, ...API, `    policy: '${includes('f', 'outbound')}'`, ''].join('\n'));
    await h.server.service.applyDeclared(first.resources);
    // On its own the new fragment would break the stored policy; the same file moves the include to inbound.
    const second = await load(['policyFragments:', `  f: { value: '${INBOUND_ONLY}' }`, ...API, `    policy: '${includes('f')}'`, ''].join('\n'));
    expect((await h.server.service.applyDeclared(second.resources)).updated.map((key) => key.kind)).toEqual(['policyFragment', 'policy']);
  });

  it('refuses a fragment change that breaks a stored policy the file does not touch, naming the fragment', async () => {
    await seedApi(h);
    await h.call('PUT', '/policyFragments/f', { properties: { value: TAG } });
    await h.call('PUT', '/apis/orders/policies/policy', { properties: { format: 'rawxml', value: includes('f', 'outbound') } });
    const before = await storeDump(h.store);
    const file = await load(['policyFragments:', `  f: { value: '${INBOUND_ONLY}' }`, ''].join('\n'));
    const error = await h.server.service.applyDeclared(file.resources).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DeclarativeFileError);
    expect((error as DeclarativeFileError).issues).toEqual([
      expect.objectContaining({ code: 'BreaksIncludingDocument', path: 'policyFragments.f.value', line: 2 }),
    ]);
    expect(await storeDump(h.store)).toBe(before);
  });
});
