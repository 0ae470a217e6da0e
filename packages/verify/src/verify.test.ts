import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createPorticoVerifier,
  JWKS_PATH,
  porticoExpress,
  porticoFastify,
  porticoFastifyHook,
  PorticoTokenError,
  withPortico,
  type NextFunction,
  type PorticoCaller,
} from './index.js';

interface TestKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

async function makeKey(kid: string): Promise<TestKey> {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  return { kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' } };
}

/** A JWKS endpoint like the gateway's, whose keys and health the tests change. */
class JwksServer {
  keys: JWK[] = [];
  fetches = 0;
  failing = false;
  private server: Server | undefined;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      this.fetches++;
      if (this.failing || req.url !== JWKS_PATH) {
        res.writeHead(this.failing ? 500 : 404).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/jwk-set+json' }).end(JSON.stringify({ keys: this.keys }));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }
}

interface TokenOptions {
  key?: TestKey;
  audience?: string;
  issuer?: string;
  ttlSeconds?: number;
  nowSeconds?: number;
  claims?: Record<string, string>;
}

const jwks = new JwksServer();
let current: TestKey;

async function token(options: TokenOptions = {}): Promise<string> {
  const key = options.key ?? current;
  const iat = options.nowSeconds ?? Math.floor(Date.now() / 1000);
  return new SignJWT({ subscription_id: 'alice', user_id: 'u1', product_id: 'starter', api_id: 'orders', operation_id: 'get-order', ...options.claims })
    .setProtectedHeader({ alg: 'ES256', typ: 'JWT', kid: key.kid })
    .setIssuer(options.issuer ?? 'portico')
    .setAudience(options.audience ?? 'orders')
    .setIssuedAt(iat)
    .setExpirationTime(iat + (options.ttlSeconds ?? 300))
    .setJti('token-1')
    .sign(key.privateKey);
}

async function refusal(promise: Promise<unknown>): Promise<PorticoTokenError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PorticoTokenError);
  return error as PorticoTokenError;
}

beforeAll(async () => {
  current = await makeKey('key-1');
  jwks.keys = [current.publicJwk];
  await jwks.start();
});

afterAll(async () => {
  await jwks.stop();
});

afterEach(() => {
  jwks.failing = false;
  jwks.keys = [current.publicJwk];
});

