/**
 * validate-jwt through the real gateway and a real upstream, with a real OpenID Connect
 * discovery + JWKS server started here (counting its fetches) and tokens signed with jose:
 * RS256 and ES256 keys from the JWKS, HS256 and RSA n/e keys written in the policy, and the
 * public key of a certificate resource (made here) named by certificate-id.
 */
import { randomBytes } from 'node:crypto';
import { SignJWT, exportJWK, generateKeyPair, importPKCS8, type CryptoKey, type JWTPayload } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatewaySnapshotCheck } from '../../src/cli/snapshot-check.js';
import { compileRuntime } from '../../src/gateway/runtime.js';
import type { PolicyEngine } from '../../src/policies/index.js';
import { startOidcServer, type OidcServer, type TestTenant } from '../../src/policies/validate-jwt/oidc-server.test-helper.js';
import { issueCertificate, type Issued } from '../helpers/certificates.js';
import { startEchoUpstream, type EchoUpstream, type ReceivedRequest } from '../helpers/echo-upstream.js';
import { SnapshotBuilder } from '../helpers/snapshot-builder.js';
import type { TestGateway } from '../helpers/test-gateway.js';
import { snapshotCertificate } from '../helpers/tls-upstream.js';
import { startHarness, type Harness } from '../management-harness.js';
import { engineWith, inbound, operationPolicy, sharedEngine, startPolicyGateway, withPolicies } from './harness.js';

const AUDIENCE = 'api://portico';
const HMAC_ISSUER = 'https://hmac.example';
const hmacSecret = randomBytes(32);
const now = (): number => Math.floor(Date.now() / 1000);

interface Signer {
  readonly alg: string;
  readonly kid: string | undefined;
  readonly key: CryptoKey | Uint8Array;
}

async function sign(signer: Signer, payload: JWTPayload, header: Record<string, unknown> = {}): Promise<string> {
  const claims = { exp: now() + 300, ...payload };
  for (const [name, value] of Object.entries(claims)) if (value === undefined) delete (claims as Record<string, unknown>)[name];
  return new SignJWT(claims).setProtectedHeader({ alg: signer.alg, ...(signer.kid === undefined ? {} : { kid: signer.kid }), ...header }).sign(signer.key);
}

