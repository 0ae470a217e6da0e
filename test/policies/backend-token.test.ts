/**
 * issue-backend-token end to end: the real control plane (SQLite, keyring, publisher, REST
 * API) generates and rotates the keys, the real gateway signs tokens and serves its JWKS,
 * and a real upstream verifies every call with packages/verify against that JWKS.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import pino from 'pino';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPorticoVerifier, withPortico } from '../../packages/verify/src/index.js';
import { managementPolicyHooks } from '../../src/cli/policy-engine.js';
import { gatewaySnapshotCheck } from '../../src/cli/snapshot-check.js';
import { createGatewayServer, type GatewayServer } from '../../src/gateway/server.js';
import { SnapshotPublisher } from '../../src/management/publisher.js';
import { createManagementServer, type ManagementServer } from '../../src/management/server.js';
import { RETIRED_KEY_PUBLISH_MS } from '../../src/management/signing-keys.js';
import { GATEWAY_JWKS_PATH } from '../../src/model/signing-keys.js';
import { Keyring } from '../../src/store/keyring.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { SnapshotBuilder } from '../helpers/snapshot-builder.js';
import { startEchoUpstream } from '../helpers/echo-upstream.js';
import { ADMIN_TOKEN, storeDump } from '../management-harness.js';
import { inbound, operationPolicy, sharedEngine, startPolicyGateway, withPolicies } from './harness.js';

const KEY = 'backend-token-subscription-key-0123';

interface Reply {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests inspect JSON bodies freely
  body: any;
  text: string;
  headers: Record<string, string | string[] | undefined>;
}

interface SigningKeyEnvelope {
  name: string;
  properties: { status: string; publicJwk: Record<string, string>; publishUntil?: string };
}

describe('issue-backend-token', () => {
  const logLines: string[] = [];
  const logger = pino(
    { level: 'debug' },
    new Writable({
      write(chunk: Buffer, _enc, done) {
        logLines.push(chunk.toString('utf8'));
        done();
      },
    }),
  );
  const agent = new Agent({ keepAliveTimeout: 1_000 });
  let store: SqliteStore;
  let publisher: SnapshotPublisher;
  let management: ManagementServer;
  let adminUrl: string;
  let gateway: GatewayServer;
  let gatewayUrl: string;
  let upstream: Server;
  /** The gateway's JWKS clock, ms from now (0: real time). */
  let clockOffsetMs = 0;
  /** Every token the upstream received, newest last. */
  const received: string[] = [];

  async function admin(method: string, path: string, body?: unknown): Promise<Reply> {
    const response = await request(`${adminUrl}${path}`, {
      dispatcher: agent,
      method: method as 'GET',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.body.text();
    return { status: response.statusCode, body: text ? (JSON.parse(text) as unknown) : undefined, text, headers: response.headers };
  }

  async function call(path: string, headers: Record<string, string> = {}): Promise<Reply> {
    const response = await request(`${gatewayUrl}${path}`, {
      dispatcher: agent,
      headers: { 'ocp-apim-subscription-key': KEY, ...headers },
    });
    const text = await response.body.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    return { status: response.statusCode, body, text, headers: response.headers };
  }

  async function jwks(): Promise<{ keys: Record<string, string>[] }> {
    const reply = await call(GATEWAY_JWKS_PATH);
    expect(reply.status).toBe(200);
    return reply.body as { keys: Record<string, string>[] };
  }

  async function keysByStatus(): Promise<Record<string, string[]>> {
    const reply = await admin('GET', '/signingKeys');
    expect(reply.status).toBe(200);
    const byStatus: Record<string, string[]> = {};
    for (const key of reply.body.value as SigningKeyEnvelope[]) (byStatus[key.properties.status] ??= []).push(key.name);
    return byStatus;
  }

  /** Waits until the gateway serves everything committed so far. */
  async function settle(): Promise<void> {
    await publisher.refresh();
    const revision = await store.revision();
    const deadline = Date.now() + 20_000;
    while ((gateway.runtime?.revision ?? -1) < revision) {
      if (Date.now() > deadline) throw new Error(`gateway never reached revision ${revision}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  async function put(path: string, properties: Record<string, unknown>): Promise<void> {
    const reply = await admin('PUT', path, { properties });
    expect(reply.status, `${path}: ${reply.text}`).toBeLessThan(300);
  }

  function tokenOf(headerValue: string): string {
    return headerValue.replace(/^Bearer /, '');
  }

  beforeAll(async () => {
    const engine = await sharedEngine();
    store = SqliteStore.open({ path: ':memory:' });
    const keyring = await Keyring.load({ env: {} });
    publisher = new SnapshotPublisher({ store, keyring, logger });
    management = createManagementServer({
      store,
      keyring,
      adminToken: ADMIN_TOKEN,
      publisher,
      logger,
      ...managementPolicyHooks(engine),
      checkSnapshot: gatewaySnapshotCheck(engine),
    });
    adminUrl = `http://127.0.0.1:${(await management.listen(0, '127.0.0.1')).port}`;
    gateway = createGatewayServer({ logger, policies: engine.compile, now: () => Date.now() + clockOffsetMs });
    gateway.attach(publisher);
    gatewayUrl = `http://127.0.0.1:${(await gateway.listen(0, '127.0.0.1')).port}`;

    // The service: publicly reachable, it accepts only calls that came through the gateway.
    const guarded = withPortico({ gatewayUrl, audience: 'orders', cooldownMs: 0 }, (req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ caller: req.portico }));
    });
    upstream = createServer((req: IncomingMessage, res: ServerResponse) => {
      received.push(String(req.headers.authorization ?? ''));
      guarded(req, res);
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;

    await put('/apis/orders', { path: 'orders', serviceUrl: upstreamUrl, protocols: ['http', 'https'] });
    await put('/apis/orders/operations/get-order', { method: 'GET', urlTemplate: '/orders/{id}' });
    await put('/apis/orders/operations/get-invoice', { method: 'GET', urlTemplate: '/invoices/{id}' });
    await put('/apis/orders/operations/short', { method: 'GET', urlTemplate: '/short' });
    await put('/apis/orders/operations/fresh', { method: 'GET', urlTemplate: '/fresh' });
    await put('/apis/orders/policies/policy', { format: 'rawxml', value: inbound('<issue-backend-token audience="orders" />') });
    await put('/apis/orders/operations/get-invoice/policies/policy', {
      format: 'rawxml',
      value: '<policies><inbound><base /><issue-backend-token audience="billing" /></inbound></policies>',
    });
    await put('/apis/orders/operations/short/policies/policy', {
      format: 'rawxml',
      value: '<policies><inbound><base /><issue-backend-token audience="orders" ttl="2" /></inbound></policies>',
    });
    await put('/apis/orders/operations/fresh/policies/policy', {
      format: 'rawxml',
      value: '<policies><inbound><base /><issue-backend-token audience="orders" reuse-token="false" /></inbound></policies>',
    });
    await put('/apis/orders/operations/dynamic', { method: 'GET', urlTemplate: '/dynamic' });
    await put('/apis/orders/operations/dynamic/policies/policy', {
      format: 'rawxml',
      value: '<policies><inbound><base /><issue-backend-token audience="@("svc-" + context.Operation.Id)" /></inbound></policies>',
    });
    await put('/products/starter', { displayName: 'Starter', state: 'published' });
    const link = await admin('PUT', '/products/starter/apis/orders');
    expect(link.status).toBeLessThan(300);
    await put('/users/u1', { email: 'u1@example.com', firstName: 'U', lastName: 'One' });
    await put('/subscriptions/alice', { scope: '/products/starter', ownerId: '/users/u1', state: 'active', primaryKey: KEY });
    await settle();
  });

  afterAll(async () => {
    await gateway?.close({ drainMs: 1_000 });
    await management?.close();
    await publisher?.close();
    await store?.close();
    await agent.close();
    await new Promise<void>((resolve) => (upstream ? upstream.close(() => resolve()) : resolve()));
  });

  it('creates an active and a next key when the control plane starts', async () => {
    const keys = await keysByStatus();
    expect(keys.active).toHaveLength(1);
    expect(keys.next).toHaveLength(1);
    const published = (await jwks()).keys.map((k) => k.kid);
    expect(published).toEqual([keys.active[0], keys.next[0]]);
  });

  it('puts a token with the call’s claims on the backend request, replacing the client’s', async () => {
    const reply = await call('/orders/orders/42', { authorization: 'Bearer forged-by-the-client' });
    expect(reply.status, reply.text).toBe(200);
    expect(reply.body.caller).toMatchObject({
      subscriptionId: 'alice',
      userId: 'u1',
      productId: 'starter',
      apiId: 'orders',
      operationId: 'get-order',
    });
    const header = received.at(-1)!;
    expect(header).toMatch(/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);
    const token = tokenOf(header);
    const claims = decodeJwt(token);
    expect(claims).toMatchObject({ iss: 'portico', aud: 'orders', subscription_id: 'alice', user_id: 'u1', product_id: 'starter', api_id: 'orders', operation_id: 'get-order' });
    expect(claims.exp! - claims.iat!).toBe(300);
    expect(typeof claims.jti).toBe('string');
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'ES256', typ: 'JWT', kid: (await keysByStatus()).active[0] });
  });

  it('reuses a signed token briefly unless reuse-token="false"', async () => {
    await call('/orders/orders/1');
    await call('/orders/orders/2');
    const [first, second] = received.slice(-2).map((h) => decodeJwt(tokenOf(h)).jti);
    expect(first).toBe(second);
    await call('/orders/fresh');
    await call('/orders/fresh');
    const [third, fourth] = received.slice(-2).map((h) => decodeJwt(tokenOf(h)).jti);
    expect(third).not.toBe(fourth);
  });

  it('signs for the audience the policy names, and the service refuses other audiences', async () => {
    const reply = await call('/orders/invoices/7');
    expect(reply.status).toBe(401);
    const token = tokenOf(received.at(-1)!);
    expect(decodeJwt(token).aud).toBe('billing');
    const billing = createPorticoVerifier({ gatewayUrl, audience: 'billing' });
    expect(await billing.verify(token)).toMatchObject({ operationId: 'get-invoice', subscriptionId: 'alice' });
    // An expression audience is computed per call.
    expect((await call('/orders/dynamic')).status).toBe(401);
    expect(decodeJwt(tokenOf(received.at(-1)!)).aud).toBe('svc-dynamic');
  });

  it('issues tokens that expire after their ttl', async () => {
    expect((await call('/orders/short')).status).toBe(200);
    const token = tokenOf(received.at(-1)!);
    const claims = decodeJwt(token);
    expect(claims.exp! - claims.iat!).toBe(2);
    const later = createPorticoVerifier({ gatewayUrl, audience: 'orders', now: () => new Date((claims.exp! + 60) * 1000) });
    await expect(later.verify(token)).rejects.toMatchObject({ code: 'TokenExpired', status: 401 });
  });

  it('refuses a ttl outside 1 s … 1 h at save time', async () => {
    for (const ttl of ['0', '3601', 'soon']) {
      const reply = await admin('PUT', '/apis/orders/operations/short/policies/policy', {
        properties: { format: 'rawxml', value: `<policies><inbound><base /><issue-backend-token audience="orders" ttl="${ttl}" /></inbound></policies>` },
      });
      expect(reply.status, ttl).toBe(400);
      expect(reply.text).toContain('ttl');
    }
    const header = await admin('PUT', '/apis/orders/operations/short/policies/policy', {
      properties: { format: 'rawxml', value: '<policies><inbound><base /><issue-backend-token audience="orders" header-name="Content-Length" /></inbound></policies>' },
    });
    expect(header.status).toBe(400);
  });

  it('rotates without downtime: old tokens stay valid, new ones use the pre-published key, the old key leaves after one lifetime', async () => {
    const before = await keysByStatus();
    expect((await call('/orders/orders/100')).status).toBe(200);
    const oldToken = tokenOf(received.at(-1)!);
    expect(decodeProtectedHeader(oldToken).kid).toBe(before.active[0]);

    const rotated = await admin('POST', '/signingKeys/rotate');
    expect(rotated.status).toBe(200);
    await settle();
    const after = await keysByStatus();
    expect(after.active).toEqual(before.next);
    expect(after.retired).toEqual(before.active);
    expect(after.next).toHaveLength(1);
    const retired = (rotated.body.value as SigningKeyEnvelope[]).find((k) => k.name === before.active[0])!;
    expect(Date.parse(retired.properties.publishUntil!) - Date.now()).toBeGreaterThan(RETIRED_KEY_PUBLISH_MS - 60_000);

    // New calls carry the new kid, and the service (which cached the JWKS before) accepts them.
    const reply = await call('/orders/orders/101');
    expect(reply.status, reply.text).toBe(200);
    expect(decodeProtectedHeader(tokenOf(received.at(-1)!)).kid).toBe(before.next[0]);
    // A token signed just before the rotation still verifies, also for a verifier starting now.
    const fresh = createPorticoVerifier({ gatewayUrl, audience: 'orders' });
    expect(await fresh.verify(oldToken)).toMatchObject({ operationId: 'get-order' });
    expect((await jwks()).keys.map((k) => k.kid)).toEqual([...after.active, ...after.next, ...after.retired]);

    // One token lifetime (plus grace) later, the retired key is gone from the JWKS.
    clockOffsetMs = RETIRED_KEY_PUBLISH_MS + 1_000;
    try {
      expect((await jwks()).keys.map((k) => k.kid)).toEqual([...after.active, ...after.next]);
      const afterwards = createPorticoVerifier({ gatewayUrl, audience: 'orders' });
      await expect(afterwards.verify(oldToken)).rejects.toMatchObject({ code: 'InvalidToken' });
    } finally {
      clockOffsetMs = 0;
    }
  });

  it('serves the JWKS with public members only and a cache lifetime', async () => {
    const reply = await call(GATEWAY_JWKS_PATH);
    expect(reply.headers['content-type']).toBe('application/jwk-set+json');
    expect(reply.headers['cache-control']).toBe('public, max-age=300');
    for (const key of (reply.body as { keys: Record<string, string>[] }).keys) {
      expect(Object.keys(key).sort()).toEqual(['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y']);
    }
    const post = await request(`${gatewayUrl}${GATEWAY_JWKS_PATH}`, { dispatcher: agent, method: 'POST', body: '{}' });
    await post.body.text();
    expect(post.statusCode).toBe(405);
  });

  it('never shows private key material: not in GETs, logs, the JWKS or the store', async () => {
    const snapshot = publisher.current()!;
    const secrets = (snapshot.signingKeys ?? []).flatMap((k) => (k.privateD === undefined ? [] : [k.privateD]));
    expect(secrets).toHaveLength(1);
    expect(snapshot.signingKeys!.filter((k) => k.status !== 'active').every((k) => k.privateD === undefined)).toBe(true);

    const list = await admin('GET', '/signingKeys');
    const one = await admin('GET', `/signingKeys/${(list.body.value as SigningKeyEnvelope[])[0].name}`);
    expect(one.status).toBe(200);
    const arm = await admin('GET', '/subscriptions/s/resourceGroups/rg/providers/Microsoft.ApiManagement/service/p/signingKeys');
    expect(arm.status).toBe(200);
    const jwksText = (await call(GATEWAY_JWKS_PATH)).text;
    const rawRows = JSON.stringify((await store.list('signingKey')).items);
    const shown = [list.text, one.text, arm.text, jwksText, logLines.join(''), await storeDump(store), rawRows];
    for (const text of shown) {
      for (const secret of secrets) expect(text).not.toContain(secret);
      expect(text).not.toMatch(/"d"\s*:/);
    }
    // Sealed at rest (keyring AES-GCM), and only on keys that may still sign.
    for (const row of (await store.list('signingKey')).items) {
      if (row.properties.status === 'retired') expect(row.secrets).toEqual({});
      else expect(row.secrets.privateKey).toMatch(/^v1\./);
    }
    // Keys cannot be written through the generic API.
    expect((await admin('PUT', '/signingKeys/mine', { properties: {} })).status).toBe(404);
  });

  it('refuses the call (500) when the snapshot has no signing key', async () => {
    const echo = await startEchoUpstream();
    const snapshot = withPolicies(
      new SnapshotBuilder().api('a', { path: 'a', serviceUrl: echo.url }).operation('a', 'get', 'GET', '/x').subscription('s', { scope: '/apis', primaryKey: KEY }).build(),
      { policies: [operationPolicy('a', 'get', inbound('<issue-backend-token audience="a" />'))] },
    );
    const gw = await startPolicyGateway(snapshot);
    try {
      const reply = await gw.request('/a/x', { headers: { 'ocp-apim-subscription-key': KEY } });
      expect(reply.statusCode).toBe(500);
      expect(reply.text).toContain('no token-signing key');
      expect(echo.requests).toHaveLength(0);
    } finally {
      await gw.close();
      await echo.close();
    }
  });
});