describe('createPorticoVerifier', () => {
  it('accepts a gateway token and names who the call came through', async () => {
    const verifier = createPorticoVerifier({ gatewayUrl: jwks.url, audience: 'orders' });
    const caller = await verifier.verify(await token());
    expect(caller).toMatchObject({
      subscriptionId: 'alice',
      userId: 'u1',
      productId: 'starter',
      apiId: 'orders',
      operationId: 'get-order',
      tokenId: 'token-1',
    });
    expect(caller.expiresAt - caller.issuedAt).toBe(300);
  });

  it('refuses another audience, another issuer and an expired token', async () => {
    const verifier = createPorticoVerifier({ jwksUrl: `${jwks.url}${JWKS_PATH}`, audience: ['orders', 'billing'] });
    expect(await verifier.verify(await token({ audience: 'billing' }))).toMatchObject({ apiId: 'orders' });
    const audience = await refusal(verifier.verify(await token({ audience: 'payments' })));
    expect(audience).toMatchObject({ code: 'InvalidToken', status: 401 });
    expect(audience.message).toContain("'aud'");
    expect(await refusal(verifier.verify(await token({ issuer: 'someone-else' })))).toMatchObject({ code: 'InvalidToken', status: 401 });

    const later = createPorticoVerifier({ gatewayUrl: jwks.url, audience: 'orders', now: () => new Date(Date.now() + 3_600_000) });
    expect(await refusal(later.verify(await token({ ttlSeconds: 60 })))).toMatchObject({ code: 'TokenExpired', status: 401 });
  });

  it('refuses tokens that are not ES256 signatures by a published key', async () => {
    const verifier = createPorticoVerifier({ gatewayUrl: jwks.url, audience: 'orders' });
    const hmac = await new SignJWT({}).setProtectedHeader({ alg: 'HS256', kid: 'key-1' }).setIssuer('portico').setAudience('orders').setIssuedAt().setExpirationTime('5m').sign(new Uint8Array(32));
    expect(await refusal(verifier.verify(hmac))).toMatchObject({ code: 'InvalidToken' });
    const [header, payload] = (await token()).split('.');
    const unsigned = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${payload}.`;
    expect(await refusal(verifier.verify(unsigned))).toMatchObject({ code: 'InvalidToken' });
    const forged = `${header}.${payload}.${Buffer.alloc(64).toString('base64url')}`;
    expect(await refusal(verifier.verify(forged))).toMatchObject({ code: 'InvalidToken' });
    const stranger = await makeKey('key-unknown');
    expect(await refusal(verifier.verify(await token({ key: stranger })))).toMatchObject({ code: 'InvalidToken' });
    expect(await refusal(verifier.verify('x'.repeat(10_000)))).toMatchObject({ code: 'MalformedToken' });
  });

  it('refetches the keys when a token names a kid it has not seen (rotation)', async () => {
    const verifier = createPorticoVerifier({ gatewayUrl: jwks.url, audience: 'orders', cooldownMs: 0 });
    await verifier.verify(await token());
    const fetchesBefore = jwks.fetches;
    const next = await makeKey('key-2');
    jwks.keys = [current.publicJwk, next.publicJwk];
    expect(await verifier.verify(await token({ key: next }))).toMatchObject({ subscriptionId: 'alice' });
    expect(jwks.fetches).toBe(fetchesBefore + 1);
    // The old key is still listed, so its tokens still verify.
    expect(await verifier.verify(await token())).toMatchObject({ subscriptionId: 'alice' });
  });

  it('answers 503 (KeysUnavailable), not 401, when the keys cannot be fetched', async () => {
    jwks.failing = true;
    const verifier = createPorticoVerifier({ gatewayUrl: jwks.url, audience: 'orders' });
    expect(await refusal(verifier.verify(await token()))).toMatchObject({ code: 'KeysUnavailable', status: 503 });
  });

  it('reads the token from the configured header and scheme', async () => {
    const verifier = createPorticoVerifier({ gatewayUrl: jwks.url, audience: 'orders' });
    const t = await token();
    expect(await verifier.verifyHeaders({ authorization: `bearer ${t}` })).toMatchObject({ apiId: 'orders' });
    expect(await refusal(verifier.verifyHeaders({}))).toMatchObject({ code: 'MissingToken', status: 401 });
    expect(await refusal(verifier.verifyHeaders({ authorization: `Basic ${t}` }))).toMatchObject({ code: 'MalformedToken' });
    const custom = createPorticoVerifier({ gatewayUrl: jwks.url, audience: 'orders', headerName: 'X-Gateway-Token', scheme: '' });
    expect(await custom.verifyHeaders({ 'x-gateway-token': t })).toMatchObject({ apiId: 'orders' });
  });

  it('needs an audience and a key source', () => {
    expect(() => createPorticoVerifier({ gatewayUrl: jwks.url, audience: '' })).toThrow(/audience/);
    expect(() => createPorticoVerifier({ audience: 'orders' })).toThrow(/gatewayUrl/);
  });
});

/** A real node server around `handler`, and one request to it. */
async function serveOnce(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
  headers: Record<string, string>,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  try {
    return await new Promise((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, path: '/orders/1', headers, agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }));
      });
      req.on('error', reject);
      req.end();
    });
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

describe('withPortico (plain http)', () => {
  const handler = (req: IncomingMessage, res: ServerResponse): void =>
    withPortico({ gatewayUrl: jwks.url, audience: 'orders' }, (request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(request.portico));
    })(req, res);

  it('runs the handler with the caller for a good token', async () => {
    const reply = await serveOnce((req, res) => handler(req, res), { authorization: `Bearer ${await token()}` });
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body)).toMatchObject({ subscriptionId: 'alice', operationId: 'get-order' });
  });

  it('answers 401 with WWW-Authenticate otherwise, without echoing the token', async () => {
    const bad = await token({ audience: 'payments' });
    const reply = await serveOnce((req, res) => handler(req, res), { authorization: `Bearer ${bad}` });
    expect(reply.status).toBe(401);
    expect(reply.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
    expect(reply.body).not.toContain(bad);
    const missing = await serveOnce((req, res) => handler(req, res), {});
    expect(missing).toMatchObject({ status: 401, headers: { 'www-authenticate': 'Bearer' } });
  });
});

describe('porticoExpress', () => {
  /** Express's calling convention over node http: middleware(req, res, next), then the route. */
  function expressLike(middleware: ReturnType<typeof porticoExpress>, seen: { error?: unknown }) {
    return (req: IncomingMessage & { portico?: PorticoCaller }, res: ServerResponse) => {
      const next: NextFunction = (error) => {
        if (error !== undefined) {
          seen.error = error;
          res.writeHead(418).end();
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(req.portico));
      };
      middleware(req, res, next);
    };
  }

  it('sets req.portico and calls next() for a good token', async () => {
    const seen: { error?: unknown } = {};
    const reply = await serveOnce(expressLike(porticoExpress({ gatewayUrl: jwks.url, audience: 'orders' }), seen), {
      authorization: `Bearer ${await token()}`,
    });
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body)).toMatchObject({ productId: 'starter', userId: 'u1' });
    expect(seen.error).toBeUndefined();
  });

  it('answers 401 itself, or hands the refusal to next(error) when asked', async () => {
    const seen: { error?: unknown } = {};
    const refused = await serveOnce(expressLike(porticoExpress({ gatewayUrl: jwks.url, audience: 'orders' }), seen), {});
    expect(refused.status).toBe(401);
    const passed = await serveOnce(expressLike(porticoExpress({ gatewayUrl: jwks.url, audience: 'orders' }, { passErrors: true }), seen), {});
    expect(passed.status).toBe(418);
    expect(seen.error).toMatchObject({ code: 'MissingToken', status: 401 });
  });
});

describe('Fastify', () => {
  it('the plugin guards every route of the instance it is registered on', async () => {
    const app = Fastify();
    await app.register(porticoFastify, { gatewayUrl: jwks.url, audience: 'orders' });
    app.get('/orders/:id', async (request) => request.portico);
    try {
      const ok = await app.inject({ url: '/orders/1', headers: { authorization: `Bearer ${await token()}` } });
      expect(ok.statusCode).toBe(200);
      expect(ok.json()).toMatchObject({ subscriptionId: 'alice', apiId: 'orders' });
      const refused = await app.inject({ url: '/orders/1', headers: { authorization: `Bearer ${await token({ audience: 'x' })}` } });
      expect(refused.statusCode).toBe(401);
      expect(refused.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
    } finally {
      await app.close();
    }
  });

  it('the hook guards one route', async () => {
    const app = Fastify();
    app.get('/open', async () => ({ open: true }));
    app.get('/orders/:id', { onRequest: porticoFastifyHook({ gatewayUrl: jwks.url, audience: 'orders' }) }, async (request) => request.portico);
    try {
      expect((await app.inject({ url: '/open' })).statusCode).toBe(200);
      expect((await app.inject({ url: '/orders/1' })).statusCode).toBe(401);
      const ok = await app.inject({ url: '/orders/1', headers: { authorization: `Bearer ${await token()}` } });
      expect(ok.json()).toMatchObject({ operationId: 'get-order' });
    } finally {
      await app.close();
    }
  });
});