function unsigned(payload: Record<string, unknown>): string {
  const part = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'none', typ: 'JWT' })}.${part(payload)}.`;
}

const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });

describe('validate-jwt', () => {
  let oidc: OidcServer;
  let upstream: EchoUpstream;
  let engine: PolicyEngine;
  let gw: TestGateway;
  let rsa: Signer;
  let rsaNext: Signer;
  let ec: Signer;
  let rsaInline: Signer;
  let hmac: Signer;
  let main: TestTenant;
  let rotating: TestTenant;
  let bounded: TestTenant;
  let slow: TestTenant;
  let snapshot: ReturnType<typeof build>;
  let rsaNextJwk: Record<string, unknown>;
  let signerCertificate: Issued;

  const hmacKeys = `<issuer-signing-keys><key>${hmacSecret.toString('base64')}</key></issuer-signing-keys>`;
  const hmacRules = `${hmacKeys}<audiences><audience>${AUDIENCE}</audience></audiences><issuers><issuer>${HMAC_ISSUER}</issuer></issuers>`;
  const openId = (tenant: string): string => `<openid-config url="${oidc.discoveryUrl(tenant)}" />`;

  function build(inlineN: string, inlineE: string) {
    const ops: [string, string][] = [
      [
        'rsa',
        `<validate-jwt header-name="Authorization" require-scheme="Bearer" output-token-variable-name="jwt">
           ${openId('main')}
           <audiences><audience>${AUDIENCE}</audience></audiences>
         </validate-jwt>
         <set-header name="x-sub" exists-action="override"><value>@(((Jwt)context.Variables["jwt"]).Subject)</value></set-header>
         <set-header name="x-role" exists-action="override"><value>@(((Jwt)context.Variables["jwt"]).Claims.GetValueOrDefault("role", "none"))</value></set-header>`,
      ],
      ['hmac', `<validate-jwt header-name="Authorization" require-scheme="Bearer">${hmacRules}</validate-jwt>`],
      ['custom-header', `<validate-jwt header-name="X-Token">${hmacRules}</validate-jwt>`],
      ['query', `<validate-jwt query-parameter-name="access_token">${hmacRules}</validate-jwt>`],
      ['value', `<validate-jwt token-value="@(context.Request.Headers.GetValueOrDefault("x-jwt", ""))">${hmacRules}</validate-jwt>`],
      ['skew', `<validate-jwt header-name="Authorization" clock-skew="120">${hmacRules}</validate-jwt>`],
      ['no-exp', `<validate-jwt header-name="Authorization" require-expiration-time="false">${hmacRules}</validate-jwt>`],
      [
        'claims-all',
        `<validate-jwt header-name="Authorization">${hmacKeys}
           <required-claims><claim name="roles" match="all"><value>admin</value><value>ops</value></claim></required-claims>
         </validate-jwt>`,
      ],
      [
        'claims-any',
        `<validate-jwt header-name="Authorization">${hmacKeys}
           <required-claims>
             <claim name="scp" match="any" separator=" "><value>write</value><value>admin</value></claim>
             <claim name="tenant" />
           </required-claims>
         </validate-jwt>`,
      ],
      ['unsigned-ok', `<validate-jwt header-name="Authorization" require-signed-tokens="false">${hmacKeys}</validate-jwt>`],
      [
        'custom-failure',
        `<validate-jwt header-name="Authorization" failed-validation-httpcode="403" failed-validation-error-message="Unauthorized. Access token is missing or invalid.">${hmacRules}</validate-jwt>`,
      ],
      ['inline-rsa', `<validate-jwt header-name="Authorization"><issuer-signing-keys><key id="inline" n="${inlineN}" e="${inlineE}" /></issuer-signing-keys></validate-jwt>`],
      ['rotating', `<validate-jwt header-name="Authorization">${openId('rotating')}</validate-jwt>`],
      ['bounded', `<validate-jwt header-name="Authorization">${openId('bounded')}</validate-jwt>`],
      ['slow', `<validate-jwt header-name="Authorization">${openId('slow')}</validate-jwt>`],
      ['broken', `<validate-jwt header-name="Authorization">${openId('broken')}</validate-jwt>`],
      ['certificate', `<validate-jwt header-name="Authorization"><issuer-signing-keys><key certificate-id="jwt-signer" /></issuer-signing-keys></validate-jwt>`],
      [
        'certificate-kid',
        `<validate-jwt header-name="Authorization"><issuer-signing-keys><key id="cert" certificate-id="jwt-signer" /></issuer-signing-keys></validate-jwt>`,
      ],
      ['explicit-issuer', `<validate-jwt header-name="Authorization">${openId('main')}<issuers><issuer>https://other.example</issuer></issuers></validate-jwt>`],
    ];
    let builder = new SnapshotBuilder().api('jwt', { path: 'jwt', serviceUrl: upstream.url, subscriptionRequired: false });
    for (const [id] of ops) builder = builder.operation('jwt', id, 'GET', `/${id}`);
    builder = builder.operation('jwt', 'on-error', 'GET', '/on-error');
    const onError = `<policies><inbound><base />
        <validate-jwt header-name="Authorization">${hmacRules}</validate-jwt>
      </inbound><backend><base /></backend><outbound><base /></outbound>
      <on-error><base />
        <set-header name="x-reason" exists-action="override"><value>@(context.LastError.Reason)</value></set-header>
        <set-header name="x-detail" exists-action="override"><value>@(context.LastError.Message)</value></set-header>
      </on-error></policies>`;
    // The signer's certificate is uploaded without its private key, as an issuer's would be.
    return withPolicies({ ...builder.build(), certificates: [snapshotCertificate('jwt-signer', signerCertificate, { withKey: false })] }, {
      policies: [...ops.map(([id, policy]) => operationPolicy('jwt', id, inbound(policy))), operationPolicy('jwt', 'on-error', onError)],
    });
  }

  beforeAll(async () => {
    oidc = await startOidcServer();
    upstream = await startEchoUpstream();
    const rsaPair = await generateKeyPair('RS256', { extractable: true });
    const rsaNextPair = await generateKeyPair('RS256', { extractable: true });
    const ecPair = await generateKeyPair('ES256', { extractable: true });
    const inlinePair = await generateKeyPair('RS256', { extractable: true });
    rsa = { alg: 'RS256', kid: 'rsa-1', key: rsaPair.privateKey };
    rsaNext = { alg: 'RS256', kid: 'rsa-2', key: rsaNextPair.privateKey };
    ec = { alg: 'ES256', kid: 'ec-1', key: ecPair.privateKey };
    rsaInline = { alg: 'RS256', kid: 'inline', key: inlinePair.privateKey };
    hmac = { alg: 'HS256', kid: undefined, key: hmacSecret };
    signerCertificate = issueCertificate({ commonName: 'jwt-signer', kind: 'client' });
    const rsaJwk = { ...(await exportJWK(rsaPair.publicKey)), kid: 'rsa-1', use: 'sig', alg: 'RS256' };
    const ecJwk = { ...(await exportJWK(ecPair.publicKey)), kid: 'ec-1', use: 'sig' };
    rsaNextJwk = { ...(await exportJWK(rsaNextPair.publicKey)), kid: 'rsa-2', use: 'sig' };
    const inlineJwk = await exportJWK(inlinePair.publicKey);
    main = oidc.tenant('main', [rsaJwk, ecJwk]);
    rotating = oidc.tenant('rotating', [rsaJwk]);
    bounded = oidc.tenant('bounded', [rsaJwk]);
    slow = oidc.tenant('slow', [rsaJwk]);
    oidc.tenant('broken').failWith = 500;
    engine = await engineWith({});
    snapshot = build(inlineJwk.n!, inlineJwk.e!);
    // Compiled here first so a mistake in the documents shows its message, not a 503.
    compileRuntime(snapshot, { policies: engine.compile });
    gw = await startPolicyGateway(snapshot, engine);
  });

  afterAll(async () => {
    await gw?.close();
    await engine?.close();
    await upstream?.close();
    await oidc?.close();
  });

  const mainToken = (signer: Signer, payload: JWTPayload = {}): Promise<string> =>
    sign(signer, { iss: oidc.issuerOf('main'), aud: AUDIENCE, sub: 'alice', role: 'reader', ...payload });
  const tenantToken = (signer: Signer, tenant: string): Promise<string> => sign(signer, { iss: oidc.issuerOf(tenant) });
  const hmacToken = (payload: JWTPayload = {}, header: Record<string, unknown> = {}): Promise<string> =>
    sign(hmac, { iss: HMAC_ISSUER, aud: AUDIENCE, sub: 'bob', ...payload }, header);

  async function refused(path: string, headers: Record<string, string>, reason?: string) {
    const before = upstream.requests.length;
    const response = await gw.request(path, { headers });
    expect(upstream.requests.length, 'the request must not reach the backend').toBe(before);
    if (reason !== undefined) {
      const detail = await gw.request('/jwt/on-error', { headers: headers });
      expect(detail.headers['x-reason']).toBe(reason);
    }
    return response;
  }

  describe('tokens from an OpenID configuration', () => {
    it('lets a valid RS256 token through and exposes it to later expressions', async () => {
      const response = await gw.request('/jwt/rsa', { headers: bearer(await mainToken(rsa)) });
      expect(response.statusCode, response.text).toBe(200);
      const received = response.json<ReceivedRequest>();
      expect(received.headers['x-sub']).toBe('alice');
      expect(received.headers['x-role']).toBe('reader');
      expect(main.discoveryFetches).toBe(1);
      expect(main.jwksFetches).toBe(1);
    });

    it('lets a valid ES256 token through with the cached keys', async () => {
      const response = await gw.request('/jwt/rsa', { headers: bearer(await mainToken(ec, { sub: 'carol' })) });
      expect(response.statusCode, response.text).toBe(200);
      expect(response.json<ReceivedRequest>().headers['x-sub']).toBe('carol');
      expect(main.jwksFetches).toBe(1);
    });

    it('keeps the cached keys across a snapshot reload', async () => {
      gw.publish({ ...snapshot, revision: snapshot.revision + 1 });
      expect((await gw.request('/jwt/rsa', { headers: bearer(await mainToken(rsa)) })).statusCode).toBe(200);
      expect([main.discoveryFetches, main.jwksFetches]).toEqual([1, 1]);
    });

    it('refuses a wrong audience', async () => {
      const response = await refused('/jwt/rsa', bearer(await mainToken(rsa, { aud: 'api://other' })));
      expect(response.statusCode).toBe(401);
      expect(response.json()).toEqual({ statusCode: 401, message: 'Invalid JWT.' });
    });

    it("refuses an issuer other than the discovery document's", async () => {
      expect((await refused('/jwt/rsa', bearer(await mainToken(rsa, { iss: 'https://evil.example' })))).statusCode).toBe(401);
    });

    it('accepts the issuers listed besides the discovered one', async () => {
      expect((await gw.request('/jwt/explicit-issuer', { headers: bearer(await mainToken(rsa, { iss: 'https://other.example' })) })).statusCode).toBe(200);
      expect((await gw.request('/jwt/explicit-issuer', { headers: bearer(await mainToken(rsa)) })).statusCode).toBe(200);
      expect((await refused('/jwt/explicit-issuer', bearer(await mainToken(rsa, { iss: 'https://third.example' })))).statusCode).toBe(401);
    });

    it('refuses a token signed by a key the issuer does not publish', async () => {
      const stranger = await generateKeyPair('RS256');
      const token = await mainToken({ alg: 'RS256', kid: 'rsa-1', key: stranger.privateKey });
      expect((await refused('/jwt/rsa', bearer(token))).statusCode).toBe(401);
    });

    it('follows a key rotation with one refetch', async () => {
      expect((await gw.request('/jwt/rotating', { headers: bearer(await tenantToken(rsa, 'rotating')) })).statusCode).toBe(200);
      expect(rotating.jwksFetches).toBe(1);
      rotating.keys = [...rotating.keys, rsaNextJwk];
      const response = await gw.request('/jwt/rotating', { headers: bearer(await tenantToken(rsaNext, 'rotating')) });
      expect(response.statusCode, response.text).toBe(200);
      expect(rotating.jwksFetches).toBe(2);
      expect((await gw.request('/jwt/rotating', { headers: bearer(await tenantToken(rsaNext, 'rotating')) })).statusCode).toBe(200);
      expect(rotating.jwksFetches).toBe(2);
    });

    it('refetches for unknown kids at most once per five minutes, however many arrive', async () => {
      expect((await gw.request('/jwt/bounded', { headers: bearer(await tenantToken(rsa, 'bounded')) })).statusCode).toBe(200);
      expect(bounded.jwksFetches).toBe(1);
      const stranger = await generateKeyPair('RS256');
      const tokens = await Promise.all(Array.from({ length: 20 }, (_, i) => tenantToken({ alg: 'RS256', kid: `unknown-${i}`, key: stranger.privateKey }, 'bounded')));
      const answers = await Promise.all(tokens.map((token) => gw.request('/jwt/bounded', { headers: bearer(token) })));
      expect(answers.map((a) => a.statusCode)).toEqual(tokens.map(() => 401));
      for (const token of tokens.slice(0, 5)) expect((await gw.request('/jwt/bounded', { headers: bearer(token) })).statusCode).toBe(401);
      expect(bounded.jwksFetches).toBe(2);
      expect(bounded.discoveryFetches).toBe(2);
      // The known key still works meanwhile.
      expect((await gw.request('/jwt/bounded', { headers: bearer(await tenantToken(rsa, 'bounded')) })).statusCode).toBe(200);
    });

    it('shares one fetch between concurrent first requests', async () => {
      slow.hold = true;
      const token = await tenantToken(rsa, 'slow');
      const first = gw.request('/jwt/slow', { headers: bearer(token) });
      await expect.poll(() => slow.jwksFetches, { timeout: 10_000 }).toBe(1);
      const rest = Array.from({ length: 9 }, () => gw.request('/jwt/slow', { headers: bearer(token) }));
      await new Promise((resolve) => setTimeout(resolve, 100));
      slow.release();
      const answers = await Promise.all([first, ...rest]);
      expect(answers.map((a) => a.statusCode)).toEqual(answers.map(() => 200));
      expect([slow.discoveryFetches, slow.jwksFetches]).toEqual([1, 1]);
    });

    it('answers 401 when the OpenID configuration cannot be fetched, never a 500', async () => {
      const response = await refused('/jwt/broken', bearer(await tenantToken(rsa, 'broken')));
      expect(response.statusCode).toBe(401);
      expect(response.json()).toEqual({ statusCode: 401, message: 'Invalid JWT.' });
    });
  });

  describe('keys in the policy', () => {
    it('lets a valid HS256 token through', async () => {
      const response = await gw.request('/jwt/hmac', { headers: bearer(await hmacToken()) });
      expect(response.statusCode, response.text).toBe(200);
      expect(upstream.requests.at(-1)?.url).toBe('/hmac');
    });

    it('verifies an RSA key given as n and e', async () => {
      expect((await gw.request('/jwt/inline-rsa', { headers: bearer(await sign(rsaInline, {})) })).statusCode).toBe(200);
      expect((await refused('/jwt/inline-rsa', bearer(await sign({ ...rsa, kid: 'inline' }, {})))).statusCode).toBe(401);
    });

    it('verifies RS256 and PS256 tokens with the public key of a certificate resource (certificate-id)', async () => {
      const privateKey = (alg: string) => importPKCS8(signerCertificate.key, alg);
      const rs256 = await sign({ alg: 'RS256', kid: undefined, key: await privateKey('RS256') }, { sub: 'dave' });
      const response = await gw.request('/jwt/certificate', { headers: bearer(rs256) });
      expect(response.statusCode, response.text).toBe(200);
      expect(upstream.requests.at(-1)?.url).toBe('/certificate');
      const ps256 = await sign({ alg: 'PS256', kid: 'cert', key: await privateKey('PS256') }, {});
      expect((await gw.request('/jwt/certificate-kid', { headers: bearer(ps256) })).statusCode).toBe(200);
    });

    it('refuses a token signed with another key than the certificate\'s', async () => {
      const stranger = await generateKeyPair('RS256');
      const forged = await sign({ alg: 'RS256', kid: undefined, key: stranger.privateKey }, {});
      const response = await refused('/jwt/certificate', bearer(forged));
      expect(response.statusCode).toBe(401);
      expect(response.json()).toEqual({ statusCode: 401, message: 'Invalid JWT.' });
      const hs256 = await sign({ alg: 'HS256', kid: undefined, key: Buffer.from(signerCertificate.cert) }, {});
      expect((await refused('/jwt/certificate', bearer(hs256))).statusCode).toBe(401);
    });

    it('refuses a token whose kid is not the certificate key\'s id', async () => {
      const token = await sign({ alg: 'RS256', kid: 'other', key: await importPKCS8(signerCertificate.key, 'RS256') }, {});
      expect((await refused('/jwt/certificate-kid', bearer(token))).statusCode).toBe(401);
    });

    it('refuses a token signed with another secret', async () => {
      const token = await sign({ alg: 'HS256', kid: undefined, key: randomBytes(32) }, { iss: HMAC_ISSUER, aud: AUDIENCE });
      await refused('/jwt/hmac', bearer(token), 'TokenSignatureInvalid');
    });

    it('refuses an expired token, and one not valid yet', async () => {
      const expired = await refused('/jwt/hmac', bearer(await hmacToken({ exp: now() - 60 })), 'TokenExpired');
      expect(expired.json()).toEqual({ statusCode: 401, message: 'Invalid JWT.' });
      await refused('/jwt/hmac', bearer(await hmacToken({ nbf: now() + 60 })), 'JwtInvalid');
    });

    it('allows for clock skew', async () => {
      expect((await gw.request('/jwt/skew', { headers: bearer(await hmacToken({ exp: now() - 30 })) })).statusCode).toBe(200);
      expect((await gw.request('/jwt/skew', { headers: bearer(await hmacToken({ nbf: now() + 30 })) })).statusCode).toBe(200);
      expect((await refused('/jwt/skew', bearer(await hmacToken({ exp: now() - 600 })))).statusCode).toBe(401);
      expect((await refused('/jwt/skew', bearer(await hmacToken({ nbf: now() + 600 })))).statusCode).toBe(401);
    });

    it('requires an expiration time unless told not to', async () => {
      const token = await hmacToken({ exp: undefined });
      await refused('/jwt/hmac', bearer(token), 'JwtInvalid');
      expect((await gw.request('/jwt/no-exp', { headers: bearer(token) })).statusCode).toBe(200);
    });

    it('refuses a wrong audience or issuer with their reasons', async () => {
      await refused('/jwt/hmac', bearer(await hmacToken({ aud: 'api://other' })), 'TokenAudienceNotAllowed');
      await refused('/jwt/hmac', bearer(await hmacToken({ aud: undefined })), 'TokenAudienceNotAllowed');
      await refused('/jwt/hmac', bearer(await hmacToken({ iss: 'https://evil.example' })), 'TokenIssuerNotAllowed');
      expect((await gw.request('/jwt/hmac', { headers: bearer(await hmacToken({ aud: ['api://other', AUDIENCE] })) })).statusCode).toBe(200);
    });

    it('checks required claims with match="all"', async () => {
      expect((await gw.request('/jwt/claims-all', { headers: bearer(await hmacToken({ roles: ['ops', 'admin', 'x'] })) })).statusCode).toBe(200);
      expect((await refused('/jwt/claims-all', bearer(await hmacToken({ roles: ['admin'] })))).statusCode).toBe(401);
      expect((await refused('/jwt/claims-all', bearer(await hmacToken({})))).statusCode).toBe(401);
    });

    it('checks required claims with match="any" and a separator, and claims required only to be present', async () => {
      expect((await gw.request('/jwt/claims-any', { headers: bearer(await hmacToken({ scp: 'read write', tenant: 't1' })) })).statusCode).toBe(200);
      expect((await refused('/jwt/claims-any', bearer(await hmacToken({ scp: 'read', tenant: 't1' })))).statusCode).toBe(401);
      expect((await refused('/jwt/claims-any', bearer(await hmacToken({ scp: 'write' })))).statusCode).toBe(401);
    });

    it('gives on-error the reason and the detail in LastError, and the client only the short message', async () => {
      const failing = await gw.request('/jwt/on-error', { headers: bearer(await hmacToken({ exp: now() - 60 })) });
      expect(failing.statusCode).toBe(401);
      expect(failing.headers['x-reason']).toBe('TokenExpired');
      expect(String(failing.headers['x-detail'])).toMatch(/^JWT Validation Failed: Lifetime validation failed\. The token is expired\./);
      expect(failing.json()).toEqual({ statusCode: 401, message: 'Invalid JWT.' });
    });
  });

  describe('finding the token', () => {
    it('answers "JWT not present." when the header is missing', async () => {
      const response = await refused('/jwt/hmac', {}, 'TokenNotPresent');
      expect(response.statusCode).toBe(401);
      expect(response.json()).toEqual({ statusCode: 401, message: 'JWT not present.' });
    });

    it('refuses a token without the required scheme', async () => {
      const token = await hmacToken();
      expect((await refused('/jwt/hmac', { authorization: token })).json()).toEqual({ statusCode: 401, message: 'JWT not present.' });
      expect((await refused('/jwt/hmac', { authorization: `Basic ${token}` })).statusCode).toBe(401);
      expect((await gw.request('/jwt/hmac', { headers: { authorization: `bearer ${token}` } })).statusCode).toBe(200);
    });

    it('reads a custom header, with or without a scheme', async () => {
      const token = await hmacToken();
      expect((await gw.request('/jwt/custom-header', { headers: { 'x-token': token } })).statusCode).toBe(200);
      expect((await gw.request('/jwt/custom-header', { headers: { 'x-token': `Bearer ${token}` } })).statusCode).toBe(200);
      expect((await refused('/jwt/custom-header', bearer(token))).statusCode).toBe(401);
    });

    it('reads a query parameter', async () => {
      const token = await hmacToken();
      expect((await gw.request(`/jwt/query?access_token=${token}`)).statusCode).toBe(200);
      const missing = await refused('/jwt/query?other=1', {});
      expect(missing.json()).toEqual({ statusCode: 401, message: 'JWT not present.' });
    });

    it('reads a token-value expression', async () => {
      expect((await gw.request('/jwt/value', { headers: { 'x-jwt': await hmacToken() } })).statusCode).toBe(200);
      expect((await refused('/jwt/value', {})).statusCode).toBe(401);
    });

    it('refuses garbage and encrypted-looking tokens as invalid', async () => {
      await refused('/jwt/hmac', bearer('not-a-token'), 'JwtInvalid');
      await refused('/jwt/hmac', bearer('a.b.c.d.e'), 'JwtInvalid');
    });
  });

  describe('unsigned tokens', () => {
    it('refuses alg "none" when signed tokens are required (the default)', async () => {
      const token = unsigned({ iss: HMAC_ISSUER, aud: AUDIENCE, exp: now() + 300 });
      await refused('/jwt/hmac', bearer(token), 'TokenSignatureInvalid');
    });

    it('accepts alg "none" only with require-signed-tokens="false", still checking signed ones', async () => {
      expect((await gw.request('/jwt/unsigned-ok', { headers: bearer(unsigned({ exp: now() + 300 })) })).statusCode).toBe(200);
      expect((await refused('/jwt/unsigned-ok', bearer(unsigned({ exp: now() - 300 })))).statusCode).toBe(401);
      expect((await gw.request('/jwt/unsigned-ok', { headers: bearer(await hmacToken()) })).statusCode).toBe(200);
      const forged = await sign({ alg: 'HS256', kid: undefined, key: randomBytes(32) }, {});
      expect((await refused('/jwt/unsigned-ok', bearer(forged))).statusCode).toBe(401);
    });

    it('never accepts a token whose alg names another key kind (HS256 signed with the public key)', async () => {
      const publicJwk = main.keys[0];
      const token = await sign({ alg: 'HS256', kid: 'rsa-1', key: Buffer.from(JSON.stringify(publicJwk)) }, { iss: oidc.issuerOf('main'), aud: AUDIENCE });
      expect((await refused('/jwt/rsa', bearer(token))).statusCode).toBe(401);
    });
  });

  it('answers with failed-validation-httpcode and failed-validation-error-message', async () => {
    const response = await refused('/jwt/custom-failure', {});
    expect(response.statusCode).toBe(403);
    expect(response.json()).toEqual({ statusCode: 403, message: 'Unauthorized. Access token is missing or invalid.' });
  });
});

