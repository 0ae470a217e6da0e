/**
 * A real OpenID Connect discovery + JWKS server for tests (node http on 127.0.0.1:0). Each
 * tenant has its own path, key set and fetch counters: `/{tenant}/.well-known/openid-configuration`
 * names `/{tenant}/jwks`. A tenant can be made to fail, to answer huge documents, or to hold
 * its JWKS answers until released (to see concurrent requests share one fetch).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface TestTenant {
  /** Public JWKs served; replace to rotate keys. */
  keys: Record<string, unknown>[];
  discoveryFetches: number;
  jwksFetches: number;
  /** Answer every request for this tenant with this status (and no JSON). */
  failWith: number | null;
  /** Answer the JWKS with this many bytes of padding (to exceed size limits). */
  padJwks: number;
  /** Hold JWKS answers until `release()`. */
  hold: boolean;
  /** The issuer the discovery document names; null: none. */
  issuer: string | null;
  release(): void;
}

export interface OidcServer {
  readonly base: string;
  /** Creates (or returns) a tenant; its discovery URL is `discoveryUrl(name)`. */
  tenant(name: string, keys?: Record<string, unknown>[]): TestTenant;
  discoveryUrl(name: string): string;
  issuerOf(name: string): string;
  close(): Promise<void>;
}

export async function startOidcServer(): Promise<OidcServer> {
  const tenants = new Map<string, TestTenant>();
  const sockets = new Set<Socket>();
  let base = '';

  const server: Server = createServer((req, res) => {
    const match = /^\/([^/]+)\/(\.well-known\/openid-configuration|jwks)$/.exec((req.url ?? '/').split('?')[0]);
    const tenant = match === null ? undefined : tenants.get(match[1]);
    if (match === null || tenant === undefined) {
      res.statusCode = 404;
      res.end();
      return;
    }
    const send = (body: unknown): void => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(body));
    };
    if (match[2] === 'jwks') {
      tenant.jwksFetches++;
      const answer = (): void => {
        if (tenant.failWith !== null) {
          res.statusCode = tenant.failWith;
          res.end('down');
          return;
        }
        send(tenant.padJwks > 0 ? { keys: tenant.keys, padding: 'x'.repeat(tenant.padJwks) } : { keys: tenant.keys });
      };
      if (tenant.hold) held.push(answer);
      else answer();
      return;
    }
    tenant.discoveryFetches++;
    if (tenant.failWith !== null) {
      res.statusCode = tenant.failWith;
      res.end('down');
      return;
    }
    send({
      ...(tenant.issuer === null ? {} : { issuer: tenant.issuer }),
      jwks_uri: `${base}/${match[1]}/jwks`,
      authorization_endpoint: `${base}/${match[1]}/authorize`,
      id_token_signing_alg_values_supported: ['RS256', 'ES256'],
    });
  });
  const held: (() => void)[] = [];
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    base,
    tenant(name, keys = []) {
      let tenant = tenants.get(name);
      if (tenant === undefined) {
        tenant = {
          keys,
          discoveryFetches: 0,
          jwksFetches: 0,
          failWith: null,
          padJwks: 0,
          hold: false,
          issuer: `${base}/${name}`,
          release() {
            this.hold = false;
            for (const answer of held.splice(0)) answer();
          },
        };
        tenants.set(name, tenant);
      }
      return tenant;
    },
    discoveryUrl: (name) => `${base}/${name}/.well-known/openid-configuration`,
    issuerOf: (name) => `${base}/${name}`,
    async close() {
      for (const answer of held.splice(0)) answer();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
