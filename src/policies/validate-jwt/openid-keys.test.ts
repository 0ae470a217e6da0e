/**
 * The OpenID key cache against a real discovery + JWKS server, with the clock moved by hand:
 * one-hour reuse, the five-minute bound on refetches for unknown kids and after failures,
 * stale keys kept through an outage, one shared fetch for concurrent callers, size limits.
 */
import { exportJWK, generateKeyPair } from 'jose';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CACHE_TTL_MS, OpenIdKeySource, REFRESH_INTERVAL_MS } from './openid-keys.js';
import { startOidcServer, type OidcServer } from './oidc-server.test-helper.js';

describe('OpenIdKeySource', () => {
  let server: OidcServer;
  let client: Agent;
  let jwk1: Record<string, unknown>;
  let jwk2: Record<string, unknown>;
  let clock = 1_000_000;

  const source = (tenant: string, maxBytes = 64 * 1024): OpenIdKeySource =>
    new OpenIdKeySource(server.discoveryUrl(tenant), {
      fetch: { client, allowLinkLocal: false, timeoutMs: 10_000, maxBytes },
      now: () => clock,
    });

  beforeAll(async () => {
    server = await startOidcServer();
    client = new Agent();
    jwk1 = { ...(await exportJWK((await generateKeyPair('RS256')).publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    jwk2 = { ...(await exportJWK((await generateKeyPair('ES256')).publicKey)), kid: 'k2' };
  });

  afterAll(async () => {
    await client?.close();
    await server?.close();
  });

  it('fetches discovery then JWKS once, and reuses them for an hour', async () => {
    const tenant = server.tenant('ttl', [jwk1]);
    const keys = source('ttl');
    const first = await keys.keys();
    expect(first?.issuer).toBe(server.issuerOf('ttl'));
    expect([...(first?.kids ?? [])]).toEqual(['k1']);
    expect(first?.keys[0].algorithms.has('RS256')).toBe(true);
    clock += CACHE_TTL_MS - 1;
    await keys.keys();
    expect([tenant.discoveryFetches, tenant.jwksFetches]).toEqual([1, 1]);
    clock += 1;
    await keys.keys();
    expect([tenant.discoveryFetches, tenant.jwksFetches]).toEqual([2, 2]);
  });

  it('refetches for an unknown kid at once, then at most once per five minutes', async () => {
    const tenant = server.tenant('rotate', [jwk1]);
    const keys = source('rotate');
    await keys.keys();
    tenant.keys = [jwk1, jwk2];
    expect((await keys.keysForUnknownKid())?.kids.has('k2')).toBe(true);
    expect(tenant.jwksFetches).toBe(2);
    for (let i = 0; i < 5; i++) await keys.keysForUnknownKid();
    expect(tenant.jwksFetches).toBe(2);
    clock += REFRESH_INTERVAL_MS;
    await keys.keysForUnknownKid();
    expect(tenant.jwksFetches).toBe(3);
  });

  it('shares one fetch between concurrent callers', async () => {
    const tenant = server.tenant('concurrent', [jwk1]);
    tenant.hold = true;
    const keys = source('concurrent');
    const waiting = Array.from({ length: 10 }, () => keys.keys());
    await new Promise((resolve) => setTimeout(resolve, 50));
    tenant.release();
    const results = await Promise.all(waiting);
    expect(results.every((r) => r?.kids.has('k1'))).toBe(true);
    expect([tenant.discoveryFetches, tenant.jwksFetches]).toEqual([1, 1]);
  });

  it('keeps serving held keys when a refresh fails, and retries at most once per five minutes', async () => {
    const tenant = server.tenant('outage', [jwk1]);
    const keys = source('outage');
    await keys.keys();
    tenant.failWith = 503;
    clock += CACHE_TTL_MS;
    expect((await keys.keys())?.kids.has('k1')).toBe(true);
    expect(keys.problem).toMatch(/503/);
    const attempts = tenant.discoveryFetches;
    clock += REFRESH_INTERVAL_MS - 1;
    await keys.keys();
    expect(tenant.discoveryFetches).toBe(attempts);
    clock += 1;
    tenant.failWith = null;
    await keys.keys();
    expect(tenant.discoveryFetches).toBe(attempts + 1);
    expect(keys.problem).toBeNull();
  });

  it('gives no keys, with a reason, when the provider never answered', async () => {
    server.tenant('down', [jwk1]).failWith = 500;
    const keys = source('down');
    expect(await keys.keys()).toBeNull();
    expect(keys.problem).toBe('the OpenID configuration could not be fetched: the answer was 500');
    expect(await source('no-such-tenant').keys()).toBeNull();
  });

  it('refuses a JWKS larger than the limit', async () => {
    server.tenant('huge', [jwk1]).padJwks = 100 * 1024;
    const keys = source('huge');
    expect(await keys.keys()).toBeNull();
    expect(keys.problem).toMatch(/too large/);
  });

  it('refuses a jwks_uri pointing at a metadata address', async () => {
    const keys = new OpenIdKeySource('http://169.254.169.254/.well-known/openid-configuration', {
      fetch: { client, allowLinkLocal: false, timeoutMs: 10_000, maxBytes: 1024 },
      now: () => clock,
    });
    expect(await keys.keys()).toBeNull();
    expect(keys.problem).toMatch(/link-local or metadata/);
  });
});