describe('validate-jwt at save time (management API)', () => {
  let harness: Harness;

  beforeAll(async () => {
    const engine = await sharedEngine();
    harness = await startHarness({ checkPolicy: engine.checker(), checkPolicyFragment: engine.fragmentChecker() });
    const api = await harness.call('PUT', '/apis/orders', { properties: { displayName: 'Orders', path: 'orders', serviceUrl: 'http://127.0.0.1:9' } });
    expect(api.status).toBe(201);
  });

  afterAll(async () => {
    await harness?.close();
  });

  const put = (policy: string) =>
    harness.call('PUT', '/apis/orders/policies/policy', { properties: { format: 'rawxml', value: `<policies><inbound><base />${policy}</inbound></policies>` } });
  const key = Buffer.alloc(32, 9).toString('base64');

  it('saves a complete policy, and one whose key is a named value', async () => {
    const full = `<validate-jwt header-name="Authorization" require-scheme="Bearer" failed-validation-httpcode="401" failed-validation-error-message="No."
        require-expiration-time="true" require-signed-tokens="true" clock-skew="30" output-token-variable-name="jwt">
      <openid-config url="https://login.example.com/tenant/v2.0/.well-known/openid-configuration" />
      <issuer-signing-keys><key id="k1">${key}</key><key>{{jwt-signing-key}}</key></issuer-signing-keys>
      <audiences><audience>@(context.Request.OriginalUrl.Host)</audience></audiences>
      <issuers><issuer>https://issuer.example</issuer></issuers>
      <required-claims><claim name="group" match="any" separator=","><value>finance</value></claim></required-claims>
    </validate-jwt>`;
    const reply = await put(full);
    expect(reply.status, reply.text).toBeLessThan(300);
  });

  const refusals: [string, string, string, RegExp][] = [
    ['no token source', '<validate-jwt />', 'MissingAttribute', /needs one of 'header-name'/],
    ['two token sources', '<validate-jwt header-name="a" query-parameter-name="b" />', 'InvalidAttributeValue', /one token source/],
    ['a misspelled attribute', '<validate-jwt header-name="a" require-expiraton-time="false" />', 'UnknownAttribute', /did you mean 'require-expiration-time'/],
    ['a bad status code', '<validate-jwt header-name="a" failed-validation-httpcode="99" />', 'InvalidAttributeValue', /between 100 and 599/],
    ['a negative clock skew', '<validate-jwt header-name="a" clock-skew="-1" />', 'InvalidAttributeValue', /clock-skew/],
    ['require-scheme without a header', '<validate-jwt query-parameter-name="t" require-scheme="Bearer" />', 'InvalidAttributeValue', /require-scheme/],
    ['a key that is not base64', '<validate-jwt header-name="a"><issuer-signing-keys><key>not base64!</key></issuer-signing-keys></validate-jwt>', 'InvalidAttributeValue', /base64/],
    ['a short key', `<validate-jwt header-name="a"><issuer-signing-keys><key>${Buffer.alloc(8).toString('base64')}</key></issuer-signing-keys></validate-jwt>`, 'InvalidAttributeValue', /at least 16 bytes/],
    ['n without e', '<validate-jwt header-name="a"><issuer-signing-keys><key n="AQAB" /></issuer-signing-keys></validate-jwt>', 'MissingAttribute', /both 'n' and 'e'/],
    ['a weak RSA key', '<validate-jwt header-name="a"><issuer-signing-keys><key n="AQAB" e="AQAB" /></issuer-signing-keys></validate-jwt>', 'InvalidAttributeValue', /RSA/],
    [
      'certificate-id with n and e',
      '<validate-jwt header-name="a"><issuer-signing-keys><key certificate-id="c" n="AQAB" e="AQAB" /></issuer-signing-keys></validate-jwt>',
      'InvalidAttributeValue',
      /either a certificate/,
    ],
    ['an empty certificate-id', '<validate-jwt header-name="a"><issuer-signing-keys><key certificate-id=" " /></issuer-signing-keys></validate-jwt>', 'InvalidAttributeValue', /must not be empty/],
    ['decryption keys', `<validate-jwt header-name="a"><decryption-keys><key>${key}</key></decryption-keys></validate-jwt>`, 'PolicyNotYetSupported', /JWE/],
    ['a non-http openid-config', '<validate-jwt header-name="a"><openid-config url="ftp://idp.example/x" /></validate-jwt>', 'InvalidAttributeValue', /http or https/],
    ['a metadata-address openid-config', '<validate-jwt header-name="a"><openid-config url="http://169.254.169.254/latest" /></validate-jwt>', 'InvalidAttributeValue', /metadata/],
    ['an unknown child', '<validate-jwt header-name="a"><audience>x</audience></validate-jwt>', 'UnexpectedElement', /cannot contain <audience>/],
    ['empty audiences', '<validate-jwt header-name="a"><audiences /></validate-jwt>', 'MissingElement', /at least one <audience>/],
    ['a bad claim match', '<validate-jwt header-name="a"><required-claims><claim name="x" match="some" /></required-claims></validate-jwt>', 'InvalidAttributeValue', /'all', 'any'/],
    ['a claim without a name', '<validate-jwt header-name="a"><required-claims><claim /></required-claims></validate-jwt>', 'MissingAttribute', /'name'/],
    ['two <issuers>', '<validate-jwt header-name="a"><issuers><issuer>a</issuer></issuers><issuers><issuer>b</issuer></issuers></validate-jwt>', 'UnexpectedElement', /one <issuers>/],
  ];

  it.each(refusals)('refuses %s', async (_label, policy, code, message) => {
    const reply = await put(policy);
    expect(reply.status).toBe(400);
    expect(reply.body.error.details[0]).toMatchObject({ code, line: 1 });
    expect(reply.body.error.details[0].message).toMatch(message);
  });

  it('never echoes a refused key', async () => {
    const secretish = 'c2VjcmV0!!';
    const reply = await put(`<validate-jwt header-name="a"><issuer-signing-keys><key>${secretish}</key></issuer-signing-keys></validate-jwt>`);
    expect(reply.status).toBe(400);
    expect(reply.text).not.toContain(secretish);
  });

  it('refuses validate-jwt outside inbound', async () => {
    const reply = await harness.call('PUT', '/apis/orders/policies/policy', {
      properties: { format: 'rawxml', value: '<policies><outbound><validate-jwt header-name="a" /></outbound></policies>' },
    });
    expect(reply.status).toBe(400);
    expect(reply.body.error.details[0].code).toBe('PolicyNotAllowedInSection');
  });

  it('refuses an unknown certificate-id when the snapshot compiles, naming it', async () => {
    const engine = await sharedEngine();
    const snapshot = withPolicies(new SnapshotBuilder().api('a', { path: 'a', serviceUrl: 'http://127.0.0.1:9' }).operation('a', 'op', 'GET', '/').build(), {
      policies: [operationPolicy('a', 'op', inbound('<validate-jwt header-name="a"><issuer-signing-keys><key certificate-id="no-such-cert" /></issuer-signing-keys></validate-jwt>'))],
    });
    expect(() => compileRuntime(snapshot, { policies: engine.compile })).toThrow(/certificate-id 'no-such-cert': no certificate with that id/);
  });

  it('refuses a named-value key that is not base64 when the snapshot compiles', async () => {
    const engine = await sharedEngine();
    const snapshot = withPolicies(new SnapshotBuilder().api('a', { path: 'a', serviceUrl: 'http://127.0.0.1:9' }).operation('a', 'op', 'GET', '/').build(), {
      policies: [operationPolicy('a', 'op', inbound('<validate-jwt header-name="a"><issuer-signing-keys><key>{{k}}</key></issuer-signing-keys></validate-jwt>'))],
      namedValues: [{ id: 'k', displayName: 'k', value: 'short', secret: true }],
    });
    expect(() => compileRuntime(snapshot, { policies: engine.compile })).toThrow(/base64|at least 16 bytes/);
  });
});

describe('validate-jwt certificate-id at save time (management API with the snapshot check)', () => {
  let engine: PolicyEngine;
  let harness: Harness;

  beforeAll(async () => {
    engine = await engineWith({});
    harness = await startHarness({ checkPolicy: engine.checker(), checkSnapshot: gatewaySnapshotCheck(engine) });
    const signer = issueCertificate({ commonName: 'jwt-signer', kind: 'client' });
    expect((await harness.call('PUT', '/certificates/jwt-signer', { properties: { data: signer.cert } })).status).toBe(201);
    const api = await harness.call('PUT', '/apis/orders', { properties: { displayName: 'Orders', path: 'orders', serviceUrl: 'http://127.0.0.1:9' } });
    expect(api.status).toBe(201);
    expect((await harness.call('PUT', '/apis/orders/operations/get', { properties: { method: 'GET', urlTemplate: '/' } })).status).toBe(201);
  });

  afterAll(async () => {
    await harness?.close();
    await engine?.close();
  });

  const put = (certificateId: string) =>
    harness.call('PUT', '/apis/orders/policies/policy', {
      properties: {
        format: 'rawxml',
        value: `<policies><inbound><base /><validate-jwt header-name="Authorization"><issuer-signing-keys><key certificate-id="${certificateId}" /></issuer-signing-keys></validate-jwt></inbound></policies>`,
      },
    });

  it('saves a policy naming an uploaded certificate', async () => {
    const reply = await put('jwt-signer');
    expect(reply.status, reply.text).toBeLessThan(300);
  });

  it('refuses (400) a policy naming an unknown certificate, saying which', async () => {
    const reply = await put('missing-cert');
    expect(reply.status).toBe(400);
    expect(reply.text).toMatch(/certificate-id 'missing-cert': no certificate with that id/);
  });

  it('refuses deleting the certificate while the policy uses it', async () => {
    const reply = await harness.call('DELETE', '/certificates/jwt-signer');
    expect(reply.status).toBe(400);
    expect(reply.text).toMatch(/jwt-signer/);
  });
});
